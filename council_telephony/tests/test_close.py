from odoo.exceptions import ValidationError

from .common import TelephonyCase


class TestCloseAndInform(TelephonyCase):
    """C8, 4.3.7: closing needs how the fault was handled; the reporter is told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Stage and summary changes tracked, as in the application.
        cls.env = cls.env(context={"mail_notify_force_send": False})

    def setUp(self):
        super().setUp()
        self.ticket = self._ticket(user_id=self.agent.id)
        self.done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.new = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")

    def _flush_tracking(self):
        # Tracking is written when the transaction commits.
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _informs(self):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("subject", "ilike", "was handled"),
            ]
        )

    def test_closing_without_a_summary_is_refused_and_changes_nothing(self):
        stage = self.ticket.stage_id
        for summary in (False, "   "):
            with self.assertRaisesRegex(
                ValidationError, "Write how the fault was handled"
            ):
                self.ticket.with_user(self.agent).write(
                    {"stage_id": self.done.id, "resolution_summary": summary}
                )
        self.assertEqual(self.ticket.stage_id, stage)
        self.assertFalse(self.ticket.closed)
        self.assertFalse(self._informs())

    def test_closing_tells_the_reporter_once_in_english(self):
        wakes = self._mail_queue_wakes()
        self.ticket.with_user(self.agent).write(
            {
                "stage_id": self.done.id,
                "resolution_summary": "Tadiran replaced the handset; it rings again.",
            }
        )
        self._flush_tracking()
        mail = self._informs()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.employee.partner_id)
        self.assertIn("Tadiran replaced the handset", mail.body_html)
        self.assertTrue(self.ticket.reporter_informed_at)
        self.assertEqual(self._mail_queue_wakes(), wakes + 1)
        self.assertTrue(self.ticket.telephony_resolved_at)
        # No second, generic "ticket closed" e-mail from helpdesk_mgmt's Done
        # stage (its stage templates do not reach the mail queue on 18.0).
        generic = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("subject", "ilike", "has been closed"),
            ]
        )
        self.assertFalse(generic)

    def test_reporter_reads_it_in_hebrew(self):
        self._enable_hebrew()
        self.employee.partner_id.lang = "he_IL"
        self.ticket.write(
            {"stage_id": self.done.id, "resolution_summary": "הוחלף מכשיר."}
        )
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("body_html", "ilike", "הוחלף מכשיר"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("הטיפול בפנייה", mail.subject + mail.body_html)
        self.assertIn("איך טופלה", mail.body_html)

    def test_reopening_keeps_the_history(self):
        self.ticket.write({"stage_id": self.done.id, "resolution_summary": "Fixed."})
        self._flush_tracking()
        first_informed = self.ticket.reporter_informed_at
        self.ticket.stage_id = self.new
        self._flush_tracking()
        self.assertFalse(self.ticket.closed)
        self.assertEqual(self.ticket.resolution_summary, "Fixed.")
        self.ticket.write(
            {"stage_id": self.done.id, "resolution_summary": "Fixed again."}
        )
        self._flush_tracking()
        self.assertEqual(len(self._informs()), 2)
        self.assertGreaterEqual(self.ticket.reporter_informed_at, first_informed)
        tracked = self.ticket.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "resolution_summary"
        )
        self.assertIn("Fixed.", tracked.mapped("old_value_text"))
