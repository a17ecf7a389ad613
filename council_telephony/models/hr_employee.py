from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    telephony_training_ids = fields.One2many(
        comodel_name="telephony.training.attendance",
        inverse_name="employee_id",
        string="Phone training",
        groups="council_telephony.council_telephony_group_employee",
        help="4.2.6: the telephony training sessions this employee was invited to.",
    )
