from odoo import fields, models

from ..tools import ics, mail_queue


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

    # === Invitations (4.2.6) === #

    def _send_invitations(self):
        """E-mail each invitee the session, with a calendar event to add it
        to their calendar, in their language. Returns the invitees who could
        not be told (no work e-mail)."""
        template = self.env.ref("council_telephony.mail_template_training_invitation")
        unreachable = self.env["hr.employee"]
        for attendance in self:
            contact = attendance.employee_id.work_contact_id
            if not contact.email:
                unreachable |= attendance.employee_id
                continue
            template.send_mail(
                attendance.id,
                force_send=False,
                email_values={"attachment_ids": [(4, attendance._calendar_event().id)]},
                email_layout_xmlid="mail.mail_notification_light",
            )
        if len(unreachable) < len(self):
            mail_queue.wake(self.env)
        return unreachable

    def _calendar_event(self):
        """The session as an all-day calendar event (.ics)."""
        self.ensure_one()
        session = self.session_id
        lang = self.employee_id.work_contact_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        about = session.device_model_id.display_name or session.function or ""
        name = env._("Telephony training: %(topic)s", topic=session.name)
        return self.env["ir.attachment"].create(
            {
                "name": f"{name}.ics",
                "mimetype": "text/calendar",
                "res_model": self._name,
                "res_id": self.id,
                "raw": ics.all_day_event(
                    uid=f"telephony-training-{session.id}-{self.employee_id.id}"
                    f"@{self.env.cr.dbname}",
                    day=session.date,
                    summary=name,
                    description=about,
                    stamp=fields.Datetime.now(),
                ),
            }
        )
