from odoo import fields, models


class TelephonyContractPrice(models.Model):
    """A unit price the tender fixed (a device, a service call, a line per month)."""

    _name = "telephony.contract.price"
    _description = "Contract unit price"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        comodel_name="telephony.contract", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True)
    unit = fields.Char(help="e.g. per device, per call, per line per month")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    price = fields.Monetary(string="Unit price", required=True)

    _sql_constraints = [
        ("price_not_negative", "CHECK (price >= 0)", "A unit price cannot be negative.")
    ]
