import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..tools import batches, mail_intake, mail_queue

_logger = logging.getLogger(__name__)

OPEN_CALL_STATES = ("open", "in_progress")
RESPONSE_STATUSES = [
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
DONE_STEPS = ("resolved", "closed")
INFORMED = [
    ("email", "By e-mail"),
    ("portal", "In the portal"),
    ("none", "Could not be told"),
]
AGENT_GROUP = "council_telephony.council_telephony_group_agent"
# C20: what the IT division works with (its notes, the 3-hour watch, vendor
# calls, escalations, corrected times) is read by the helpdesk's agents and
# the head of council only, never by the reporter over RPC.
INTERNAL = (
    "helpdesk_mgmt.group_helpdesk_user_own,"
    "council_telephony.council_telephony_group_head"
)


class HelpdeskTicket(models.Model):
    """A phone fault (4.3.1, 4.3.2): the OCA helpdesk ticket, with the number,
    place and device of the fault, the real time it was received and the vendor
    it is routed to."""

    _name = "helpdesk.ticket"
    _inherit = [
        "telephony.vendor.contact.guard",
        "telephony.measured.guard",
        "helpdesk.ticket",
    ]
    # received_at too, but an agent gives it at intake (see create).
    _telephony_measured = frozenset(
        {
            "received_at",
            "acknowledged_at",
            "response_deadline",
            "response_warning_at",
            "response_met_at",
            "response_in_time",
            "response_warned_at",
            "response_breach_notified_at",
            "telephony_resolved_at",
            "reporter_informed_at",
            "reporter_informed",
            "agents_told_at",
            "telephony_mail_held",
        }
    )

    # === Fields === #

    notes = fields.Html(groups=INTERNAL)

    is_telephony = fields.Boolean(
        related="team_id.is_telephony", store=True, index=True, string="Phone fault"
    )
    received_at = fields.Datetime(
        string="Received at",
        default=fields.Datetime.now,
        required=True,
        tracking=True,
        copy=False,
        help="When the report reached the IT division: the 3-hour rule "
        "(4.3.3) counts from here. For a report taken by phone, the time of "
        "the call, given when it is logged; corrected afterwards only by the "
        "IT manager.",
    )
    telephony_number = fields.Char(
        string="Extension or line",
        compute="_compute_telephony_number",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    extension_id = fields.Many2one(
        comodel_name="telephony.extension",
        string="Register entry",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        groups=INTERNAL,
    )
    telephony_location = fields.Char(
        string="Location",
        compute="_compute_from_extension",
        store=True,
        readonly=False,
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_from_extension",
        store=True,
        readonly=False,
        groups=INTERNAL,
    )
    device_model_id = fields.Many2one(
        comodel_name="telephony.device.model",
        string="Device",
        compute="_compute_from_extension",
        store=True,
        readonly=False,
        groups=INTERNAL,
    )
    telephony_vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        string="Vendor",
        compute="_compute_telephony_vendor_id",
        store=True,
        readonly=False,
        tracking=True,
        help="Where this fault is routed (4.3.4, 4.3.5). Empty: handled by the "
        "IT division.",
    )
    acknowledged_at = fields.Datetime(
        string="Acknowledged at",
        readonly=True,
        copy=False,
        help="When the reporter was e-mailed that the report was recorded.",
        groups=INTERNAL,
    )
    response_deadline = fields.Datetime(
        string="Vendor call due",
        compute="_compute_response_deadline",
        store=True,
        index=True,
        tracking=True,
        help="4.3.3: the vendor call is opened no later than this (received at "
        "+ 3 working hours on the council's calendar), by the rules in force "
        "when the report was received.",
        groups=INTERNAL,
    )
    response_warning_at = fields.Datetime(
        string="At risk from",
        compute="_compute_response_deadline",
        store=True,
        groups=INTERNAL,
    )
    response_met_at = fields.Datetime(
        string="Deadline met at",
        compute="_compute_response_met_at",
        store=True,
        help="When the first vendor call was opened, or the fault resolved.",
        groups=INTERNAL,
    )
    response_in_time = fields.Boolean(
        string="Within 3 hours",
        compute="_compute_response_in_time",
        store=True,
        groups=INTERNAL,
    )
    response_status = fields.Selection(
        selection=RESPONSE_STATUSES,
        string="3-hour rule",
        compute="_compute_response_status",
        search="_search_response_status",
        groups=INTERNAL,
    )
    response_warned_at = fields.Datetime(readonly=True, copy=False, groups=INTERNAL)
    response_breach_notified_at = fields.Datetime(
        readonly=True, copy=False, groups=INTERNAL
    )
    telephony_resolved_at = fields.Datetime(
        string="Resolved at", readonly=True, copy=False
    )
    resolution_summary = fields.Text(
        string="How it was handled",
        tracking=True,
        help="4.3.7: told to the reporter when the ticket is closed.",
    )
    reporter_informed_at = fields.Datetime(
        string="Reporter informed at",
        readonly=True,
        copy=False,
        tracking=True,
        help="4.3.7: when the message saying how the fault was handled went to "
        "the reporter.",
        groups=INTERNAL,
    )
    reporter_informed = fields.Selection(
        selection=INFORMED,
        string="Reporter told",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="How the reporter was told how the fault was handled: an e-mail "
        "to their address, or a message on the ticket in the portal when they "
        "have no address; or that they could not be told (no address, no "
        "portal access).",
        groups=INTERNAL,
    )
    escalation_ids = fields.One2many(
        comodel_name="telephony.escalation",
        inverse_name="ticket_id",
        string="Escalations",
        groups=INTERNAL,
    )
    is_escalated = fields.Boolean(
        string="Escalated",
        compute="_compute_is_escalated",
        store=True,
        help="Waiting for the IT manager's decision.",
        groups=INTERNAL,
    )
    vendor_call_ids = fields.One2many(
        comodel_name="telephony.vendor.call",
        inverse_name="ticket_id",
        string="Vendor calls",
        groups=INTERNAL,
    )
    vendor_call_count = fields.Integer(
        compute="_compute_vendor_call_count", groups=INTERNAL
    )
    moment_correction_ids = fields.One2many(
        comodel_name="telephony.moment.correction",
        inverse_name="ticket_id",
        string="Corrected times",
        groups=INTERNAL,
    )
    telephony_step = fields.Selection(related="stage_id.telephony_step")
    # 4.3.2: reports by e-mail.
    agents_told_at = fields.Datetime(
        string="Agents told at",
        readonly=True,
        copy=False,
        help="When the IT division's agents were told of this new fault.",
        groups=INTERNAL,
    )
    telephony_mail_held = fields.Boolean(
        string="Held: sender not verified",
        readonly=True,
        copy=False,
        help="Reported by e-mail from outside the council, or from a council "
        "address its mail server did not vouch for: in nobody's name until an "
        "agent accepts it.",
        groups=INTERNAL,
    )
    previous_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Follows ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="4.3.7: the closed ticket whose reporter wrote back after the days "
        "in which a reply reopens it.",
    )

    @api.model
    def _telephony_reads_internal(self):
        """Whether the current user reads the IT division's side of tickets:
        its notes, watch fields and files (C20)."""
        return self.env.is_superuser() or self.env.user.has_groups(INTERNAL)

    # === Computes === #

    @api.depends("extension_id")
    def _compute_telephony_number(self):
        for ticket in self:
            if ticket.extension_id:
                ticket.telephony_number = ticket.extension_id.number

    @api.depends("extension_id")
    def _compute_from_extension(self):
        for ticket in self:
            extension = ticket.extension_id
            if extension:
                # C20: the register's entry (its holder's department, device,
                # place) is the IT division's; the reporter's page shows its
                # place only when the extension is the reporter's own.
                if extension.user_id.partner_id == ticket.partner_id or (
                    not ticket.partner_id
                ):
                    ticket.telephony_location = extension.location
                ticket.department_id = extension.department_id
                ticket.device_model_id = extension.device_model_id

    @api.depends("category_id")
    def _compute_telephony_vendor_id(self):
        for ticket in self:
            ticket.telephony_vendor_id = ticket.category_id.telephony_vendor_id

    @api.depends("user_id", "category_id")
    def _compute_team_id(self):
        res = super()._compute_team_id()
        team_model = self.env["helpdesk.ticket.team"]
        for ticket in self.filtered("category_id.is_telephony"):
            if not ticket.team_id.is_telephony:
                team = team_model._telephony_team(ticket.company_id or self.env.company)
                ticket.team_id = team or ticket.team_id
        return res

    # Fixed when the report is received, by the rules in force then (fault
    # kind's hours, round the clock, calendar, warning): a rule changed later
    # applies to the reports received after it, and past figures stand.
    @api.depends("is_telephony", "received_at")
    def _compute_response_deadline(self):
        """4.3.3: a vendor call no later than 3 hours after the report."""
        for ticket in self:
            if not (ticket.is_telephony and ticket.received_at):
                ticket.response_deadline = ticket.response_warning_at = False
                continue
            company = ticket.company_id or self.env.company
            category = ticket.category_id
            hours = category.telephony_response_hours if category else 3.0
            ticket.response_deadline, ticket.response_warning_at = (
                company._telephony_deadline(
                    hours,
                    ticket.received_at,
                    company.telephony_at_risk_hours,
                    category.telephony_round_the_clock,
                )
            )

    @api.depends(
        "vendor_call_ids.opened_at", "vendor_call_ids.state", "telephony_resolved_at"
    )
    def _compute_response_met_at(self):
        for ticket in self:
            # A call cancelled (e.g. opened with the wrong vendor) meets nothing.
            calls = ticket.vendor_call_ids.filtered(lambda c: c.state != "cancelled")
            moments = calls.mapped("opened_at")
            if ticket.telephony_resolved_at:
                moments.append(ticket.telephony_resolved_at)
            ticket.response_met_at = min(moments, default=False)

    @api.depends("response_met_at", "response_deadline")
    def _compute_response_in_time(self):
        for ticket in self:
            ticket.response_in_time = bool(
                ticket.response_met_at
                and ticket.response_deadline
                and ticket.response_met_at <= ticket.response_deadline
            )

    @api.depends("response_met_at", "response_deadline", "response_warning_at")
    def _compute_response_status(self):
        now = fields.Datetime.now()
        for ticket in self:
            if not ticket.response_deadline or (
                ticket.closed and not ticket.response_met_at
            ):
                status = False
            elif ticket.response_met_at:
                status = "met" if ticket.response_in_time else "breached"
            elif now >= ticket.response_deadline:
                status = "breached"
            elif now >= ticket.response_warning_at:
                status = "at_risk"
            else:
                status = "on_track"
            ticket.response_status = status

    def _search_response_status(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(self.env._("This search is not supported."))
        now = fields.Datetime.now()
        pending = [("response_met_at", "=", False), ("stage_id.closed", "=", False)]
        domains = {
            "met": [("response_in_time", "=", True)],
            "breached": [
                "|",
                "&",
                ("response_met_at", "!=", False),
                ("response_in_time", "=", False),
                "&",
                *pending,
                ("response_deadline", "<=", now),
            ],
            "at_risk": [
                *pending,
                ("response_warning_at", "<=", now),
                ("response_deadline", ">", now),
            ],
            "on_track": [*pending, ("response_warning_at", ">", now)],
        }
        values = [value] if operator == "=" else value
        return expression.OR(
            [domains[v] for v in values if v in domains] or [[(0, "=", 1)]]
        )

    @api.depends("escalation_ids.state")
    def _compute_is_escalated(self):
        for ticket in self:
            ticket.is_escalated = "open" in ticket.escalation_ids.mapped("state")

    @api.depends("vendor_call_ids")
    def _compute_vendor_call_count(self):
        groups = self.env["telephony.vendor.call"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
        )
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.vendor_call_count = counts.get(ticket.id, 0)

    # === Constraints === #

    @api.constrains("received_at")
    def _check_received_at(self):
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.received_at and ticket.received_at > now:
                raise ValidationError(
                    self.env._(
                        "A report cannot be received in the future: check the "
                        "date and time it was received."
                    )
                )

    @api.constrains("telephony_number", "category_id")
    def _check_telephony_number_required(self):
        for ticket in self:
            category = ticket.category_id
            if category.telephony_number_required and not ticket.telephony_number:
                raise ValidationError(
                    self.env._(
                        "A %(kind)s fault needs the extension or line number.",
                        kind=category.name,
                    )
                )

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._prepare_received_at_vals(vals_list)
        for vals in vals_list:
            self._prepare_telephony_number_vals(vals)
            self._prepare_telephony_team_vals(vals)
        tickets = super().create(vals_list)
        # Planned now, by the rules in force as the report is received, not
        # whenever the pending computation would run (after a rule changed in
        # the same transaction, say).
        tickets._recompute_recordset(["response_deadline", "response_warning_at"])
        if any(t.is_telephony for t in tickets):
            # Acknowledged, and the agents told (4.3.2), right after commit by
            # the job, keeping intake cheap. The job's id comes from the cached
            # xmlid, not env.ref, which checks the record exists with a query
            # each time.
            cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
                "council_telephony.ir_cron_telephony_acknowledgment",
                raise_if_not_found=False,
            )
            # A wake-up already pending serves this report too: under load,
            # each report does not wake the job anew (a trigger, and a NOTIFY
            # through a connection of its own after commit). Asked in SQL:
            # every portal report pays for this question.
            if cron_id:
                self.env.cr.execute(
                    "SELECT EXISTS (SELECT FROM ir_cron_trigger "
                    "WHERE cron_id = %s AND call_at <= %s)",
                    [cron_id, fields.Datetime.now()],
                )
                if not self.env.cr.fetchone()[0]:
                    self.env["ir.cron"].sudo().browse(cron_id)._trigger()
        return tickets

    def write(self, vals):
        self._telephony_check_measured([vals])
        self._prepare_telephony_number_vals(vals)
        stage = self.env["helpdesk.ticket.stage"].browse(vals.get("stage_id"))
        closing = self.browse()
        if stage.closed:
            closing = self.filtered(lambda t: t.is_telephony and not t.closed)
            closing._check_resolution_summary(vals)
            closing._check_vendor_calls_settled()
        res = super().write(vals)
        if stage.closed or stage.telephony_step in DONE_STEPS:
            self.filtered(
                lambda t: t.is_telephony and not t.telephony_resolved_at
            ).sudo().telephony_resolved_at = fields.Datetime.now()
        closing._telephony_inform_reporter()
        return res

    def _prepare_received_at_vals(self, vals_list):
        """4.3.3 counts from the moment the report was received, which the
        system records: now. An agent who took the report by phone gives the
        time of the call as they log it (C1); nobody gives it afterwards."""
        is_agent = self.env.user.has_group(AGENT_GROUP)
        given = [vals.pop("received_at", False) for vals in vals_list]
        self._telephony_check_measured(vals_list, creating=True)
        now = fields.Datetime.now()
        for vals, received_at in zip(vals_list, given, strict=True):
            vals["received_at"] = (received_at if is_agent else False) or now

    def _check_vendor_calls_settled(self):
        """4.3.6, 4.3.7: a fault is closed once its vendor calls are settled
        (resolved or cancelled), so that no job follows a closed ticket."""
        for ticket in self:
            calls = ticket.vendor_call_ids.filtered(
                lambda c: c.state in OPEN_CALL_STATES
            )
            if calls:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s still has open vendor calls: "
                        "%(calls)s. Resolve or cancel them before closing the "
                        "ticket.",
                        ticket=ticket.number,
                        calls=", ".join(
                            f"{call.name} ({call.vendor_id.name})" for call in calls
                        ),
                    )
                )

    def _check_resolution_summary(self, vals):
        """4.3.7: a ticket closes with how the fault was handled."""
        for ticket in self:
            summary = vals.get("resolution_summary", ticket.resolution_summary)
            if not (summary or "").strip():
                raise ValidationError(
                    self.env._(
                        "Write how the fault was handled before closing ticket "
                        "%(ticket)s: the reporter is told so.",
                        ticket=ticket.number,
                    )
                )

    def _prepare_telephony_number_vals(self, vals):
        """Normalize a typed number and link it to the register when known."""
        if not vals.get("telephony_number"):
            return
        company = self.env["res.company"].browse(vals.get("company_id")) or (
            self.company_id[:1] or self.env.company
        )
        register = self.env["telephony.extension"]
        vals["telephony_number"] = register.parse_council_number(
            vals["telephony_number"], company
        )[1]
        if "extension_id" not in vals:
            vals["extension_id"] = register.find_by_number(
                vals["telephony_number"], company
            ).id

    def _prepare_telephony_team_vals(self, vals):
        """A phone fault given to no team and no agent joins the telephony
        team as it is created, as ``_compute_team_id`` would put it after:
        helpdesk_mgmt then takes its company and first stage from the team at
        once, instead of reading the new ticket back to compute them."""
        if vals.get("team_id") or vals.get("user_id"):
            return
        category = self.env["helpdesk.ticket.category"].browse(vals.get("category_id"))
        if category.is_telephony:
            company = self.env["res.company"].browse(vals.get("company_id"))
            team = self.env["helpdesk.ticket.team"]._telephony_team(
                company or self.env.company
            )
            if team:
                vals["team_id"] = team.id

    def _prepare_ticket_number(self, values):
        category = self.env["helpdesk.ticket.category"].browse(
            values.get("category_id")
        )
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id"))
        if category.is_telephony or team.is_telephony:
            seq = self.env["ir.sequence"]
            if values.get("company_id"):
                seq = seq.with_company(values["company_id"])
            number = seq.next_by_code("telephony.ticket")
            if number:
                return number
        return super()._prepare_ticket_number(values)

    # === Actions === #

    def action_open_vendor_call(self):
        """4.3.3: open the vendor's service call through its dedicated channel."""
        self.ensure_one()
        if not self.telephony_vendor_id:
            raise UserError(
                self.env._(
                    "This fault is handled by the IT division: choose a vendor "
                    "on the ticket to open a vendor call."
                )
            )
        return {
            "name": self.env._("Open vendor call"),
            "type": "ir.actions.act_window",
            "res_model": "telephony.vendor.call.open",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_vendor_id": self.telephony_vendor_id.id,
            },
        }

    def action_escalate(self):
        """4.3.9: hand the ticket to the IT manager, with a reason."""
        self.ensure_one()
        return {
            "name": self.env._("Escalate to IT manager"),
            "type": "ir.actions.act_window",
            "res_model": "telephony.escalate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_correct_moment(self):
        """C23: the IT manager corrects a recorded time, saying why."""
        self.ensure_one()
        return {
            "name": self.env._("Correct a time"),
            "type": "ir.actions.act_window",
            "res_model": "telephony.moment.correction",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_record_outage(self):
        """3.2: record the outage this fault is part of."""
        self.ensure_one()
        return {
            "name": self.env._("Record outage"),
            "type": "ir.actions.act_window",
            "res_model": "telephony.outage",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_vendor_call_id": self.vendor_call_ids[:1].id,
                "default_cause": self.name,
                "default_start": self.received_at,
            },
        }

    def action_view_vendor_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.telephony_vendor_call_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    # === Business methods === #

    def init(self):
        # The scheduled jobs read only what is due, through these indexes.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_ack_pending_idx
                ON helpdesk_ticket (id)
             WHERE is_telephony AND acknowledged_at IS NULL
               AND partner_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_agents_untold_idx
                ON helpdesk_ticket (id)
             WHERE is_telephony AND agents_told_at IS NULL;
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_response_warning_due_idx
                ON helpdesk_ticket (response_warning_at)
             WHERE is_telephony AND response_met_at IS NULL
               AND response_warned_at IS NULL;
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_response_breach_due_idx
                ON helpdesk_ticket (response_deadline)
             WHERE is_telephony AND response_met_at IS NULL
               AND response_breach_notified_at IS NULL;
            """
        )

    @api.model
    def _cron_send_acknowledgments(self, batch_size=200):
        """4.3.2: each reporter learns the report was recorded, under which
        number, and the agents learn of the new fault. Idempotent: a ticket is
        acknowledged (its agents told) once, in the transaction that queues
        its e-mail; a missed run is caught up by the next."""
        batch, more = batches.due_batch(
            self,
            [
                ("is_telephony", "=", True),
                ("acknowledged_at", "=", False),
                ("partner_id", "!=", False),
            ],
            "id",
            batch_size,
        )
        # 4.3.2: every agent is told of every new fault, whatever its channel.
        untold, more_untold = batches.due_batch(
            self,
            [("is_telephony", "=", True), ("agents_told_at", "=", False)],
            "id",
            batch_size,
        )
        untold._telephony_tell_agents()
        untold.sudo().write({"agents_told_at": fields.Datetime.now()})
        template = self.env.ref(
            "council_telephony.mail_template_telephony_acknowledgment"
        )
        for ticket in batch:
            # Sent to the reporter alone (the followers are agents).
            template.send_mail(
                ticket.id,
                force_send=False,
                email_values={"reply_to": ticket._telephony_reply_to()},
                email_layout_xmlid="mail.mail_notification_light",
            )
        batch.sudo().write({"acknowledged_at": fields.Datetime.now()})
        if batch or untold:
            mail_queue.wake(self.env)
        self.env["ir.cron"]._notify_progress(
            done=len(batch) + len(untold), remaining=int(more or more_untold)
        )

    @api.model
    def _cron_watch_response_deadlines(self, batch_size=200):
        """C5: warn the agent when the 3-hour deadline is at risk; at breach,
        alert the agent and the IT manager and escalate. Each warning goes out
        once per ticket; only what is due is read (partial indexes, see init),
        so a run after downtime catches up on everything missed, in batches."""
        now = fields.Datetime.now()
        pending = [
            ("is_telephony", "=", True),
            ("response_met_at", "=", False),
            ("stage_id.closed", "=", False),
        ]
        breached, more_breached = batches.due_batch(
            self,
            [
                *pending,
                ("response_deadline", "<=", now),
                ("response_breach_notified_at", "=", False),
            ],
            "response_deadline",
            batch_size,
        )
        for ticket in breached:
            ticket._telephony_notify(
                "mail_template_telephony_breach", with_manager=True
            )
            ticket._telephony_escalate(
                self.env._(
                    "No vendor call was opened within %(hours)s working hours of "
                    "the report (4.3.3).",
                    hours=ticket.category_id.telephony_response_hours or 3,
                ),
                trigger="deadline",
            )
        breached.sudo().write({"response_breach_notified_at": now})
        breached.filtered(lambda t: not t.response_warned_at).sudo().write(
            {"response_warned_at": now}
        )
        at_risk, more_at_risk = batches.due_batch(
            self,
            [
                *pending,
                ("response_warning_at", "<=", now),
                ("response_deadline", ">", now),
                ("response_warned_at", "=", False),
            ],
            "response_deadline",
            batch_size,
        )
        for ticket in at_risk:
            ticket._telephony_notify("mail_template_telephony_at_risk")
            ticket.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(ticket),
                user_id=ticket._telephony_agent().id,
                summary=self.env._("Open the vendor call: the 3-hour deadline is near"),
            )
        at_risk.sudo().write({"response_warned_at": now})
        if breached or at_risk:
            mail_queue.wake(self.env)
        # A full batch: the scheduler runs the job again at once.
        self.env["ir.cron"]._notify_progress(
            done=len(breached) + len(at_risk),
            remaining=int(more_breached or more_at_risk),
        )

    def _telephony_agent(self):
        """Who answers for the ticket: its agent, else the team leader, else
        the IT manager."""
        self.ensure_one()
        return (
            self.user_id
            or self.team_id.user_id
            or self.company_id.telephony_manager_id
            or self.env.user
        )

    def _telephony_notify(self, template_xmlid, with_manager=False):
        """E-mail the ticket's agent (and the IT manager), each in their own
        language, through the mail queue."""
        self.ensure_one()
        template = self.env.ref(f"council_telephony.{template_xmlid}")
        users = self._telephony_agent()
        if with_manager:
            users |= self.company_id.telephony_manager_id
        for user in users:
            template.with_context(lang=user.lang).send_mail(
                self.id,
                force_send=False,
                email_values={"recipient_ids": [(6, 0, user.partner_id.ids)]},
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _telephony_escalate(self, reason, trigger="manual", vendor_call=None):
        """4.3.9: hand the ticket to the IT manager set in the settings. By an
        agent and automatically alike; a scheduled job with no IT manager to
        hand to logs it and goes on with the other tickets."""
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the ticket is escalated."))
        escalations = self.env["telephony.escalation"]
        for ticket in self:
            if ticket.closed and trigger != "manual":
                continue  # jobs never act on a closed ticket
            manager = ticket.company_id.telephony_manager_id or ticket.team_id.user_id
            if not manager and trigger != "manual":
                _logger.warning("No IT manager to escalate %s to", ticket.number)
                continue
            if not manager:
                raise UserError(
                    self.env._(
                        "Set the IT manager in the telephony settings before "
                        "escalating."
                    )
                )
            escalations |= escalations.sudo().create(
                {
                    "ticket_id": ticket.id,
                    "vendor_call_id": vendor_call.id if vendor_call else False,
                    "trigger": trigger,
                    "reason": reason,
                    "manager_id": manager.id,
                    "escalated_by_id": self.env.uid if trigger == "manual" else False,
                    "handed_from_id": ticket._telephony_handler_before(manager).id,
                }
            )
            # 4.3.9: the IT manager handles the ticket until they decide.
            if ticket.user_id != manager:
                ticket.sudo().user_id = manager
            ticket.message_post(
                body=self.env._(
                    "Escalated to %(manager)s: %(reason)s",
                    manager=manager.name,
                    reason=reason,
                )
            )
        return escalations

    def _telephony_handler_before(self, manager):
        """Who handled the ticket before it went to ``manager``: its agent, or
        the one it was handed from when it is with the manager already."""
        self.ensure_one()
        if self.user_id != manager:
            return self.user_id
        pending = self.escalation_ids.filtered(
            lambda e: e.state == "open" and e.handed_from_id
        )
        return pending[:1].handed_from_id

    def _telephony_inform_reporter(self):
        """4.3.7: tell the reporter, in their language, how the fault was
        handled, and record whether and how they were told: an e-mail queued
        to their address; with no address, a message on the ticket, which a
        reporter with a user reads in the portal (or their Odoo inbox); with
        neither, the ticket says the reporter could not be told."""
        template = self.env.ref("council_telephony.mail_template_telephony_closed")
        now = fields.Datetime.now()
        mailed = False
        for ticket in self:
            reporter = ticket.partner_id
            how = "none"
            if reporter.email_normalized:
                mail = (
                    self.env["mail.mail"]
                    .sudo()
                    .browse(
                        template.send_mail(
                            ticket.id,
                            force_send=False,
                            email_values={"reply_to": ticket._telephony_reply_to()},
                            email_layout_xmlid="mail.mail_notification_light",
                        )
                    )
                )
                if mail.recipient_ids.email_normalized or mail.email_to:
                    how = mailed = "email"
            elif reporter.user_ids:
                ticket.message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment"
                )
                how = "portal"
            ticket.sudo().write(
                {
                    "reporter_informed": how,
                    "reporter_informed_at": now if how != "none" else False,
                }
            )
        if mailed:
            mail_queue.wake(self.env)

    def _track_template(self, tracking):
        res = super()._track_template(tracking)
        # Our closing e-mail, with how the fault was handled, replaces the
        # helpdesk's generic "ticket closed" one.
        if self[:1].is_telephony and self[:1].stage_id.closed:
            res.pop("stage_id", None)
        return res

    def _telephony_sync_stage(self):
        """Move each ticket to the stage matching its vendor calls (4.3.6).
        The stages of the steps are read once for all the tickets."""
        stages = None
        for ticket in self.filtered(lambda t: t.is_telephony and not t.closed):
            states = set(ticket.vendor_call_ids.mapped("state"))
            if "in_progress" in states:
                step = "with_vendor"
            elif "open" in states:
                step = "vendor_call"
            elif "resolved" in states:
                step = "resolved"
            else:
                step = "new"
            if ticket.telephony_step == step:
                continue
            if stages is None:
                stages = self.env["helpdesk.ticket.stage"].search(
                    [("telephony_step", "!=", False)]
                )
            stage = stages.filtered(
                lambda s, t=ticket, step=step: s.telephony_step == step
                and (not s.company_id or s.company_id == t.company_id)
                and (not s.team_ids or t.team_id in s.team_ids)
            )[:1]
            if stage:
                ticket.stage_id = stage

    # === Mail gateway (4.3.2, 4.3.7; C20) === #

    def _telephony_reply_to(self):
        """Where a reply to the e-mails the procedure sends goes: the record's
        alias, else the catchall, which lead the reply back to the record by
        its references (4.3.6, 4.3.7). A template's empty Reply-To would send
        it to the company's own mailbox instead."""
        self.ensure_one()
        return self.sudo()._notify_get_reply_to()[self.id]

    def _telephony_tell_agents(self):
        """4.3.2: tell the IT division's agents (the telephony team's members
        and leader, else whoever answers for the ticket) of a new fault, each
        as they chose in their preferences: in Odoo's inbox, at once, or by
        e-mail."""
        for ticket in self:
            team = ticket.team_id
            users = (team.user_ids | team.user_id).filtered(
                lambda u: u.active and not u.share
            ) or ticket._telephony_agent()
            for lang in set(users.mapped("lang")):
                told = ticket.with_context(lang=lang)
                env = told.env
                body = env._(
                    "New phone fault %(ticket)s from %(reporter)s: %(fault)s.",
                    ticket=ticket.number,
                    reporter=ticket.partner_id.name
                    or ticket.partner_email
                    or env._("an unknown sender"),
                    fault=ticket.name,
                )
                if ticket.telephony_mail_held:
                    body += " " + env._(
                        "Held: the sender is not verified; accept the report "
                        "to make it theirs."
                    )
                told.message_notify(
                    partner_ids=users.filtered(
                        lambda u, lang=lang: u.lang == lang
                    ).partner_id.ids,
                    subject=env._("New phone fault %(ticket)s", ticket=ticket.number),
                    body=body,
                    email_layout_xmlid="mail.mail_notification_light",
                )

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """4.3.2: a fault reported by e-mail is a phone fault like one from
        the portal: the sender matched to the employee and their register
        entries, the number read from the subject or the text, received when
        it was sent (when that is plausible). Who the sender is, is believed
        as the company's policy says (C20): mail the council's server does not
        vouch for, or from outside when outside mail is held, is in nobody's
        name until an agent accepts it."""
        self._telephony_check_gateway()
        info = self.env.context.get("telephony_mail")
        values = dict(custom_values or {})
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id"))
        category = self.env["helpdesk.ticket.category"].browse(
            values.get("category_id")
        )
        if info is None or not (team.is_telephony or category.is_telephony):
            return super().message_new(msg_dict, custom_values)
        company = team.company_id or self.env.company
        values = {**self._telephony_mail_values(msg_dict, info, company), **values}
        tickets = self
        if values.get("telephony_mail_held"):
            # Filed by the gateway, not by the employee the From: names.
            tickets = self.with_user(SUPERUSER_ID)
        # Those in copy do not become followers (C20): the reporter decides
        # nothing about who reads the ticket.
        return super(HelpdeskTicket, tickets).message_new(dict(msg_dict, cc=""), values)

    def message_update(self, msg_dict, update_vals=None):
        """A reply on a phone fault: nobody named in To or Cc becomes a
        follower (C20); the reporter's reply to the closing message reopens
        the ticket (4.3.7); a machine's reply (out of office) reopens
        nothing."""
        self._telephony_check_gateway()
        info = self.env.context.get("telephony_mail")
        telephony = self.filtered("is_telephony")
        if info is None or not telephony:
            return super().message_update(msg_dict, update_vals)
        author = self._telephony_mail_author(msg_dict, info, self.company_id[:1])
        if not author:
            msg_dict["author_id"] = False
        res = super().message_update(dict(msg_dict, to="", cc=""), update_vals)
        if not info["auto_reply"] and author:
            telephony.filtered(
                lambda t: t.closed and t.partner_id == author
            )._telephony_reopen()
        return res

    def message_post(self, **kwargs):
        # A mail from someone other than the reporter is posted, but does not
        # make its author a follower of the fault (C20).
        tickets = self
        if self.env.context.get("from_alias") and self.is_telephony:
            author = kwargs.get("author_id")
            if not author or author != self.partner_id.id:
                tickets = self.with_context(mail_create_nosubscribe=True)
        return super(HelpdeskTicket, tickets).message_post(**kwargs)

    def _telephony_check_gateway(self):
        """Only the mail gateway files mail as its sender (C20)."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Incoming e-mail is read by the mail server's connection, "
                    "not by users: write to the telephony address instead."
                )
            )

    @api.model
    def _telephony_mail_author(self, msg_dict, info, company):
        """The partner a mail is believed to come from, or nothing: a council
        address only when the council's mail server vouches for it; another
        address only when the company accepts outside mail."""
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        council = (company.alias_domain_id.name or "").lower()
        if council and info["domain"] == council:
            return author if info["authenticated"] else author.browse()
        if company.telephony_mail_outside == "accept":
            return author or self.env["res.partner"].browse()
        return author.browse()

    @api.model
    def _telephony_mail_values(self, msg_dict, info, company):
        """The ticket's values read from a mailed report (4.3.2)."""
        now = fields.Datetime.now()
        sent_at = fields.Datetime.to_datetime(info.get("sent_at"))
        plausible = (
            sent_at
            and sent_at <= now
            and now - sent_at <= timedelta(hours=company.telephony_mail_date_hours)
        )
        values = {
            "received_at": sent_at if plausible else now,
            "company_id": company.id,
        }
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
        )
        if channel:
            values["channel_id"] = channel.id
        author = self._telephony_mail_author(msg_dict, info, company)
        council = (company.alias_domain_id.name or "").lower()
        if (
            not author
            and company.telephony_mail_outside == "accept"
            and (info["domain"] != council)
        ):
            author = self.env["mail.thread"]._mail_find_partner_from_emails(
                [msg_dict.get("email_from")], force_create=True
            )[0]
        if author:
            values["partner_id"] = author.id
        else:
            name, email = tools.parse_contact_from_email(
                msg_dict.get("email_from") or ""
            )
            values.update(
                partner_id=False,
                partner_name=name or email,
                partner_email=email,
                telephony_mail_held=True,
            )
            msg_dict["author_id"] = False
        values.update(self._telephony_mail_number(msg_dict, company, author))
        return values

    @api.model
    def _telephony_mail_number(self, msg_dict, company, author):
        """The number of the fault and its kind: the first number written in
        the subject or the text that is in the register, else the first valid
        council number of the subject, else the sender's one register entry.
        A number the council's numbering refuses is not taken (nor, then, the
        sender's entry: the fault may be on another phone)."""
        register = self.env["telephony.extension"].sudo()
        subject = msg_dict.get("subject") or ""
        text = tools.html2plaintext(msg_dict.get("body") or "")
        valid = []
        candidates = mail_intake.number_candidates(subject, text)
        for raw in candidates:
            try:
                kind, number = register.parse_council_number(raw, company)
            except ValidationError:
                continue
            if register.find_by_number(number, company):
                valid.insert(0, (kind, number, True))
                break
            if raw in subject:
                valid.append((kind, number, False))
        kind = number = False
        if valid:
            kind, number, _known = valid[0]
        elif author and not candidates:
            entries = register.search(
                [
                    ("employee_id.user_id.partner_id", "=", author.id),
                    ("company_id", "=", company.id),
                ]
            )
            if len(entries) == 1:
                kind, number = "extension", entries.number
        category = self.env.ref(
            {
                "extension": "council_telephony.category_device_fault",
                "line": "council_telephony.category_line_repair",
            }.get(kind, "council_telephony.category_other"),
            raise_if_not_found=False,
        )
        values = {"category_id": category.id} if category else {}
        if number:
            values["telephony_number"] = number
        return values

    @api.model
    def _telephony_mail_reroute(self, routes, message_dict, info):
        """4.3.7: a reply to a ticket closed longer ago than the company's
        days to reopen opens a new ticket, linked to the old one."""
        rerouted = []
        now = fields.Datetime.now()
        for route in routes or ():
            model, thread_id, _values, user_id, alias = route
            ticket = self.browse(thread_id if model == self._name else [])
            days = ticket.company_id.telephony_reopen_days
            if (
                ticket.exists()
                and ticket.is_telephony
                and ticket.closed
                and not info["auto_reply"]
                and ticket.closed_date
                and ticket.closed_date < now - timedelta(days=days)
            ):
                message_dict.pop("parent_id", None)
                route = (
                    model,
                    False,
                    {
                        "team_id": ticket.team_id.id,
                        "category_id": ticket.category_id.id,
                        "telephony_number": ticket.telephony_number,
                        "previous_ticket_id": ticket.id,
                    },
                    user_id,
                    alias,
                )
            rerouted.append(route)
        return rerouted

    def _telephony_reopen(self):
        """4.3.7: the reporter says the fault is back: the ticket goes back to
        the start of the flow and its agent is told."""
        stages = self.env["helpdesk.ticket.stage"].search(
            [("telephony_step", "=", "new")]
        )
        for ticket in self:
            stage = stages.filtered(
                lambda s, t=ticket: (not s.company_id or s.company_id == t.company_id)
                and (not s.team_ids or t.team_id in s.team_ids)
            )[:1]
            if not stage:
                continue
            ticket.stage_id = stage
            ticket.message_post(
                body=self.env._(
                    "Reopened: the reporter replied to the closing message."
                )
            )
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(ticket),
                user_id=ticket._telephony_agent().id,
                summary=self.env._("The reporter says the fault is back"),
            )

    def action_accept_mail_report(self):
        """An agent accepts a report held at intake: it becomes the report of
        the sender's address (found, or made a contact), who is then
        acknowledged."""
        if not self.env.user.has_group(AGENT_GROUP):
            raise AccessError(
                self.env._("Only the IT division accepts a report held at intake.")
            )
        for ticket in self.filtered("telephony_mail_held"):
            partner = self.env["mail.thread"]._mail_find_partner_from_emails(
                [ticket.partner_email], force_create=True
            )[0]
            ticket.sudo().write(
                {"partner_id": partner.id, "telephony_mail_held": False}
            )
            ticket.message_post(
                body=self.env._(
                    "Accepted by %(agent)s as the report of %(reporter)s.",
                    agent=self.env.user.name,
                    reporter=partner.display_name,
                )
            )
        self.env.ref(
            "council_telephony.ir_cron_telephony_acknowledgment"
        ).sudo()._trigger()
