import io

from odoo.tests import TransactionCase

from odoo.addons.council_telephony.tools import numbering

from ..tools import usage_files, usage_sql


def normal(raw):
    return numbering.parse_number(raw, 3, 4)[1]


def record(number, start, seconds, disposition="ANSWERED", cost="0", call=""):
    """A record of a file of calls: number, start, talk time, disposition,
    cost, call."""
    return f'"{number}","{start}",{seconds},"{disposition}","{cost}","{call}"\n'


class TestUsageCallsInSql(TransactionCase):
    """4.2.5, C18: the calls of a CSV file read by PostgreSQL (the fast way)
    are the calls Python reads, value for value; what PostgreSQL cannot read
    surely as Python does loads nothing, and Python reads the file."""

    def _both(self, text, **layout):
        layout = usage_files.Layout(header=False, filter_values=("ANSWERED",), **layout)
        index = {"number": 0, "start": 1, "duration": 2, "filter": 3, "cost": 4}
        index["call_id"] = 5
        rows = usage_files.read_rows(io.BytesIO(text.encode()), layout)[1]
        mapper = usage_files.CallRows(layout, index, None, normal)
        python = []
        for row in rows:
            mapped = mapper.map(*row)
            if mapped is not None and not isinstance(mapped, tuple):
                line, number, start, call, seconds, cost = mapped[:-1].split("\t")
                cost = None if cost == "\\N" else float(cost)
                python.append((int(line), number, start, call, float(seconds), cost))
        cr = self.env.cr
        usage_sql.drop(cr)
        usage_sql.create_calls(cr)
        usage_sql.create_records(cr, 6, 1)
        usage_sql.copy_records(cr, 6, text.encode(), ",", '"', "utf-8")
        numbers = {}
        for raw in usage_sql.record_numbers(cr, index, layout.filter_values):
            try:
                numbers[raw] = normal(raw)
            except ValueError:
                numbers[raw] = None
        usage_sql.number_keys(cr, numbers)
        unsure = usage_sql.load_calls(cr, index, layout)
        cr.execute(
            """SELECT line, number, start, call, seconds, cost
                 FROM telephony_usage_calls ORDER BY line"""
        )
        sql = [
            (line, number, start.isoformat(" "), call, seconds, cost and float(cost))
            for line, number, start, call, seconds, cost in cr.fetchall()
        ]
        return python, sql, unsure

    def test_the_same_calls_as_python_reads_them(self):
        text = (
            record("41-01", "2026-10-05 09:00:00", 120, cost="1,024.50", call="a")
            # Spaces Python strips, no-break ones included; a decimal comma.
            + record(
                " 4101\u00a0",
                "2026/10/31T23:50:00 ",
                '" 12,5"',
                " ANSWERED\u00a0",
                " 3 ",
            )
            + record("4101", "", 0)
            + record("4102", "2026-02-30 10:00:00", 30, "NO ANSWER")
            + record("abc", "", "x", "BUSY")
            + record("08-9123456", "2026-11-01 00:05:00", 60, cost="+.5")
        )
        python, sql, unsure = self._both(text)
        self.assertEqual(unsure, 0)
        self.assertEqual(len(python), 3)
        self.assertEqual(sql, python)

    def test_talk_time_in_minutes_or_hours_and_unix_times(self):
        text = record("4101", "1790000000", "1:02:05") + record(
            "4101", "1790000060", "0:00:00"
        )
        python, sql, unsure = self._both(
            text, duration_unit="hms", datetime_format="unix"
        )
        self.assertEqual((unsure, len(python)), (0, 1))
        self.assertEqual(sql, python)
        text = record("4101", "2026-10-05 09:00:00", "2.5")
        python, sql, unsure = self._both(text, duration_unit="minutes", talk_only=False)
        self.assertEqual(sql, python)
        self.assertEqual(python[0][4], 150.0)

    def test_what_postgresql_cannot_read_surely_is_left_to_python(self):
        for text in (
            # Python's float() reads 1e3; PostgreSQL is not asked to.
            record("4101", "2026-10-05 09:00:00", "1e3"),
            record("4101", "2026-02-30 09:00:00", 60),
            record("41", "2026-10-05 09:00:00", 60),
            record("4101", "2026-10-05 09:00:00", 60, cost="12.5.1"),
        ):
            python, sql, unsure = self._both(text)
            self.assertEqual((unsure, sql), (1, []), text)
