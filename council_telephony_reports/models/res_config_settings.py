from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telephony_weekly_report_hour = fields.Float(
        related="company_id.telephony_weekly_report_hour", readonly=False
    )
