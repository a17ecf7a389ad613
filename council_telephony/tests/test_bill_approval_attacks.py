from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GROUP, RpcMixin, TelephonyMoneyCase


@tagged("post_install", "-at_install")
class TestBillApprovalAttacks(RpcMixin, TelephonyMoneyCase, HttpCase):
    """Issue 11: the IT manager's signature (4.2.2) can be neither forged,
    skipped nor outlived. Every attack is sent as the attacking user would,
    over ``/jsonrpc`` (``execute_kw``): the context and the field values come
    from the client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waiting = cls._bill(1200)
        cls.waiting.request_validation()
        cls.approved = cls._bill(300)
        cls._approve(cls.approved)

    # === Helpers === #

    def _reject(self, bill, reason):
        action = bill.with_user(self.manager).reject_tier()
        self.env["comment.wizard"].with_user(self.manager).with_context(
            **action["context"]
        ).create({"comment": reason}).add_comment()

    def _review(self, bill):
        return bill.review_ids

    def _post_refused(self, bill, user=None):
        self._refused(
            "jsonrpc", user or self.treasury, "account.move", "action_post", bill.ids
        )
        self.assertEqual(bill.state, "draft")

    # === 1. Forged by an ordinary employee === #

    def test_1_an_employee_cannot_forge_an_approval(self):
        pending, signed = self._review(self.waiting), self._review(self.approved)
        self.assertIn(
            "AccessError",
            self._refused(
                "jsonrpc", self.employee, "tier.review", "unlink", pending.ids
            ),
        )
        self._refused(
            "jsonrpc",
            self.employee,
            "tier.review",
            "write",
            signed.ids,
            {"res_id": self.waiting.id},
        )
        self.assertTrue(pending.exists())
        self.assertEqual(signed.res_id, self.approved.id)
        self.assertNotEqual(self.waiting.validation_status, "validated")
        self._post_refused(self.waiting)

    # === 2. Skipped by a billing clerk === #

    def test_2_a_billing_clerk_cannot_skip_the_approval(self):
        for field in ("is_telephony_bill", "telephony_vendor_id"):
            self._refused(
                "jsonrpc",
                self.accountant,
                "account.move",
                "write",
                self.waiting.ids,
                {field: False},
            )
        self.assertTrue(self.waiting.is_telephony_bill)
        self._post_refused(self.waiting, self.accountant)
        # Nor by entering the bill as "not telephony" from the start.
        self._refused(
            "jsonrpc",
            self.accountant,
            "account.move",
            "create",
            {
                "move_type": "in_invoice",
                "partner_id": self.tadiran.partner_id.id,
                "is_telephony_bill": False,
            },
        )

    # === 3. Outlived by treasury === #

    def test_3_a_changed_line_withdraws_the_approval(self):
        line = self.approved.invoice_line_ids
        self._call(
            "jsonrpc",
            self.treasury,
            "account.move.line",
            "write",
            line.ids,
            {"price_unit": 99999},
        )
        self.assertNotEqual(self.approved.validation_status, "validated")
        self._post_refused(self.approved)
        withdrawn = self.env["telephony.bill.event"].search(
            [("bill_id", "=", self.approved.id), ("kind", "=", "withdrawn")]
        )
        self.assertEqual(withdrawn.user_id, self.treasury)
        self.assertEqual(withdrawn.amount, 300)
        self.assertIn("99,999.00", withdrawn.note)

    def test_3_what_is_posted_is_what_was_signed(self):
        """Whatever path the change took (here, one the watch does not see: the
        budget the bill is charged to), posting compares it with what was
        signed, and names what changed."""
        other = self.env["telephony.budget"].create(
            {"contract_id": self.contract.id, "year": 2027, "amount": 10000}
        )
        self.env.cr.execute(
            "UPDATE account_move SET telephony_budget_id = %s WHERE id = %s",
            [other.id, self.approved.id],
        )
        self.env.invalidate_all()
        error = self._refused(
            "jsonrpc", self.treasury, "account.move", "action_post", self.approved.ids
        )
        self.assertIn("budget", error)
        self.assertIn(other.display_name, error)
        self.assertEqual(self.approved.state, "draft")

    # === 4. Self-appointed reviewer === #

    def test_4_nobody_appoints_themself_reviewer(self):
        review = self._review(self.waiting)
        for vals in (
            {"reviewer_ids": [Command.link(self.employee.id)]},
            {"done_by": self.manager.id},
            {"status": "approved", "done_by": self.manager.id},
        ):
            self._refused(
                "jsonrpc", self.employee, "tier.review", "write", review.ids, vals
            )
        self._refused(
            "jsonrpc",
            self.employee,
            "tier.review",
            "create",
            {
                "model": "account.move",
                "res_id": self.waiting.id,
                "definition_id": review.definition_id.id,
                "status": "approved",
                "done_by": self.manager.id,
            },
        )
        self.assertNotIn(self.employee, review.reviewer_ids)
        self.assertNotEqual(self.waiting.validation_status, "validated")

    # === 5. Approved around the budget check === #

    def test_5_no_approval_around_the_budget_check(self):
        bill = self._bill(500000)
        bill.request_validation()
        error = self._refused(
            "jsonrpc", self.manager, "account.move", "validate_tier", bill.ids
        )
        self.assertIn("exceed", error)
        self._refused(
            "jsonrpc",
            self.manager,
            "tier.review",
            "write",
            bill.review_ids.ids,
            {"status": "approved"},
        )
        self.assertNotEqual(bill.validation_status, "validated")

    # === 6. Reviews open to all === #

    def test_6_reviews_are_read_with_the_bill_and_changed_by_nobody(self):
        self.approved.with_user(self.treasury).action_post()
        rejected = self._bill(700)
        rejected.request_validation()
        self._reject(rejected, "Twice the agreed price")
        reviews = (self.waiting | self.approved | rejected).review_ids
        self.assertFalse(
            self._call(
                "jsonrpc",
                self.portal_user,
                "tier.review",
                "search_read",
                [],
                ["comment"],
            )
        )
        self._refused(
            "jsonrpc", self.portal_user, "tier.review", "read", reviews.ids, ["comment"]
        )
        # Treasury reads the reviews of the bills it sees, not the others'.
        found = self._call(
            "jsonrpc",
            self.treasury,
            "tier.review",
            "search",
            [("id", "in", reviews.ids)],
        )
        self.assertEqual(found, self.approved.review_ids.ids)
        self._refused(
            "jsonrpc",
            self.treasury,
            "tier.review",
            "read",
            self.waiting.review_ids.ids,
            ["status"],
        )
        self._refused(
            "jsonrpc",
            self.employee,
            "tier.review",
            "unlink",
            self.approved.review_ids.ids,
        )
        self._refused(
            "jsonrpc",
            self.treasury,
            "tier.review",
            "write",
            rejected.review_ids.ids,
            {"comment": "x"},
        )
        self.assertEqual(self.approved.validation_status, "validated")
        to_pay = self._call(
            "jsonrpc",
            self.treasury,
            "account.move",
            "search",
            [("id", "=", self.approved.id), ("validation_status", "=", "validated")],
        )
        self.assertEqual(to_pay, self.approved.ids)

    def test_6_the_trail_is_not_rewritten(self):
        self.approved.with_user(self.treasury).action_post()
        posted = self.env["mail.message"].search(
            [
                ("model", "=", "account.move"),
                ("res_id", "=", self.approved.id),
                (
                    "subtype_id",
                    "=",
                    self.env.ref("council_telephony.mt_telephony_bill_posted").id,
                ),
            ]
        )
        self.assertEqual(len(posted), 1)
        self._refused("jsonrpc", self.treasury, "mail.message", "unlink", posted.ids)
        self._refused(
            "jsonrpc",
            self.treasury,
            "mail.message",
            "write",
            posted.ids,
            {"body": "Nothing"},
        )
        self.assertTrue(posted.exists())

    # === 7. Around the vendor === #

    def test_7_the_vendor_decides_whatever_its_partner(self):
        self.tadiran.partner_id.vat = "IL513456789"
        duplicate = self.env["res.partner"].create(
            {"name": "Tadiran Telecom", "is_company": True, "vat": "il 513456789"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Billing desk", "parent_id": self.tadiran.partner_id.id}
        )
        for partner in (duplicate, contact):
            bill_id = self._call(
                "jsonrpc",
                self.accountant,
                "account.move",
                "create",
                {
                    "move_type": "in_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-03-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "PBX", "price_unit": 100, "tax_ids": []}
                        )
                    ],
                },
            )
            bill = self.env["account.move"].browse(bill_id)
            self.assertTrue(bill.is_telephony_bill, partner.name)
            self._post_refused(bill, self.accountant)
        # The vendor's partner moved under a group: its bills are still held.
        group = self.env["res.partner"].create(
            {"name": "Tadiran Group", "is_company": True}
        )
        self.tadiran.partner_id.write({"is_company": False, "parent_id": group.id})
        for partner in (self.tadiran.partner_id, group):
            bill = self._bill(100, partner=partner)
            self.assertTrue(bill.is_telephony_bill, partner.name)
            self._post_refused(bill, self.accountant)

    # === 8. Across companies === #

    def test_8_an_it_manager_approves_only_his_companys_bills(self):
        other_company = self.env["res.company"].create({"name": "Other council"})
        other_manager = new_test_user(
            self.env,
            login="t_manager_other",
            groups=f"{GROUP}manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        review = self.waiting.review_ids
        review.invalidate_recordset()
        self.assertNotIn(other_manager, review.reviewer_ids)
        self._refused(
            "jsonrpc", other_manager, "account.move", "validate_tier", self.waiting.ids
        )
        self._refused(
            "jsonrpc", other_manager, "tier.review", "read", review.ids, ["status"]
        )
        self.assertNotEqual(self.waiting.validation_status, "validated")

    # === Context keys and system fields === #

    def test_context_keys_from_a_client_switch_nothing_off(self):
        error = self._refused(
            "jsonrpc",
            self.accountant,
            "account.move",
            "write",
            self.waiting.ids,
            {"ref": "changed"},
            context={"skip_validation_check": True},
        )
        self.assertIn("under validation", error)
        self._refused(
            "jsonrpc",
            self.accountant,
            "account.move",
            "action_post",
            self.waiting.ids,
            context={"skip_validation_check": True, "skip_check_state_condition": True},
        )
        self.assertEqual(self.waiting.state, "draft")

    def test_system_fields_are_not_written_by_a_client(self):
        for vals in (
            {"validation_status": "validated"},
            {"telephony_budget_id": False},
            {"telephony_contract_id": False},
            {"telephony_budget_override_reason": "I say so"},
        ):
            self.assertIn(
                "AccessError",
                self._refused(
                    "jsonrpc",
                    self.accountant,
                    "account.move",
                    "write",
                    self.waiting.ids,
                    vals,
                ),
            )
        self.assertEqual(self.waiting.telephony_budget_id, self.budget)
        self.assertNotEqual(self.waiting.validation_status, "validated")

    # === Four eyes === #

    def test_four_eyes(self):
        own = self._bill(100, user=self.manager)
        own.request_validation()
        self.assertIn(
            "another IT manager",
            self._refused(
                "jsonrpc", self.manager, "account.move", "validate_tier", own.ids
            ),
        )
        self.approved.with_user(self.treasury).action_post()
        wizard = {"payment_date": "2026-04-01"}
        context = {"active_model": "account.move", "active_ids": self.approved.ids}
        wizard_id = self._call(
            "jsonrpc",
            self.manager,
            "account.payment.register",
            "create",
            wizard,
            context=context,
        )
        error = self._refused(
            "jsonrpc",
            self.manager,
            "account.payment.register",
            "action_create_payments",
            [wizard_id],
            context=context,
        )
        self.assertIn("someone else in treasury", error)
        self.assertEqual(self.approved.payment_state, "not_paid")
        # A small council says so in its settings.
        self.company.telephony_one_person_approval = True
        self._call("jsonrpc", self.manager, "account.move", "validate_tier", own.ids)
        self.assertEqual(own.validation_status, "validated")
