from datetime import datetime

from odoo import api, fields, models

from odoo.addons.council_telephony.tools import localtime, mail_queue


class TelephonyAnnualReport(models.TransientModel):
    """4.2.5: choose a year; get the report to the head of council as a PDF
    or a spreadsheet, the year before beside each figure. In January the
    report of the year that ended goes out by itself."""

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

    # === Scheduled job === #

    @api.model
    def _cron_send_annual_report(self):
        """4.2.5: once the council's first working hours of January have
        begun, last year's report goes to the head of council and the IT
        manager, once. The job runs daily; after downtime its first run
        sends it. The year sent is written in the same transaction as the
        e-mails, so a rerun never sends it twice."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].search(
            [
                "|",
                ("telephony_head_id", "!=", False),
                ("telephony_manager_id", "!=", False),
            ]
        )
        for company in companies:
            tz = company._telephony_tz()
            year = localtime.to_local(tz, now).year - 1
            recipients = company.telephony_head_id | company.telephony_manager_id
            if company.telephony_annual_report_year >= year or not recipients:
                continue
            new_year = localtime.to_utc(tz, datetime(year + 1, 1, 1))
            if not company._telephony_work_intervals(new_year, now):
                continue  # January's first working day has not begun
            self.sudo().create({"year": year, "company_id": company.id})._send(
                recipients
            )
            company.sudo().telephony_annual_report_year = year

    def _send(self, recipients):
        """Mail the report, PDF and spreadsheet, to ``recipients`` (users),
        each in their own language."""
        self.ensure_one()
        template = self.env.ref("council_telephony_reports.mail_template_annual_report")
        by_lang = {}
        for user in recipients:
            by_lang[user.lang] = by_lang.get(user.lang, user.browse()) | user
        for lang, users in by_lang.items():
            report = self.with_context(lang=lang)
            template.with_context(lang=lang).send_mail(
                report.id,
                force_send=False,
                email_values={
                    "recipient_ids": [(6, 0, users.partner_id.ids)],
                    "attachment_ids": [(6, 0, report._attachments().ids)],
                },
                email_layout_xmlid="mail.mail_notification_light",
            )
        mail_queue.wake(self.env)

    def _attachments(self):
        """The report as PDF and spreadsheet, in the context's language; kept
        with no record, so only the mail's recipients receive them."""
        reports = self.env["ir.actions.report"]
        pdf = reports._render_qweb_pdf(
            "council_telephony_reports.action_report_annual", self.ids
        )[0]
        xlsx = reports._render_xlsx(
            "council_telephony_reports.action_report_annual_xlsx", self.ids, None
        )[0]
        name = self.env._("Annual telephony report %(year)s", year=self.year)
        return self.env["ir.attachment"].create(
            [
                {"name": f"{name}.pdf", "raw": pdf, "mimetype": "application/pdf"},
                {
                    "name": f"{name}.xlsx",
                    "raw": xlsx,
                    "mimetype": "application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                },
            ]
        )
