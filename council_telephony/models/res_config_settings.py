from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telephony_extension_min_digits = fields.Integer(
        related="company_id.telephony_extension_min_digits", readonly=False
    )
    telephony_extension_max_digits = fields.Integer(
        related="company_id.telephony_extension_max_digits", readonly=False
    )

    @api.constrains("telephony_extension_min_digits", "telephony_extension_max_digits")
    def _check_telephony_extension_digits(self):
        for settings in self:
            low = settings.telephony_extension_min_digits
            high = settings.telephony_extension_max_digits
            if not 1 <= low <= high <= 8:
                raise ValidationError(
                    self.env._(
                        "Extensions must have between 1 and 8 digits, and the "
                        "shortest may not be longer than the longest."
                    )
                )
