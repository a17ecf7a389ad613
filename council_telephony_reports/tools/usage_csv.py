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


def read_header(data):
    """Return a ``Header`` (the file without its byte-order mark, the
    separator, the number of columns and where each of ``COLUMNS`` is), or a
    ``RowError`` when the header cannot be read."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    # Lines end in \r\n, \n, or \r alone (old Macs).
    first = _FIRST_LINE.match(body).group()
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
    try:
        text = header.body.decode("utf-8")
    except UnicodeDecodeError:
        yield RowError(0, "encoding", "")
        return
    # newline="": csv reads line ends itself (\r\n, \n, or \r alone).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=header.delimiter)
    line = 0
    while True:
        line += 1
        try:
            cells = next(reader, None)
        except csv.Error:
            yield RowError(line, "unreadable", "")
            continue
        if cells is None:
            return
        if line == 1 or not any(cell.strip() for cell in cells):
            continue
        if len(cells) != header.width:
            yield RowError(line, "columns", str(len(cells)))
            continue
        yield line, [cell.replace("\x00", "\ufffd") for cell in cells]


def parse_period(text):
    """The month written ``YYYY-MM`` as the date of its first day, or None."""
    match = _PERIOD.match(text)
    if not match or not (int(match.group(1)) and 1 <= int(match.group(2)) <= 12):
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
