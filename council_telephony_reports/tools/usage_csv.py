"""Monthly usage CSV from the PBX or the carrier (C18), without the ORM.

Columns (a header row with these names, in any order; comma or semicolon):
period (YYYY-MM), number (extension or line), department, calls, minutes, cost.
UTF-8, with or without a byte-order mark. Every row is checked before anything
is imported; errors name the file's line number and a reason code that the
model translates.
"""

import csv
import io
import re
from collections import namedtuple
from datetime import date

COLUMNS = ("period", "number", "department", "calls", "minutes", "cost")

UsageRow = namedtuple("UsageRow", "line period number department calls minutes cost")
RowError = namedtuple("RowError", "line reason value")

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
# Plain decimal notation: float() would also take 1e3, nan, inf and 1_000.
_AMOUNT = re.compile(r"\d+(\.\d+)?")
# More than any month of one line, and within PostgreSQL's integer.
MAX_AMOUNT = 10**9


def _number(text, integer=False, decimal_comma=False):
    # In a semicolon file a comma is the decimal separator (12,5); in a comma
    # file it can only be a thousands separator inside quotes (1,024.50).
    text = (text or "").strip()
    text = (
        text.replace(".", "").replace(",", ".")
        if decimal_comma
        else text.replace(",", "")
    )
    if not _AMOUNT.fullmatch(text):
        raise ValueError
    value = int(text) if integer else float(text)
    if value > MAX_AMOUNT:
        raise ValueError
    return value


def parse(data, parse_number):
    """Return ``(rows, errors)``. ``parse_number(text)`` returns the normalized
    extension or line number, or raises ValueError with a reason code."""
    rows, errors = [], []
    for item in iter_parse(data, parse_number):
        (errors if isinstance(item, RowError) else rows).append(item)
    return rows, errors


def iter_parse(data, parse_number):
    """Yield a UsageRow or a RowError for each row, in file order, so that a
    large file is checked and converted in one pass."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield RowError(0, "encoding", "")
        return
    # The header tells the delimiter: the cells below may hold either.
    header_line = (text[:4096].splitlines() or [""])[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    # newline="": csv reads line ends itself (\r\n, \n, or \r alone).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error:
        header = []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        yield RowError(1, "header", ", ".join(missing))
        return
    index = {name: header.index(name) for name in COLUMNS}
    line = 1
    while True:
        line += 1
        try:
            cells = next(reader, None)
        except csv.Error:  # e.g. a cell longer than csv's field limit
            yield RowError(line, "unreadable", "")
            continue
        if cells is None:
            return
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield RowError(line, "columns", str(len(cells)))
            continue
        value = {name: cells[index[name]].strip() for name in COLUMNS}
        match = _PERIOD.match(value["period"])
        if not match or not (int(match.group(1)) and 1 <= int(match.group(2)) <= 12):
            yield RowError(line, "period", value["period"])
            continue
        try:
            number = parse_number(value["number"])
        except ValueError as error:
            yield RowError(line, str(error) or "number", value["number"])
            continue
        try:
            calls = _number(value["calls"], integer=True)
            minutes = _number(value["minutes"], decimal_comma=delimiter == ";")
            cost = _number(value["cost"], decimal_comma=delimiter == ";")
        except ValueError:
            amounts = f"{value['calls']} / {value['minutes']} / {value['cost']}"
            yield RowError(line, "amount", amounts)
            continue
        period = date(int(match.group(1)), int(match.group(2)), 1)
        yield UsageRow(line, period, number, value["department"], calls, minutes, cost)
