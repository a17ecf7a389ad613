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
