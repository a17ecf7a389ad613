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
    telephony_calendar_id = fields.Many2one(
        related="company_id.telephony_calendar_id", readonly=False
    )
    telephony_at_risk_hours = fields.Float(
        related="company_id.telephony_at_risk_hours", readonly=False
    )
    telephony_eve_closing_hour = fields.Float(
        related="company_id.telephony_eve_closing_hour", readonly=False
    )
    telephony_manager_id = fields.Many2one(
        related="company_id.telephony_manager_id", readonly=False
    )
    telephony_availability_target = fields.Float(
        related="company_id.telephony_availability_target", readonly=False
    )
    telephony_one_person_approval = fields.Boolean(
        related="company_id.telephony_one_person_approval", readonly=False
    )
    telephony_mail_outside = fields.Selection(
        related="company_id.telephony_mail_outside", readonly=False
    )
    telephony_mail_trusted_server = fields.Char(
        related="company_id.telephony_mail_trusted_server", readonly=False
    )
    telephony_mail_date_hours = fields.Float(
        related="company_id.telephony_mail_date_hours", readonly=False
    )
    telephony_reopen_days = fields.Integer(
        related="company_id.telephony_reopen_days", readonly=False
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

    def action_load_israeli_holidays(self):
        return {
            "name": self.env._("Load Israeli holidays"),
            "type": "ir.actions.act_window",
            "res_model": "telephony.holiday.load",
            "view_mode": "form",
            "target": "new",
            "context": {"default_calendar_id": self.telephony_calendar_id.id},
        }
