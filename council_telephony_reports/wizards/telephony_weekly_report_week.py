from datetime import datetime, time, timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class TelephonyWeeklyReportWeek(models.TransientModel):
    """4.3.8: the report of any past week, on demand: also a week the
    scheduled job never made (before the IT manager was set, or before the
    council started using the system). Weeks are those of the job
    (``telephony.weekly.report._week_containing``)."""

    _name = "telephony.weekly.report.week"
    _description = "Weekly report of a past week"

    date = fields.Date(
        string="A day of the week",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=7),
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )

    def action_print(self):
        self.ensure_one()
        reports = self.env["telephony.weekly.report"]
        company = self.company_id
        start, end = reports._week_containing(
            reports._utc(datetime.combine(self.date, time.min), company), company
        )
        if end > fields.Datetime.now():
            raise UserError(
                self.env._(
                    "The week ending %(date)s has not ended yet.",
                    date=reports._local(end, company).strftime("%d/%m/%Y %H:%M"),
                )
            )
        return reports._get_or_create_week(start, end, company).action_print()
