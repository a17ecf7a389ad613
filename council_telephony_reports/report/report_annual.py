from odoo import api, models


class ReportAnnual(models.AbstractModel):
    """The annual report to the head of council (4.2.5), as PDF."""

    _name = "report.council_telephony_reports.report_annual"
    _description = "Annual telephony report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["telephony.annual.report"].browse(docids)
        figures = self.env["telephony.annual.figures"]
        return {
            "doc_ids": docids,
            "doc_model": "telephony.annual.report",
            "docs": wizards,
            "figures": {w.id: figures._figures(w.year, w.company_id) for w in wizards},
            "bar": self._bar,
        }

    @staticmethod
    def _bar(value, values):
        """Width in % of a bar among ``values``, for the report's charts."""
        top = max([v or 0 for v in values] or [0])
        return round(100.0 * (value or 0) / top, 1) if top else 0
