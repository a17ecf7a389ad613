from odoo import fields, models


class TelephonyTrainingGap(models.Model):
    """Who is not trained yet on the device they use (4.2.6): each employee
    and device model on their extensions in the register, without an
    attendance at a held session on that model. A SQL view."""

    _name = "telephony.training.gap"
    _description = "Employees not trained on their device"
    _auto = False
    _order = "device_model_id, employee_id"
    _rec_name = "employee_id"
    # Flushed before the view is read.
    _depends = {
        "telephony.extension": [
            "active",
            "company_id",
            "employee_id",
            "device_model_id",
            "number",
        ],
        "telephony.training.attendance": ["employee_id", "session_id", "state"],
        "telephony.training.session": ["device_model_id", "state"],
        "hr.employee": ["active", "department_id"],
    }

    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    employee_id = fields.Many2one(comodel_name="hr.employee", readonly=True)
    department_id = fields.Many2one(comodel_name="hr.department", readonly=True)
    device_model_id = fields.Many2one(
        comodel_name="telephony.device.model", string="Device model", readonly=True
    )
    numbers = fields.Char(string="Extensions", readonly=True)

    @property
    def _table_query(self):
        # One row per employee and model; its id is the lowest of the
        # employee's extensions with that model, which no other row has.
        return """
            SELECT MIN(x.id) AS id, x.company_id, x.employee_id,
                   e.department_id, x.device_model_id,
                   string_agg(x.number, ', ' ORDER BY x.number) AS numbers
              FROM telephony_extension x
              JOIN hr_employee e ON e.id = x.employee_id
             WHERE x.active AND e.active AND x.device_model_id IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1
                     FROM telephony_training_attendance a
                     JOIN telephony_training_session s ON s.id = a.session_id
                    WHERE a.employee_id = x.employee_id
                      AND a.state = 'attended'
                      AND s.state = 'done'
                      AND s.device_model_id = x.device_model_id
               )
          GROUP BY x.company_id, x.employee_id, e.department_id, x.device_model_id
        """
