import json
import logging

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import TelephonyMoneyCase, properties

# Sequences of steps tried, and steps in each: small enough for the test
# command (about 30 s on the busy test machine).
EXAMPLES = 8
STEPS = 6
REFUSALS = (AccessError, UserError, ValidationError)

_logger = logging.getLogger(__name__)
ROLE = st.sampled_from(["accountant", "manager", "treasury", "employee"])
MANAGER = "council_telephony.council_telephony_group_manager"


class Bills(RuleBasedStateMachine):
    """Random steps by random roles on telephony bills; ``case`` is the
    running test."""

    case = None

    bills = Bundle("bills")

    def __init__(self):
        super().__init__()
        self.case.sequences += 1
        self.case.env.flush_all()
        self.case.env.cr.execute("SAVEPOINT telephony_property")

    def teardown(self):
        env = self.case.env
        env.cr.execute("ROLLBACK TO SAVEPOINT telephony_property")
        env.clear()

    def _try(self, who, action):
        """One step as a user: refused steps change nothing."""
        env = self.case.env
        try:
            with env.cr.savepoint():
                action(env(user=self.case.roles[who]))
        except REFUSALS as refusal:
            _logger.debug("refused: %s", refusal)
        env.invalidate_all()

    @rule(
        target=bills,
        amount=st.integers(1, 6000),
        who=st.sampled_from(["accountant", "manager"]),
    )
    def create_bill(self, amount, who):
        return self.case._bill(amount, user=self.case.roles[who])

    @rule(bill=bills, price=st.integers(1, 99999), who=ROLE)
    def edit_line(self, bill, price, who):
        self._try(
            who,
            lambda e: e["account.move.line"]
            .browse(bill.invoice_line_ids.ids)
            .write({"price_unit": price}),
        )

    @rule(bill=bills, price=st.integers(1, 99999), who=ROLE)
    def edit_move(self, bill, price, who):
        def edit(e):
            e["account.move"].browse(bill.ids).write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Extra",
                                "price_unit": price,
                                "tax_ids": [],
                            }
                        )
                    ]
                }
            )

        self._try(who, edit)

    @rule(bill=bills, who=ROLE, vendor=st.booleans())
    def change_partner(self, bill, who, vendor):
        partner = (
            self.case.tadiran.partner_id
            if vendor
            else self.case.env.ref("base.res_partner_2")
        )
        self._try(
            who,
            lambda e: e["account.move"]
            .browse(bill.ids)
            .write({"partner_id": partner.id}),
        )

    @rule(bill=bills, who=ROLE)
    def request(self, bill, who):
        self._try(
            who,
            lambda e: e["account.move"].browse(bill.ids).request_validation(),
        )

    @rule(bill=bills, who=ROLE, over=st.booleans())
    def approve(self, bill, who, over):
        context = {"telephony_budget_override_reason": "Urgent"} if over else {}
        self._try(
            who,
            lambda e: e["account.move"]
            .browse(bill.ids)
            .with_context(**context)
            .validate_tier(),
        )

    @rule(bill=bills, who=ROLE)
    def reject(self, bill, who):
        def reject(e):
            action = e["account.move"].browse(bill.ids).reject_tier()
            e["comment.wizard"].with_context(**action["context"]).create(
                {"comment": "No"}
            ).add_comment()

        self._try(who, reject)

    @rule(bill=bills, who=ROLE)
    def reset_to_draft(self, bill, who):
        self._try(who, lambda e: e["account.move"].browse(bill.ids).button_draft())

    @rule(bill=bills, who=ROLE)
    def post(self, bill, who):
        self._try(who, lambda e: e["account.move"].browse(bill.ids).action_post())

    @rule(bill=bills, who=ROLE)
    def pay(self, bill, who):
        def pay(e):
            e["account.payment.register"].with_context(
                active_model="account.move", active_ids=bill.ids
            ).create({"payment_date": "2026-04-01"})._create_payments()

        self._try(who, pay)

    @rule(
        bill=bills,
        who=ROLE,
        field=st.sampled_from(
            [
                ("is_telephony_bill", False),
                ("validation_status", "validated"),
                ("telephony_budget_id", False),
                ("telephony_contract_id", False),
            ]
        ),
    )
    def write_field(self, bill, who, field):
        self._try(
            who,
            lambda e: e["account.move"].browse(bill.ids).write(dict([field])),
        )

    @rule(bill=bills, who=ROLE, op=st.sampled_from(["create", "write", "unlink"]))
    def touch_reviews(self, bill, who, op):
        def touch(e):
            reviews = e["tier.review"].browse(bill.sudo().review_ids.ids)
            if op == "unlink":
                reviews.unlink()
            elif op == "write":
                reviews.write({"status": "approved", "done_by": self.case.manager.id})
            else:
                e["tier.review"].create(
                    {
                        "model": "account.move",
                        "res_id": bill.id,
                        "status": "approved",
                        "done_by": self.case.manager.id,
                    }
                )

        self._try(who, touch)

    @invariant()
    def posted_bills_carry_a_matching_approval(self):
        bills = self.case.env["account.move"].search(
            [("is_telephony_bill", "=", True), ("state", "=", "posted")]
        )
        for bill in bills:
            approved = bill.review_ids.filtered(lambda r: r.status == "approved")
            self.case.assertEqual(bill.validation_status, "validated")
            self.case.assertTrue(approved)
            for review in approved:
                self.case.assertTrue(review.done_by.has_group(MANAGER))
                self.case.assertIn(bill.company_id, review.done_by.company_ids)
                self.case.assertEqual(
                    json.loads(review.telephony_signed_content),
                    json.loads(json.dumps(bill._telephony_content())),
                )

    @invariant()
    def no_payment_without_it(self):
        paid = self.case.env["account.move"].search(
            [
                ("is_telephony_bill", "=", True),
                ("payment_state", "!=", "not_paid"),
            ]
        )
        for bill in paid:
            self.case.assertEqual(bill.state, "posted")
            self.case.assertEqual(bill.validation_status, "validated")

    @invariant()
    def the_register_adds_up(self):
        bills = self.case.env["account.move"].search(
            [("is_telephony_bill", "=", True), ("state", "!=", "cancel")]
        )
        rows = self.case.env["telephony.spend"].search([])
        approved = -sum(
            bills.filtered(lambda m: m.validation_status == "validated").mapped(
                "amount_total_signed"
            )
        )
        paid = -sum(
            (m.amount_total_signed - m.amount_residual_signed)
            for m in bills.filtered(lambda m: m.state == "posted")
        )
        self.case.assertAlmostEqual(sum(rows.mapped("approved_amount")), approved)
        self.case.assertAlmostEqual(sum(rows.mapped("paid_amount")), paid)
        payments = self.case.env["telephony.bill.payment"].search([])
        self.case.assertAlmostEqual(sum(payments.mapped("amount")), paid)


class TestBillApprovalProperties(TelephonyMoneyCase):
    """4.2.2, 4.2.3 as properties: whatever random roles do to telephony bills
    in whatever order, after every step a posted telephony bill carries a
    matching approval by an IT manager of its company, no bill is paid
    without it, and the payments register adds up to the bills."""

    def test_the_signature_holds_whatever_happens(self):
        self.roles = {
            "accountant": self.accountant,
            "manager": self.manager,
            "treasury": self.treasury,
            "employee": self.employee,
        }
        self.sequences = 0
        Bills.case = self
        run_state_machine_as_test(
            Bills, settings=settings(properties(EXAMPLES), stateful_step_count=STEPS)
        )
        _logger.info("signature properties: %s sequences run", self.sequences)
        self.assertGreater(self.sequences, 0)
