"""Monthly usage CSV from the PBX or the carrier (C18), without the ORM.

Columns (a header row with these names, in any order; comma or semicolon):
period (YYYY-MM), number (extension or line), department, calls, minutes, cost.
UTF-8, with or without a byte-order mark.

The rows themselves are loaded by PostgreSQL ``COPY`` and checked in SQL (see
``telephony.usage.import``). Here: the header, the separator, and the rows of
a file that ``COPY`` cannot read as a table (a row with too many or too few
columns, blank lines), each named by its line in the file.
"""

import codecs
import csv
import io
import re
from collections import namedtuple
from datetime import date

COLUMNS = ("period", "number", "department", "calls", "minutes", "cost")

Header = namedtuple("Header", "body delimiter width index")
RowError = namedtuple("RowError", "line reason value")

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def read_header(data):
    """Return a ``Header`` (the file without its byte-order mark, the
    separator, the number of columns and where each of ``COLUMNS`` is), or a
    ``RowError`` when the header cannot be read."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    first = body.split(b"\n", 1)[0]
    try:
        first_line = first.decode("utf-8")
    except UnicodeDecodeError:
        return RowError(0, "encoding", "")
    # The first 4096 characters decide: in a semicolon file the comma is the
    # decimal separator.
    sample = body[:16384].decode("utf-8", "ignore")[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    header = [
        name.strip().lower()
        for name in next(csv.reader([first_line], delimiter=delimiter), [])
    ]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return RowError(1, "header", ", ".join(missing))
    index = {name: header.index(name) for name in COLUMNS}
    return Header(body, delimiter, len(header), index)


def iter_rows(header):
    """Yield ``(line, cells)`` for each row of the right width, or a
    ``RowError`` for a row of another width or a file that is not UTF-8.
    Blank rows are skipped; line numbers count the header as line 1."""
    try:
        text = header.body.decode("utf-8")
    except UnicodeDecodeError:
        yield RowError(0, "encoding", "")
        return
    reader = csv.reader(io.StringIO(text), delimiter=header.delimiter)
    next(reader, None)
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != header.width:
            yield RowError(line, "columns", str(len(cells)))
            continue
        yield line, cells


def parse_period(text):
    """The month written ``YYYY-MM`` as the date of its first day, or None."""
    match = _PERIOD.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
