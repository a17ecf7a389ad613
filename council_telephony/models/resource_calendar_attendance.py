from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    """Working hours: the work intervals cached for deadlines change with
    them (see ``resource.calendar._council_work_intervals``)."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self.env["resource.calendar"]._council_forget_work_intervals()
        return attendances

    def write(self, vals):
        res = super().write(vals)
        self.env["resource.calendar"]._council_forget_work_intervals()
        return res

    def unlink(self):
        self.env["resource.calendar"]._council_forget_work_intervals()
        return super().unlink()
