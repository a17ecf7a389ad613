from odoo.exceptions import AccessError, UserError

from .common import TelephonyCase


class TestEscalation(TelephonyCase):
    """C9, 4.3.9, 4.2.7, 4.1.3: escalation and the manager's own matters."""

    def _escalate(self, user, reason="The vendor refuses to come on site"):
        wizard = (
            self.env["telephony.escalate"]
            .with_user(user)
            .create({"ticket_id": self.ticket.id, "reason": reason})
        )
        wizard.action_escalate()

    def setUp(self):
        super().setUp()
        self.ticket = self._ticket(user_id=self.agent.id)

    def test_agent_escalates_and_manager_decides(self):
        self._escalate(self.agent)
        escalation = self.ticket.escalation_ids
        self.assertEqual(escalation.escalated_by_id, self.agent)
        self.assertEqual(escalation.manager_id, self.manager)
        self.assertEqual(escalation.trigger, "manual")
        self.assertTrue(self.ticket.is_escalated)
        # It waits in the manager's queue, as an activity too.
        queue = (
            self.env["telephony.escalation"]
            .with_user(self.manager)
            .search([("state", "=", "open"), ("manager_id", "=", self.manager.id)])
        )
        self.assertIn(escalation, queue)
        self.assertEqual(escalation.activity_ids.user_id, self.manager)

        as_manager = escalation.with_user(self.manager)
        with self.assertRaisesRegex(UserError, "Write the decision"):
            as_manager.action_decide()
        as_manager.decision = "Escalate to Tadiran's service manager; I will call."
        as_manager.action_decide()
        self.assertEqual(escalation.state, "decided")
        self.assertEqual(escalation.decided_by_id, self.manager)
        self.assertTrue(escalation.decided_at)
        self.assertFalse(self.ticket.is_escalated)
        self.assertIn("I will call", self.ticket.message_ids[0].body)

    def test_only_the_manager_decides(self):
        self._escalate(self.agent)
        escalation = self.ticket.escalation_ids
        with self.assertRaises(AccessError):
            escalation.with_user(self.agent).decision = "Fine"
        with self.assertRaisesRegex(AccessError, "Only the IT manager decides"):
            escalation.with_user(self.agent).action_decide()
        self.assertEqual(escalation.state, "open")

    def test_who_may_escalate(self):
        for user in (self.employee, self.treasury, self.head):
            with self.assertRaises(AccessError, msg=user.login):
                self._escalate(user)
        self.assertFalse(self.ticket.escalation_ids)

    def test_a_reason_is_mandatory(self):
        for reason in (False, "  "):
            with self.assertRaisesRegex(UserError, "Say why the ticket is escalated"):
                self._escalate(self.agent, reason=reason)
        self.assertFalse(self.ticket.escalation_ids)

    def test_management_contacts_are_the_managers(self):
        director = self.env["res.partner"].create(
            {"name": "Tadiran service director", "email": "director@tadiran.test"}
        )
        self.tadiran.management_contact_ids = director
        call = self.env["telephony.vendor.call"].create(
            {
                "ticket_id": self.ticket.id,
                "vendor_id": self.tadiran.id,
                "channel_type": "phone",
            }
        )
        with self.assertRaisesRegex(AccessError, "Only the IT manager writes"):
            call.with_user(self.agent).message_post(
                body="Please send someone", partner_ids=director.ids
            )
        with self.assertRaisesRegex(AccessError, "Only the IT manager writes"):
            self.ticket.with_user(self.agent).message_post(
                body="Please send someone", partner_ids=director.ids
            )
        with self.assertRaisesRegex(AccessError, "Only the IT manager writes"):
            call.with_user(self.agent).message_subscribe(partner_ids=director.ids)
        self.assertNotIn(director, call.message_partner_ids)
        call.with_user(self.manager).message_post(
            body="Our agreement says four hours.", partner_ids=director.ids
        )
        self.assertIn(director, call.message_ids[0].partner_ids)

    def test_conduct_rules_are_the_managers_and_shown_on_calls(self):
        self.tadiran.with_user(
            self.manager
        ).conduct_rules = "<p>Only through the hotline.</p>"
        with self.assertRaises(AccessError):
            self.tadiran.with_user(self.agent).conduct_rules = "<p>Anything goes</p>"
        call = self.env["telephony.vendor.call"].create(
            {
                "ticket_id": self.ticket.id,
                "vendor_id": self.tadiran.id,
                "channel_type": "phone",
            }
        )
        self.assertIn(
            "Only through the hotline", call.with_user(self.agent).conduct_rules
        )
