from odoo import fields, models


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    # Employees without HR rights see this profile; the record rules leave
    # them their own history only.
    telephony_training_ids = fields.One2many(
        comodel_name="telephony.training.attendance",
        inverse_name="employee_id",
        string="Phone training",
        groups="council_telephony.council_telephony_group_employee",
    )
