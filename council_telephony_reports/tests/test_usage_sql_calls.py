import io
import itertools

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


def months(cr):
    """The monthly rows of calls, in order."""
    cr.execute(
        """SELECT month::text, number, line, calls, seconds, cost
             FROM telephony_usage_months ORDER BY month, number"""
    )
    return cr.fetchall()


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
        sql_months = months(self.env.cr)
        usage_sql.drop(cr)
        usage_sql.create_calls(cr)
        cr._obj.copy_expert(
            "COPY telephony_usage_calls (line, number, start, call, seconds, cost)"
            " FROM STDIN",
            io.BytesIO("".join(lines).encode()),
        )
        usage_sql.group_calls(cr, usage_sql.stored_calls(), TZ, TZ, by_call=True)
        self.assertEqual(sql_months, months(self.env.cr))
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


class TestUsageCallTotals(TransactionCase):
    """4.2.5, C18: a file of calls whose times are the council's is totalled
    by Python as it is read (``usage_files.CallTotals``): the same monthly
    rows as the checking way, which stores each call and totals them in
    SQL; a bad row or a refused number stops it, and the checking way then
    names them."""

    def _totals(self, text, limit=1000, cost=False):
        """The monthly rows of ``text`` totalled by Python, None when it
        stopped, and by the checking way (None when it refuses a row)."""
        layout = usage_files.Layout(header=False, filter_values=("ANSWERED",))
        index = {"number": 0, "start": 1, "duration": 2, "filter": 3}
        if cost:
            index["cost"] = 4
        calls = usage_files.CallRows(layout, index, None, normal)
        totals = usage_files.CallTotals(calls, limit)
        rows = usage_files.read_rows(io.BytesIO(text.encode()), layout)[1]
        while totals.add(itertools.islice(rows, 2)):
            pass
        data = None if totals.bad or totals.full else totals.lines()
        cr = self.env.cr
        python = None
        if data is not None:
            usage_sql.drop(cr)
            usage_sql.copy_months(cr, data)
            python = months(self.env.cr)
        usage_sql.drop(cr)
        usage_sql.create_calls(cr)
        rows = usage_files.read_rows(io.BytesIO(text.encode()), layout)[1]
        source = usage_files.CopySource(rows, calls, 1000, 10)
        while source.next_piece():
            usage_sql.copy_rows(cr, "telephony_usage_calls", source)
        if source.error_count:
            return python, None, totals
        usage_sql.group_calls(cr, usage_sql.stored_calls(), TZ, TZ, by_call=False)
        return python, months(self.env.cr), totals

    def test_the_same_months_as_the_checking_way(self):
        text = (
            record("4101", "2026-10-05 09:00:00", 120)
            + record("4101", "2026-10-05 09:10:00", 30, "NO ANSWER")
            + record("4101", "2026-10-05 09:20:00", 0)
            # The same number written otherwise, in the same month.
            + record(" 41-01\u00a0", "2026/10/31T23:59:59 ", '" 12,5"')
            # Over midnight at the end of the month: the month it started in.
            + record("4101", "2026-11-01 00:00:00", 60)
            # Summer time: an hour that does not exist, one that is twice.
            + record("4102", "2026-03-27 02:30:00", 45)
            + record("4102", "2026-10-25 01:30:00", 15)
            # A time with its offset; a week date.
            + record("4102", "2026-10-31T23:30:00+02:00", 10)
            + record("4102", "2026-W44-6T23:00:00", 5)
            + record("4102", "2026-10-05 09:00:00", "0000000060")
            + record("08-9123456", "2026-11-30 23:59:59", 3600)
        )
        python, sql, _totals = self._totals(text)
        self.assertEqual(python, sql)
        self.assertEqual(
            [row[:4] for row in python],
            [
                ("2026-03-01", "4102", 6, 1),
                ("2026-10-01", "4101", 1, 2),
                ("2026-10-01", "4102", 7, 4),
                ("2026-11-01", "08-912-3456", 11, 1),
                ("2026-11-01", "4101", 5, 1),
            ],
        )
        self.assertEqual(python[1][4], 132.5)

    def test_costs_of_the_file_are_totalled_as_numbers(self):
        text = (
            record("4101", "2026-10-05 09:00:00", 120, cost="1,024.50")
            + record("4101", "2026-10-06 09:00:00", 60, cost="+.5")
            + record("4101", "2026-10-07 09:00:00", 60, cost="0.1")
            + record("4101", "2026-10-08 09:00:00", 60, cost="0.2")
        )
        python, sql, _totals = self._totals(text, cost=True)
        self.assertEqual(python, sql)
        # Not 1025.3000000000002, as floats add up.
        self.assertEqual(str(python[0][5]), "1025.3")

    def test_a_bad_row_or_number_stops_it_for_the_checking_way(self):
        good = record("4101", "2026-10-05 09:00:00", 60)
        for bad in (
            record("4101", "2026-02-30 09:00:00", 60),
            record("4101", "2026-10-05 24:00:00", 60),
            record("4101", "2026-10-05 09:00:00", "1:00"),
            record("41", "2026-10-05 09:00:00", 60),
            '"4101","2026-10-05 09:00:00"\n',
        ):
            python, sql, totals = self._totals(good + bad + good)
            self.assertEqual((python, sql), (None, None), bad)
            self.assertTrue(totals.bad, bad)
        # An unanswered call is not read: what it holds does not matter.
        python, sql, _totals = self._totals(
            good + record("41", "", "x", "NO ANSWER") + good
        )
        self.assertEqual(python, sql)
        self.assertEqual(python[0][3], 2)

    def test_more_totals_than_it_keeps_are_left_to_postgresql(self):
        text = "".join(
            record(str(4100 + n), f"2026-{month:02d}-05 09:00:00", 60)
            for n in range(3)
            for month in (1, 2)
        )
        python, sql, totals = self._totals(text, limit=6)
        self.assertEqual(len(python), 6)
        python, sql, totals = self._totals(text, limit=5)
        self.assertTrue(totals.full)
        self.assertIsNone(python)
        self.assertEqual(len(sql), 6)
