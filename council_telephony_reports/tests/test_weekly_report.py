from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError

from odoo.addons.council_telephony.tests.common import TelephonyCase


class TestWeeklyReport(TelephonyCase):
    """C10, 4.3.8: the Thursday report to the IT manager, exactly once a week."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reports = cls.env["telephony.weekly.report"]
        cls.reports.search([]).unlink()
        cls.company.telephony_weekly_report_hour = 12.0

    def _run(self, when, times=1):
        with freeze_time(when):
            for _ in range(times):
                self.reports._cron_send_weekly_report()

    def _local_ends(self):
        return [
            r._local(r.period_end).strftime("%Y-%m-%d %H:%M")
            for r in self.reports.search([], order="period_end")
        ]

    def _sent_mails(self):
        return self.env["mail.mail"].search([("model", "=", "telephony.weekly.report")])

    def test_sent_once_on_thursday(self):
        self._run("2026-12-03 09:59:00")  # Thursday 11:59 in Israel: last week's
        wakes = self._mail_queue_wakes()
        self._run("2026-12-03 10:30:00", times=3)  # 12:30
        # Sent within a minute, not at the e-mail queue's hourly run.
        self.assertEqual(self._mail_queue_wakes(), wakes + 1)
        self.assertEqual(self._local_ends(), ["2026-11-26 12:00", "2026-12-03 12:00"])
        mails = self._sent_mails()
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails.recipient_ids, self.manager.partner_id)
        report = self.reports.search([], order="period_end desc", limit=1)
        self.assertTrue(report.sent_at)
        self.assertTrue(report.attachment_id)
        self.assertIn(
            report.attachment_id, mails[0].attachment_ids | mails[1].attachment_ids
        )

    def test_missed_weeks_are_caught_up_in_order(self):
        self._run("2026-12-03 10:30:00")
        # The scheduler was down for three weeks.
        self._run("2026-12-24 10:30:00", times=2)
        self.assertEqual(
            self._local_ends(),
            [
                "2026-12-03 12:00",
                "2026-12-10 12:00",
                "2026-12-17 12:00",
                "2026-12-24 12:00",
            ],
        )
        weeks = self.reports.search([], order="period_end")
        for previous, following in zip(weeks, weeks[1:], strict=False):
            self.assertEqual(previous.period_end, following.period_start)
        self.assertEqual(len(self._sent_mails()), 4)

    def test_thursday_holiday_goes_out_the_day_before(self):
        self._run("2026-04-01 09:30:00")  # Wednesday 12:30 (IDT): Thursday is Passover
        self.assertEqual(self._local_ends()[-1], "2026-04-01 12:00")
        # Nothing more on the holiday itself: the next week ends on 9.4.
        self._run("2026-04-02 09:30:00")
        self.assertEqual(self._local_ends(), ["2026-04-01 12:00"])

    def test_daylight_saving_keeps_the_local_hour(self):
        self._run("2026-10-22 09:30:00")  # Thursday 12:30 summer time
        self._run("2026-10-29 10:30:00")  # Thursday 12:30 winter time
        self.assertEqual(
            self._local_ends()[-2:], ["2026-10-22 12:00", "2026-10-29 12:00"]
        )
        last = self.reports.search([], order="period_end desc", limit=1)
        self.assertEqual(last.period_end, datetime(2026, 10, 29, 10, 0))
        self.assertEqual(last.period_start, datetime(2026, 10, 22, 9, 0))

    def test_content_in_the_managers_hebrew_right_to_left(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        received = datetime(2026, 12, 1, 7, 0)
        with freeze_time(received):
            ticket = self._ticket(self.cat_line_repair, received_at=received)
            self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": ticket.id,
                    "vendor_id": self.bezeq.id,
                    "channel_type": "phone",
                    "vendor_reference": "BZQ-4242",
                }
            )
        with freeze_time("2026-12-03 10:30:00"):
            self.reports._cron_send_weekly_report()
            report = self.reports.search([], order="period_end desc", limit=1)
            html = (
                self.env["ir.actions.report"]
                .with_context(lang="he_IL")
                ._render_qweb_html(
                    "council_telephony_reports.action_report_weekly", report.ids
                )[0]
                .decode()
            )
        self.assertIn('dir="rtl"', html)
        self.assertIn("דוח טלפוניה שבועי", html)
        self.assertIn(ticket.number, html)
        self.assertIn("BZQ-4242", html)
        self.assertIn("בזק", html)
        self.assertIn("נפתחה קריאה לספק", html)  # its current stage
        self.assertIn("הושג", html)  # 3-hour rule met
        mail = self._sent_mails().filtered(
            lambda m: report.attachment_id in m.attachment_ids
        )
        self.assertIn("דוח טלפוניה שבועי", mail.subject)

    def test_the_archived_pdf_is_in_the_managers_language(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        with freeze_time("2026-12-01 07:00:00"):
            self._ticket(received_at=datetime(2026, 12, 1, 7, 0))
        self._run("2026-12-03 10:30:00")
        report = self.reports.search([], order="period_end desc", limit=1)
        archived = report.attachment_id.raw.decode()  # HTML when tests run
        self.assertIn('dir="rtl"', archived)
        self.assertIn("תקלה במכשיר", archived)  # the fault kind, in Hebrew
        self.assertIn("חדשה", archived)  # its stage

    def test_a_new_report_hour_neither_overlaps_nor_leaves_a_gap(self):
        self._run("2026-12-03 10:30:00")  # week ending Thursday 12:00
        self.company.telephony_weekly_report_hour = 14.0
        # 14:30 the same Thursday: no two-hour "week" mailed that day.
        self._run("2026-12-03 12:30:00")
        self.assertEqual(self._local_ends(), ["2026-12-03 12:00"])
        self.assertEqual(len(self._sent_mails()), 1)
        # The new hour from the next week on.
        self._run("2026-12-10 11:30:00")  # 13:30
        self.assertEqual(len(self._local_ends()), 1)
        self._run("2026-12-10 12:30:00")  # 14:30
        self.assertEqual(self._local_ends()[-1], "2026-12-10 14:00")
        weeks = self.reports.search([], order="period_end")
        for previous, following in zip(weeks, weeks[1:], strict=False):
            self.assertEqual(previous.period_end, following.period_start)

    def test_every_vendor_call_opened_in_the_week_is_listed(self):
        """4.3.8: the calls opened that week, also on faults received
        before it, each with its status; the 3-hour figures as every report
        counts them."""
        # July 2027, away from the demo data's weeks.
        with freeze_time("2027-07-05 07:00:00"):  # Monday of the week before
            older = self._ticket(received_at=datetime(2027, 7, 5, 7, 0))
        with freeze_time("2027-07-13 07:00:00"):
            call = self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": older.id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                    "vendor_reference": "TD-OLDER",
                }
            )
            fresh = self._ticket(received_at=datetime(2027, 7, 13, 7, 0))
        self._run("2027-07-15 10:30:00")
        report = self.reports.search([], order="period_end desc", limit=1)
        self.assertEqual(report.vendor_call_ids, call)
        self.assertNotIn(older, report.ticket_ids)
        self.assertIn(fresh, report.ticket_ids)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "council_telephony_reports.action_report_weekly", report.ids
            )[0]
            .decode()
        )
        self.assertIn(call.name, html)
        self.assertIn("TD-OLDER", html)
        self.assertIn(older.number, html)
        with freeze_time("2027-07-15 10:30:00"):
            summary = report._report_summary()
        self.assertEqual(summary["vendor_calls"], 1)
        # The fault received on Tuesday has no call and its deadline passed.
        self.assertEqual(summary["late"], 1)
        self.assertEqual(summary["in_time"], 0)
        self.assertEqual(summary["pending"], 0)

    def test_content_in_english(self):
        with freeze_time("2026-12-01 07:00:00"):
            ticket = self._ticket(received_at=datetime(2026, 12, 1, 7, 0))
        with freeze_time("2026-12-03 10:30:00"):
            self.reports._cron_send_weekly_report()
            report = self.reports.search([], order="period_end desc", limit=1)
            self.assertIn(ticket, report.ticket_ids)
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html(
                    "council_telephony_reports.action_report_weekly", report.ids
                )[0]
                .decode()
            )
        self.assertIn("Weekly telephony report", html)
        self.assertIn('dir="ltr"', html)
        self.assertIn(ticket.number, html)
        self.assertIn("Calls this week", html)

    def test_each_week_lists_and_counts_its_own_calls(self):
        received = [
            datetime(2026, 12, 1, 7, 0),  # Tuesday
            datetime(2026, 12, 3, 10, 0),  # Thursday 12:00, the cut-off itself
            datetime(2026, 12, 3, 10, 1),  # a minute later: next week
        ]
        tickets = self.env["helpdesk.ticket"]
        for moment in received:
            with freeze_time(moment):
                tickets |= self._ticket(received_at=moment)
        self._run("2026-12-03 10:30:00")
        self._run("2026-12-10 10:30:00")
        # Read together, as the list of weeks reads them.
        first, second = self.reports.search([], order="period_end")
        self.assertIn(tickets[0], first.ticket_ids)
        self.assertIn(tickets[1], first.ticket_ids)
        self.assertNotIn(tickets[2], first.ticket_ids)
        self.assertIn(tickets[2], second.ticket_ids)
        self.assertFalse(first.ticket_ids & second.ticket_ids)
        for report in (first, second):
            self.assertEqual(
                report.ticket_count,
                self.env["helpdesk.ticket"].search_count(
                    [
                        ("is_telephony", "=", True),
                        ("received_at", ">", report.period_start),
                        ("received_at", "<=", report.period_end),
                    ]
                ),
            )

    def test_who_reads_weekly_reports(self):
        with freeze_time("2026-12-03 10:30:00"):
            self.reports._cron_send_weekly_report()
        report = self.reports.search([], limit=1)
        for user in (self.manager, self.head):
            report.with_user(user).read(["name"])
        for user in (self.agent, self.employee, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                report.with_user(user).read(["name"])
