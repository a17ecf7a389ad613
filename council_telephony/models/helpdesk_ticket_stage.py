from odoo import fields, models

TELEPHONY_STEPS = [
    ("new", "New"),
    ("vendor_call", "Vendor call opened"),
    ("with_vendor", "With vendor"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    telephony_step = fields.Selection(
        selection=TELEPHONY_STEPS,
        help="Where a telephony ticket stands in the fault procedure (4.3). "
        "Vendor calls move their ticket to the stage of the matching step.",
    )
