from odoo import fields, models
from odoo.exceptions import UserError


class TelephonyVendorCallOpen(models.TransientModel):
    """Open a vendor's service call for a ticket (4.3.3): by e-mail the request
    goes out from here; by phone or web the agent records the reference the
    vendor gave."""

    _name = "telephony.vendor.call.open"
    _description = "Open a vendor call"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    vendor_id = fields.Many2one(comodel_name="telephony.vendor", required=True)
    channel_type = fields.Selection(related="vendor_id.channel_type")
    request_email = fields.Char(related="vendor_id.request_email")
    request_phone = fields.Char(related="vendor_id.request_phone")
    request_url = fields.Char(related="vendor_id.request_url")
    request_instructions = fields.Html(related="vendor_id.request_instructions")
    vendor_reference = fields.Char(
        string="Vendor reference",
        help="The call number the vendor gave you on the phone or its portal.",
    )
    promised_at = fields.Datetime(string="Promised for")
    description = fields.Text(string="Request")

    def action_open(self):
        self.ensure_one()
        self.vendor_id._check_request_channel()
        if self.channel_type != "email" and not self.vendor_reference:
            raise UserError(
                self.env._(
                    "Enter the reference %(vendor)s gave you for this call.",
                    vendor=self.vendor_id.name,
                )
            )
        call = self.env["telephony.vendor.call"].create(
            {
                "ticket_id": self.ticket_id.id,
                "vendor_id": self.vendor_id.id,
                "channel_type": self.channel_type,
                "vendor_reference": self.vendor_reference,
                "promised_at": self.promised_at,
                "description": self.description,
            }
        )
        if self.channel_type == "email":
            call._send_vendor_request()
        self.ticket_id.message_post(
            body=self.env._(
                "Vendor call %(call)s opened with %(vendor)s.",
                call=call.name,
                vendor=self.vendor_id.name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "telephony.vendor.call",
            "res_id": call.id,
            "view_mode": "form",
        }
