from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

MANAGER_GROUP = "council_telephony.council_telephony_group_manager"

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

    The decision (its text and whether the ticket goes back to the agent) is
    the IT manager's, while the escalation awaits it; recording it (state, who,
    when) is the decision action's alone. Both are checked in ``create`` and
    ``write``, the doors a client reaches over RPC, and the context's defaults
    are ignored: an escalation is always born awaiting the decision.
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
        if not self.env.su:
            for vals in vals_list:
                self._check_decision_vals(vals)
        # 4.3.9: born awaiting the decision, whatever defaults the context
        # carries (default_state, default_handback... from a client's call).
        clean = self.env(context=clean_context(self.env.context))
        escalations = super(TelephonyEscalation, self.with_env(clean)).create(vals_list)
        for escalation in escalations:
            escalation.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=escalation.manager_id.id,
                summary=self.env._(
                    "Escalated: %(ticket)s", ticket=escalation.ticket_id.display_name
                ),
                note=escalation.reason,
            )
        return escalations.with_env(self.env)

    def write(self, vals):
        if not self.env.su:
            self._check_decision_vals(vals)
        return super().write(vals)

    def _check_decision_vals(self, vals):
        """4.3.9: only the IT manager sets the decision, and only while the
        escalation awaits it; the decision action alone records it. Raises
        before anything is written."""
        if {"state", "decided_by_id", "decided_at"} & vals.keys():
            raise AccessError(
                self.env._('An escalation is decided with "Record decision" only.')
            )
        if {"decision", "handback"} & vals.keys():
            self._check_decider()

    def _check_decider(self):
        """4.3.9: the IT manager decides, while the escalation awaits it."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only the IT manager decides an escalation (4.3.9).")
            )
        if "decided" in self.mapped("state"):
            raise UserError(
                self.env._(
                    "This escalation is decided already: to change the decision, "
                    "escalate the ticket again."
                )
            )

    def action_decide(self):
        """Record the IT manager's decision: its text, who and when."""
        self._check_decider()
        for escalation in self:
            if not (escalation.decision or "").strip():
                raise UserError(self.env._("Write the decision before recording it."))
        # Recorded by this action only (see _check_decision_vals); the
        # tracking still names the IT manager.
        self.sudo().write(
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
