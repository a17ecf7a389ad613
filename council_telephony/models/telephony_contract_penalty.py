from odoo import fields, models


class TelephonyContractPenalty(models.Model):
    """A penalty rule of the tender (4.2.4): an amount per vendor call beyond
    the response or repair time, or per percentage point of availability below
    the guarantee. Compliance reviews apply these rules to measured figures."""

    _name = "telephony.contract.penalty"
    _description = "Contract penalty rule"
    _order = "contract_id, term, id"

    contract_id = fields.Many2one(
        comodel_name="telephony.contract", required=True, ondelete="cascade", index=True
    )
    term = fields.Selection(
        selection=[
            ("response", "Response time"),
            ("repair", "Repair time"),
            ("availability", "Availability"),
        ],
        required=True,
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    amount = fields.Monetary(
        required=True,
        help="Per vendor call beyond the term (response, repair), or per "
        "percentage point below the guarantee (availability).",
    )
    cap = fields.Monetary(
        string="Cap per review", help="The most this rule can cost in one review."
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "amount_not_negative",
            "CHECK (amount >= 0 AND (cap IS NULL OR cap >= 0))",
            "A penalty cannot be negative.",
        )
    ]
