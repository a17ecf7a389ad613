from datetime import datetime

from freezegun import freeze_time

from .common import TelephonyCase

OPENED = datetime(2026, 11, 29, 7, 0)  # Sunday 09:00 in Israel


class TestFollowUp(TelephonyCase):
    """C7, 4.3.6: silent calls remind the agent; calls past the vendor's
    repair time are flagged and escalated, once."""

    def setUp(self):
        super().setUp()
        self.tadiran.write({"followup_hours": 2, "repair_hours": 4})
        # The demo contracts' terms must not stand in the way.
        self.env["telephony.contract"].search([]).write({"state": "cancelled"})
        with freeze_time(OPENED):
            self.ticket = self._ticket(user_id=self.agent.id, received_at=OPENED)
            self.call = self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": self.ticket.id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                    "opened_at": OPENED,
                }
            )

    def _run(self, when, times=1):
        with freeze_time(when):
            for _ in range(times):
                self.env["telephony.vendor.call"]._cron_follow_up_vendor_calls()

    def _reminders(self):
        return self.call.activity_ids.filtered(lambda a: "No news" in (a.summary or ""))

    def test_silence_reminds_the_agent_once(self):
        self.assertEqual(self.call.followup_due_at, datetime(2026, 11, 29, 9, 0))
        self._run("2026-11-29 08:30:00")
        self.assertFalse(self._reminders())
        self._run("2026-11-29 09:05:00", times=3)
        self.assertEqual(len(self._reminders()), 1)
        self.assertEqual(self._reminders().user_id, self.agent)

    def test_news_moves_the_reminder(self):
        with freeze_time("2026-11-29 08:00:00"):
            self.call.with_user(self.agent).message_post(
                body="Tadiran: technician on the way", message_type="comment"
            )
        self.assertEqual(self.call.followup_due_at, datetime(2026, 11, 29, 10, 0))
        self._run("2026-11-29 09:05:00")
        self.assertFalse(self._reminders())

    def test_past_repair_time_is_flagged_and_escalated_once(self):
        self.assertEqual(self.call.repair_due_at, datetime(2026, 11, 29, 11, 0))
        self._run("2026-11-29 10:59:00")
        self.assertFalse(self.call.repair_overdue)
        self._run("2026-11-29 11:01:00", times=3)
        self.assertTrue(self.call.repair_overdue)
        escalation = self.ticket.escalation_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.trigger, "repair")
        self.assertEqual(escalation.vendor_call_id, self.call)

    def test_the_contract_in_force_sets_the_repair_time(self):
        self.env["telephony.contract"].create(
            {
                "name": "Tender 12/2025",
                "vendor_id": self.tadiran.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "repair_hours": 2,
                "state": "active",
            }
        )
        with freeze_time(OPENED):
            call = self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": self._ticket(user_id=self.agent.id).id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                    "opened_at": OPENED,
                }
            )
        # Two working hours of the contract, not the vendor's four (which
        # calls follow with no contract in force: see above).
        self.assertEqual(call.repair_due_at, datetime(2026, 11, 29, 9, 0))

    def test_a_backlog_is_worked_off_in_batches(self):
        calls = self.call
        with freeze_time(OPENED):
            for _ in range(2):
                calls |= self.env["telephony.vendor.call"].create(
                    {
                        "ticket_id": self._ticket(user_id=self.agent.id).id,
                        "vendor_id": self.tadiran.id,
                        "channel_type": "phone",
                        "opened_at": OPENED,
                    }
                )
        with freeze_time("2026-12-06 09:00:00"):
            job = self.env["telephony.vendor.call"]._cron_follow_up_vendor_calls
            job(batch_size=2)
            self.assertEqual(len(calls.filtered("repair_overdue")), 2)
            self.assertEqual(len(calls.filtered("followup_reminded_at")), 2)
            job(batch_size=2)
            job(batch_size=2)
        self.assertTrue(all(calls.mapped("repair_overdue")))
        self.assertEqual(len(calls.ticket_id.escalation_ids), 3)
        self.assertEqual(
            len(calls.activity_ids.filtered(lambda a: "No news" in a.summary)), 3
        )

    def test_resolved_calls_are_left_alone(self):
        with freeze_time("2026-11-29 08:00:00"):
            self.call.action_resolve()
        self._run("2026-12-06 09:00:00")
        self.assertFalse(self._reminders())
        self.assertFalse(self.call.repair_overdue)

    def test_a_closed_tickets_calls_are_left_alone(self):
        """Closing settles a ticket's calls; a call left open on a closed
        ticket (closed before this rule) is followed by no job: no reminder,
        no flag, no escalation."""
        self.call.action_cancel()
        self.ticket.write(
            {
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                "resolution_summary": "Fixed by the IT division.",
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE telephony_vendor_call SET state = 'open' WHERE id = %s",
            self.call.ids,
        )
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET response_met_at = NULL WHERE id = %s",
            self.ticket.ids,
        )
        self.env.invalidate_all()
        self.assertTrue(self.ticket.closed)
        self.assertEqual(self.call.state, "open")
        self._run("2026-12-10 10:00:00", times=2)
        with freeze_time("2026-12-10 10:00:00"):
            self.env["helpdesk.ticket"]._cron_watch_response_deadlines()
        self.assertFalse(self._reminders())
        self.assertFalse(self.call.repair_overdue)
        self.assertFalse(self.ticket.escalation_ids)
        self.assertFalse(self.ticket.response_breach_notified_at)
