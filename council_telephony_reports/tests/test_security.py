from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.council_telephony.tests.common import TelephonyCase

WEEKLY = "council_telephony_reports.report_weekly"
ANNUAL_XLSX = "council_telephony_reports.report_annual_xlsx"


@tagged("post_install", "-at_install")
class TestReportsSecurity(TelephonyCase, HttpCase):
    """C20: the reports are the IT manager's and the head of council's, by URL
    too; figures gathered in SQL stay within the reader's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.week = cls.env["telephony.weekly.report"].create(
            {
                "period_start": datetime(2026, 11, 26, 10, 0),
                "period_end": datetime(2026, 12, 3, 10, 0),
            }
        )
        cls.week_pdf = cls.env["ir.attachment"].create(
            {
                "name": "week.pdf",
                "raw": b"%PDF weekly report",
                "res_model": cls.week._name,
                "res_id": cls.week.id,
            }
        )
        cls.week.attachment_id = cls.week_pdf
        cls.other_company = cls.env["res.company"].create({"name": "Other council"})
        cls.other_week = cls.env["telephony.weekly.report"].create(
            {
                "company_id": cls.other_company.id,
                "period_start": datetime(2026, 11, 26, 10, 0),
                "period_end": datetime(2026, 12, 3, 10, 0),
            }
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def test_weekly_report_by_url(self):
        for user, allowed in (
            (self.employee, False),
            (self.portal_user, False),
            (self.treasury, False),
            (self.agent, False),
            (self.head, True),
            (self.manager, True),
        ):
            with self.subTest(user=user.login):
                self._login(user)
                page = self.url_open(f"/report/html/{WEEKLY}/{self.week.id}")
                self.assertEqual(page.ok, allowed)
                self.assertEqual("Calls received from" in page.text, allowed)
                pdf = self.url_open(f"/web/content/{self.week_pdf.id}")
                self.assertEqual(pdf.content == b"%PDF weekly report", allowed)

    def test_annual_spreadsheet_by_url(self):
        wizard = (
            self.env["telephony.annual.report"]
            .with_user(self.head)
            .create({"year": 2026})
        )
        url = f"/report/xlsx/{ANNUAL_XLSX}/{wizard.id}"
        for user in (self.employee, self.agent, self.treasury):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertFalse(self.url_open(url).ok)
        self._login(self.head)
        response = self.url_open(url)
        self.assertTrue(response.ok)
        self.assertEqual(response.content[:2], b"PK")  # an .xlsx is a zip

    def test_other_companies_stay_out(self):
        head = self.head.with_user(self.head).env
        self.assertIn(self.week, head["telephony.weekly.report"].search([]))
        self.assertNotIn(self.other_week, head["telephony.weekly.report"].search([]))
        with self.assertRaises(AccessError):
            head["telephony.annual.report"].create(
                {"year": 2026, "company_id": self.other_company.id}
            )
        self.env["telephony.usage"].create(
            {
                "company_id": self.other_company.id,
                "period": "2026-10-01",
                "number": "2101",
                "calls": 1,
            }
        )
        self.assertFalse(
            head["telephony.usage"].search([("company_id", "=", self.other_company.id)])
        )
