from odoo import fields, models


class TelephonyUsage(models.Model):
    """Monthly usage of an extension or line (4.2.5, C18): imported from the
    PBX or the carrier in bulk (see wizards), read by SQL aggregation."""

    _name = "telephony.usage"
    _description = "Monthly telephony usage"
    _order = "period desc, number"
    _rec_name = "number"
    # Imported in bulk, never edited: no create/write stamps, and one index
    # for the period queries (see init).
    _log_access = False

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True
    )
    period = fields.Date(required=True, readonly=True, help="The month.")
    number = fields.Char(required=True, readonly=True)
    extension_id = fields.Many2one(
        comodel_name="telephony.extension",
        string="Register entry",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    department_id = fields.Many2one(
        comodel_name="hr.department", ondelete="set null", readonly=True
    )
    calls = fields.Integer(readonly=True)
    minutes = fields.Float(readonly=True)
    cost = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    def init(self):
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS telephony_usage_company_period_idx
                   ON telephony_usage (company_id, period)"""
        )
