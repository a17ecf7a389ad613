from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .helpdesk_ticket import OPEN_CALL_STATES
from .telephony_vendor import CHANNEL_TYPES


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
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    description = fields.Text(help="What was asked of the vendor.")
    request_instructions = fields.Html(related="vendor_id.request_instructions")

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
        res = super().write(vals)
        if "state" in vals:
            self.ticket_id._telephony_sync_stage()
        return res

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

    def _send_vendor_request(self):
        """E-mail the service request to the vendor's dedicated address through
        the mail queue (4.3.3), and log it on the call."""
        template = self.env.ref("council_telephony.mail_template_vendor_call_request")
        for call in self:
            template.send_mail(call.id, force_send=False)
            call.message_post(
                body=self.env._(
                    "Service request e-mailed to %(email)s.",
                    email=call.vendor_id.request_email,
                ),
            )
