from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    council_closure_date = fields.Date(
        string="Holiday date",
        readonly=True,
        help="Set on closures loaded from the Israeli holiday calendar, so that "
        "loading a year twice adds nothing.",
    )
    council_closure_kind = fields.Selection(
        selection=[("holiday", "Holiday"), ("eve", "Holiday eve")],
        string="Closure",
        readonly=True,
    )

    _sql_constraints = [
        (
            "council_closure_uniq",
            "unique(calendar_id, council_closure_date, council_closure_kind)",
            "This holiday is already on the calendar.",
        )
    ]
