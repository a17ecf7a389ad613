from odoo.exceptions import AccessError, UserError

from ..tools import usage_csv, usage_sql
from .common import HEADER, UsageImportCase


class TestUsageImport(UsageImportCase):
    """C18, 4.2.5: usage imported in bulk in the background, all or nothing,
    replacing a period, every bad row named."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idle = cls.env["telephony.extension"].create(
            {"number": "4199", "department_id": cls.department.id}
        )
        cls.imports = cls.env["telephony.usage.import"]

    def _usage(self, period):
        return self.env["telephony.usage"].search([("period", "=", period)])

    def _bad_rows(self, text):
        record = self._import(HEADER + text)
        self.assertEqual(record.state, "failed")
        return record.result.split("\n")[1:]

    def test_import_links_register_and_departments(self):
        record = self._import(
            HEADER
            + "2026-10,41 01,Education,134,412.5,38.90\n"
            + "2026-10,04-812-3456,,12,35,61.20\n"
        )
        self.assertEqual(record.state, "done")
        self.assertEqual(record.row_count, 2)
        self.assertEqual(record.periods, "10/2026")
        self.assertEqual(record.progress, 100)
        usage = self._usage("2026-10-01")
        self.assertEqual(len(usage), 2)
        first = usage.filtered(lambda u: u.number == "4101")
        self.assertEqual(first.extension_id, self.extension)
        self.assertEqual(first.department_id, self.department)
        self.assertEqual(first.calls, 134)
        self.assertAlmostEqual(first.minutes, 412.5)
        self.assertAlmostEqual(first.cost, 38.90)
        self.assertIn("04-812-3456", usage.mapped("number"))

    def test_a_bad_file_names_its_bad_rows_and_imports_nothing(self):
        self._import(HEADER + "2026-09,4101,Education,1,1,1\n")
        before = self.env["telephony.usage"].search_count([])
        record = self._import(
            HEADER
            + "2026-10,4101,Education,1,1,1\n"
            + "2026-10,21,Education,1,1,1\n"
            + "2026-10,4101,Nowhere,1,1,1\n"
            + "2026/10,4101,Education,1,1,1\n"
            + "2026-10,4101,Education,x,1,1\n"
        )
        self.assertEqual(record.state, "failed")
        self.assertEqual(record.error_count, 4, record.result)
        message = record.result
        self.assertIn("Nothing was imported", message)
        self.assertIn("Line 3: 21 is not a council extension", message)
        self.assertIn("Line 4: no department is named Nowhere", message)
        self.assertIn("Line 5: the period 2026/10 is not a month", message)
        self.assertIn("Line 6: the calls (x) must be a whole number", message)
        self.assertNotIn("Line 2", message)
        self.assertEqual(self.env["telephony.usage"].search_count([]), before)

    def test_every_reason_is_named_by_its_line(self):
        self.assertEqual(
            self._bad_rows(
                "2026-13,4101,,1,1,1\n"
                "2026-10,41a,,1,1,1\n"
                "2026-10,,,1,1,1\n"
                "2026-10,05-000-0000,,1,1,1\n"
                "2026-10,4101,,-1,1,1\n"
                "2026-10,4101,,1.5,1,1\n"
                "2026-10,4101,,1,nan,1\n"
                "2026-10,4102,,1,1,\n"
                "2026-11,4101,,1,1,1\n"
                "2026-11,41-01,,2,2,2\n"
            ),
            [
                "Line 2: the period 2026-13 is not a month written YYYY-MM",
                "Line 3: 41a is not a phone number",
                "Line 4: no extension or line number",
                "Line 5: 05-000-0000 is not a valid Israeli line number",
                "Line 6: the calls (-1) must be a whole number from 0 to 1,000,000,000",
                "Line 7: the calls (1.5) must be a whole number from 0 to "
                "1,000,000,000",
                "Line 8: the minutes (nan) must be a number from 0 to 1,000,000,000",
                "Line 9: the cost () must be a number from 0 to 1,000,000,000",
                # The same extension written two ways, twice for November.
                "Line 11: the same number and month as line 10",
            ],
        )

    def test_good_numbers_months_and_departments_but_bad_rows(self):
        # Every number, month and department is right: the rows go to the
        # usage table at once, and are taken back when one is wrong.
        before = self.env["telephony.usage"].search_count([])
        self.assertEqual(
            self._bad_rows(
                "2026-10,4101,Education,1,1,1\n"
                "2026-10,4102,Education,1,1,-1\n"
                "2026-10,4103,Education,1,inf,1\n"
            ),
            [
                "Line 3: the cost (-1) must be a number from 0 to 1,000,000,000",
                "Line 4: the minutes (inf) must be a number from 0 to 1,000,000,000",
            ],
        )
        self.assertEqual(
            self._bad_rows(
                "2026-10,4101,Education,1,1,1\n"
                "2026-10,4102,Education,1,1,1\n"
                "2026-10,41 01,Education,2,2,2\n"
            ),
            ["Line 4: the same number and month as line 2"],
        )
        self.assertEqual(self.env["telephony.usage"].search_count([]), before)

    def test_amounts_read_as_numbers_but_out_of_bounds(self):
        # Every amount reads as a number: the rows are checked without
        # matching each amount first, with the same verdicts. Only plain
        # numbers from 0 to 1,000,000,000 are amounts.
        self.assertEqual(
            self._bad_rows(
                "2026-10,4101,,-1,1,1\n"
                "2026-10,4102,,1,NaN,1\n"
                "2026-10,4103,,1,1,1e20\n"
                "2026-10,4104,,1000000001,1,1\n"
                "2026-10,4105,,1,inf,1\n"
                "2026-10,4106,,1,1e3,1\n"
                "2026-10,4107,,1,0x10,1\n"
            ),
            [
                f"Line {line}: the {column} ({amount}) must be a "
                f"{'whole ' if column == 'calls' else ''}number from 0 to "
                "1,000,000,000"
                for line, column, amount in (
                    (2, "calls", "-1"),
                    (3, "minutes", "NaN"),
                    (4, "cost", "1e20"),
                    (5, "calls", "1000000001"),
                    (6, "minutes", "inf"),
                    (7, "minutes", "1e3"),
                    (8, "minutes", "0x10"),
                )
            ],
        )
        record = self._import(HEADER + "2026-10, 4104 ,, +2 ,1000000000,2.5\n")
        self.assertEqual(record.state, "done", record.result)
        usage = self._usage("2026-10-01")
        self.assertEqual((usage.calls, usage.minutes, usage.cost), (2, 1e9, 2.5))

    def test_amounts_postgresql_cannot_read(self):
        # An amount PostgreSQL cannot read at all: each is matched first, and
        # none too large for its type reaches it.
        self.assertEqual(
            self._bad_rows(
                "2026-10,4101,,99999999999999999999,1,1\n"
                f"2026-10,4102,,1,{'9' * 400},1\n"
                "2026-10,4103,,1,1,1e400\n"
                "2026-10,4104,,1,1,x\n"
            ),
            [
                f"Line {line}: the {column} ({amount}) must be a "
                f"{'whole ' if column == 'calls' else ''}number from 0 to "
                "1,000,000,000"
                for line, column, amount in (
                    (2, "calls", "99999999999999999999"),
                    (3, "minutes", "9" * 60 + "…"),
                    (4, "cost", "1e400"),
                    (5, "cost", "x"),
                )
            ],
        )

    def test_rows_of_the_wrong_width_and_blank_lines(self):
        # COPY cannot read this file as a table: it is read row by row, and
        # still every bad row is found, by its line in the file.
        self.assertEqual(
            self._bad_rows(
                "2026-10,4101,,1,1,1\n"
                "\n"
                "2026-10,4102,,1\n"
                "2026-13,4103,,1,1,1\n"
                "2026-10,4104,,1,1,1,1\n"
            ),
            [
                "Line 4: wrong number of columns (4)",
                "Line 5: the period 2026-13 is not a month written YYYY-MM",
                "Line 6: wrong number of columns (7)",
            ],
        )
        record = self._import(HEADER + "2026-10,4101,,1,1,1\n\n2026-10,4102,,2,2,2\n\n")
        self.assertEqual(record.state, "done")
        self.assertEqual(record.row_count, 2)

    def test_utf8_with_bom_hebrew_semicolons_and_decimal_commas(self):
        hebrew = self.env["hr.department"].create({"name": "מחלקת הספורט"})
        record = self._import(
            "\ufeffPeriod;Number;Department;Calls;Minutes;Cost\n"
            "2026-10;2101;מחלקת הספורט;1.134;412,5;1.024,50\n"
        )
        self.assertEqual(record.state, "done", record.result)
        usage = self._usage("2026-10-01").filtered(lambda u: u.number == "2101")
        self.assertEqual(usage.department_id, hebrew)
        self.assertEqual(usage.calls, 1134)
        self.assertAlmostEqual(usage.minutes, 412.5)
        self.assertAlmostEqual(usage.cost, 1024.5)
        # In a comma file a comma can only group thousands, inside quotes.
        self._import(HEADER + '2026-11,2101,,"1,134",2,"1,024.50"\n')
        usage = self._usage("2026-11-01")
        self.assertEqual((usage.calls, usage.cost), (1134, 1024.5))
        # A dot that does not group thousands is not a thousands separator:
        # "1.5" calls is refused, not read as 15 (found by hypothesis).
        record = self._import(
            "Period;Number;Department;Calls;Minutes;Cost\n2026-12;2101;;1.5;0;0\n"
        )
        self.assertEqual(record.state, "failed", record.result)
        self.assertIn("Line 2: the calls (1.5) must be a whole number", record.result)

    def test_a_file_that_is_not_utf8_or_lacks_columns(self):
        self.assertEqual(
            self._import(HEADER.encode("utf-16")).result.split("\n")[1],
            "Line 0: the file is not UTF-8 text",
        )
        latin = (HEADER + "2026-10,4101,Éducation,1,1,1\n").encode("latin-1")
        self.assertEqual(
            self._import(latin).result.split("\n")[1],
            "Line 0: the file is not UTF-8 text",
        )
        self.assertEqual(
            self._import("period,number,calls\n2026-10,4101,1\n").result.split("\n")[1],
            "Line 1: the header lacks the columns: department, minutes, cost",
        )

    def test_the_first_hundred_bad_rows_and_a_count(self):
        record = self._import(
            HEADER + "".join(f"2026-10,{4000 + n},Nowhere,1,1,1\n" for n in range(250))
        )
        lines = record.result.split("\n")
        self.assertEqual(record.error_count, 250)
        self.assertEqual(len(lines), 1 + 100 + 1)
        self.assertEqual(lines[1], "Line 2: no department is named Nowhere")
        self.assertEqual(lines[-1], "… and 150 more.")

    def test_importing_a_period_again_replaces_it(self):
        self._import(HEADER + "2026-10,4101,,10,1,1\n2026-11,4101,,20,1,1\n")
        self._import(HEADER + "2026-10,4101,,30,1,1\n")
        self.assertEqual(self._usage("2026-10-01").mapped("calls"), [30])
        self.assertEqual(self._usage("2026-11-01").mapped("calls"), [20])

    def test_two_sources_of_one_month_keep_their_numbers(self):
        self._import(HEADER + "2026-10,4101,,10,1,1\n")  # the PBX export
        self._import(HEADER + "2026-10,04-812-3456,,5,1,1\n")  # the carrier's
        self.assertEqual(sorted(self._usage("2026-10-01").mapped("calls")), [5, 10])

    def test_a_department_or_register_entry_deleted_since_reads_as_none(self):
        welfare = self.env["hr.department"].create({"name": "Welfare"})
        entry = self.env["telephony.extension"].create({"number": "4177"})
        self._import(HEADER + "2026-10,4177,Welfare,3,4,5\n")
        usage = self._usage("2026-10-01")
        self.assertEqual((usage.department_id, usage.extension_id), (welfare, entry))
        welfare.unlink()
        entry.unlink()
        self.env.invalidate_all()
        self.assertFalse(usage.department_id)
        self.assertFalse(usage.extension_id)
        self.assertEqual(usage.cost, 5)
        # The usage list reads them, as the IT manager opens it.
        rows = (
            self.env["telephony.usage"]
            .with_user(self.manager)
            .web_search_read(
                [("id", "=", usage.id)],
                {"department_id": {"fields": {"display_name": {}}}, "number": {}},
            )
        )
        self.assertEqual(rows["records"][0]["department_id"], False)

    def test_the_manager_follows_the_import_and_is_told_the_result(self):
        record = self._send(HEADER + "2026-10,4101,,10,1,1\n")
        self.assertEqual(record.state, "queued")
        cron = self.env.ref("council_telephony_reports.ir_cron_usage_import")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        # While the job runs, its steps show on the record.
        record._report_progress("checking", 40)
        record.invalidate_recordset()
        self.assertEqual((record.state, record.progress), ("checking", 40))
        self._run_jobs()
        self.assertEqual((record.state, record.progress), ("done", 100))
        self.assertTrue(record.finished_at)
        message = record.message_ids.filtered(
            lambda m: "1 usage rows imported for 10/2026." in m.body
        )
        self.assertIn(self.manager.partner_id, message.notified_partner_ids)

    def test_a_large_file_is_stored_whole_and_told_in_ranges(self):
        # 216,000 rows: stored in several pieces, to show how far it is.
        rows = "".join(
            f"{2020 + month // 12}-{month % 12 + 1:02d},{number},,1,2,3\n"
            for month in range(36)
            for number in range(1000, 7000)
        )
        record = self._import(HEADER + rows)
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(record.row_count, 216_000)
        self.assertEqual(
            self.env["telephony.usage"].search_count(
                [("period", ">=", "2020-01-01"), ("period", "<=", "2022-12-01")]
            ),
            216_000,
        )
        self.assertEqual(record.periods, "01/2020–12/2022")
        self.assertIn("216,000 usage rows imported for 01/2020–12/2022.", record.result)
        record = self._import(HEADER + "2026-08,4101,,1,1,1\n2026-10,4101,,1,1,1\n")
        self.assertEqual(record.periods, "08/2026, 10/2026")

    def test_reading_a_large_file_shows_how_far_it_is(self):
        data = (HEADER + "2026-10,4101,,1,1,1\n" * 250_000).encode()  # 5 MB
        record = self._send(data)
        record._copy_rows(usage_csv.read_header(data))
        record.invalidate_recordset()
        self.assertEqual(record.state, "reading")
        self.assertGreater(record.progress, 0)
        self.assertLessEqual(record.progress, 40)
        usage_sql.drop_work_tables(self.env.cr)

    def test_an_interrupted_import_runs_again(self):
        record = self._send(HEADER + "2026-10,4101,,10,1,1\n")
        # The server stopped while the job was checking the rows: its
        # transaction, and so every row it had loaded, was lost.
        record._report_progress("checking", 40)
        self._run_jobs()
        self.assertEqual(record.state, "done")
        self.assertEqual(self._usage("2026-10-01").mapped("calls"), [10])

    def test_the_result_is_in_the_managers_language(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        record = self._import(HEADER + "2026-10,21,,1,1,1\n2026-10,4101,,1,1,-7.50\n")
        self.assertIn("לא יובא", record.result)
        # The file's values read left to right in the Hebrew text: "-7.50",
        # not "7.50-".
        self.assertIn("\u206621\u2069", record.result)
        self.assertIn("\u2066-7.50\u2069", record.result)
        record = self._import(HEADER + "2026-10,4101,,1,1,1\n")
        self.assertIn("\u206610/2026\u2069", record.result)

    def test_a_file_is_imported_once(self):
        record = self._import(HEADER + "2026-10,4101,,10,1,1\n")
        with self.assertRaises(UserError):
            record.with_user(self.manager).action_import()
        empty = self.imports.with_user(self.manager).create({})
        with self.assertRaises(UserError):
            empty.action_import()

    def test_idle_extensions_and_their_cost(self):
        self.company.telephony_idle_months = 3
        rows = "".join(
            f"2026-{month:02d},4199,,0,0,24.50\n2026-{month:02d},4101,,5,9,30\n"
            for month in (8, 9, 10)
        )
        self._import(HEADER + "2026-07,4199,,7,20,24.50\n" + rows)
        idle = self.env["telephony.idle.extension"].search(
            [("extension_id", "=", self.idle.id)]
        )
        self.assertEqual(len(idle), 1)
        self.assertAlmostEqual(idle.monthly_cost, 24.5)
        self.assertEqual(idle.months, 3)
        self.assertTrue(idle.reported)
        self.assertEqual(str(idle.last_call_period), "2026-07-01")
        # 4101 had calls: not idle. A register entry missing from the exports is.
        listed = self.env["telephony.idle.extension"].search([]).extension_id
        self.assertNotIn(self.extension, listed)
        absent = self.env["telephony.extension"].create({"number": "4198"})
        self.env.invalidate_all()
        absent = self.env["telephony.idle.extension"].search(
            [("extension_id", "=", absent.id)]
        )
        # Idle for all the months looked at; what it costs is not known.
        self.assertEqual((absent.months, absent.reported), (3, False))
        self.assertFalse(absent.monthly_cost)

    def test_only_the_it_manager_imports(self):
        for user in (self.agent, self.head, self.employee, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                self._send(HEADER + "2026-10,4101,,1,1,1\n", user=user)
        record = self._import(HEADER + "2026-10,4101,,1,1,1\n")
        self.assertEqual(record.state, "done")
        self.env["telephony.usage"].with_user(self.head).search([])
        with self.assertRaises(AccessError):
            self.env["telephony.usage"].with_user(self.agent).search([])
