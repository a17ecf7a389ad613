from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import RpcMixin, TelephonyMoneyCase


@tagged("post_install", "-at_install")
class TestFourEyesPayment(RpcMixin, TelephonyMoneyCase, HttpCase):
    """4.2.2, four eyes: the IT manager who approved a bill does not pay it,
    through whichever door Odoo offers — the outstanding payment on the
    bill, journal items reconciled by hand, a partial reconciliation created
    over RPC — while treasury pays it through each of them. (The payment
    register is tried in ``test_bill_approval_attacks``.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bill = cls._approve(cls._bill(300))
        cls.bill.with_user(cls.treasury).action_post()
        # A payment entered on its own, not yet matched with any bill.
        cls.payment = cls.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": cls.tadiran.partner_id.id,
                "amount": 300,
                "date": "2026-04-01",
            }
        )
        cls.payment.action_post()

    def _payable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "liability_payable"
        )

    def _doors(self):
        """Each way of paying the bill with the payment, as a JSON-RPC call."""
        bill_line = self._payable(self.bill)
        payment_line = self._payable(self.payment.move_id)
        return {
            "outstanding payment on the bill": (
                "account.move",
                "js_assign_outstanding_line",
                self.bill.ids,
                payment_line.id,
            ),
            "journal items reconciled": (
                "account.move.line",
                "reconcile",
                (bill_line | payment_line).ids,
            ),
            "partial created": (
                "account.partial.reconcile",
                "create",
                {
                    "debit_move_id": payment_line.id,
                    "credit_move_id": bill_line.id,
                    "amount": 300,
                    "debit_amount_currency": 300,
                    "credit_amount_currency": 300,
                },
            ),
        }

    def test_the_approver_pays_through_no_door(self):
        self._login("manager")
        for door, (model, method, *args) in self._doors().items():
            with self.subTest(door=door):
                with self.assertRaises(JsonRpcException) as refused:
                    self._rpc(model, method, *args)
                self.assertIn("someone else in treasury", str(refused.exception))
                self.bill.invalidate_recordset()
                self.assertEqual(self.bill.payment_state, "not_paid")
                self.assertFalse(self._payable(self.payment.move_id).reconciled)

    def test_treasury_pays_through_each_door(self):
        self._login("treasury")
        for door, (model, method, *args) in self._doors().items():
            with self.subTest(door=door), self._rolled_back():
                self._rpc(model, method, *args)
                self.bill.invalidate_recordset()
                self.assertIn(self.bill.payment_state, ("paid", "in_payment"))

    def test_a_small_council_lets_one_person_pay(self):
        self.company.telephony_one_person_approval = True
        self._login("manager")
        model, method, *args = self._doors()["journal items reconciled"]
        self._rpc(model, method, *args)
        self.bill.invalidate_recordset()
        self.assertIn(self.bill.payment_state, ("paid", "in_payment"))
