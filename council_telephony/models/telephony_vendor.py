import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import mail_intake

# The vendor's working details: for the IT division and management only.
STAFF = (
    "council_telephony.council_telephony_group_agent,"
    "council_telephony.council_telephony_group_head"
)

CHANNEL_TYPES = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("web", "Web portal"),
    ("other", "Other"),
]


class TelephonyVendor(models.Model):
    """A telephony supplier and its dedicated request channel (4.3.3).

    Tadiran (devices and the PBX, 4.3.4) and Bezeq (lines, 4.3.5) are shipped as
    data. Only the IT manager edits vendors and their channels (4.1.2, 4.1.3).
    """

    _name = "telephony.vendor"
    _description = "Telephony vendor"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Contact",
        help="The vendor as a contact, for its address and its bills.",
        check_company=True,
    )
    company_id = fields.Many2one(comodel_name="res.company")
    channel_type = fields.Selection(
        selection=CHANNEL_TYPES,
        string="Request channel",
        required=True,
        default="email",
        tracking=True,
        help="How a service call is opened with this vendor (procedure 4.3.3).",
    )
    request_email = fields.Char(
        string="Request e-mail",
        groups=STAFF,
        tracking=True,
        help="Service requests are e-mailed here when the channel is e-mail.",
    )
    request_phone = fields.Char(string="Request phone", tracking=True, groups=STAFF)
    request_url = fields.Char(string="Request portal", tracking=True, groups=STAFF)
    request_instructions = fields.Html(
        string="How to open a call",
        translate=True,
        groups=STAFF,
        help="What the agent needs to know to open a call on this channel: "
        "customer number, menu choices, portal account.",
    )
    followup_hours = fields.Float(
        string="Remind after silence (hours)",
        default=4.0,
        help="4.3.6: remind the agent when an open call has had no news for "
        "this many working hours.",
    )
    repair_hours = fields.Float(
        string="Contractual repair time (hours)",
        default=16.0,
        help="Working hours from opening a call to the repair; a call past it "
        "is flagged and escalated to the IT manager.",
    )
    conduct_rules = fields.Html(
        string="Rules of conduct",
        groups=STAFF,
        help="4.1.3: how the council works with this vendor, set by the IT "
        "manager and shown to agents on every call.",
    )
    management_contact_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="telephony_vendor_management_contact_rel",
        string="Management contacts",
        groups=STAFF,
        help="4.2.7: only the IT manager writes to these contacts.",
    )
    reference_pattern = fields.Char(
        string="Reference format",
        groups=STAFF,
        tracking=True,
        help="How this vendor writes its call numbers, as a regular expression "
        "(e.g. TD-\\d{6}). A reply from the vendor fills the call's vendor "
        "reference with the first match, when the call has none yet.",
    )
    category_ids = fields.One2many(
        comodel_name="helpdesk.ticket.category",
        inverse_name="telephony_vendor_id",
        string="Fault kinds",
    )
    vendor_call_ids = fields.One2many(
        comodel_name="telephony.vendor.call",
        inverse_name="vendor_id",
        string="Service calls",
    )
    open_call_count = fields.Integer(
        string="Open calls", compute="_compute_open_call_count"
    )

    @api.depends("vendor_call_ids.state")
    def _compute_open_call_count(self):
        groups = self.env["telephony.vendor.call"]._read_group(
            [("vendor_id", "in", self.ids), ("state", "in", ("open", "in_progress"))],
            ["vendor_id"],
            ["__count"],
        )
        counts = {vendor.id: count for vendor, count in groups}
        for vendor in self:
            vendor.open_call_count = counts.get(vendor.id, 0)

    @api.constrains("reference_pattern")
    def _check_reference_pattern(self):
        for vendor in self.sudo():
            try:
                re.compile(vendor.reference_pattern or "")
            except re.error as error:
                raise ValidationError(
                    self.env._(
                        "The reference format of %(vendor)s is not a valid "
                        "regular expression: %(error)s",
                        vendor=vendor.name,
                        error=error,
                    )
                ) from error

    def _find_reference(self, *texts):
        """The first call number in the vendor's format found in ``texts``."""
        self.ensure_one()
        pattern = self.sudo().reference_pattern
        if not pattern:
            return False
        for text in texts:
            match = re.search(pattern, text or "")
            if match:
                return match.group()[:64]
        return False

    def _is_vendor_address(self, domain):
        """True when mail from ``domain`` is this vendor's: the domain of its
        request address or of its contact."""
        self.ensure_one()
        vendor = self.sudo()
        own = {
            mail_intake.email_domain(address)
            for address in (vendor.request_email, vendor.partner_id.email)
            if address
        }
        return bool(domain) and domain in own

    @api.model
    def _check_vendor_contact(self, partners):
        """4.1.1: only the IT division engages the vendor. Nobody else may
        message or subscribe the vendor's contacts (the vendor, its people,
        its management) on the threads the vendor is written from."""
        if self.env.su or self.env.user.has_group(
            "council_telephony.council_telephony_group_agent"
        ):
            return
        # Every vendor that can be written to, archived ones too.
        vendors = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    "|",
                    ("partner_id", "!=", False),
                    ("request_email", "!=", False),
                    ("management_contact_ids", "!=", False),
                ]
            )
        )
        contacts = (
            vendors.partner_id
            | vendors.partner_id.child_ids
            | vendors.management_contact_ids
        )
        addresses = {
            mail_intake.email_domain(email)
            for email in vendors.mapped("request_email")
            if email
        }
        engaged = (contacts & partners) | partners.filtered(
            lambda p: p.email_normalized
            and (
                p.email_normalized in vendors.mapped("request_email")
                or mail_intake.email_domain(p.email_normalized) in addresses
            )
        )
        if engaged:
            raise AccessError(
                self.env._(
                    "Only the IT division writes to the vendor (%(contacts)s): "
                    "the agent handling your ticket will.",
                    contacts=", ".join(engaged.mapped("name")),
                )
            )

    def _check_request_channel(self):
        for vendor in self:
            if vendor.channel_type == "email" and not vendor.request_email:
                raise UserError(
                    self.env._(
                        "%(vendor)s has no request e-mail: the IT manager sets it "
                        "on the vendor (Telephony › Configuration › Vendors).",
                        vendor=vendor.name,
                    )
                )

    @api.model
    def _check_management_contact(self, partners):
        """4.2.7: matters with the vendor's management are the IT manager's."""
        if self.env.su or self.env.user.has_group(
            "council_telephony.council_telephony_group_manager"
        ):
            return
        management = (
            self.sudo()
            .search([("management_contact_ids", "in", partners.ids)])
            .management_contact_ids
            & partners
        )
        if management:
            raise AccessError(
                self.env._(
                    "Only the IT manager writes to the vendor's management "
                    "(%(contacts)s): escalate the ticket to the IT manager instead.",
                    contacts=", ".join(management.mapped("name")),
                )
            )

    def action_view_open_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.telephony_vendor_call_action"
        )
        action["domain"] = [("vendor_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action
