from odoo import models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    def unlink(self):
        # The usage rows have no foreign key (see telephony.usage).
        self.env["telephony.usage"]._forget("department_id", self)
        return super().unlink()
