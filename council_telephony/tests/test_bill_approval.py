from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .common import TelephonyMoneyCase


class TestBillApproval(TelephonyMoneyCase):
    """4.2.1–4.2.3: a telephony vendor bill is approved by the IT manager
    within the budget, then posted and paid by treasury."""

    def _pay(self, bill, amount, user=None):
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.treasury)
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create({"amount": amount, "payment_date": "2026-04-01"})
        )
        return wizard._create_payments()

    def _credit_note(self, amount):
        """Tadiran's credit note of ``amount``, entered by the accountant."""
        return (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "in_refund",
                    "partner_id": self.tadiran.partner_id.id,
                    "invoice_date": "2026-05-01",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Credit",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_bill_finds_contract_and_budget(self):
        bill = self._bill(1200)
        self.assertTrue(bill.is_telephony_bill)
        self.assertEqual(bill.telephony_contract_id, self.contract)
        self.assertEqual(bill.telephony_budget_id, self.budget)
        self.assertFalse(self._bill(100, invoice_date="2028-02-01").telephony_budget_id)
        other = self.env["res.partner"].create({"name": "Stationery Ltd"})
        self.assertFalse(self._bill(100, partner=other).is_telephony_bill)

    def test_cannot_post_without_approval(self):
        bill = self._bill(1200)
        with self.assertRaises(ValidationError):
            bill.with_user(self.accountant).action_post()
        self.assertEqual(bill.state, "draft")
        # Other vendors' bills are not held.
        other = self._bill(100, partner=self.env["res.partner"].create({"name": "X"}))
        other.action_post()
        self.assertEqual(other.state, "posted")

    def test_the_bills_list_shows_which_wait_for_approval(self):
        waiting, approved, other = (
            self._bill(1200),
            self._bill(300),
            self._bill(100, partner=self.env["res.partner"].create({"name": "X"})),
        )
        waiting.request_validation()
        self._approve(approved)
        bills = self.env["account.move"].with_user(self.manager)
        columns = etree.fromstring(
            bills.get_view(
                self.env.ref("account.view_in_invoice_bill_tree").id, "list"
            )["arch"]
        )
        self.assertTrue(columns.xpath("//field[@name='validation_status']"))
        self.assertEqual(
            (waiting | approved | other).mapped("validation_status"),
            ["pending", "validated", "no"],
        )
        # The IT manager's filter: the bills waiting for them.
        search = etree.fromstring(bills.get_view(view_type="search")["arch"])
        (to_approve,) = search.xpath("//filter[@name='filter_telephony_to_approve']")
        found = bills.search(safe_eval(to_approve.get("domain")))
        self.assertIn(waiting, found)
        self.assertNotIn(approved, found)
        self.assertNotIn(other, found)

    def test_a_rejection_says_why(self):
        bill = self._bill(1200)
        bill.request_validation()
        action = bill.with_user(self.manager).reject_tier()
        # The IT manager is asked why before anything is rejected.
        self.assertEqual(action["res_model"], "comment.wizard")
        self.assertEqual(action["name"], "Why is this bill rejected?")
        self.assertIn(bill.validation_status, ("waiting", "pending"))
        wizard = Form(
            self.env["comment.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"]),
            view=action["view_id"],
        )
        with self.assertRaises(AssertionError):
            wizard.save()  # The reason is required.
        wizard.comment = "Twice the agreed price for the handsets"
        wizard.save().add_comment()
        self.assertEqual(bill.validation_status, "rejected")
        self.assertEqual(
            bill.review_ids.comment, "Twice the agreed price for the handsets"
        )

    def test_only_the_it_manager_approves(self):
        bill = self._bill(1200)
        bill.request_validation()
        review = bill.review_ids
        self.assertIn(review.status, ("waiting", "pending"))
        # Treasury does not even see a bill waiting for approval, agents see no
        # bills at all, and writing the review by RPC is refused.
        self.assertFalse(
            self.env["account.move"]
            .with_user(self.treasury)
            .search([("id", "=", bill.id)])
        )
        with self.assertRaises(AccessError):
            bill.with_user(self.agent).read(["amount_total"])
        for user in (self.accountant, self.treasury, self.agent):
            with self.assertRaises(AccessError):
                review.with_user(user).write({"status": "approved"})
        bill.with_user(self.accountant).validate_tier()
        self.assertIn(review.status, ("waiting", "pending"))
        self.assertTrue(bill.hide_post_button, "no Confirm before the approval")
        self.assertNotEqual(bill.validation_status, "validated")

        with freeze_time("2026-03-11 09:15:00"):
            self._approve(bill)
        self.assertEqual(bill.validation_status, "validated")
        self.assertFalse(bill.hide_post_button)
        self.assertEqual(review.done_by, self.manager)
        self.assertEqual(str(review.reviewed_date), "2026-03-11 09:15:00")

    def test_treasury_is_told_and_pays_only_approved_bills(self):
        bill = self._bill(1200)
        self._approve(bill)
        handed = bill.message_ids.filtered(
            lambda m: self.treasury.partner_id in m.partner_ids
        )
        self.assertTrue(handed, "treasury is notified when the bill is approved")
        as_treasury = bill.with_user(self.treasury)
        with self.assertRaises(AccessError):
            as_treasury.restart_validation()
        self.assertEqual(bill.validation_status, "validated")
        as_treasury.action_post()
        self._pay(bill, 1200)
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        # Treasury sees nothing else of telephony.
        for model in (
            "telephony.contract",
            "telephony.budget",
            "telephony.spend",
            "telephony.vendor.call",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.treasury).search([])
        ticket = self._ticket()
        self.assertFalse(
            self.env["helpdesk.ticket"].with_user(self.treasury).search([])
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.treasury).read(["name"])
        with self.assertRaises(AccessError):
            self.env["tier.definition"].with_user(self.treasury).create(
                {"name": "x", "model_id": self.env.ref("account.model_account_move").id}
            )

    def test_changing_an_approved_bill_asks_again(self):
        bill = self._bill(1200)
        self._approve(bill)
        bill.with_user(self.accountant).write(
            {
                "invoice_line_ids": [
                    Command.update(bill.invoice_line_ids.id, {"price_unit": 1500})
                ]
            }
        )
        self.assertEqual(bill.amount_total, 1500)
        self.assertNotEqual(bill.validation_status, "validated")
        self.assertIn(bill.review_ids.status, ("waiting", "pending"))
        self.assertTrue(
            any("approve it again" in body for body in bill.message_ids.mapped("body"))
        )
        with self.assertRaises(ValidationError):
            bill.action_post()
        self._approve(bill)
        bill.with_user(self.treasury).action_post()
        self.assertEqual(bill.state, "posted")

    def test_over_budget_refused_then_overridden_with_a_reason(self):
        self._approve(self._bill(9000))
        self.assertFalse(self._bill(1000).telephony_over_budget)
        bill = self._bill(1500)
        self.assertTrue(bill.telephony_over_budget)
        bill.request_validation()
        with self.assertRaises(UserError) as refused:
            self._approve(bill)
        self.assertIn("1,000.00", str(refused.exception))
        self.assertNotEqual(bill.validation_status, "validated")
        self.assertFalse(bill.telephony_budget_override_reason)

        wizard = self.env["telephony.budget.override"].with_user(self.manager)
        with self.assertRaises(UserError):
            wizard.create({"move_id": bill.id, "reason": "   "}).action_approve()
        with self.assertRaises(AccessError):
            self.env["telephony.budget.override"].with_user(self.accountant).create(
                {"move_id": bill.id, "reason": "I say so"}
            )
        wizard.create(
            {"move_id": bill.id, "reason": "Urgent PBX repair; budget to be amended"}
        ).action_approve()
        self.assertEqual(bill.validation_status, "validated")
        self.assertEqual(
            bill.telephony_budget_override_reason,
            "Urgent PBX repair; budget to be amended",
        )
        self.assertIn("Urgent PBX repair", self.budget.message_ids[0].body)
        self.budget.invalidate_recordset()
        self.assertEqual(self.budget.remaining_amount, -500)

    def test_no_budget_needs_a_reason(self):
        bill = self._bill(100, invoice_date="2028-02-01")
        with self.assertRaisesRegex(UserError, "no telephony budget"):
            self._approve(bill)

    def test_budget_figures_with_partial_payments(self):
        first, second, third = self._bill(3000), self._bill(2000), self._bill(700)
        refund = self._credit_note(500)
        for bill in (first, second, refund):
            self._approve(bill)
            bill.with_user(self.treasury).action_post()
        self._pay(first, 3000)
        self._pay(second, 800)
        self.budget.invalidate_recordset()
        # third is not approved: it does not count.
        self.assertEqual(self.budget.approved_amount, 3000 + 2000 - 500)
        self.assertEqual(self.budget.paid_amount, 3800)
        self.assertEqual(self.budget.outstanding_amount, 700)
        self.assertEqual(self.budget.remaining_amount, 10000 - 4500)
        payments = self.budget.payment_ids
        self.assertEqual(sorted(payments.mapped("amount")), [800, 3000])
        self.assertEqual(payments.bill_id, first | second)
        row = self.env["telephony.spend"].search([("budget_id", "=", self.budget.id)])
        self.assertEqual((row.budget_amount, row.paid_amount), (10000, 3800))
        # The register exports as the IT manager sees it.
        exported = (
            row.with_user(self.manager)
            .export_data(["vendor_id", "year", "approved_amount", "outstanding_amount"])
            .get("datas")
        )
        self.assertEqual(exported, [[self.tadiran.display_name, 2026, 4500, 700]])
        self.assertFalse(third.validation_status == "validated")

    def test_the_budget_lists_its_bills_above_zero(self):
        """4.2.1: the budget's Bills tab shows what each bill costs, above zero
        (Odoo signs a vendor bill's amounts below zero), a credit note below,
        so that the approved ones add up to the budget's Approved."""
        bill, waiting = self._bill(3000), self._bill(700)
        credit = self._credit_note(500)
        for move in (bill, credit):
            self._approve(move)
            move.with_user(self.treasury).action_post()
        self._pay(bill, 1000)
        self.budget.invalidate_recordset()
        budget = self.budget.with_user(self.manager)
        form = etree.fromstring(
            budget.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        columns = {
            column.get("string"): column.get("name")
            for column in form.xpath("//field[@name='bill_ids']/list/field")
        }
        shown = {
            move: (move[columns["Total"]], move[columns["Due"]])
            for move in budget.bill_ids
        }
        self.assertEqual(
            shown, {bill: (3000, 2000), waiting: (700, 700), credit: (-500, -500)}
        )
        self.assertEqual(
            sum(shown[move][0] for move in (bill, credit)), budget.approved_amount
        )
        self.assertEqual(
            sum(shown[move][0] - shown[move][1] for move in (bill, credit)),
            budget.paid_amount,
        )

    def test_a_bill_paid_without_a_budget_is_in_both_registers(self):
        """4.2.3: a telephony bill with no contract or budget for its date is
        paid like any other; its payment is in the register, "no budget"."""
        bill = self._bill(100, invoice_date="2028-02-01")
        self.assertFalse(bill.telephony_budget_id)
        bill.request_validation()
        self.env["telephony.budget.override"].with_user(self.manager).create(
            {"move_id": bill.id, "reason": "Emergency repair before the tender"}
        ).action_approve()
        bill.with_user(self.treasury).action_post()
        self._pay(bill, 100)
        payment = self.env["telephony.bill.payment"].search([("bill_id", "=", bill.id)])
        self.assertEqual(
            (payment.amount, payment.budget_state, payment.year), (100, "none", 2028)
        )
        self.assertEqual(payment.vendor_id, self.tadiran)
        row = self.env["telephony.spend"].search(
            [("vendor_id", "=", self.tadiran.id), ("year", "=", 2028)]
        )
        self.assertFalse(row.budget_id)
        self.assertEqual((row.approved_amount, row.paid_amount), (100, 100))

    def test_the_trail_tells_each_step(self):
        """4.2.2, 4.2.3: entered, requested, approved (amount signed), withdrawn
        (what changed), approved again, posted, paid — read from the records,
        and exported by the head of council."""
        bill = self._bill(1200)
        self._approve(bill)
        bill.with_user(self.accountant).write(
            {
                "invoice_line_ids": [
                    Command.update(bill.invoice_line_ids.id, {"price_unit": 1500})
                ]
            }
        )
        self._approve(bill)
        bill.with_user(self.treasury).action_post()
        self._pay(bill, 1500)
        events = self.env["telephony.bill.event"].search(
            [("bill_id", "=", bill.id)], order="id"
        )
        # One transaction here: the steps share their timestamps, so compare
        # them as a set of steps.
        self.assertEqual(
            sorted(events.mapped("kind")),
            sorted(
                [
                    "entered",
                    "requested",
                    "approved",
                    "withdrawn",
                    "requested",
                    "approved",
                    "posted",
                    "paid",
                ]
            ),
        )
        approvals = events.filtered(lambda e: e.kind == "approved")
        self.assertEqual(sorted(approvals.mapped("amount")), [1200, 1500])
        self.assertEqual(approvals.user_id, self.manager)
        withdrawn = events.filtered(lambda e: e.kind == "withdrawn")
        self.assertEqual(withdrawn.user_id, self.accountant)
        self.assertIn("1,500.00", withdrawn.note)
        self.assertEqual(
            events.filtered(lambda e: e.kind == "posted").user_id, self.treasury
        )
        self.assertEqual(events.filtered(lambda e: e.kind == "paid").amount, 1500)
        # A request records no amount, so shows none (not 0.00); a bill of
        # nothing shows its 0.00.
        self.assertEqual(
            sorted(events.filtered(lambda e: not e.has_amount).mapped("kind")),
            ["requested", "requested"],
        )
        nothing = self.env["telephony.bill.event"].search(
            [("bill_id", "=", self._bill(0).id)]
        )
        self.assertEqual(
            (nothing.kind, nothing.amount, nothing.has_amount), ("entered", 0, True)
        )
        self.assertEqual(bill.with_user(self.manager).telephony_event_ids, events)
        exported = events.with_user(self.head).export_data(["kind", "amount"])["datas"]
        self.assertEqual(len(exported), 8)
        self.assertTrue(self.head.has_group("base.group_allow_export"))
