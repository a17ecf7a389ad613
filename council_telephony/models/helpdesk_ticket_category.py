from odoo import api, fields, models
from odoo.exceptions import AccessError

ROUTING_FIELDS = {
    "is_telephony",
    "telephony_vendor_id",
    "telephony_response_hours",
    "telephony_round_the_clock",
}


class HelpdeskTicketCategory(models.Model):
    """A fault kind and its routing (4.3.4, 4.3.5): device and PBX faults go to
    Tadiran, line moves, openings and repairs to Bezeq, the rest stay with the
    IT division. Only the IT manager changes routing."""

    _inherit = "helpdesk.ticket.category"

    is_telephony = fields.Boolean(
        string="Phone fault",
        help="Tickets of this kind belong to the telephony team.",
    )
    telephony_vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        string="Routed to",
        help="The vendor that handles this kind of fault. "
        "Empty: the IT division handles it internally.",
    )
    telephony_response_hours = fields.Float(
        string="Vendor call within (hours)",
        default=3.0,
        help="4.3.3: working hours from the report to the vendor call (or, for "
        "faults the IT division handles, to their resolution).",
    )
    telephony_round_the_clock = fields.Boolean(
        string="Around the clock",
        help="Count the hours around the clock instead of on the council's "
        "working calendar, e.g. for an outage of the whole PBX.",
    )
    telephony_number_required = fields.Boolean(
        string="Needs a number",
        help="The reporter must give the extension or line number.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(ROUTING_FIELDS & vals.keys() for vals in vals_list):
            self._check_routing_rights()
        return super().create(vals_list)

    def write(self, vals):
        if ROUTING_FIELDS & vals.keys():
            self._check_routing_rights()
        return super().write(vals)

    def _check_routing_rights(self):
        if not self.env.su and not self.env.user.has_group(
            "council_telephony.council_telephony_group_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only the IT manager may change how faults are routed and "
                    "their deadlines."
                )
            )
