from odoo import fields, models


class TelephonyTrainingAttendance(models.Model):
    """An employee invited to a training session, and whether they came
    (4.2.6). An employee's rows are their training history."""

    _name = "telephony.training.attendance"
    _description = "Telephony training attendance"
    _order = "date desc, id desc"
    _rec_name = "employee_id"
    _check_company_auto = True

    session_id = fields.Many2one(
        comodel_name="telephony.training.session",
        required=True,
        ondelete="cascade",
        index=True,
    )
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        related="employee_id.user_id", string="Employee's user", store=True
    )
    department_id = fields.Many2one(related="employee_id.department_id")
    company_id = fields.Many2one(
        related="session_id.company_id", store=True, index=True, precompute=True
    )
    date = fields.Date(related="session_id.date", store=True)
    topic = fields.Char(related="session_id.name")
    device_model_id = fields.Many2one(
        related="session_id.device_model_id", store=True, index=True
    )
    function = fields.Char(related="session_id.function")
    session_state = fields.Selection(related="session_id.state", string="Session state")
    state = fields.Selection(
        selection=[
            ("invited", "Invited"),
            ("attended", "Attended"),
            ("absent", "Absent"),
        ],
        string="Attendance",
        required=True,
        default="invited",
    )

    _sql_constraints = [
        (
            "session_employee_uniq",
            "unique(session_id, employee_id)",
            "This employee is already invited to this session.",
        )
    ]

    def action_attended(self):
        self.write({"state": "attended"})

    def action_absent(self):
        self.write({"state": "absent"})
