from freezegun import freeze_time

from odoo.exceptions import UserError

from odoo.addons.council_telephony.tests.common import TelephonyCase

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TestAnnualSend(TelephonyCase):
    """4.2.5: last year's report reaches the head of council and the IT
    manager by itself in the first working days of January, once, in each
    one's language; any past week can be printed on demand (4.3.8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        cls.head.lang = "he_IL"
        cls.manager.lang = "en_US"
        cls.company.write(
            {
                "telephony_head_id": cls.head.id,
                "telephony_manager_id": cls.manager.id,
                "telephony_annual_report_year": 2025,
            }
        )
        cls.job = cls.env["telephony.annual.report"]

    def _run(self, when):
        with freeze_time(when):
            self.job._cron_send_annual_report()

    def _mails(self):
        return self.env["mail.mail"].search(
            [("model", "=", "telephony.annual.report")], order="id"
        )

    def test_sent_once_on_the_first_working_day_of_january(self):
        self._run("2026-12-31 14:00:00")  # 16:00 in Israel: the year is not over
        self._run("2027-01-01 08:00:00")  # Friday 1 January: no working day yet
        self._run("2027-01-02 08:00:00")  # Saturday
        self.assertFalse(self._mails())
        self._run("2027-01-03 07:00:00")  # Sunday 09:00: the first working day
        self._run("2027-01-03 09:00:00")
        self._run("2027-01-04 07:00:00")
        self._run("2027-06-01 07:00:00")
        mails = self._mails()
        self.assertEqual(len(mails), 2)  # one per language
        self.assertEqual(self.company.telephony_annual_report_year, 2026)
        self.assertEqual(mails.recipient_ids, (self.head | self.manager).partner_id)
        for mail in mails:
            self.assertEqual(
                sorted(mail.attachment_ids.mapped("mimetype")), [PDF, XLSX]
            )
            self.assertFalse(mail.attachment_ids.filtered("res_model"))

    def test_each_recipient_reads_it_in_their_language(self):
        self._run("2027-01-03 07:00:00")
        hebrew = self._mails().filtered(
            lambda m: m.recipient_ids == self.head.partner_id
        )
        english = self._mails().filtered(
            lambda m: m.recipient_ids == self.manager.partner_id
        )
        self.assertEqual(hebrew.subject, "דוח טלפוניה שנתי 2026")
        self.assertIn("מצורף דוח הטלפוניה לשנת 2026", hebrew.body_html)
        self.assertEqual(english.subject, "Annual telephony report 2026")
        names = hebrew.attachment_ids.mapped("name")
        self.assertIn("דוח טלפוניה שנתי 2026.pdf", names)
        self.assertIn(
            "Annual telephony report 2026.xlsx", english.attachment_ids.mapped("name")
        )
        pdf = hebrew.attachment_ids.filtered(lambda a: a.mimetype == PDF)
        self.assertIn("דוח טלפוניה שנתי", pdf.raw.decode())  # HTML when tests run

    def test_caught_up_after_downtime(self):
        # The server was down from 31 December to 10 January.
        self._run("2027-01-11 06:00:00")
        self._run("2027-01-11 07:00:00")
        self.assertEqual(len(self._mails()), 2)
        self.assertEqual(self.company.telephony_annual_report_year, 2026)
        # And next year's in January 2028, not before.
        self._run("2027-12-31 10:00:00")
        self.assertEqual(len(self._mails()), 2)
        self._run("2028-01-02 07:00:00")  # Sunday
        self.assertEqual(len(self._mails()), 4)
        self.assertEqual(self.company.telephony_annual_report_year, 2027)

    def test_waits_for_someone_to_send_it_to(self):
        self.company.write({"telephony_head_id": False, "telephony_manager_id": False})
        self._run("2027-01-03 07:00:00")
        self.assertFalse(self._mails())
        self.assertEqual(self.company.telephony_annual_report_year, 2025)
        self.company.telephony_head_id = self.head
        self._run("2027-01-05 07:00:00")
        self.assertEqual(self._mails().recipient_ids, self.head.partner_id)


class TestPastWeek(TelephonyCase):
    """4.3.8: any past week prints, also one the job never made."""

    def test_a_week_before_the_it_manager_was_set(self):
        self.company.telephony_manager_id = False
        reports = self.env["telephony.weekly.report"]
        with freeze_time("2026-03-02 08:00:00"):
            ticket = self._ticket(received_at="2026-03-02 08:00:00")
        with freeze_time("2026-12-01 08:00:00"):
            reports._cron_send_weekly_report()  # nobody to send to: nothing
            self.assertFalse(reports.search([("period_start", "<", "2026-03-03")]))
            wizard = (
                self.env["telephony.weekly.report.week"]
                .with_user(self.manager)
                .create({"date": "2026-03-03"})
            )
            action = wizard.action_print()
        week = reports.search([("period_end", "=", "2026-03-05 10:00:00")])
        self.assertEqual(week.ticket_ids, ticket)
        self.assertFalse(week.sent_at)
        self.assertEqual(action["context"]["active_ids"], week.ids)
        self.assertEqual(
            action["report_name"], "council_telephony_reports.report_weekly"
        )

    def test_a_week_not_over_is_refused(self):
        with freeze_time("2026-12-01 08:00:00"):
            wizard = self.env["telephony.weekly.report.week"].with_user(self.manager)
            with self.assertRaises(UserError):
                wizard.create({"date": "2026-12-01"}).action_print()
