from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import batches, mail_queue
from .helpdesk_ticket import OPEN_CALL_STATES
from .telephony_vendor import CHANNEL_TYPES

NEWS_FIELDS = {"state", "vendor_reference", "promised_at"}
# The vendor has responded once a call is in progress or resolved (4.2.4).
RESPONDED_STATES = ("in_progress", "resolved")


class TelephonyVendorCall(models.Model):
    """A service call opened with a vendor for a ticket (4.3.3) and followed
    until the fault is resolved (4.3.6).

    ============  =======================================================
    who           may
    ============  =======================================================
    IT agent      open, follow and close calls of telephony tickets
    IT manager    all of the above, and delete
    head          read
    others        nothing
    ============  =======================================================
    """

    _name = "telephony.vendor.call"
    _description = "Vendor service call"
    _inherit = ["telephony.vendor.contact.guard", "mail.thread", "mail.activity.mixin"]
    _order = "opened_at desc, id desc"
    _check_company_auto = True

    # === Fields === #

    name = fields.Char(
        string="Call", required=True, readonly=True, copy=False, default="/"
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        required=True,
        ondelete="restrict",
        index=True,
    )
    channel_type = fields.Selection(
        selection=CHANNEL_TYPES,
        string="Channel",
        required=True,
        help="The channel through which this call was opened.",
    )
    opened_at = fields.Datetime(
        string="Opened at", required=True, default=fields.Datetime.now, index=True
    )
    opened_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Opened by",
        required=True,
        default=lambda self: self.env.user,
    )
    vendor_reference = fields.Char(
        string="Vendor reference",
        tracking=True,
        index="trigram",
        help="The number the vendor gave this service call.",
    )
    promised_at = fields.Datetime(
        string="Promised for",
        tracking=True,
        help="When the vendor promised to fix the fault.",
    )
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("in_progress", "In progress"),
            ("resolved", "Resolved"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="open",
        tracking=True,
        index=True,
    )
    resolved_at = fields.Datetime(string="Resolved at", readonly=True, copy=False)
    responded_at = fields.Datetime(
        string="Vendor responded at",
        compute="_compute_responded_at",
        store=True,
        copy=False,
        help="When the vendor took the call up: when it went in progress, or "
        "when it was resolved if it never did. The vendor's response time is "
        "measured to it in compliance reviews (4.2.4).",
    )
    description = fields.Text(help="What was asked of the vendor.")
    request_instructions = fields.Html(related="vendor_id.request_instructions")
    conduct_rules = fields.Html(related="vendor_id.conduct_rules")
    last_news_at = fields.Datetime(
        string="Last news",
        default=fields.Datetime.now,
        readonly=True,
        help="The last time something happened on this call: a note, a reply "
        "from the vendor, a new reference, promise or state.",
    )
    followup_reminded_at = fields.Datetime(readonly=True, copy=False)
    followup_due_at = fields.Datetime(
        string="Follow up by",
        compute="_compute_followup_due_at",
        store=True,
        index=True,
        help="4.3.6: when the agent is reminded if there is no news by then.",
    )
    repair_due_at = fields.Datetime(
        string="Repair due",
        compute="_compute_repair_due_at",
        store=True,
        index=True,
        help="The vendor's contractual repair time, counted from opening.",
    )
    repair_overdue = fields.Boolean(
        string="Past repair time", readonly=True, copy=False, index=True
    )

    # === Computes === #

    @api.depends(
        "state", "last_news_at", "followup_reminded_at", "vendor_id.followup_hours"
    )
    def _compute_followup_due_at(self):
        for call in self:
            hours = call.vendor_id.followup_hours
            if call.state not in OPEN_CALL_STATES or not hours:
                call.followup_due_at = False
                continue
            since = max(filter(None, (call.last_news_at, call.followup_reminded_at)))
            call.followup_due_at = call.ticket_id.company_id._telephony_plan_hours(
                hours, since
            )

    @api.depends("state")
    def _compute_responded_at(self):
        for call in self:
            if not call.responded_at and call.state in RESPONDED_STATES:
                call.responded_at = call.resolved_at or fields.Datetime.now()

    @api.depends("opened_at", "vendor_id.repair_hours")
    def _compute_repair_due_at(self):
        contracts = self.env["telephony.contract"].sudo()
        for call in self:
            company = call.ticket_id.company_id
            # The repair time of the contract in force when the call was
            # opened, which compliance reviews measure against (4.2.4); the
            # vendor's own when there is none.
            contract = (
                contracts._for_vendor_on(call.vendor_id, call.opened_at.date(), company)
                if call.opened_at and call.vendor_id
                else contracts
            )
            hours = contract.repair_hours or call.vendor_id.repair_hours
            call.repair_due_at = (
                company._telephony_plan_hours(hours, call.opened_at)
                if hours and call.opened_at
                else False
            )

    # === Constraints === #

    def _check_one_open_call(self, ticket_id, vendor_id):
        """At most one open call per ticket and vendor. Checked before writing
        for a clear message; the partial unique index (see init) holds under
        concurrency too."""
        clash = self.sudo().search(
            [
                ("id", "not in", self.ids),
                ("ticket_id", "=", ticket_id),
                ("vendor_id", "=", vendor_id),
                ("state", "in", OPEN_CALL_STATES),
            ],
            limit=1,
        )
        if clash:
            raise ValidationError(
                self.env._(
                    "Ticket %(ticket)s already has an open call with %(vendor)s "
                    "(%(call)s): follow that call instead of opening another.",
                    ticket=clash.ticket_id.number,
                    vendor=clash.vendor_id.name,
                    call=clash.name,
                )
            )

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS telephony_vendor_call_one_open_idx
                ON telephony_vendor_call (ticket_id, vendor_id)
             WHERE state IN ('open', 'in_progress')
            """
        )

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "open") in OPEN_CALL_STATES:
                self._check_one_open_call(vals.get("ticket_id"), vals.get("vendor_id"))
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("telephony.vendor.call") or "/"
                )
        calls = super().create(vals_list)
        calls.ticket_id._telephony_sync_stage()
        return calls

    def write(self, vals):
        if {"ticket_id", "vendor_id", "state"} & vals.keys():
            for call in self:
                if vals.get("state", call.state) in OPEN_CALL_STATES:
                    call._check_one_open_call(
                        vals.get("ticket_id", call.ticket_id.id),
                        vals.get("vendor_id", call.vendor_id.id),
                    )
        if NEWS_FIELDS & vals.keys():
            vals.setdefault("last_news_at", fields.Datetime.now())
        res = super().write(vals)
        if "state" in vals:
            self.ticket_id._telephony_sync_stage()
        return res

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        # A note or a reply is news from the follow-up's point of view (4.3.6).
        if message.message_type in ("comment", "email"):
            self.sudo().last_news_at = fields.Datetime.now()
        return message

    # === Actions === #

    def action_start(self):
        self._check_state(("open",))
        self.state = "in_progress"

    def action_resolve(self):
        self._check_state(OPEN_CALL_STATES)
        self.write({"state": "resolved", "resolved_at": fields.Datetime.now()})

    def action_cancel(self):
        self._check_state(OPEN_CALL_STATES)
        self.state = "cancelled"

    def _check_state(self, allowed):
        if any(call.state not in allowed for call in self):
            raise UserError(
                self.env._("This action does not apply to a call in this state.")
            )

    # === Business methods === #

    @api.model
    def _cron_follow_up_vendor_calls(self, batch_size=200):
        """4.3.6, C7: remind the agent of calls with no news for the vendor's
        number of working hours; flag calls past the contractual repair time
        and escalate them to the IT manager, once. Only what is due is read,
        so a run after downtime catches up, in batches."""
        now = fields.Datetime.now()
        silent, more_silent = batches.due_batch(
            self,
            [("state", "in", OPEN_CALL_STATES), ("followup_due_at", "<=", now)],
            "followup_due_at",
            batch_size,
        )
        for call in silent:
            call.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(call),
                user_id=call.ticket_id._telephony_agent().id,
                summary=self.env._(
                    "No news from %(vendor)s: follow up the call",
                    vendor=call.vendor_id.name,
                ),
            )
        silent.write({"followup_reminded_at": now})
        overdue, more_overdue = batches.due_batch(
            self,
            [
                ("state", "in", OPEN_CALL_STATES),
                ("repair_due_at", "<=", now),
                ("repair_overdue", "=", False),
            ],
            "repair_due_at",
            batch_size,
        )
        overdue.write({"repair_overdue": True})
        for call in overdue:
            call.ticket_id._telephony_escalate(
                self.env._(
                    "%(vendor)s is past its contractual repair time on call %(call)s.",
                    vendor=call.vendor_id.name,
                    call=call.name,
                ),
                trigger="repair",
                vendor_call=call,
            )
        # A full batch: the scheduler runs the job again at once.
        self.env["ir.cron"]._notify_progress(
            done=len(silent) + len(overdue),
            remaining=int(more_silent or more_overdue),
        )

    def _send_vendor_request(self):
        """E-mail the service request to the vendor's dedicated address through
        the mail queue, woken to send it within a minute (4.3.3), and log it
        on the call."""
        template = self.env.ref("council_telephony.mail_template_vendor_call_request")
        for call in self:
            template.send_mail(call.id, force_send=False)
            call.message_post(
                body=self.env._(
                    "Service request e-mailed to %(email)s.",
                    email=call.vendor_id.request_email,
                ),
            )
        if self:
            mail_queue.wake(self.env)
