from odoo import api, fields, models


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

    # === CRUD === #

    # Holidays and eves are leaves of no resource: the work intervals cached
    # for deadlines change with them (an employee's time off does not).

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._council_forget_work_intervals()
        return leaves

    def write(self, vals):
        # Before and after: a leave may stop, or start, being a holiday.
        self._council_forget_work_intervals()
        res = super().write(vals)
        self._council_forget_work_intervals()
        return res

    def unlink(self):
        self._council_forget_work_intervals()
        return super().unlink()

    def _council_forget_work_intervals(self):
        if any(not leave.resource_id for leave in self):
            self.env["resource.calendar"]._council_forget_work_intervals()
