"""The files a PBX or a carrier really exports (4.2.5, C18), read without the
ORM: their encoding, their rows as a stream (CSV or XLSX), which known format
a file looks like, and each row mapped by an import profile (``Layout``) to
the row PostgreSQL ``COPY`` takes (see ``usage_sql``).

Nothing here holds the file: rows are read, mapped and written to ``COPY`` a
piece at a time, so that the memory of an import does not grow with its file.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .usage_csv import RowError

# What a call record needs, and what a file already totalled per month does.
CALL_FIELDS = ("number", "start", "duration", "cost", "call_id", "filter")
TOTAL_FIELDS = ("period", "number", "department", "calls", "minutes", "cost")
REQUIRED = {
    "calls": ("number", "start", "duration"),
    "totals": ("period", "number", "calls", "minutes", "cost"),
}
# The dispositions of Asterisk (cdr-csv, FreePBX).
DISPOSITIONS = {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"}
ENCODINGS = ("utf-8", "windows-1255")
ISO_FORMATS = {"%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"}
UNIX = "unix"

_DATE_TIME = re.compile(r"^\d{4}[-/]\d{2}[-/]\d{2} \d{2}:\d{2}:\d{2}$")
_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
_PERIOD = re.compile(r"^\d{4}-\d{2}$")
HEAD_BYTES = 64 * 1024
_EPOCH = datetime(1970, 1, 1)


@dataclass
class Layout:
    """An import profile as the pipeline reads it (see
    ``telephony.usage.import.profile``). ``columns``: each field's column,
    by its name in the header or by its position from 1."""

    kind: str = "calls"
    file_type: str = "csv"
    encoding: str = "auto"
    delimiter: str = ","
    quotechar: str = '"'
    skip_lines: int = 0
    header: bool = True
    skip_after_header: int = 0
    columns: dict = field(default_factory=dict)
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    duration_unit: str = "seconds"
    filter_values: tuple = ()
    talk_only: bool = True


# === Encoding and rows === #


def detect_encoding(head):
    """UTF-8 (with or without a byte-order mark) when the file's first bytes
    read as UTF-8, else windows-1255 (Hebrew Windows, as carriers export)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut by the end of the head is still UTF-8.
        if not (error.reason == "unexpected end of data" and len(head) >= HEAD_BYTES):
            return "windows-1255"
    return "utf-8"


def _text(value):
    """A cell as text: a spreadsheet's whole number without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ")
    return str(value)


def _csv_rows(stream, layout):
    """Yield ``(line, cells)`` of a CSV file as it is read; a ``RowError``
    for a row csv cannot read or bytes that are not the file's encoding."""
    stream.seek(0)
    encoding = layout.encoding
    if encoding == "auto":
        encoding = detect_encoding(stream.read(HEAD_BYTES))
        stream.seek(0)
    elif encoding == "utf-8":
        encoding = "utf-8-sig"
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    options = {"delimiter": layout.delimiter or ","}
    if layout.quotechar:
        options["quotechar"] = layout.quotechar
    else:
        options["quoting"] = csv.QUOTE_NONE
    reader = csv.reader(text, **options)
    line = 1
    try:
        while True:
            try:
                cells = next(reader, None)
            except csv.Error:
                yield RowError(line, "unreadable", "")
                line = reader.line_num + 1
                continue
            except UnicodeDecodeError:
                yield RowError(line, "not_encoding", encoding.replace("-sig", ""))
                return
            if cells is None:
                return
            yield line, cells
            line = reader.line_num + 1
    finally:
        # The stream stays open for the next reading (the wrapper would
        # close it when it goes).
        text.detach()


def _xlsx_rows(stream):
    """Yield ``(line, cells)`` of the first sheet of an XLSX file, read as it
    streams (openpyxl's read-only mode)."""
    import openpyxl  # noqa: PLC0415 - only XLSX files need it

    stream.seek(0)
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a spreadsheet, whatever the cause
        yield RowError(0, "xlsx", "")
        return
    try:
        for line, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            yield line, list(row)
    finally:
        book.close()


def read_rows(stream, layout):
    """Return ``(header, rows)``: the header's cells (None without one) and
    an iterator of the data rows as ``(line, cells)`` or ``RowError``; blank
    rows are left out. Or ``(RowError, None)`` when the file cannot be read
    up to its data."""
    if layout.file_type == "xlsx":
        rows = _xlsx_rows(stream)
    else:
        rows = _csv_rows(stream, layout)
    # The lines to skip are counted as the file has them, blank or not.
    header = None
    for _skip in range(layout.skip_lines):
        first = next(rows, None)
        if isinstance(first, RowError):
            return first, None
    if layout.header:
        first = next(rows, None)
        if isinstance(first, RowError):
            return first, None
        header = [_text(cell).strip() for cell in first[1]] if first else []
        for _skip in range(layout.skip_after_header):
            next(rows, None)
    rows = (
        row
        for row in rows
        if isinstance(row, RowError) or any(_text(cell).strip() for cell in row[1])
    )
    return header, rows


def first_rows(stream, file_type, count=5):
    """The first rows of a file as text, read with the usual settings (for
    ``looks_like``)."""
    layout = Layout(file_type=file_type, header=False)
    try:
        rows = read_rows(stream, layout)[1] or ()
        found = []
        for row in rows:
            if isinstance(row, RowError):
                break
            found.append([_text(cell).strip() for cell in row[1]])
            if len(found) == count:
                break
        return found
    finally:
        stream.seek(0)


def looks_like(rows):
    """Which shipped format the first rows of a file are in (a preset's
    key), or None: Asterisk cdr-csv, FreePBX, Cisco CUCM, Avaya IP Office
    SMDR or this project's monthly layout."""
    if not rows:
        return None
    names = {cell.lower() for cell in rows[0]}
    if {"datetimeorigination", "callingpartynumber"} <= names:
        return "cucm"
    if {"calldate", "billsec", "disposition"} <= names:
        return "freepbx"
    if {"period", "number", "calls", "minutes", "cost"} <= names:
        return "council"
    for row in rows[:3]:
        if (
            len(row) >= 16
            and _DATE_TIME.match(row[9])
            and row[14].upper() in DISPOSITIONS
        ):
            return "asterisk"
        if len(row) >= 20 and _DATE_TIME.match(row[0]) and _HMS.match(row[1]):
            return "avaya"
    return None


def column_index(layout, header):
    """Each mapped field's position in the row, or a ``RowError`` naming the
    columns the header lacks."""
    names = [name.lower() for name in header or ()]
    index, missing = {}, []
    for name, column in layout.columns.items():
        column = (column or "").strip()
        if not column:
            continue
        if column.isdigit():
            index[name] = int(column) - 1
        elif column.lower() in names:
            index[name] = names.index(column.lower())
        else:
            missing.append(column)
    if missing:
        return RowError(layout.skip_lines + 1, "header", ", ".join(missing))
    return index


# === Values === #


def parse_datetime(value, datetime_format):
    """A cell's date and time (naive, in the profile's time zone), or None."""
    if isinstance(value, datetime):
        return value
    text = _text(value).strip()
    if not text:
        return None
    try:
        if datetime_format == UNIX:
            seconds = float(text)
            # 0 is CUCM's "never" (a call not connected).
            return _EPOCH + timedelta(seconds=seconds) if seconds > 0 else None
        if datetime_format in ISO_FORMATS:
            return datetime.fromisoformat(text.replace("/", "-"))
        return datetime.strptime(text, datetime_format)
    except (ValueError, OverflowError):
        return None


def parse_duration(value, unit):
    """A duration in seconds, or None: seconds or minutes as a number,
    ``HH:MM:SS`` (Avaya), or a spreadsheet's time of day."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    text = _text(value).strip()
    if unit == "hms":
        match = _HMS.match(text)
        if not match:
            return None
        hours, minutes, seconds = (int(part) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    try:
        amount = float(text.replace(",", "."))
    except ValueError:
        return None
    if not 0 <= amount < 10**9:
        return None
    return amount * 60 if unit == "minutes" else amount


def parse_amount(value):
    """A cost written plainly (``12.50``, ``1,024.50``), or None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if 0 <= value < 10**9 else None
    text = _text(value).strip().replace(",", "")
    if not re.fullmatch(r"\+?([0-9]+\.?[0-9]*|\.[0-9]+)", text):
        return None
    return float(text)


def _copy_text(value):
    """A value as COPY's text format writes it."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


# === Rows mapped for COPY === #


class CallRows:
    """Each call record of a file as a line of COPY's text format for the
    work table of calls (line, number, start, call, seconds, cost).

    ``normal_number``: the council's numbering (the number's normal form, or
    raises ``ValueError`` with the reason). A record that is not a call as
    the profile counts them (another disposition or direction, no talk time)
    is left out; a record whose value cannot be read is a ``RowError``
    naming its line, column and value."""

    def __init__(self, layout, index, header, normal_number):
        self.layout = layout
        self.index = index
        self.header = header
        self.normal_number = normal_number
        self._numbers = {}
        self.width = max(index.values(), default=0) + 1

    def column(self, name):
        """The column of a field as the user knows it: its name in the
        header, or its position."""
        position = self.index[name]
        if self.header and position < len(self.header):
            return self.header[position]
        return str(position + 1)

    def _number(self, raw):
        number = self._numbers.get(raw)
        if number is None:
            try:
                number = self.normal_number(raw)
            except ValueError as error:
                number = RowError(0, f"number_{error.args[0]}", raw)
            self._numbers[raw] = number
        return number

    def map(self, line, cells):
        """The COPY line of a record, None to leave it out, or a RowError."""
        index, layout = self.index, self.layout
        if len(cells) < self.width:
            return RowError(line, "columns", str(len(cells)))
        if "filter" in index:
            if _text(cells[index["filter"]]).strip() not in layout.filter_values:
                return None
        seconds = parse_duration(cells[index["duration"]], layout.duration_unit)
        if seconds is None:
            value = _text(cells[index["duration"]])
            return RowError(line, "duration", value, self.column("duration"))
        if layout.talk_only and not seconds:
            return None
        start = parse_datetime(cells[index["start"]], layout.datetime_format)
        if start is None:
            value = _text(cells[index["start"]]).strip()
            reason = "start" if value else "start_empty"
            return RowError(line, reason, value, self.column("start"))
        number = self._number(_text(cells[index["number"]]).strip())
        if isinstance(number, RowError):
            return number._replace(line=line, column=self.column("number"))
        cost = "\\N"
        if "cost" in index:
            amount = parse_amount(cells[index["cost"]])
            if amount is None:
                value = _text(cells[index["cost"]])
                return RowError(line, "amount", value, self.column("cost"))
            cost = repr(amount)
        call = _copy_text(_text(cells[index["call_id"]])) if "call_id" in index else ""
        return f"{line}\t{number}\t{start.isoformat(' ')}\t{call}\t{seconds}\t{cost}\n"


class TotalRows:
    """Each row of a file already totalled per month as a line of COPY's
    text format for the work table of monthly rows (line, period, number,
    department, calls, minutes, cost): as written, but the month in the
    profile's date format is written YYYY-MM. The rows are checked in SQL,
    as the project's own layout is."""

    def __init__(self, layout, index, header):
        self.layout = layout
        self.index = index
        self.width = max(index.values(), default=0) + 1

    def map(self, line, cells):
        if len(cells) < self.width:
            return RowError(line, "columns", str(len(cells)))
        values = []
        for name in TOTAL_FIELDS:
            value = cells[self.index[name]] if name in self.index else ""
            if name == "period":
                text = _text(value).strip()
                if not _PERIOD.match(text):
                    moment = parse_datetime(value, self.layout.datetime_format)
                    value = moment.strftime("%Y-%m") if moment else text
            values.append(_copy_text(_text(value)))
        return f"{line}\t" + "\t".join(values) + "\n"


class CopySource:
    """A file-like object for ``copy_expert``: the mapped rows of ``rows``
    as bytes, read as COPY asks for them, at most ``limit`` rows a piece
    (each piece one COPY, to show how far it is). The first ``shown`` bad
    rows are kept in ``errors``, the others counted in ``error_count``."""

    def __init__(self, rows, mapper, limit, shown):
        self._rows = rows
        self._map = mapper.map
        self.limit = limit
        self.shown = shown
        self.errors = []
        self.error_count = 0
        self.done = False
        self._count = 0
        self._buffer = b""

    def next_piece(self):
        self._count = 0
        return not self.done

    def _fill(self, size):
        lines = []
        length = 0
        while length < size and self._count < self.limit:
            row = next(self._rows, None)
            if row is None:
                self.done = True
                break
            mapped = row if isinstance(row, RowError) else self._map(*row)
            if mapped is None:
                continue
            if isinstance(mapped, RowError):
                self.error_count += 1
                if len(self.errors) < self.shown:
                    self.errors.append(mapped)
                if mapped.reason == "not_encoding":
                    self.done = True
                    break
                continue
            lines.append(mapped)
            length += len(mapped)
            self._count += 1
        return "".join(lines).encode()

    def _next_bytes(self, size=-1):
        size = size if size > 0 else 65536
        if len(self._buffer) < size:
            self._buffer += self._fill(size)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    # What copy_expert reads by.
    read = _next_bytes
