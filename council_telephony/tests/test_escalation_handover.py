from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import RpcMixin, TelephonyCase


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


@tagged("post_install", "-at_install")
class TestEscalationDecisionOverRpc(RpcMixin, TelephonyCase, HttpCase):
    """4.3.9: the decision (and whether the ticket goes back to the agent) is
    the IT manager's. Over JSON-RPC, with whatever context, an agent or an
    employee neither sets nor records it; the IT manager does."""

    DECISION = ["state", "handback", "decision", "decided_by_id", "decided_at"]

    def setUp(self):
        super().setUp()
        self.ticket = self._ticket(user_id=self.agent.id)
        self.escalation = self.ticket.with_user(self.agent)._telephony_escalate(
            "The vendor refuses to come on site"
        )

    def _as_stored(self):
        self.env.invalidate_all()
        return self.escalation.read(self.DECISION), self.ticket.user_id

    def _refused_as(self, error, model, method, *args, **kwargs):
        """The call is refused with ``error`` (RpcMixin: "kind: message")."""
        with self.assertRaises(JsonRpcException) as caught:
            self._rpc(model, method, *args, **kwargs)
        self.assertTrue(
            caught.exception.args[0].startswith(f"odoo.exceptions.{error}: "),
            caught.exception.args[0],
        )

    def test_agents_and_employees_neither_set_nor_record_the_decision(self):
        before = self._as_stored()
        ids = self.escalation.ids
        forged = {
            "default_state": "decided",
            "default_handback": "keep",
            "default_decision": "Keep it",
            "default_decided_by_id": self.manager.id,
        }
        for role in ("agent", "employee"):
            with self.subTest(role=role):
                self._login(role)
                model = "telephony.escalation"
                self._refused_as(
                    "AccessError", model, "write", ids, {"handback": "keep"}
                )
                self._refused_as(
                    "AccessError",
                    model,
                    "web_save",
                    ids,
                    {"handback": "keep", "decision": "Keep it"},
                    specification={},
                    context=dict(forged, tracking_disable=True),
                )
                self._refused_as(
                    "AccessError",
                    "helpdesk.ticket",
                    "write",
                    self.ticket.ids,
                    {"escalation_ids": [[1, ids[0], {"handback": "keep"}]]},
                )
                self._refused_as("AccessError", model, "action_decide", ids)
                self.assertEqual(self._as_stored(), before)
        # An agent escalating again, with the decision in the context's
        # defaults, makes an escalation that awaits the manager's decision.
        self._login("agent")
        wizard = self._rpc(
            "telephony.escalate",
            "create",
            {"ticket_id": self.ticket.id, "reason": "Still no technician"},
        )
        self._rpc("telephony.escalate", "action_escalate", [wizard], context=forged)
        self.env.invalidate_all()
        again = self.ticket.escalation_ids - self.escalation
        self.assertRecordValues(
            again,
            [
                {
                    "state": "open",
                    "handback": "agent",
                    "decision": False,
                    "decided_by_id": False,
                    "decided_at": False,
                }
            ],
        )
        self.assertEqual(self._as_stored(), before)

    def test_the_manager_decides_through_the_decision_action(self):
        self._login("manager")
        model, ids = "telephony.escalation", self.escalation.ids
        # Recording it is the action's: not a write of its outcome.
        self._refused_as("AccessError", model, "write", ids, {"state": "decided"})
        self.assertEqual(self.escalation.state, "open")
        # Nor born decided, by the context's defaults.
        born = self._rpc(
            model,
            "create",
            {
                "ticket_id": self.ticket.id,
                "reason": "By RPC",
                "manager_id": self.manager.id,
            },
            context={"default_state": "decided", "default_handback": "keep"},
        )
        self.assertRecordValues(
            self.env[model].browse(born), [{"state": "open", "handback": "agent"}]
        )
        self._rpc(model, "write", ids, {"decision": "I call them.", "handback": "keep"})
        self._rpc(model, "action_decide", ids)
        self.env.invalidate_all()
        self.assertRecordValues(
            self.escalation,
            [
                {
                    "state": "decided",
                    "handback": "keep",
                    "decided_by_id": self.manager.id,
                }
            ],
        )
        self.assertEqual(self.ticket.user_id, self.manager, "the manager keeps it")
        # Decided is decided: a changed mind is a new escalation.
        self._refused_as("UserError", model, "write", ids, {"handback": "agent"})
        self._refused_as("UserError", model, "action_decide", ids)
        self.env.invalidate_all()
        self.assertEqual(self.escalation.handback, "keep")
        self.assertEqual(self.ticket.user_id, self.manager)
