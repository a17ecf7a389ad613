from odoo import api, fields, models
from odoo.tools import SQL


class TelephonyAvailabilityMonth(models.Model):
    """Availability of the telephony service per month and per year (3.2),
    of the whole service and of each vendor's part of it (4.2.4), against
    the council's target and the vendor's guarantee: the downtime of
    ``telephony.outage._downtime_sql`` over the period's hours, months and
    years in the calendar's time zone, from the first year with an outage to
    now. A SQL view."""

    _name = "telephony.availability.month"
    _description = "Telephony availability per month and year"
    _auto = False
    _order = "month desc, period_type, vendor_id desc"
    _rec_name = "month"
    # Flushed before the view is read.
    _depends = {
        "telephony.outage": [
            "company_id",
            "start",
            "end",
            "planned",
            "affected_share",
            "scope",
            "site",
            "extension_ids",
            "vendor_id",
        ],
        "res.company": ["telephony_calendar_id", "telephony_availability_target"],
        "telephony.contract": [
            "vendor_id",
            "company_id",
            "state",
            "date_start",
            "date_end",
            "availability_guarantee",
        ],
    }

    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        readonly=True,
        help="The vendor whose outages count; empty for the whole service.",
    )
    period_type = fields.Selection(
        selection=[("month", "Month"), ("year", "Year")],
        string="Period",
        readonly=True,
    )
    month = fields.Date(string="Period start", readonly=True)
    period_hours = fields.Float(string="Hours in period", readonly=True)
    downtime_hours = fields.Float(string="Downtime (hours)", readonly=True)
    availability = fields.Float(
        string="Availability (%)", readonly=True, aggregator="avg", digits=(5, 3)
    )
    target = fields.Float(
        string="Target (%)",
        readonly=True,
        aggregator="avg",
        help="The council's target for the whole service; the guarantee of "
        "the vendor's contract in force for a vendor.",
    )
    below_target = fields.Boolean(readonly=True)
    scope_name = fields.Char(string="Outages of", compute="_compute_scope_name")

    @api.depends("vendor_id")
    @api.depends_context("lang")
    def _compute_scope_name(self):
        for row in self:
            row.scope_name = row.vendor_id.name or self.env._("The whole service")

    @property
    def _table_query(self):
        now = fields.Datetime.now()
        downtime = self.env["telephony.outage"]._downtime_sql(
            SQL(
                "SELECT key, company_id, vendor_id, period_start, period_end "
                "FROM council_periods"
            )
        )
        return SQL(
            """
            WITH companies AS (
                SELECT c.id, COALESCE(cal.tz, 'Asia/Jerusalem') AS tz,
                       COALESCE(c.telephony_availability_target, 0) AS target
                  FROM res_company c
             LEFT JOIN resource_calendar cal ON cal.id = c.telephony_calendar_id
            ), spans AS (
                SELECT co.id AS company_id, co.tz, co.target,
                       (%(now)s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE co.tz
                           AS local_now,
                       date_trunc('year', COALESCE(
                           (SELECT min(o.start) FROM telephony_outage o
                             WHERE o.company_id = co.id) AT TIME ZONE 'UTC'
                               AT TIME ZONE co.tz,
                           (%(now)s::timestamp AT TIME ZONE 'UTC')
                               AT TIME ZONE co.tz)) AS since
                  FROM companies co
            ), periods AS (
                SELECT s.company_id, s.tz, s.target, 'month' AS period_type,
                       m AS period_from, m + interval '1 month' AS period_to
                  FROM spans s
            CROSS JOIN LATERAL generate_series(
                       s.since, date_trunc('month', s.local_now), interval '1 month')
                       AS m
             UNION ALL
                SELECT s.company_id, s.tz, s.target, 'year',
                       y, y + interval '1 year'
                  FROM spans s
            CROSS JOIN LATERAL generate_series(
                       s.since, date_trunc('year', s.local_now), interval '1 year')
                       AS y
            ), scopes AS (
                SELECT NULL::int AS vendor_id
             UNION ALL
                SELECT id FROM telephony_vendor WHERE active
            ), council_periods AS (
                SELECT row_number() OVER (
                           ORDER BY p.company_id, p.period_type, p.period_from,
                                    v.vendor_id NULLS FIRST) AS key,
                       p.company_id, v.vendor_id, p.period_type, p.target,
                       p.period_from::date AS period_from,
                       p.period_to::date AS period_to,
                       (p.period_from AT TIME ZONE p.tz) AT TIME ZONE 'UTC'
                           AS period_start,
                       (p.period_to AT TIME ZONE p.tz) AT TIME ZONE 'UTC'
                           AS period_end
                  FROM periods p
            CROSS JOIN scopes v
            ), downtime AS (%(downtime)s
            ), figures AS (
                SELECT p.key, p.company_id, p.vendor_id, p.period_type,
                       p.period_from,
                       EXTRACT(EPOCH FROM p.period_end - p.period_start) / 3600.0
                           AS period_hours,
                       COALESCE(d.seconds, 0) / 3600.0 AS downtime_hours,
                       CASE WHEN p.vendor_id IS NULL THEN p.target
                            ELSE (SELECT NULLIF(k.availability_guarantee, 0)
                                    FROM telephony_contract k
                                   WHERE k.vendor_id = p.vendor_id
                                     AND k.company_id = p.company_id
                                     AND k.state IN ('active', 'ended')
                                     AND k.date_start < p.period_to
                                     AND k.date_end >= p.period_from
                                ORDER BY k.date_start DESC
                                   LIMIT 1) END AS target
                  FROM council_periods p
             LEFT JOIN downtime d ON d.key = p.key
            )
            SELECT key AS id, company_id, vendor_id, period_type,
                   period_from AS month, period_hours, downtime_hours,
                   ROUND((100 * (1 - downtime_hours / period_hours))::numeric, 3)
                       AS availability,
                   target,
                   COALESCE(
                       100 * (1 - downtime_hours / period_hours) < target, FALSE
                   ) AS below_target
              FROM figures
            """,
            now=now,
            downtime=downtime,
        )
