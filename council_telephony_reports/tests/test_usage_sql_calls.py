import io

import psycopg2

from odoo.tests import TransactionCase
from odoo.tools import SQL

from odoo.addons.council_telephony.tools import numbering

from ..tools import usage_files, usage_sql

TZ = "Asia/Jerusalem"


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
        """The calls of ``text`` as Python maps them and as PostgreSQL does
        (none when it is unsure), and whether it is."""
        layout = usage_files.Layout(header=False, filter_values=("ANSWERED",), **layout)
        index = {"number": 0, "start": 1, "duration": 2, "filter": 3, "cost": 4}
        index["call_id"] = 5
        rows = usage_files.read_rows(io.BytesIO(text.encode()), layout)[1]
        mapper = usage_files.CallRows(layout, index, None, normal)
        python, lines = [], []
        for row in rows:
            mapped = mapper.map(*row)
            if mapped is not None and not isinstance(mapped, tuple):
                lines.append(mapped)
                line, number, start, call, seconds, cost = mapped[:-1].split("\t")
                cost = None if cost == "\\N" else float(cost)
                python.append((int(line), number, start, call, float(seconds), cost))
        cr = self.env.cr
        usage_sql.drop(cr)
        usage_sql.create_records(cr, 6, 1)
        usage_sql.copy_records(cr, 6, text.encode(), ",", '"', "utf-8")
        try:
            with cr.savepoint(flush=False):
                unsure = usage_sql.load_calls(
                    cr, index, layout, TZ, TZ, by_call=True, normal=normal
                )
                # Each record as mapped, its number read by the numbering.
                cr.execute(
                    SQL(
                        """SELECT line, n.number, start, call, seconds, cost
                             FROM (%s) c
                             LEFT JOIN telephony_usage_numbers n
                               ON n.raw = c.number
                            WHERE counted ORDER BY line""",
                        usage_sql.mapped_calls(index, layout),
                    )
                )
                sql = [
                    (line, number, start and start.isoformat(" "), call, seconds, cost)
                    for line, number, start, call, seconds, cost in cr.fetchall()
                ]
        except psycopg2.DataError:
            # A date that is none: PostgreSQL is unsure, and says so.
            return python, [], 1
        sql = [row[:5] + (row[5] and float(row[5]),) for row in sql]
        if unsure:
            return python, [], unsure
        # Totalled per month and number as the calls Python maps are.
        sql_months = self._months()
        usage_sql.drop(cr)
        usage_sql.create_calls(cr)
        cr._obj.copy_expert(
            "COPY telephony_usage_calls (line, number, start, call, seconds, cost)"
            " FROM STDIN",
            io.BytesIO("".join(lines).encode()),
        )
        usage_sql.group_calls(cr, usage_sql.stored_calls(), TZ, TZ, by_call=True)
        self.assertEqual(sql_months, self._months())
        return python, sql, unsure

    def _months(self):
        self.env.cr.execute(
            """SELECT month, number, line, calls, seconds, cost
                 FROM telephony_usage_months ORDER BY month, number"""
        )
        return self.env.cr.fetchall()

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
            # PostgreSQL reads these as the next day; Python refuses them.
            record("4101", "2026-10-05 24:00:00", 60),
            record("4101", "2026-10-05 23:59:60", 60),
            # Not the ISO shape (Python reads it).
            record("4101", "2026-10-05 9:00:00", 60),
            # Ten digits of seconds.
            record("4101", "2026-10-05 09:00:00", "0000000060"),
            record("41", "2026-10-05 09:00:00", 60),
            record("4101", "2026-10-05 09:00:00", 60, cost="12.5.1"),
        ):
            python, sql, unsure = self._both(text)
            self.assertTrue(unsure, text)
            self.assertEqual(sql, [], text)

    def test_the_month_of_a_call_in_any_time_zone(self):
        """A call's month without converting a start from the 3rd to the 26th
        is its month in the council's time zone, in time zones furthest
        apart and over changes of summer time."""
        pairs = [
            (TZ, TZ),
            ("UTC", TZ),
            ("Pacific/Kiritimati", "Pacific/Pago_Pago"),
            ("Pacific/Pago_Pago", "Pacific/Kiritimati"),
            ("America/Santiago", "Australia/Lord_Howe"),
        ]
        for source, council in pairs:
            self.env.cr.execute(
                f"""SELECT count(*) FILTER (WHERE month IS DISTINCT FROM exact),
                           count(*)
                      FROM (SELECT {usage_sql._MONTH} AS month,
                                   date_trunc('month', (start AT TIME ZONE
                                   %(source)s) AT TIME ZONE %(council)s)::date
                                       AS exact
                              FROM generate_series(timestamp '2025-01-01',
                                                   timestamp '2027-01-01',
                                                   interval '17 minutes') start)
                           months""",
                {"source": source, "council": council},
            )
            wrong, count = self.env.cr.fetchone()
            self.assertEqual(wrong, 0, (source, council))
            self.assertGreater(count, 60_000)
