from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import batches, mail_intake, mail_queue
from .helpdesk_ticket import OPEN_CALL_STATES
from .telephony_vendor import CHANNEL_TYPES

NEWS_FIELDS = {"state", "vendor_reference", "promised_at"}
# The vendor has responded once a call is in progress or resolved (4.2.4).
RESPONDED_STATES = ("in_progress", "resolved")
# Where a call may go from each state; resolved and cancelled are final.
NEXT_STATES = {
    "open": {"in_progress", "resolved", "cancelled"},
    "in_progress": {"resolved", "cancelled"},
}
# A call belongs to its ticket and vendor: moved, it would meet another
# ticket's deadline or count in another vendor's figures.
FIXED_AFTER_OPENING = {"ticket_id", "vendor_id"}
# The vendor's act a call's response or repair time is measured to (4.2.4).
MEASURED_MOMENTS = {"response": "responded_at", "repair": "resolved_at"}


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
    _inherit = [
        "telephony.vendor.contact.guard",
        "telephony.measured.guard",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "opened_at desc, id desc"
    _check_company_auto = True
    _telephony_measured = frozenset(
        {
            "opened_at",
            "opened_by_id",
            "responded_at",
            "resolved_at",
            "repair_due_at",
            "repair_overdue",
            "followup_due_at",
            "followup_reminded_at",
            "last_news_at",
            "promise_reminded_at",
        }
    )

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
        check_company=True,
    )
    channel_type = fields.Selection(
        selection=CHANNEL_TYPES,
        string="Channel",
        required=True,
        help="The channel through which this call was opened.",
    )
    opened_at = fields.Datetime(
        string="Opened at",
        required=True,
        default=fields.Datetime.now,
        index=True,
        readonly=True,
        tracking=True,
        help="When the call was opened with the vendor, recorded by the system "
        "(4.3.3).",
    )
    opened_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Opened by",
        required=True,
        default=lambda self: self.env.user,
        readonly=True,
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
    resolved_at = fields.Datetime(
        string="Resolved at", readonly=True, copy=False, tracking=True
    )
    responded_at = fields.Datetime(
        string="Vendor responded at",
        compute="_compute_responded_at",
        store=True,
        copy=False,
        tracking=True,
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
    promise_reminded_at = fields.Datetime(
        string="Reminded of the promise at",
        readonly=True,
        copy=False,
        help="When the agent was reminded that the vendor's promised time "
        "passed; a new promise is reminded of again.",
    )
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
        help="The vendor's contractual repair time, counted from opening, as "
        "in force when the call was opened.",
    )
    repair_overdue = fields.Boolean(
        string="Past repair time", readonly=True, copy=False, index=True, tracking=True
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

    # Fixed when the call is opened: a repair time changed later applies to
    # calls opened after (as the 3-hour deadline, 4.3.3).
    @api.depends("opened_at", "vendor_id")
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
        self._telephony_check_measured(vals_list, creating=True)
        tickets = self.env["helpdesk.ticket"].browse(
            {vals.get("ticket_id") for vals in vals_list} - {None, False}
        )
        for vals in vals_list:
            if not self.env.su and vals.get("state", "open") != "open":
                raise AccessError(
                    self.env._(
                        "A new vendor call is open; its state moves on afterwards "
                        "(Vendor is on it, Resolved, Cancel call)."
                    )
                )
            ticket = tickets.browse(vals.get("ticket_id"))
            if ticket.closed and vals.get("state", "open") in OPEN_CALL_STATES:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is closed: reopen it before opening a "
                        "vendor call.",
                        ticket=ticket.number,
                    )
                )
            if vals.get("state", "open") in OPEN_CALL_STATES:
                self._check_one_open_call(vals.get("ticket_id"), vals.get("vendor_id"))
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("telephony.vendor.call") or "/"
                )
        calls = super().create(vals_list)
        # Planned now, by the repair time in force as the call is opened.
        calls._recompute_recordset(["repair_due_at"])
        calls.ticket_id._telephony_sync_stage()
        return calls

    def write(self, vals):
        self._telephony_check_measured([vals])
        if not self.env.su:
            self._check_write_by_hand(vals)
        if {"ticket_id", "vendor_id", "state"} & vals.keys():
            for call in self:
                if vals.get("state", call.state) in OPEN_CALL_STATES:
                    call._check_one_open_call(
                        vals.get("ticket_id", call.ticket_id.id),
                        vals.get("vendor_id", call.vendor_id.id),
                    )
        # What the system records with the change.
        now = fields.Datetime.now()
        if NEWS_FIELDS & vals.keys():
            vals.setdefault("last_news_at", now)
        if vals.get("state") == "resolved":
            vals.setdefault("resolved_at", now)
        if "promised_at" in vals:
            vals["promise_reminded_at"] = False
        res = super().write(vals)
        if "state" in vals:
            self.ticket_id._telephony_sync_stage()
        return res

    def _check_write_by_hand(self, vals):
        """A call stays with its ticket and vendor, and moves forward only:
        open, in progress, then resolved or cancelled."""
        if FIXED_AFTER_OPENING & vals.keys():
            raise AccessError(
                self.env._(
                    "A vendor call stays with its ticket and vendor: cancel it "
                    "and open another one."
                )
            )
        if "state" in vals:
            states = dict(self._fields["state"]._description_selection(self.env))
            for call in self:
                if vals["state"] != call.state and vals["state"] not in NEXT_STATES.get(
                    call.state, ()
                ):
                    raise UserError(
                        self.env._(
                            "Call %(call)s is %(state)s: it cannot become %(new)s.",
                            call=call.name,
                            state=states[call.state],
                            new=states.get(vals["state"], vals["state"]),
                        )
                    )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        # A note or a reply is news from the follow-up's point of view (4.3.6).
        if message.message_type in ("comment", "email"):
            self.sudo().last_news_at = fields.Datetime.now()
        return message

    def message_update(self, msg_dict, update_vals=None):
        """4.3.6: the vendor's reply lands on its call (the request's reply
        address and references lead here): it is news for the follow-up,
        the vendor is on the call, and a reference in the vendor's format
        fills the call's vendor reference when it has none. Only the mail
        gateway files mail (C20)."""
        self.env["helpdesk.ticket"]._telephony_check_gateway()
        res = super().message_update(msg_dict, update_vals)
        info = self.env.context.get("telephony_mail")
        if info is None or info["auto_reply"]:
            return res
        # What the vendor wrote, not the request it quotes.
        text = mail_intake.strip_quote(tools.html2plaintext(msg_dict.get("body") or ""))
        for call in self:
            if not call.vendor_id._is_vendor_address(info["domain"]):
                continue
            vals = {}
            if call.state == "open":
                vals["state"] = "in_progress"
            if not call.vendor_reference:
                reference = call.vendor_id._find_reference(
                    msg_dict.get("subject"), text
                )
                if reference:
                    vals["vendor_reference"] = reference
            if vals:
                call.sudo().write(vals)
        return res

    def _telephony_request_attachments(self):
        """The files the reporter sent with the report (4.3.3): those they
        uploaded on the portal form, and those of their own messages."""
        self.ensure_one()
        ticket = self.ticket_id.sudo()
        reporter = ticket.partner_id
        files = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("create_uid", "in", reporter.user_ids.ids),
                ]
            )
        )
        own = ticket.message_ids.filtered(
            lambda m: reporter and m.author_id == reporter
        )
        return files | own.attachment_ids

    # === Actions === #

    def action_start(self):
        self._check_state(("open",))
        self.state = "in_progress"

    def action_resolve(self):
        self._check_state(OPEN_CALL_STATES)
        self.state = "resolved"

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
        # The calls of a closed ticket are settled when it closes (4.3.7);
        # any left from before are not followed.
        following = [
            ("state", "in", OPEN_CALL_STATES),
            ("ticket_id.stage_id.closed", "=", False),
        ]
        silent, more_silent = batches.due_batch(
            self,
            [*following, ("followup_due_at", "<=", now)],
            "followup_due_at",
            batch_size,
        )
        silent._telephony_remind_agent(
            self.env._("No news from %(vendor)s: follow up the call")
        )
        silent.sudo().write({"followup_reminded_at": now})
        overdue, more_overdue = batches.due_batch(
            self,
            [*following, ("repair_due_at", "<=", now), ("repair_overdue", "=", False)],
            "repair_due_at",
            batch_size,
        )
        # The vendor's promised time passed: the agent is reminded, once per
        # promise (a new promise is reminded of again).
        promised, more_promised = batches.due_batch(
            self,
            [
                *following,
                ("promised_at", "<=", now),
                ("promise_reminded_at", "=", False),
            ],
            "promised_at",
            batch_size,
        )
        promised._telephony_remind_agent(
            self.env._("%(vendor)s promised a fix by now: check the call")
        )
        promised.sudo().write({"promise_reminded_at": now})
        overdue.sudo().write({"repair_overdue": True})
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
            done=len(silent) + len(overdue) + len(promised),
            remaining=int(more_silent or more_overdue or more_promised),
        )

    def _telephony_remind_agent(self, summary):
        """A to-do for each call's agent, due today, titled ``summary`` (the
        translated text, ``%(vendor)s`` standing for the call's vendor)."""
        for call in self:
            call.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(call),
                user_id=call.ticket_id._telephony_agent().id,
                summary=summary % {"vendor": call.vendor_id.name},
            )

    def _send_vendor_request(self):
        """E-mail the service request to the vendor's dedicated address through
        the mail queue, woken to send it within a minute (4.3.3), and log it
        on the call."""
        template = self.env.ref("council_telephony.mail_template_vendor_call_request")
        for call in self:
            files = call._telephony_request_attachments()
            template.send_mail(
                call.id,
                force_send=False,
                email_values={
                    "attachment_ids": [(4, file.id) for file in files],
                    "reply_to": call.sudo()._notify_get_reply_to()[call.id],
                },
            )
            call.message_post(
                body=self.env._(
                    "Service request e-mailed to %(email)s.",
                    email=call.vendor_id.request_email,
                ),
            )
        if self:
            mail_queue.wake(self.env)

    @api.model
    def _telephony_measure(self, company, start, end, targets=None):
        """4.2.4: the vendors' response and repair times, for the calls opened
        between ``start`` and ``end`` (naive UTC), per vendor, in one query.

        The one definition, used by compliance reviews and the annual report:
        a call's response (repair) time is the working time on the council's
        calendar from its opening to the moment the vendor took it up,
        ``responded_at`` (to its resolution, ``resolved_at``); cancelled calls
        are left out. The median and 90th percentile are over the calls that
        got there. Against a term (``targets``: ``{term: {vendor_id:
        hours}}``), every call whose term has passed counts, in time, late or
        still waiting: it is within the term with fewer working hours than
        the term, or as many with the act inside working time (an act after
        closing on the due day is past the deadline ``_telephony_plan_hours``
        plans); a call still waiting within its term is *pending*, not judged
        yet.

        Return ``{vendor_id: {term: {"calls", "done", "call_count",
        "within_count", "beyond_count", "pending_count", "median_hours",
        "p90_hours"}}}`` for the terms ``"response"`` and ``"repair"``."""
        targets = targets or {}
        now = fields.Datetime.now()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT min(opened_at),
                       max(GREATEST(COALESCE(responded_at, %(now)s),
                                    COALESCE(resolved_at, %(now)s)))
                  FROM telephony_vendor_call
                 WHERE company_id = %(company)s AND state != 'cancelled'
                   AND opened_at >= %(start)s AND opened_at < %(end)s
                """,
                now=now,
                company=company.id,
                start=start,
                end=end,
            )
        )
        first, last = self.env.cr.fetchone()
        if not first:
            return {}
        res_company = self.env["res.company"]
        clock = SQL("clock")
        moments = {"opened": SQL("c.opened_at")}
        for term, column in MEASURED_MOMENTS.items():
            moments[term] = SQL("COALESCE(c.%s, %s)", SQL.identifier(column), now)
        # Where each moment falls in the working time, found once: a plain
        # expression would be evaluated again at each use.
        buckets = SQL(", ").join(
            SQL(
                "%s AS %s, %s AS %s",
                res_company._telephony_work_bucket_sql(moment, clock),
                SQL.identifier(f"{name}_bucket"),
                res_company._telephony_work_bucket_sql(
                    SQL("(%s - interval '1 microsecond')", moment), clock
                ),
                SQL.identifier(f"{name}_before"),
            )
            for name, moment in moments.items()
        )

        def seconds(name):
            return res_company._telephony_working_seconds_sql(
                moments[name], SQL.identifier(f"{name}_bucket"), clock
            )

        timed = SQL(", ").join(
            SQL(
                "c.%s AS %s, %s - %s AS %s, %s AS %s, t.%s AS %s",
                SQL.identifier(column),
                SQL.identifier(f"{term}_done"),
                seconds(term),
                seconds("opened"),
                SQL.identifier(f"{term}_seconds"),
                res_company._telephony_at_work_sql(
                    moments[term], SQL.identifier(f"{term}_before"), clock
                ),
                SQL.identifier(f"{term}_at_work"),
                SQL.identifier(term),
                SQL.identifier(f"{term}_target"),
            )
            for term, column in MEASURED_MOMENTS.items()
        )
        figures = SQL(", ").join(
            SQL(
                """COUNT(%(done)s),
                   COUNT(*) FILTER (WHERE %(done)s IS NOT NULL OR NOT %(within)s),
                   COUNT(*) FILTER (WHERE %(done)s IS NOT NULL AND %(within)s),
                   COUNT(*) FILTER (WHERE NOT %(within)s),
                   COUNT(*) FILTER (WHERE %(done)s IS NULL AND %(within)s),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (
                       ORDER BY %(seconds)s / 3600.0)
                       FILTER (WHERE %(done)s IS NOT NULL)""",
                done=SQL.identifier(f"{term}_done"),
                within=SQL(
                    "(%(s)s < %(t)s OR (%(s)s = %(t)s AND %(w)s))",
                    s=SQL.identifier(f"{term}_seconds"),
                    t=SQL.identifier(f"{term}_target"),
                    w=SQL.identifier(f"{term}_at_work"),
                ),
                seconds=SQL.identifier(f"{term}_seconds"),
            )
            for term in MEASURED_MOMENTS
        )
        vendors = sorted({v for hours in targets.values() for v in hours})
        self.env.cr.execute(
            SQL(
                """
                WITH clock AS (%(clock)s
                ), targets AS (
                    SELECT * FROM unnest(
                        %(vendors)s::int[], %(response)s::float8[], %(repair)s::float8[]
                    ) AS t(vendor_id, response, repair)
                ), calls AS MATERIALIZED (
                    SELECT c.*, %(buckets)s
                      FROM telephony_vendor_call c
                CROSS JOIN clock
                     WHERE c.company_id = %(company)s AND c.state != 'cancelled'
                       AND c.opened_at >= %(start)s AND c.opened_at < %(end)s
                ), timed AS MATERIALIZED (
                    SELECT c.vendor_id, %(timed)s
                      FROM calls c
                CROSS JOIN clock
                 LEFT JOIN targets t ON t.vendor_id = c.vendor_id
                )
                SELECT vendor_id, COUNT(*), %(figures)s
                  FROM timed
              GROUP BY vendor_id
                """,
                clock=company._telephony_working_clock(first, last),
                vendors=vendors,
                response=[
                    round(targets.get("response", {}).get(v, 0) * 3600) or None
                    for v in vendors
                ],
                repair=[
                    round(targets.get("repair", {}).get(v, 0) * 3600) or None
                    for v in vendors
                ],
                buckets=buckets,
                company=company.id,
                start=start,
                end=end,
                timed=timed,
                figures=figures,
            )
        )
        result = {}
        for vendor_id, calls, *values in self.env.cr.fetchall():
            result[vendor_id] = {}
            for term in MEASURED_MOMENTS:
                done, judged, within, beyond, pending, percentiles = values[:6]
                values = values[6:]
                median, p90 = percentiles or (None, None)
                result[vendor_id][term] = {
                    "calls": calls,
                    "done": done,
                    "call_count": judged,
                    "within_count": within,
                    "beyond_count": beyond,
                    "pending_count": pending,
                    "median_hours": median,
                    "p90_hours": p90,
                }
        return result
