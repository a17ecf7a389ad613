from odoo import api, models


class AccountPartialReconcile(models.Model):
    """4.2.2, four eyes: whoever approved a telephony bill does not also pay
    it. Every way Odoo pays a bill ends in a partial reconciliation of the
    bill with a payment: the payment register, an outstanding payment added
    on the bill, journal items reconciled by hand, a bank statement line, or
    a partial created over RPC. The check is made here, once, for all of
    them."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._telephony_paid_bills()._telephony_check_payer()
        return partials

    def _telephony_paid_bills(self):
        """The telephony bills these partials settle with something other
        than a vendor bill or refund (a refund cancels, it does not pay)."""
        bills = self.env["account.move"]
        for partial in self.sudo():
            moves = partial.debit_move_id.move_id | partial.credit_move_id.move_id
            telephony = moves.filtered("is_telephony_bill")
            if telephony and (moves - telephony).filtered(
                lambda move: not move.is_purchase_document(include_receipts=True)
            ):
                bills |= telephony
        return bills.with_env(self.env)
