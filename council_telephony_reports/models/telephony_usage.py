from odoo import fields, models
from odoo.tools import SQL


class TelephonyUsage(models.Model):
    """Monthly usage of an extension or line (4.2.5, C18): imported from the
    PBX or the carrier in bulk (see telephony.usage.import), read by SQL
    aggregation.

    The table is made here, in ``init``, without foreign keys: PostgreSQL
    checks a foreign key row by row, and the three of them made a
    million-row import three times slower (see the README). Deleting a
    department or a register entry clears it from the usage rows instead
    (what ON DELETE SET NULL did: see hr.department and telephony.extension);
    companies are not deleted."""

    _name = "telephony.usage"
    _description = "Monthly telephony usage"
    _auto = False
    _order = "period desc, number"
    _rec_name = "number"
    # Imported in bulk, never edited: no create/write stamps.
    _log_access = False

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True
    )
    period = fields.Date(required=True, readonly=True, help="The month.")
    number = fields.Char(required=True, readonly=True)
    extension_id = fields.Many2one(
        comodel_name="telephony.extension", string="Register entry", readonly=True
    )
    department_id = fields.Many2one(comodel_name="hr.department", readonly=True)
    # Not "Calls": that word names the weekly report's service requests.
    calls = fields.Integer(string="Number of phone calls", readonly=True)
    minutes = fields.Float(readonly=True)
    cost = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    def init(self):
        # A number's month is stored once per company: the import replaces
        # it, and the index refuses a file that gives it twice (4.2.5).
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS telephony_usage (
                id serial PRIMARY KEY,
                company_id integer NOT NULL,
                period date NOT NULL,
                number varchar NOT NULL,
                extension_id integer,
                department_id integer,
                calls integer,
                minutes double precision,
                cost numeric
            );
            CREATE UNIQUE INDEX IF NOT EXISTS telephony_usage_month_uniq
                ON telephony_usage (company_id, period, number);
            DROP INDEX IF EXISTS telephony_usage_company_period_idx;
            CREATE INDEX IF NOT EXISTS telephony_usage__extension_id_index
                ON telephony_usage (extension_id) WHERE extension_id IS NOT NULL;
            """
        )

    def _forget(self, field_name, records):
        """Clear deleted ``records`` (departments or register entries) from
        the usage rows. Issue 13, item 7: deleting no record clears
        nothing (``IN ()`` is no SQL)."""
        if not records:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE telephony_usage SET %s = NULL WHERE %s IN %s",
                SQL.identifier(field_name),
                SQL.identifier(field_name),
                tuple(records.ids),
            )
        )
        self.invalidate_model([field_name])
