from odoo import models


class AccountPaymentRegister(models.TransientModel):
    """4.2.2, four eyes: whoever approved a telephony bill does not also pay it."""

    _inherit = "account.payment.register"

    def _create_payments(self):
        self.line_ids.move_id._telephony_check_payer()
        return super()._create_payments()
