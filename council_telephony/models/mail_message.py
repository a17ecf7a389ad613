from odoo import models
from odoo.exceptions import AccessError

# What the bills trail reads of a "posted" message (4.2.3).
TRAIL_FIELDS = {"body", "subtype_id", "model", "res_id", "date", "author_id"}


class MailMessage(models.Model):
    """The "posted" step of a telephony bill's trail is a message of the
    bill: whoever may edit the bill may otherwise delete or rewrite its
    messages (Odoo's rule), and with it the trail."""

    _inherit = "mail.message"

    def _telephony_check_trail(self):
        if self.env.su:
            return
        posted = self.env.ref(
            "council_telephony.mt_telephony_bill_posted", raise_if_not_found=False
        )
        if posted and posted in self.sudo().subtype_id:
            raise AccessError(
                self.env._("A step of a telephony bill's trail is never changed.")
            )

    def write(self, vals):
        if TRAIL_FIELDS & set(vals):
            self._telephony_check_trail()
        return super().write(vals)

    def unlink(self):
        self._telephony_check_trail()
        return super().unlink()
