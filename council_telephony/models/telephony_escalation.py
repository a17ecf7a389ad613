from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

TRIGGERS = [
    ("manual", "By an agent"),
    ("deadline", "3-hour deadline missed"),
    ("repair", "Vendor past its repair time"),
]


class TelephonyEscalation(models.Model):
    """A ticket handed to the IT manager (4.3.9), by an agent or automatically,
    and the manager's decision. Management-level matters with the vendor are
    the manager's alone (4.2.7).

    ============  =======================================================
    who           may
    ============  =======================================================
    IT agent      escalate (with a reason), read escalations
    IT manager    all of the above, and record the decision
    head          read
    ============  =======================================================
    """

    _name = "telephony.escalation"
    _description = "Escalation to the IT manager"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "escalated_at desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True
    )
    vendor_call_id = fields.Many2one(
        comodel_name="telephony.vendor.call", string="Vendor call", ondelete="set null"
    )
    trigger = fields.Selection(selection=TRIGGERS, required=True, default="manual")
    reason = fields.Text(required=True)
    escalated_at = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True
    )
    escalated_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Escalated by",
        readonly=True,
        help="Empty when the system escalated on its own.",
    )
    manager_id = fields.Many2one(
        comodel_name="res.users", string="IT manager", required=True, readonly=True
    )
    state = fields.Selection(
        selection=[("open", "Awaiting decision"), ("decided", "Decided")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    decision = fields.Text(tracking=True)
    decided_by_id = fields.Many2one(
        comodel_name="res.users", string="Decided by", readonly=True
    )
    decided_at = fields.Datetime(string="Decided at", readonly=True)
    handed_from_id = fields.Many2one(
        comodel_name="res.users",
        string="Handled before by",
        readonly=True,
        help="4.3.9: the agent who handled the ticket before it went to the IT "
        "manager, to whom the decision may hand it back.",
    )
    handback = fields.Selection(
        selection=[
            ("agent", "Hand it back to the agent"),
            ("keep", "The IT manager keeps it"),
        ],
        string="After the decision",
        default="agent",
        required=True,
        tracking=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        escalations = super().create(vals_list)
        for escalation in escalations:
            escalation.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=escalation.manager_id.id,
                summary=self.env._(
                    "Escalated: %(ticket)s", ticket=escalation.ticket_id.display_name
                ),
                note=escalation.reason,
            )
        return escalations

    def action_decide(self):
        """Record the IT manager's decision: its text, who and when."""
        if not self.env.user.has_group(
            "council_telephony.council_telephony_group_manager"
        ):
            raise AccessError(
                self.env._("Only the IT manager decides an escalation (4.3.9).")
            )
        for escalation in self:
            if not (escalation.decision or "").strip():
                raise UserError(self.env._("Write the decision before recording it."))
        self.write(
            {
                "state": "decided",
                "decided_by_id": self.env.user.id,
                "decided_at": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for escalation in self:
            escalation.ticket_id.message_post(
                body=self.env._(
                    "The IT manager decided: %(decision)s", decision=escalation.decision
                )
            )
        self._hand_back()

    def _hand_back(self):
        """4.3.9: the decision hands the ticket back to the agent who had it,
        once no other escalation of it awaits a decision; or the IT manager
        keeps it. The ticket's tracking records who has it."""
        for escalation in self.filtered(
            lambda e: e.handback == "agent" and e.handed_from_id
        ):
            ticket = escalation.ticket_id
            if "open" not in ticket.escalation_ids.mapped("state"):
                ticket.sudo().user_id = escalation.handed_from_id
