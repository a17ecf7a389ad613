from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telephony_extension_min_digits = fields.Integer(
        string="Shortest extension",
        default=3,
        help="Fewest digits of an internal extension of the council's PBX.",
    )
    telephony_extension_max_digits = fields.Integer(
        string="Longest extension",
        default=4,
        help="Most digits of an internal extension of the council's PBX. "
        "Longer numbers are treated as carrier lines.",
    )
