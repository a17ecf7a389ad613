from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models

from odoo.addons.council_telephony.tools import localtime, mail_queue
from odoo.addons.council_telephony.tools.israeli_calendar import hour_to_time

from ..tools import weeks


class TelephonyWeeklyReport(models.Model):
    """4.3.8: every Thursday, the calls opened that week and the status of each,
    to the IT manager. One record per week; weeks follow each other without
    gap or overlap (see tools/weeks.py)."""

    _name = "telephony.weekly.report"
    _description = "Weekly telephony report"
    _inherit = ["mail.thread"]
    _order = "period_end desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    period_start = fields.Datetime(string="From", required=True, readonly=True)
    period_end = fields.Datetime(string="To", required=True, readonly=True)
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        string="Calls",
        compute="_compute_ticket_ids",
        help="Phone faults received during the week.",
    )
    ticket_count = fields.Integer(
        string="Number of calls", compute="_compute_ticket_ids"
    )
    vendor_call_ids = fields.Many2many(
        comodel_name="telephony.vendor.call",
        string="Vendor calls opened",
        compute="_compute_vendor_call_ids",
        help="Vendor calls opened during the week, also on faults received before it.",
    )
    sent_at = fields.Datetime(string="Sent at", readonly=True, copy=False)
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="PDF", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "period_uniq",
            "unique(company_id, period_end)",
            "There is already a report for this week.",
        )
    ]

    @api.depends("period_end", "company_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for report in self:
            local = report._local(report.period_end)
            report.name = self.env._(
                "Week ending %(date)s",
                date=local.strftime("%d/%m/%Y") if local else "",
            )

    @api.depends("period_start", "period_end", "company_id")
    def _compute_ticket_ids(self):
        # One search for all the weeks read at once (the list shows each
        # week's count), then each week takes its share by received time.
        dated = self.filtered(lambda r: r.period_start and r.period_end)
        tickets = self.env["helpdesk.ticket"]
        if dated:
            tickets = tickets.search_fetch(
                [
                    ("is_telephony", "=", True),
                    ("company_id", "in", dated.company_id.ids),
                    ("received_at", ">", min(dated.mapped("period_start"))),
                    ("received_at", "<=", max(dated.mapped("period_end"))),
                ],
                ["company_id", "received_at"],
                order="received_at",
            )
        ids, moments = defaultdict(list), defaultdict(list)
        for ticket in tickets:
            ids[ticket.company_id.id].append(ticket.id)
            moments[ticket.company_id.id].append(ticket.received_at)
        for report in self:
            company = report.company_id.id
            first = bisect_right(moments[company], report.period_start or datetime.max)
            last = bisect_right(moments[company], report.period_end or datetime.min)
            report.ticket_ids = tickets.browse(ids[company][first:last])
            report.ticket_count = len(report.ticket_ids)

    @api.depends("period_start", "period_end", "company_id")
    def _compute_vendor_call_ids(self):
        calls = self.env["telephony.vendor.call"]
        for report in self:
            report.vendor_call_ids = (
                calls.search(
                    [
                        ("company_id", "=", report.company_id.id),
                        ("opened_at", ">", report.period_start),
                        ("opened_at", "<=", report.period_end),
                    ],
                    order="opened_at",
                )
                if report.period_start and report.period_end
                else calls
            )

    # === Weeks === #

    def _local(self, utc_naive, company=None):
        if not utc_naive:
            return False
        company = company or self.company_id or self.env.company
        return localtime.to_local(company._telephony_tz(), utc_naive)

    @api.model
    def _utc(self, local, company):
        return localtime.to_utc(company._telephony_tz(), local)

    @api.model
    def _working_day_checker(self, company):
        """Whether a local date has working time on the council's calendar
        (holidays closed, eves closing early still count), read as the 3-hour
        rule reads it (``res.company._telephony_work_intervals``)."""

        def is_working_day(day):
            start = datetime.combine(day, time.min)
            return bool(
                company._telephony_work_intervals(
                    self._utc(start, company),
                    self._utc(start + timedelta(days=1), company),
                )
            )

        return is_working_day

    @api.model
    def _week_containing(self, moment_utc, company):
        """The week (start, end) in UTC that contains ``moment_utc``."""
        report_time = hour_to_time(company.telephony_weekly_report_hour)
        start, end = weeks.week_of(
            self._local(moment_utc, company),
            report_time,
            self._working_day_checker(company),
        )
        return self._utc(start, company), self._utc(end, company)

    @api.model
    def _get_or_create_week(self, start, end, company):
        report = self.search(
            [("company_id", "=", company.id), ("period_end", "=", end)], limit=1
        )
        return report or self.create(
            {"company_id": company.id, "period_start": start, "period_end": end}
        )

    # === Scheduled job === #

    @api.model
    def _cron_send_weekly_report(self):
        """Mail each week's report once, at its cut-off; after downtime, every
        missed week, in order. The report and its e-mail are written in one
        transaction, and a week has one record (unique), so a rerun or a crash
        never sends a week twice."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].search(
            [("telephony_manager_id", "!=", False)]
        )
        for company in companies:
            last = self.search(
                [("company_id", "=", company.id), ("sent_at", "!=", False)],
                order="period_end desc",
                limit=1,
            )
            if last:
                after = last.period_end
            else:
                # First run: start with the last week that has closed.
                current_start = self._week_containing(now, company)[0]
                after = self._week_containing(current_start, company)[0]
            for report in self._closed_weeks(after, now, company):
                if not report.sent_at:
                    report._send()

    @api.model
    def _closed_weeks(self, after, now, company):
        """The report of every week that closed after ``after`` until ``now``
        (naive UTC), in order, each made when it is reached if missing."""
        report_time = hour_to_time(company.telephony_weekly_report_hour)
        for start, end in weeks.weeks_between(
            self._local(after, company),
            self._local(now, company),
            report_time,
            self._working_day_checker(company),
        ):
            yield self._get_or_create_week(
                self._utc(start, company), self._utc(end, company), company
            )

    # === Content === #

    def _send(self):
        template = self.env.ref("council_telephony_reports.mail_template_weekly_report")
        for report in self:
            manager = report.company_id.telephony_manager_id
            report = report.with_context(lang=manager.lang)
            reports = self.env["ir.actions.report"].with_context(lang=manager.lang)
            content, _type = reports._render_qweb_pdf(
                "council_telephony_reports.action_report_weekly", report.ids
            )
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{report.name}.pdf",
                    "raw": content,
                    "res_model": report._name,
                    "res_id": report.id,
                    "mimetype": "application/pdf",
                }
            )
            template.with_context(lang=manager.lang).send_mail(
                report.id,
                force_send=False,
                email_values={
                    "recipient_ids": [(6, 0, manager.partner_id.ids)],
                    "attachment_ids": [(6, 0, attachment.ids)],
                },
                email_layout_xmlid="mail.mail_notification_light",
            )
            report.write(
                {"sent_at": fields.Datetime.now(), "attachment_id": attachment.id}
            )
        if self:
            mail_queue.wake(self.env)

    def _report_lines(self):
        """One line per call of the week, as the report prints it."""
        self.ensure_one()
        now = fields.Datetime.now()
        status_labels = dict(
            self.env["helpdesk.ticket"]
            ._fields["response_status"]
            ._description_selection(self.env)
        )
        lines = []
        for ticket in self.ticket_ids:
            call = ticket.vendor_call_ids[:1]  # newest first
            lines.append(
                {
                    "ticket": ticket,
                    "received_at": self._local(ticket.received_at),
                    "stage": ticket.stage_id.name,
                    "vendor": ticket.telephony_vendor_id.name or "",
                    "reference": call.vendor_reference or "",
                    "compliance": status_labels.get(ticket.response_status, ""),
                    "in_time": ticket.response_in_time,
                    "age_days": (now - ticket.received_at).days,
                }
            )
        return lines

    def _report_summary(self):
        """The week's counts; the 3-hour rule's as every report counts it
        (``telephony.response.compliance``): met in time, deadline missed
        (met late or not met), or still ahead."""
        self.ensure_one()
        tickets = self.ticket_ids
        outcomes = dict(
            self.env["telephony.response.compliance"]._read_group(
                [("ticket_id", "in", tickets.ids)], ["outcome"], ["__count"]
            )
        )
        judged = sum(outcomes.values())
        return {
            "total": len(tickets),
            "open": len(tickets.filtered(lambda t: not t.closed)),
            "closed": len(tickets.filtered("closed")),
            "in_time": outcomes.get("in_time", 0),
            "late": outcomes.get("late", 0) + outcomes.get("overdue", 0),
            "pending": len(tickets) - judged,
            "vendor_calls": len(self.vendor_call_ids),
            "by_vendor": Counter(
                t.telephony_vendor_id.name or self.env._("IT division") for t in tickets
            ),
        }

    def _report_call_lines(self):
        """One line per vendor call opened in the week, as the report prints
        it: also calls on faults received in earlier weeks."""
        self.ensure_one()
        states = dict(
            self.env["telephony.vendor.call"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        return [
            {
                "call": call,
                "ticket": call.ticket_id,
                "opened_at": self._local(call.opened_at),
                "received_at": self._local(call.ticket_id.received_at),
                "vendor": call.vendor_id.name,
                "reference": call.vendor_reference or "",
                "state": states.get(call.state, ""),
            }
            for call in self.vendor_call_ids
        ]

    def action_print(self):
        return self.env.ref(
            "council_telephony_reports.action_report_weekly"
        ).report_action(self)
