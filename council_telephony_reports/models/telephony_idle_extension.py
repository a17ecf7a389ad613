from datetime import date

from odoo import fields, models
from odoo.tools import SQL


class TelephonyIdleExtension(models.Model):
    """Savings found (4.2.5): register entries with no call in their last
    imported months, and what they cost a month. A SQL view."""

    _name = "telephony.idle.extension"
    _description = "Idle extension or line"
    _auto = False
    _order = "monthly_cost desc"
    _rec_name = "extension_id"
    _depends = {
        "telephony.usage": ["extension_id", "period", "calls", "cost", "company_id"],
        "telephony.extension": ["active", "company_id"],
        "res.company": ["telephony_idle_months"],
    }

    extension_id = fields.Many2one(comodel_name="telephony.extension", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    department_id = fields.Many2one(comodel_name="hr.department", readonly=True)
    months = fields.Integer(string="Months without calls", readonly=True)
    reported = fields.Boolean(
        string="In the usage files",
        readonly=True,
        help="Unticked: the entry is in the register but in none of the last "
        "imported months' files; what it costs is not known.",
    )
    monthly_cost = fields.Float(string="Cost a month", readonly=True)
    last_call_period = fields.Date(string="Last month with calls", readonly=True)

    @property
    def _table_query(self):
        return self._idle_query(date.max)

    def _idle_query(self, until):
        """The entries idle as of the last month imported up to ``until``
        (a date): the view's rows today, and the annual report's savings at
        the end of each year (4.2.5)."""
        return SQL(
            """
            WITH latest AS (
                SELECT company_id, max(period) AS period
                  FROM telephony_usage WHERE period <= %(until)s
                 GROUP BY company_id
            ), window_usage AS (
                SELECT u.company_id, u.extension_id, SUM(u.calls) AS calls,
                       SUM(u.cost) AS cost, COUNT(DISTINCT u.period) AS months
                  FROM telephony_usage u
                  JOIN latest l ON l.company_id = u.company_id
                  JOIN res_company c ON c.id = u.company_id
                 WHERE u.extension_id IS NOT NULL
                   AND u.period <= l.period
                   AND u.period > l.period
                       - make_interval(months => COALESCE(c.telephony_idle_months, 3))
                 GROUP BY u.company_id, u.extension_id
            )
            -- A register entry absent from the exports (zero traffic left
            -- out) is idle too, for all the months looked at, its cost unknown.
            SELECT e.id AS id, e.id AS extension_id, e.company_id,
                   e.department_id,
                   COALESCE(w.months, c.telephony_idle_months, 3) AS months,
                   w.months IS NOT NULL AS reported,
                   ROUND((w.cost / NULLIF(w.months, 0))::numeric, 2) AS monthly_cost,
                   (SELECT max(u2.period) FROM telephony_usage u2
                     WHERE u2.extension_id = e.id AND u2.calls > 0
                       AND u2.period <= %(until)s) AS last_call_period
              FROM telephony_extension e
              JOIN latest l ON l.company_id = e.company_id
              JOIN res_company c ON c.id = e.company_id
         LEFT JOIN window_usage w ON w.extension_id = e.id
             WHERE e.active AND COALESCE(w.calls, 0) = 0
               AND (w.months IS NULL
                    OR w.months >= COALESCE(c.telephony_idle_months, 3))
            """,
            until=until,
        )
