from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

OPEN_CALL_STATES = ("open", "in_progress")


class HelpdeskTicket(models.Model):
    """A phone fault (4.3.1, 4.3.2): the OCA helpdesk ticket, with the number,
    place and device of the fault, the real time it was received and the vendor
    it is routed to."""

    _inherit = "helpdesk.ticket"

    # === Fields === #

    is_telephony = fields.Boolean(
        related="team_id.is_telephony", store=True, index=True, string="Phone fault"
    )
    received_at = fields.Datetime(
        string="Received at",
        default=fields.Datetime.now,
        required=True,
        tracking=True,
        help="When the report reached the IT division: the 3-hour rule "
        "(4.3.3) counts from here. For a report taken by phone, the time of "
        "the call.",
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
    )
    device_model_id = fields.Many2one(
        comodel_name="telephony.device.model",
        string="Device",
        compute="_compute_from_extension",
        store=True,
        readonly=False,
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
    )
    vendor_call_ids = fields.One2many(
        comodel_name="telephony.vendor.call",
        inverse_name="ticket_id",
        string="Vendor calls",
    )
    vendor_call_count = fields.Integer(compute="_compute_vendor_call_count")
    telephony_step = fields.Selection(related="stage_id.telephony_step")

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
        for vals in vals_list:
            self._prepare_telephony_number_vals(vals)
        tickets = super().create(vals_list)
        cron = self.env.ref(
            "council_telephony.ir_cron_telephony_acknowledgment",
            raise_if_not_found=False,
        )
        if cron and any(t.is_telephony and t.partner_id for t in tickets):
            # Acknowledged right after commit by the job, keeping intake cheap.
            cron.sudo()._trigger()
        return tickets

    def write(self, vals):
        self._prepare_telephony_number_vals(vals)
        return super().write(vals)

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
        # The acknowledgment job reads only what is pending.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_ack_pending_idx
                ON helpdesk_ticket (id)
             WHERE is_telephony AND acknowledged_at IS NULL
               AND partner_id IS NOT NULL
            """
        )

    @api.model
    def _cron_send_acknowledgments(self, batch_size=200):
        """4.3.2: each reporter learns the report was recorded, under which
        number. Idempotent: a ticket is acknowledged once, in the transaction
        that queues its e-mail; a missed run is caught up by the next."""
        pending = self.search(
            [
                ("is_telephony", "=", True),
                ("acknowledged_at", "=", False),
                ("partner_id", "!=", False),
            ],
            order="id",
            limit=batch_size + 1,
        )
        batch = pending[:batch_size]
        template = self.env.ref(
            "council_telephony.mail_template_telephony_acknowledgment"
        )
        for ticket in batch:
            # Sent to the reporter alone (the followers are agents).
            template.send_mail(
                ticket.id,
                force_send=False,
                email_layout_xmlid="mail.mail_notification_light",
            )
        batch.write({"acknowledged_at": fields.Datetime.now()})
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(pending) - len(batch)
        )

    def _telephony_sync_stage(self):
        """Move each ticket to the stage matching its vendor calls (4.3.6)."""
        stage_model = self.env["helpdesk.ticket.stage"]
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
            stage = stage_model.search(
                [
                    ("telephony_step", "=", step),
                    ("company_id", "in", (ticket.company_id.id, False)),
                    "|",
                    ("team_ids", "=", False),
                    ("team_ids", "=", ticket.team_id.id),
                ],
                limit=1,
            )
            if stage:
                ticket.stage_id = stage
