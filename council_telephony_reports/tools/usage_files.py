"""The files a PBX or a carrier really exports (4.2.5, C18), read without the
ORM: their encoding, their rows as a stream (CSV or XLSX), which known format
a file looks like, and each row mapped by an import profile (``Layout``) to
the row PostgreSQL ``COPY`` takes (see ``usage_sql``).

Nothing here holds the file: rows are read, mapped and written to ``COPY`` a
piece at a time, or totalled per month and number as they are read
(``CallTotals``), so that the memory of an import does not grow with its
file.
"""

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .usage_csv import COPY_NULL, RowError

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
# A CSV file is decoded a piece of this many bytes at a time.
CSV_PIECE = 1024 * 1024
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


class _NotEncoding(ValueError):
    """Bytes of a CSV file that are not its encoding, on ``line``."""

    def __init__(self, line):
        super().__init__(line)
        self.line = line


def line_ends(data):
    """How many lines end in ``data``: at \\n, \\r\\n or \\r alone, as csv
    reads them."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def line_pieces(stream, size):
    """Yield the bytes of ``stream`` from where it is, about ``size`` at a
    time, each piece cut after its last line end (\\n, or \\r alone but at
    the end, which may be the first half of \\r\\n; a line longer than a
    piece is read on), and how many bytes were read up to its end."""
    start = stream.tell()
    rest = b""
    while True:
        chunk = stream.read(size)
        data = rest + chunk
        if not data:
            return
        end = len(data)
        if chunk:
            end = max(data.rfind(b"\n"), data.rfind(b"\r", 0, end - 1)) + 1
        piece, rest = data[:end], data[end:]
        yield piece, stream.tell() - start - len(rest)


def _csv_rows(stream, layout, head):
    """Yield ``(line, cells)`` of a CSV file as it is read, the first
    ``head`` records as they are and blank ones after them left out; a
    ``RowError`` for a record csv cannot read or bytes that are not the
    file's encoding (on the line they are on)."""
    stream.seek(0)
    encoding = layout.encoding
    if encoding == "auto":
        encoding = detect_encoding(stream.read(HEAD_BYTES))
        stream.seek(0)
    elif encoding == "utf-8":
        encoding = "utf-8-sig"

    def pieces():
        """The file decoded a piece at a time, each of whole lines, which
        csv reads from memory (a million records: about half a second less
        than line by line from a text stream)."""
        decoder = codecs.getincrementaldecoder(encoding)()
        for piece, _done in line_pieces(stream, CSV_PIECE):
            # A piece ends at a line end or the file's end: a character cut
            # short there is not the encoding.
            try:
                text = decoder.decode(piece, final=True)
            except UnicodeDecodeError as error:
                line = reader.line_num + line_ends(piece[: error.start]) + 1
                raise _NotEncoding(line) from error
            yield io.StringIO(text, newline="")

    options = {"delimiter": layout.delimiter or ","}
    if layout.quotechar:
        options["quotechar"] = layout.quotechar
    else:
        options["quoting"] = csv.QUOTE_NONE
    reader = csv.reader(itertools.chain.from_iterable(pieces()), **options)
    line = 1
    while True:
        # The records are read by csv's own loop (a million records: a
        # second less than asking for each); an error ends the loop, and
        # the next one goes on after the record csv could not read.
        try:
            for cells in reader:
                if head:
                    head -= 1
                # A record whose last cell has text is no blank line (one
                # strip, not a join of all the cells: 0.2 s a million).
                elif not (cells and cells[-1].strip()) and not "".join(cells).strip():
                    line = reader.line_num + 1
                    continue
                yield line, cells
                line = reader.line_num + 1
            return
        except csv.Error:
            head = max(head - 1, 0)
            yield RowError(line, "unreadable", "")
            line = reader.line_num + 1
        except _NotEncoding as error:
            yield RowError(error.line, "not_encoding", encoding.replace("-sig", ""))
            return


def _xlsx_rows(stream, head):
    """Yield ``(line, cells)`` of the first sheet of an XLSX file, read as it
    streams (openpyxl's read-only mode), the first ``head`` rows as they are
    and blank ones after them left out."""
    import openpyxl  # noqa: PLC0415 - only XLSX files need it

    stream.seek(0)
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a spreadsheet, whatever the cause
        yield RowError(0, "xlsx", "")
        return
    try:
        for line, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            if line > head and not any(_text(cell).strip() for cell in row):
                continue
            yield line, list(row)
    finally:
        book.close()


def read_rows(stream, layout):
    """Return ``(header, rows)``: the header's cells (None without one) and
    an iterator of the data rows as ``(line, cells)`` or ``RowError``; blank
    rows are left out. Or ``(RowError, None)`` when the file cannot be read
    up to its data."""
    # The lines to skip are counted as the file has them, blank or not.
    head = layout.skip_lines
    if layout.header:
        head += 1 + layout.skip_after_header
    if layout.file_type == "xlsx":
        rows = _xlsx_rows(stream, head)
    else:
        rows = _csv_rows(stream, layout, head)
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

    def call(self, line, cells):
        """A record as a call: ``(number, start, call, seconds, cost)``
        (the cost None when the file has none), None to leave it out, or a
        RowError."""
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
        cost = None
        if "cost" in index:
            cost = parse_amount(cells[index["cost"]])
            if cost is None:
                value = _text(cells[index["cost"]])
                return RowError(line, "amount", value, self.column("cost"))
        call = _text(cells[index["call_id"]]) if "call_id" in index else ""
        return number, start, call, seconds, cost

    def map(self, line, cells):
        """The COPY line of a record, None to leave it out, or a RowError."""
        call = self.call(line, cells)
        if call is None or isinstance(call, RowError):
            return call
        number, start, call, seconds, cost = call
        cost = COPY_NULL if cost is None else repr(cost)
        return (
            f"{line}\t{number}\t{start.isoformat(' ')}\t{_copy_text(call)}"
            f"\t{seconds}\t{cost}\n"
        )


def _add_to(total, line, count, seconds, cost):
    """Add calls to a total ``[first line, calls, seconds, cost]``."""
    total[0] = min(total[0], line)
    total[1] += count
    total[2] += seconds
    if cost is not None:
        total[3] += cost


class CallTotals:
    """The calls of a file totalled per month and number as they are read,
    read as ``CallRows`` reads them: for a file whose times are the
    council's (a call's month is then the month of its start as written:
    see ``usage_sql.group_calls``) and whose records are one call each (no
    call identifier: Avaya's continuation records are counted in SQL).
    The totals, not the calls, go to PostgreSQL: a file of a million calls
    is read once, by Python, and a few thousand monthly rows are stored.

    ``add`` totals the rows, per month and number as written; it stops at
    the first bad row (``bad``: the file is then read the checking way,
    which names the bad rows), or at more than ``limit`` totals (``full``:
    the memory of the totals grows with the numbers and months of the file,
    not with its calls). ``lines`` gives them per month and number in its
    normal form.

    ``stop``: the cells of a record ``add`` stops at, kept as ``after``
    (``usage_share.MARK``'s, after the part of the file Python reads)."""

    def __init__(self, calls, limit):
        self.calls = calls
        self.limit = limit
        self.bad = self.full = False
        self.stop = self.after = None
        # [first line, calls, seconds, cost] by (YYYY-MM, number cell).
        self._totals = {}

    def add(self, rows):
        """Total the rows (of ``read_rows``); return how many were read."""
        calls, totals = self.calls, self._totals
        index, layout = calls.index, calls.layout
        width, i_number, i_start, i_duration = (
            calls.width,
            index["number"],
            index["start"],
            index["duration"],
        )
        i_filter = index.get("filter")
        talk_only = layout.talk_only
        # A record is read here when its values are plain (whole seconds, a
        # date and time of the ISO shape, no cost), by ``CallRows.call``
        # otherwise (``_add_call``), which reads any value, the same way.
        plain = (
            layout.duration_unit == "seconds"
            and layout.datetime_format in ISO_FORMATS
            and "cost" not in index
        )
        counted = {}
        iso = datetime.fromisoformat
        stop = self.stop
        read = 0
        for row in rows:
            read += 1
            if isinstance(row, RowError):
                self.bad = True
                return read
            line, cells = row
            if plain and len(cells) >= width:
                if i_filter is not None:
                    value = cells[i_filter]
                    kept = counted.get(value)
                    if kept is None:
                        kept = counted[value] = (
                            _text(value).strip() in layout.filter_values
                        )
                    if not kept:
                        continue
                duration = cells[i_duration]
                start = cells[i_start]
                if (
                    type(duration) is str
                    and duration.isdigit()
                    and duration.isascii()
                    and len(duration) < 10
                    and type(start) is str
                    and len(start) == 19
                    # YYYY-MM-…: the month as written (not a week date).
                    and start[4] == "-" == start[7]
                ):
                    seconds = int(duration)
                    if not seconds and talk_only:
                        continue
                    try:
                        iso(start)
                    except ValueError:
                        # Not a date: ``CallRows.call`` names it.
                        if not self._add_call(line, cells):
                            return read
                        continue
                    key = (start[:7], cells[i_number])
                    total = totals.get(key)
                    if total is not None:
                        total[1] += 1
                        total[2] += seconds
                    elif not self._new(key, line, seconds, None):
                        return read
                    continue
            if cells == stop:
                self.after = row
                return read
            if not self._add_call(line, cells):
                return read
        return read

    def _new(self, key, line, seconds, cost):
        """A total's first call; False when there are ``limit`` totals."""
        if len(self._totals) == self.limit:
            self.full = True
            return False
        self._totals[key] = [line, 1, seconds, cost]
        return True

    def _add_call(self, line, cells):
        """Total a record as ``CallRows.call`` reads it; False when it is
        bad, or a total too many."""
        call = self.calls.call(line, cells)
        if call is None:
            return True
        if isinstance(call, RowError):
            self.bad = True
            return False
        _number, start, _call, seconds, cost = call
        key = (
            f"{start.year:04d}-{start.month:02d}",
            cells[self.calls.index["number"]],
        )
        cost = None if cost is None else Decimal(repr(cost))
        total = self._totals.get(key)
        if total is None:
            return self._new(key, line, seconds, cost)
        _add_to(total, line, 1, seconds, cost)
        return True

    def lines(self):
        """The totals per month and number in its normal form, as lines of
        COPY's text format for the work table of monthly rows of calls
        (``usage_sql.copy_months``); None when the council's numbering
        refuses a number of a call."""
        months = {}
        for (month, cell), (line, count, seconds, cost) in self._totals.items():
            number = self.calls._number(_text(cell).strip())
            if isinstance(number, RowError):
                self.bad = True
                return None
            total = months.get((month, number))
            if total is None:
                months[month, number] = [line, count, seconds, cost]
            else:
                _add_to(total, line, count, seconds, cost)
        return "".join(
            f"{month}-01\t{number}\t{line}\t{count}\t{seconds}\t"
            f"{COPY_NULL if cost is None else cost}\n"
            for (month, number), (line, count, seconds, cost) in months.items()
        )


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
