import csv
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.council_telephony.tests.common import properties

from .common import UsageImportCase

COLUMNS = ("period", "number", "department", "calls", "minutes", "cost")
# Each number as the council's numbering reads it: a file gives a number once
# a month, however it is written.
NUMBERS = {
    "4101": "4101",
    "41 01": "4101",
    "4205": "4205",
    "08-912-3456": "089123456",
    "089123456": "089123456",
    "+972 8 912 3456": "089123456",
}
VALID_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# Department names holding either delimiter, more times than a row has cells.
DEPARTMENTS = (
    "",
    "Education",
    "Parks, gardens, roads, lights, water, waste, works, trees, signs, bins, pools",
    "Sport; culture; youth; welfare; health; libraries; events; music; dance",
)

# What each kind of mistake looks like in the file, and how the message says it.
BAD_VALUES = {
    "period": st.one_of(
        st.sampled_from(
            ["2026-13", "2026-00", "0000-05", "26-10", "2026/10", "10-2026"]
        ),
        st.text(max_size=8).filter(lambda t: not VALID_PERIOD.fullmatch(t.strip())),
    ),
    "number": st.sampled_from(
        ["", "21", "123456", "21a1", "ext. 21", "0312345678", "+1 555 0100"]
    ),
    "department": st.text(max_size=10).map(lambda t: f"No such department {t}"),
    "calls": st.sampled_from(["-1", "x", "1.5", "1e3", "1_000", "nan", "99999999999"]),
    "minutes": st.sampled_from(["-1", "x", "nan", "inf", "1e3", "1_000", "9" * 30]),
    "cost": st.sampled_from(["-0.5", "x", "NaN", "Infinity", "1e400", "", "--"]),
}
REASONS = {
    "period": "is not a month written YYYY-MM",
    "number": "extension|phone number|line number",
    "department": "no department is named",
    "calls": r"the calls \(.*\) must be a whole number from 0 to 1,000,000,000",
    "minutes": r"the minutes \(.*\) must be a number from 0 to 1,000,000,000",
    "cost": r"the cost \(.*\) must be a number from 0 to 1,000,000,000",
    "columns": "wrong number of columns",
}


@st.composite
def usage_files(draw, min_rows=1):
    """A well-formed usage file: columns in any order, comma or semicolon
    (with decimal commas), with or without a byte-order mark."""
    semicolon = draw(st.booleans())
    columns = draw(st.permutations(COLUMNS))
    months = st.tuples(st.integers(2000, 2099), st.integers(1, 12))
    keys = draw(
        st.lists(
            st.tuples(months, st.sampled_from(sorted(NUMBERS))),
            min_size=min_rows,
            max_size=6,
            unique_by=lambda key: (key[0], NUMBERS[key[1]]),
        )
    )
    rows = []
    for (year, month), number in keys:
        amounts = [draw(st.integers(0, 10**6)) / 100 for _ in range(2)]
        row = {
            "period": f"{year}-{month:02d}",
            "number": number,
            "department": draw(st.sampled_from(DEPARTMENTS)),
            "calls": str(draw(st.integers(0, 10**6))),
            "minutes": f"{amounts[0]:.2f}",
            "cost": f"{amounts[1]:.2f}",
        }
        if semicolon:
            row["minutes"] = row["minutes"].replace(".", ",")
            row["cost"] = row["cost"].replace(".", ",")
        rows.append([row[column] for column in columns])
    return {
        "delimiter": ";" if semicolon else ",",
        "columns": list(columns),
        "rows": rows,
        "bom": draw(st.booleans()),
    }


def _render(file):
    buffer = io.StringIO()
    # Spreadsheets end lines with \r\n, and quote cells holding either.
    writer = csv.writer(buffer, delimiter=file["delimiter"], lineterminator="\r\n")
    writer.writerow(file["columns"])
    writer.writerows(file["rows"])
    return ("\ufeff" if file["bom"] else "") + buffer.getvalue()


class TestUsageImportProperties(UsageImportCase):
    """C18 over generated files, through the import record and its job: a
    well-formed file imports every row and importing it again changes
    nothing; a file with mistakes imports nothing and its result names every
    bad line and no other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hr.department"].create([{"name": name} for name in DEPARTMENTS[2:]])

    def _table(self):
        return self.env["telephony.usage"]._read_group(
            [], [], ["__count", "calls:sum", "minutes:sum", "cost:sum"]
        )

    def _rows(self):
        """Every usage row as read, without its id (a row replaced by the
        same is another row)."""
        fields = ["company_id", "period", "number", "extension_id", "department_id"]
        fields += ["calls", "minutes", "cost"]
        rows = self.env["telephony.usage"].search_read(
            [], fields, order="period, number"
        )
        return [[row[name] for name in fields] for row in rows]

    def _imported(self, data):
        record = self._import(data)
        self.assertEqual(record.state, "done", record.result)
        return record.result

    def _refusal(self, data):
        before = self._table()
        record = self._import(data)
        self.assertEqual(record.state, "failed", record.result)
        self.assertEqual(self._table(), before, "a refused file changed usage")
        self.assertEqual(record.row_count, 0)
        message = record.result
        self.assertTrue(message.startswith("Nothing was imported"), message)
        return message

    @properties(20)
    @given(usage_files())
    def test_a_good_file_imports_every_row_once(self, file):
        data = _render(file).encode()
        with self._rolled_back():
            result = self._imported(data)
            self.assertIn(f"{len(file['rows'])} usage rows", result)
            after_once = self._rows()
            self._imported(data)
            # The same rows, not only the same sums (which a float summed in
            # another order may miss by 1e-12).
            self.assertEqual(self._rows(), after_once)

    @properties(30)
    @given(usage_files(min_rows=2), st.data())
    def test_every_bad_line_is_named_and_nothing_imported(self, file, data):
        count = len(file["rows"])
        bad_rows = data.draw(
            st.sets(st.integers(0, count - 1), min_size=1, max_size=min(3, count))
        )
        rows, expected = [], {}
        for index, row in enumerate(file["rows"]):
            cells = list(row)
            if index in bad_rows:
                kind = data.draw(st.sampled_from([*BAD_VALUES, "columns"]))
                if kind == "columns":
                    cells = data.draw(st.sampled_from([cells[:-1], [*cells, "1"]]))
                else:
                    cells[file["columns"].index(kind)] = data.draw(BAD_VALUES[kind])
                expected[index + 2] = REASONS[kind]
            rows.append(cells)
        with self._rolled_back():
            message = self._refusal(_render(dict(file, rows=rows)).encode())
        named = [line for line in message.splitlines() if line.startswith("Line ")]
        self.assertEqual(len(named), len(expected), message)
        for line, reason in expected.items():
            self.assertIn(f"Line {line}: ", message)
            text = next(n for n in named if n.startswith(f"Line {line}: "))
            self.assertRegex(text, reason)

    @properties(15)
    @given(usage_files(), st.sampled_from(COLUMNS))
    def test_a_missing_column_is_named(self, file, missing):
        kept = [i for i, c in enumerate(file["columns"]) if c != missing]
        file = dict(
            file,
            columns=[file["columns"][i] for i in kept],
            rows=[[row[i] for i in kept] for row in file["rows"]],
        )
        with self._rolled_back():
            message = self._refusal(_render(file).encode())
        self.assertIn(f"Line 1: the header lacks the columns: {missing}", message)

    @properties(15)
    @given(usage_files(), st.data())
    def test_a_file_that_is_not_utf8_is_refused(self, file, data):
        raw = _render(file).encode()
        where = data.draw(st.integers(0, len(raw)))
        junk = data.draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\x80"]))
        with self._rolled_back():
            message = self._refusal(raw[:where] + junk + raw[where:])
        self.assertIn("the file is not UTF-8 text", message)

    def test_line_ends_of_any_system(self):
        for end in ("\r\n", "\n", "\r"):
            with self.subTest(end=repr(end)), self._rolled_back():
                data = end.join(
                    [
                        ",".join(COLUMNS),
                        "2026-10,4101,,1,2,3",
                        "2026-10,4205,,4,5,6",
                        "",
                    ]
                )
                self.assertIn("2 usage rows", self._imported(data.encode()))

    def test_a_cell_too_long_for_csv_is_named(self):
        long_cell = "x" * 200000
        # PostgreSQL reads the cell: no department has that name, and the
        # message quotes its start.
        data = "\n".join(
            [
                ",".join(COLUMNS),
                "2026-10,4101,,1,2,3",
                f"2026-10,4205,{long_cell},1,2,3",
            ]
        )
        with self._rolled_back():
            message = self._refusal(data.encode())
        self.assertIn(f"Line 3: no department is named {'x' * 60}…", message)
        self.assertNotIn("Line 2", message)
        self.assertLess(len(message), 500)
        # A file read row by row (a row of the wrong width): csv cannot read
        # the cell, and says so.
        with self._rolled_back():
            message = self._refusal(f"{data}\n2026-10,4101\n".encode())
        self.assertIn("Line 3: the line cannot be read as CSV", message)
        self.assertIn("Line 4: wrong number of columns (2)", message)
        self.assertNotIn("Line 2", message)
