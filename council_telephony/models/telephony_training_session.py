from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class TelephonyTrainingSession(models.Model):
    """A training session on a device model or a telephony function (4.2.6):
    who was invited, who attended, and the materials handed out.

    ============  =======================================================
    who           may
    ============  =======================================================
    IT agent      plan sessions, invite, record attendance
    IT manager    all of the above, and delete
    head          read
    employee      read the sessions they were invited to
    ============  =======================================================
    """

    _name = "telephony.training.session"
    _description = "Telephony training session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Topic", required=True, tracking=True)
    device_model_id = fields.Many2one(
        comodel_name="telephony.device.model",
        string="Device model",
        index=True,
        tracking=True,
        help="Attending a session on a model counts as being trained on it.",
    )
    function = fields.Char(
        tracking=True,
        help="The function taught, e.g. voicemail, call transfer, conference calls.",
    )
    date = fields.Date(
        required=True, default=fields.Date.context_today, index=True, tracking=True
    )
    trainer_id = fields.Many2one(
        comodel_name="res.partner",
        tracking=True,
        help="An IT agent, or the vendor's instructor.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        selection=[
            ("planned", "Planned"),
            ("done", "Held"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="planned",
        tracking=True,
    )
    material_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Materials",
        help="Guides and slides handed out; attendees can download them.",
    )
    description = fields.Html(string="Content")
    attendance_ids = fields.One2many(
        comodel_name="telephony.training.attendance",
        inverse_name="session_id",
        string="Attendees",
    )
    invited_count = fields.Integer(
        string="Invited", compute="_compute_attendance_counts"
    )
    attended_count = fields.Integer(
        string="Attended", compute="_compute_attendance_counts"
    )

    @api.depends("attendance_ids.state")
    def _compute_attendance_counts(self):
        for session in self:
            session.invited_count = len(session.attendance_ids)
            session.attended_count = len(
                session.attendance_ids.filtered(lambda a: a.state == "attended")
            )

    @api.constrains("device_model_id", "function")
    def _check_subject(self):
        if any(not s.device_model_id and not s.function for s in self):
            raise ValidationError(
                self.env._("A training session is on a device model or a function.")
            )

    def action_done(self):
        """The session took place: everyone invited is marked attended or absent."""
        undecided = self.attendance_ids.filtered(lambda a: a.state == "invited")
        if undecided:
            raise UserError(
                self.env._(
                    "Mark who attended and who was absent first: %(names)s.",
                    names=", ".join(undecided.employee_id.mapped("name")),
                )
            )
        self.write({"state": "done"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_plan(self):
        self.write({"state": "planned"})

    def action_invite_untrained(self):
        """Invite everyone who has the session's device model on an extension
        and has not been trained on it yet."""
        for session in self:
            if not session.device_model_id:
                raise UserError(
                    self.env._("Choose the device model the session is about first.")
                )
            untrained = self.env["telephony.training.gap"].search(
                [
                    ("device_model_id", "=", session.device_model_id.id),
                    ("company_id", "=", session.company_id.id),
                    (
                        "employee_id",
                        "not in",
                        session.attendance_ids.employee_id.ids,
                    ),
                ]
            )
            invited = self.env["telephony.training.attendance"].create(
                [
                    {"session_id": session.id, "employee_id": employee.id}
                    for employee in untrained.employee_id
                ]
            )
            # 4.2.6: each invitee is told, with the session in their calendar.
            unreachable = invited._send_invitations()
            if unreachable:
                session.message_post(
                    body=self.env._(
                        "Invited but not e-mailed (no work e-mail): %(names)s.",
                        names=", ".join(unreachable.mapped("name")),
                    )
                )
