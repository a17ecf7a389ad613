"""Monthly usage CSV from the PBX or the carrier (C18), without the ORM.

Columns (a header row with these names, in any order; comma or semicolon):
period (YYYY-MM), number (extension or line), department, calls, minutes, cost.
UTF-8, with or without a byte-order mark.

The rows themselves are loaded by PostgreSQL ``COPY`` and checked in SQL (see
``telephony.usage.import``). Here: the header, the separator, and the rows of
a file that ``COPY`` cannot read as a table (a row with too many or too few
columns, blank lines, a row csv cannot read), each named by its line in the
file.
"""

import codecs
import csv
import io
import re
from collections import namedtuple
from datetime import date

COLUMNS = ("period", "number", "department", "calls", "minutes", "cost")

Header = namedtuple("Header", "body delimiter width index")
RowError = namedtuple("RowError", "line reason value column", defaults=("",))

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_FIRST_LINE = re.compile(rb"[^\r\n]*")
# The header is read in the file's first bytes.
_HEAD_BYTES = 1024 * 1024


def read_header(data):
    """Return a ``Header`` (the file as a binary stream at its first byte
    after the byte-order mark, the separator, the number of columns and
    where each of ``COLUMNS`` is), or a ``RowError`` when the header cannot
    be read. ``data``: the file's bytes, or a binary stream of them (read
    from where it is, a piece at a time: see ``iter_rows``)."""
    body = io.BytesIO(data) if isinstance(data, bytes) else data
    start = body.tell()
    head = body.read(_HEAD_BYTES)
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    body.seek(start + bom)
    # Lines end in \r\n, \n, or \r alone (old Macs).
    first = _FIRST_LINE.match(head, bom).group()
    try:
        first_line = first.decode("utf-8")
    except UnicodeDecodeError:
        return RowError(0, "encoding", "")
    # The header tells the separator: the cells below may hold either, and in
    # a semicolon file the comma is the decimal separator.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        header = [
            name.strip().lower()
            for name in next(csv.reader([first_line], delimiter=delimiter), [])
        ]
    except csv.Error:  # e.g. a cell longer than csv's field limit
        header = []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return RowError(1, "header", ", ".join(missing))
    index = {name: header.index(name) for name in COLUMNS}
    return Header(body, delimiter, len(header), index)


def iter_rows(header):
    """Yield ``(line, cells)`` for each row of the right width, or a
    ``RowError`` for a row of another width, a row csv cannot read (a cell
    longer than its field limit) or a file that is not UTF-8. Blank rows are
    skipped; line numbers count the header as line 1. PostgreSQL takes no NUL
    character in text: one is shown as U+FFFD, in a cell the checks refuse."""
    # newline="": csv reads line ends itself (\r\n, \n, or \r alone). The
    # file is decoded as it is read: bytes that are not UTF-8 end the rows.
    text = io.TextIOWrapper(header.body, encoding="utf-8", newline="")
    reader = csv.reader(text, delimiter=header.delimiter)
    line = 0
    try:
        while True:
            line += 1
            try:
                cells = next(reader, None)
            except csv.Error:
                yield RowError(line, "unreadable", "")
                continue
            except UnicodeDecodeError:
                yield RowError(0, "encoding", "")
                return
            if cells is None:
                return
            if line == 1 or not any(cell.strip() for cell in cells):
                continue
            if len(cells) != header.width:
                yield RowError(line, "columns", str(len(cells)))
                continue
            yield line, [cell.replace("\x00", "\ufffd") for cell in cells]
    finally:
        # The stream stays open (the wrapper would close it when it goes).
        text.detach()


def parse_period(text):
    """The month written ``YYYY-MM`` as the date of its first day, or None."""
    match = _PERIOD.match(text)
    if not match or not (int(match.group(1)) and 1 <= int(match.group(2)) <= 12):
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


# Amounts PostgreSQL reads as the checks in SQL do, whatever the separator
# (the checks rewrite a semicolon file's decimal comma and thousands dot:
# digits alone are the same there), from 0 to under the checks' maximum.
_CALLS = "[0-9]{1,9}"
_AMOUNT = {",": r"[0-9]{1,9}(?:\.[0-9]{1,15})?", ";": _CALLS}
# COPY's NULL, in its text format.
COPY_NULL = "\\N"
# The file is read in pieces of this many bytes, cut after a whole line, and
# stored by one COPY for about this many.
PLAIN_PIECE = 1024 * 1024
PLAIN_COPY = 16 * PLAIN_PIECE


class PlainRows:
    """The rows of a file of this system's layout as ``telephony_usage``
    stores them, in COPY's text format, read as ``copy_expert`` asks for
    them (a file-like object): the file is read, mapped and stored at once,
    a piece at a time, with no work table.

    Only a file read surely as the work table and the checks in SQL read it
    (see ``telephony.usage.import``): UTF-8 lines of the header's width, each
    cell quoted whole or not at all, no blank line, NUL or carriage return but
    before a line end; amounts of plain digits (``_AMOUNT``); each period,
    number and department one the checks take. ``key(kind, raw)`` gives the
    stored value of a key of the file (``period``: the month, ``number``:
    ``(number, register entry, its department)``, ``department``: its id or
    ""), or None when the checks refuse it. At the first other row the rows
    end, with ``unsure`` set: the caller then undoes what was stored, and
    checks the file the slow way, which names the bad rows.

    Each COPY takes the rows of ``limit`` bytes of the file at most, to show
    how far it is between them (``next_piece``, as ``usage_files.CopySource``):
    no other query can run on the connection while a COPY does."""

    def __init__(self, header, company_id, key, limit=PLAIN_COPY):
        self.unsure = False
        self._body = header.body
        self._delimiter = d = header.delimiter
        self._width = header.width
        self._index = header.index
        self._company = str(company_id)
        self._key = key
        self._limit = limit
        self._piece_end = 0
        self._keys = {"period": {}, "number": {}, "department": {}}
        self._first = True
        self._rest = b""
        self._start = self._body.tell()
        self._done = False
        cell = f'[^{re.escape(d)}"\n]*'
        amounts = {
            header.index["calls"]: _CALLS,
            header.index["minutes"]: _AMOUNT[d],
            header.index["cost"]: _AMOUNT[d],
        }
        line = re.escape(d).join(
            f"({amounts.get(i, cell)})" for i in range(header.width)
        )
        # The cells of each plain line of a piece, read at once (a line that
        # is not plain is left out: the piece is then read line by line).
        self._plain = re.compile(f"^{line}$", re.MULTILINE)
        quoted = f'(?:"(?:[^"]|"")*"|[^"{re.escape(d)}]*)'
        self._quoted = re.compile(f"{quoted}(?:{re.escape(d)}{quoted})*")
        self._calls = re.compile(_CALLS)
        self._amount = re.compile(_AMOUNT[d])

    @property
    def done(self):
        """How many bytes of the file were read."""
        return self._body.tell() - self._start - len(self._rest)

    def next_piece(self):
        """Whether there are rows left for one more COPY."""
        self._piece_end = self.done + self._limit
        return not self._done

    def _next_bytes(self, _size=-1):
        """The next piece of the rows as stored, whatever size is asked
        (``copy_expert`` sends what it is given); nothing at the end of the
        COPY's piece of the file."""
        while not self._done and self.done < self._piece_end:
            stored = self._fill()
            if stored:
                return stored
        return b""

    # What copy_expert reads by.
    read = _next_bytes

    def _stop(self):
        self.unsure = self._done = True
        return b""

    def _fill(self):
        """The next piece of the file's rows as stored."""
        chunk = self._body.read(PLAIN_PIECE)
        data = self._rest + chunk
        end = data.rfind(b"\n") + 1 if chunk else len(data)
        piece, self._rest = data[:end], data[end:]
        if not chunk:
            self._done = True
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:
            return self._stop()
        if "\r" in text:
            text = text.replace("\r\n", "\n")
            if "\r" in text:
                return self._stop()
        if "\x00" in text:
            return self._stop()
        if self._first:
            self._first = False
            text = text.partition("\n")[2]
        if text and not text.endswith("\n"):
            # The file's last line, with no line end.
            text += "\n"
        stored = self._map(text)
        if stored is None:
            return self._stop()
        return stored.encode()

    def _cells(self, text):
        """Each line's cells, or None when a line is not surely read."""
        rows = self._plain.findall(text)
        if len(rows) == text.count("\n"):
            return rows
        delimiter, width, index = self._delimiter, self._width, self._index
        lines = text.split("\n")
        lines.pop()
        rows = []
        for line in lines:
            if '"' in line:
                if not self._quoted.fullmatch(line):
                    return None
                cells = next(csv.reader([line], delimiter=delimiter))
            else:
                cells = line.split(delimiter)
            if not (
                len(cells) == width
                and self._calls.fullmatch(cells[index["calls"]])
                and self._amount.fullmatch(cells[index["minutes"]])
                and self._amount.fullmatch(cells[index["cost"]])
            ):
                return None
            rows.append(cells)
        return rows

    def _map(self, text):
        """The piece's lines as stored, or None at the first one not surely
        read."""
        rows = self._cells(text)
        if rows is None:
            return None
        index = self._index
        i_period, i_number, i_department = (
            index["period"],
            index["number"],
            index["department"],
        )
        i_calls, i_minutes, i_cost = index["calls"], index["minutes"], index["cost"]
        periods, numbers, departments = (
            self._keys["period"],
            self._keys["number"],
            self._keys["department"],
        )
        key, company = self._key, self._company
        out = []
        for cells in rows:
            raw = cells[i_period]
            try:
                period = periods[raw]
            except KeyError:
                period = periods[raw] = key("period", raw)
            raw = cells[i_number]
            try:
                number = numbers[raw]
            except KeyError:
                found = key("number", raw)
                number = numbers[raw] = found and (
                    f"{found[0]}\t{found[1] or COPY_NULL}",
                    str(found[2] or COPY_NULL),
                )
            raw = cells[i_department]
            try:
                department = departments[raw]
            except KeyError:
                department = departments[raw] = key("department", raw)
            if period is None or number is None or department is None:
                return None
            # 4.2.5: a row that names no department is charged to its
            # register entry's department (as usage_sql.replace does).
            out.append(
                f"{company}\t{period}\t{number[0]}\t{department or number[1]}"
                f"\t{cells[i_calls]}\t{cells[i_minutes]}\t{cells[i_cost]}\n"
            )
        return "".join(out)
