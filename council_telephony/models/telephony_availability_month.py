from odoo import fields, models


class TelephonyAvailabilityMonth(models.Model):
    """Availability of the telephony system per month (3.2), from the outage
    records: unplanned downtime weighted by the share affected, over the
    month's hours, months in the calendar's time zone. A SQL view."""

    _name = "telephony.availability.month"
    _description = "Telephony availability per month"
    _auto = False
    _order = "month desc"
    _rec_name = "month"
    # Flushed before the view is read.
    _depends = {
        "telephony.outage": ["company_id", "start", "end", "planned", "affected_share"],
        "res.company": ["telephony_calendar_id", "telephony_availability_target"],
    }

    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    month = fields.Date(readonly=True)
    period_hours = fields.Float(string="Hours in month", readonly=True)
    downtime_hours = fields.Float(string="Downtime (hours)", readonly=True)
    availability = fields.Float(
        string="Availability (%)", readonly=True, aggregator="avg"
    )
    target = fields.Float(string="Target (%)", readonly=True, aggregator="avg")
    below_target = fields.Boolean(readonly=True)

    @property
    def _table_query(self):
        return """
            WITH companies AS (
                SELECT c.id, COALESCE(cal.tz, 'Asia/Jerusalem') AS tz,
                       COALESCE(c.telephony_availability_target, 0) AS target
                  FROM res_company c
             LEFT JOIN resource_calendar cal ON cal.id = c.telephony_calendar_id
            ), months AS (
                SELECT co.id AS company_id, co.target, m.month::date AS month,
                       (m.month AT TIME ZONE co.tz) AT TIME ZONE 'UTC' AS start_utc,
                       ((m.month + interval '1 month') AT TIME ZONE co.tz)
                           AT TIME ZONE 'UTC' AS end_utc
                  FROM companies co
            CROSS JOIN LATERAL generate_series(
                       date_trunc('month', COALESCE(
                           (SELECT min(o.start) FROM telephony_outage o
                             WHERE o.company_id = co.id),
                           now() AT TIME ZONE 'UTC')),
                       date_trunc('month', now() AT TIME ZONE 'UTC'),
                       interval '1 month') AS m(month)
            ), downtime AS (
                SELECT mo.company_id, mo.month, mo.target,
                       EXTRACT(EPOCH FROM mo.end_utc - mo.start_utc) / 3600
                           AS period_hours,
                       COALESCE(SUM(EXTRACT(EPOCH FROM
                           LEAST(COALESCE(o."end", now() AT TIME ZONE 'UTC'),
                                 mo.end_utc)
                           - GREATEST(o.start, mo.start_utc))
                           * o.affected_share / 100.0), 0) / 3600 AS downtime_hours
                  FROM months mo
             LEFT JOIN telephony_outage o
                    ON o.company_id = mo.company_id
                   AND NOT COALESCE(o.planned, FALSE)
                   AND o.start < mo.end_utc
                   AND COALESCE(o."end", now() AT TIME ZONE 'UTC') > mo.start_utc
              GROUP BY mo.company_id, mo.month, mo.target, mo.start_utc, mo.end_utc
            )
            SELECT row_number() OVER (ORDER BY company_id, month) AS id,
                   company_id, month, target, period_hours, downtime_hours,
                   ROUND((100 * (1 - downtime_hours / period_hours))::numeric, 3)
                       AS availability,
                   100 * (1 - downtime_hours / period_hours) < target AS below_target
              FROM downtime
        """
