import re

from odoo import models

from ..tools import page_numbers

LETTERHEAD_REPORTS = (
    "council_telephony_reports.report_weekly",
    "council_telephony_reports.report_annual",
)
DOCUMENT_LANG = re.compile(r'data-oe-lang="([\w@]+)"')


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, *args, **kwargs):
        content = super()._run_wkhtmltopdf(bodies, report_ref, *args, **kwargs)
        report = self._get_report(report_ref) if report_ref else self
        if report.report_name not in LETTERHEAD_REPORTS:
            return content
        # "Page x of y" in the document's language (the letterhead's).
        found = DOCUMENT_LANG.search(bodies[0] if bodies else "")
        lang = found.group(1) if found else self.env.lang
        env = self.with_context(lang=lang).env
        rtl = env["res.lang"]._lang_get(lang).direction == "rtl"
        return page_numbers.stamp(
            content,
            lambda page, total: env._(
                "Page %(page)s of %(total)s", page=page, total=total
            ),
            rtl,
        )
