from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telephony_weekly_report_hour = fields.Float(
        related="company_id.telephony_weekly_report_hour", readonly=False
    )
    telephony_idle_months = fields.Integer(
        related="company_id.telephony_idle_months", readonly=False
    )
    telephony_head_id = fields.Many2one(
        related="company_id.telephony_head_id", readonly=False
    )
