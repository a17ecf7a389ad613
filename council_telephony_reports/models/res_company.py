from odoo import fields, models

from odoo.addons.council_telephony.tools import localtime


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
    telephony_head_id = fields.Many2one(
        comodel_name="res.users",
        string="Head of council",
        help="4.2.5: receives the annual telephony report in January, with the "
        "IT manager.",
    )
    telephony_annual_report_year = fields.Integer(
        string="Annual report sent for",
        readonly=True,
        # A council starting mid-year gets its first report next January,
        # not last year's at once.
        default=lambda self: fields.Date.context_today(self).year - 1,
        help="The last year whose annual report was sent by itself.",
    )

    def _telephony_issue_date(self):
        """Today on the council's calendar, as its letterhead prints it."""
        self.ensure_one()
        today = localtime.to_local(self._telephony_tz(), fields.Datetime.now())
        return today.strftime("%d/%m/%Y")
