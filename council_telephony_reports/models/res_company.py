from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telephony_weekly_report_hour = fields.Float(
        string="Weekly report time",
        default=12.0,
        help="4.3.8: the weekly report closes and goes to the IT manager at this "
        "hour on Thursday, or on the working day before when Thursday is a "
        "holiday.",
    )
    telephony_idle_months = fields.Integer(
        string="Idle after (months)",
        default=3,
        help="An extension or line with no call in this many imported months "
        "is listed as idle, with its monthly cost (4.2.5).",
    )
