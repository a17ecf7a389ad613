from .common import TelephonyCase


class TestEscalationHandover(TelephonyCase):
    """4.3.9: escalating hands the ticket to the IT manager until they decide;
    the decision hands it back to the agent, or the manager keeps it."""

    def setUp(self):
        super().setUp()
        self.ticket = self._ticket(user_id=self.agent.id)

    def _escalate(self, user=None, reason="The vendor refuses to come on site"):
        self.env["telephony.escalate"].with_user(user or self.agent).create(
            {"ticket_id": self.ticket.id, "reason": reason}
        ).action_escalate()
        return self.ticket.escalation_ids.filtered(lambda e: e.state == "open")[:1]

    def _decide(self, escalation, handback):
        escalation = escalation.with_user(self.manager)
        escalation.write(
            {"decision": "I call Tadiran's manager.", "handback": handback}
        )
        escalation.action_decide()

    def test_the_manager_has_it_until_deciding_then_hands_it_back(self):
        escalation = self._escalate()
        self.assertEqual(self.ticket.user_id, self.manager)
        self.assertEqual(escalation.handed_from_id, self.agent)
        self._decide(escalation, "agent")
        self.assertEqual(self.ticket.user_id, self.agent)

    def test_the_manager_keeps_it(self):
        escalation = self._escalate()
        self._decide(escalation, "keep")
        self.assertEqual(self.ticket.user_id, self.manager)

    def test_a_second_escalation_remembers_the_agent(self):
        first = self._escalate()
        # The deadline job escalates too while the manager has it.
        second = self.ticket._telephony_escalate("Missed 3 hours", trigger="deadline")
        self.assertEqual(second.handed_from_id, self.agent)
        self._decide(first, "agent")
        self.assertEqual(self.ticket.user_id, self.manager, "one still waits")
        self._decide(second, "agent")
        self.assertEqual(self.ticket.user_id, self.agent)
