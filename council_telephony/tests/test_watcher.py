from datetime import datetime

from freezegun import freeze_time

from .common import TelephonyCase

RECEIVED = datetime(2026, 11, 29, 6, 0)  # Sunday 08:00 in Israel
AT_RISK = "2026-11-29 08:05:00"  # 10:05, less than an hour before 11:00
BREACHED = "2026-11-29 09:05:00"  # 11:05
WEEK_LATER = "2026-12-06 09:00:00"


class TestWatcher(TelephonyCase):
    """C5: warnings before and at the 3-hour deadline, each sent once."""

    def setUp(self):
        super().setUp()
        # Tickets already in the database (demo data) are not this test's.
        self.env["helpdesk.ticket"].search([("is_telephony", "=", True)]).write(
            {"response_warned_at": RECEIVED, "response_breach_notified_at": RECEIVED}
        )
        with freeze_time(RECEIVED):
            self.ticket = self._ticket(user_id=self.agent.id, received_at=RECEIVED)

    def _run(self, when, times=1):
        with freeze_time(when):
            for _ in range(times):
                self.env["helpdesk.ticket"]._cron_watch_response_deadlines()

    def _mails(self, word):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("subject", "ilike", word),
            ]
        )

    def test_at_risk_warns_the_agent_once(self):
        self._run("2026-11-29 07:30:00")
        self.assertFalse(self._mails("at risk"))
        wakes = self._mail_queue_wakes()
        self._run(AT_RISK, times=3)
        # The warning is sent within a minute, once.
        self.assertEqual(self._mail_queue_wakes(), wakes + 1)
        mail = self._mails("at risk")
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.agent.partner_id)
        activities = self.ticket.activity_ids.filtered(
            lambda a: a.user_id == self.agent
        )
        self.assertEqual(len(activities), 1)
        self.assertFalse(self.ticket.escalation_ids)

    def test_breach_alerts_agent_and_manager_and_escalates_once(self):
        self._run(AT_RISK)
        self._run(BREACHED, times=3)
        alerts = self._mails("missed")
        self.assertEqual(len(alerts), 2)
        self.assertEqual(
            alerts.recipient_ids, self.agent.partner_id | self.manager.partner_id
        )
        self.assertEqual(len(self.ticket.escalation_ids), 1)
        escalation = self.ticket.escalation_ids
        self.assertEqual(escalation.trigger, "deadline")
        self.assertEqual(escalation.manager_id, self.manager)
        self.assertFalse(escalation.escalated_by_id)
        self.assertTrue(self.ticket.is_escalated)
        self.assertEqual(len(self._mails("at risk")), 1)

    def test_catches_up_after_the_scheduler_was_down(self):
        # Nothing ran on Sunday; the first run a week later sends the breach
        # alert (not a stale at-risk warning) and escalates, once.
        self._run(WEEK_LATER, times=2)
        self.assertFalse(self._mails("at risk"))
        self.assertEqual(len(self._mails("missed")), 2)
        self.assertEqual(len(self.ticket.escalation_ids), 1)

    def test_a_backlog_is_worked_off_in_batches(self):
        with freeze_time(RECEIVED):
            others = self._ticket(received_at=RECEIVED) | self._ticket(
                received_at=RECEIVED
            )
        tickets = self.ticket | others
        with freeze_time(WEEK_LATER):
            job = self.env["helpdesk.ticket"]._cron_watch_response_deadlines
            job(batch_size=2)
            self.assertEqual(len(tickets.filtered("response_breach_notified_at")), 2)
            job(batch_size=2)
            job(batch_size=2)
        self.assertTrue(all(tickets.mapped("response_breach_notified_at")))
        self.assertEqual(len(tickets.escalation_ids), 3)

    def test_no_it_manager_does_not_stop_the_job(self):
        self.company.telephony_manager_id = False
        self.team.user_id = False
        self._run(BREACHED)
        self.assertTrue(self.ticket.response_breach_notified_at)
        self.assertFalse(self.ticket.escalation_ids)
        self.assertEqual(len(self._mails("missed")), 1)  # the agent still hears

    def test_met_tickets_are_left_alone(self):
        with freeze_time("2026-11-29 07:00:00"):
            self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": self.ticket.id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                }
            )
        self._run(WEEK_LATER)
        self.assertFalse(self._mails("at risk") | self._mails("missed"))
        self.assertFalse(self.ticket.escalation_ids)

    def test_alerts_in_each_recipients_language(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        self._run(BREACHED)
        alerts = self._mails("")
        hebrew = alerts.filtered(lambda m: m.recipient_ids == self.manager.partner_id)
        english = alerts.filtered(lambda m: m.recipient_ids == self.agent.partner_id)
        self.assertIn("לא נפתחה קריאה לספק", hebrew.body_html)
        self.assertIn("No vendor call was opened", english.body_html)
