import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import numbering


class TelephonyExtension(models.Model):
    """The telephony register (3.2, 4.2.5): the council's extensions and lines,
    who holds them, where they are and which device is on them."""

    _name = "telephony.extension"
    _description = "Extension or line"
    _inherit = ["mail.thread"]
    _order = "number"
    _rec_names_search = ["number", "number_digits", "employee_id", "location"]
    _check_company_auto = True

    number = fields.Char(
        required=True,
        index="trigram",
        tracking=True,
        help="An internal extension (digits only) or an Israeli line number.",
    )
    number_digits = fields.Char(
        compute="_compute_number_digits",
        store=True,
        index=True,
        help="The number without separators, to find it however it is typed.",
    )
    kind = fields.Selection(
        selection=[(numbering.EXTENSION, "Extension"), (numbering.LINE, "Line")],
        compute="_compute_kind",
        store=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Holder",
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        related="employee_id.user_id", string="Holder's user", store=True
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        tracking=True,
        check_company=True,
    )
    location = fields.Char(tracking=True, help="Building, floor and room.")
    device_model_id = fields.Many2one(
        comodel_name="telephony.device.model",
        string="Device model",
        tracking=True,
    )
    device_serial = fields.Char(string="Device serial number")
    carrier_line_number = fields.Char(
        string="Carrier line",
        tracking=True,
        help="The Bezeq line behind this extension, if it has its own.",
    )
    note = fields.Text()
    ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="extension_id",
        string="Fault tickets",
    )
    ticket_count = fields.Integer(string="Faults", compute="_compute_ticket_count")

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(number, company_id)",
            "This number is already in the register of this company.",
        )
    ]

    @api.depends("number")
    def _compute_number_digits(self):
        for extension in self:
            extension.number_digits = re.sub(r"\D", "", extension.number or "")

    @api.depends("number")
    def _compute_kind(self):
        # Normalized extensions are bare digits; normalized lines are formatted.
        for extension in self:
            extension.kind = (
                numbering.LINE
                if extension.number and not extension.number.isdigit()
                else numbering.EXTENSION
            )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for extension in self:
            if extension.employee_id.department_id:
                extension.department_id = extension.employee_id.department_id

    def _compute_ticket_count(self):
        groups = self.env["helpdesk.ticket"]._read_group(
            [("extension_id", "in", self.ids)], ["extension_id"], ["__count"]
        )
        counts = {extension.id: count for extension, count in groups}
        for extension in self:
            extension.ticket_count = counts.get(extension.id, 0)

    @api.depends("number", "employee_id")
    def _compute_display_name(self):
        for extension in self:
            extension.display_name = (
                f"{extension.number} ({extension.employee_id.name})"
                if extension.employee_id
                else extension.number
            )

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_number_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_number_vals(vals)
        return super().write(vals)

    def _normalize_number_vals(self, vals):
        for field_name in ("number", "carrier_line_number"):
            if vals.get(field_name):
                kind, vals[field_name] = self.parse_council_number(vals[field_name])
                if field_name == "carrier_line_number" and kind != numbering.LINE:
                    raise ValidationError(
                        self.env._(
                            "The carrier line %(number)s is not a line number: "
                            "enter the full number with its area code.",
                            number=vals[field_name],
                        )
                    )

    @api.model
    def parse_council_number(self, raw, company=None):
        """Validate ``raw`` against the council's numbering.

        Return ``(kind, normalized)``; raise a translated ValidationError.
        """
        company = company or self.env.company
        low = company.telephony_extension_min_digits
        high = company.telephony_extension_max_digits
        try:
            return numbering.parse_number(raw, low, high)
        except numbering.NumberError as error:
            messages = {
                "empty": self.env._("Enter an extension or a line number."),
                "characters": self.env._(
                    "%(number)s is not a phone number: use digits only "
                    "(spaces and dashes are allowed).",
                    number=raw,
                ),
                "extension_length": self.env._(
                    "%(number)s is not a council extension: extensions have "
                    "%(low)s to %(high)s digits, and line numbers start with "
                    "0 and their area code.",
                    number=raw,
                    low=low,
                    high=high,
                ),
                "line_invalid": self.env._(
                    "%(number)s is not a valid Israeli line number.",
                    number=raw,
                ),
            }
            raise ValidationError(messages[error.reason]) from error

    @api.model
    def find_by_number(self, normalized, company=None):
        company = company or self.env.company
        return self.search(
            [("number", "=", normalized), ("company_id", "=", company.id)], limit=1
        )

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.helpdesk_ticket_telephony_action"
        )
        action["domain"] = [("extension_id", "=", self.id)]
        action["context"] = {}
        return action
