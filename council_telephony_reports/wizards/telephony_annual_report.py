from odoo import fields, models


class TelephonyAnnualReport(models.TransientModel):
    """4.2.5: choose a year; get the report to the head of council as a PDF
    or a spreadsheet, the year before beside each figure."""

    _name = "telephony.annual.report"
    _description = "Annual telephony report"

    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year - 1,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )

    def action_pdf(self):
        return self.env.ref(
            "council_telephony_reports.action_report_annual"
        ).report_action(self)

    def action_xlsx(self):
        return self.env.ref(
            "council_telephony_reports.action_report_annual_xlsx"
        ).report_action(self)
