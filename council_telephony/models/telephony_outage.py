from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import localtime


class TelephonyOutage(models.Model):
    """A time the telephony service was down, in whole or in part (3.2). The
    availability the council reports is computed from these records."""

    _name = "telephony.outage"
    _description = "Telephony outage"
    _inherit = ["mail.thread"]
    _order = "start desc, id desc"
    _rec_name = "cause"
    _check_company_auto = True

    cause = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    start = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    end = fields.Datetime(tracking=True, help="Empty while the outage goes on.")
    scope = fields.Selection(
        selection=[
            ("system", "Whole system"),
            ("site", "A site"),
            ("extensions", "Some extensions"),
        ],
        required=True,
        default="system",
        tracking=True,
    )
    site = fields.Char(help="The building or site that lost service.")
    extension_ids = fields.Many2many(
        comodel_name="telephony.extension", string="Extensions", check_company=True
    )
    affected_share = fields.Float(
        string="Affected (%)",
        compute="_compute_affected_share",
        store=True,
        readonly=False,
        help="The share of the service that was down: 100 for the whole system; "
        "for some extensions, their share of the register.",
    )
    planned = fields.Boolean(
        help="Planned maintenance, announced in advance: not counted against "
        "availability."
    )
    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", check_company=True)
    vendor_call_id = fields.Many2one(
        comodel_name="telephony.vendor.call", string="Vendor call", check_company=True
    )
    duration_hours = fields.Float(
        string="Duration (hours)", compute="_compute_duration_hours"
    )

    @api.depends("scope", "extension_ids")
    def _compute_affected_share(self):
        total = self.env["telephony.extension"].search_count([])
        for outage in self:
            if outage.scope == "extensions" and total:
                outage.affected_share = 100.0 * len(outage.extension_ids) / total
            elif outage.scope == "system" or not outage.affected_share:
                outage.affected_share = 100.0

    @api.depends("start", "end")
    def _compute_duration_hours(self):
        for outage in self:
            end = outage.end or fields.Datetime.now()
            outage.duration_hours = (
                (end - outage.start).total_seconds() / 3600 if outage.start else 0.0
            )

    @api.constrains("start", "end", "affected_share")
    def _check_period_and_share(self):
        for outage in self:
            if outage.end and outage.end <= outage.start:
                raise ValidationError(self.env._("An outage must end after it starts."))
            if not 0 < outage.affected_share <= 100:
                raise ValidationError(
                    self.env._("The affected share is a percentage above 0, up to 100.")
                )

    @api.model
    def _availability(self, date_from, date_to, company=None):
        """Availability in % between two local dates (inclusive) of the
        company's calendar time zone: 100 minus the unplanned downtime,
        weighted by the share affected, over the period's hours. Computed in
        SQL."""
        company = company or self.env.company
        tz = company._telephony_tz()

        def utc(day):
            return localtime.to_utc(tz, datetime.combine(day, time.min))

        start = utc(date_from)
        end = utc(fields.Date.add(date_to, days=1))
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(
                       EXTRACT(EPOCH FROM LEAST(COALESCE("end", %(now)s), %(end)s)
                                          - GREATEST(start, %(start)s))
                       * affected_share / 100.0), 0)
              FROM telephony_outage
             WHERE company_id = %(company)s AND NOT COALESCE(planned, FALSE)
               AND start < %(end)s AND COALESCE("end", %(now)s) > %(start)s
            """,
            {
                "company": company.id,
                "start": start,
                "end": end,
                "now": fields.Datetime.now(),
            },
        )
        downtime = self.env.cr.fetchone()[0]
        period = (end - start).total_seconds()
        return round(100.0 * (1 - downtime / period), 3)
