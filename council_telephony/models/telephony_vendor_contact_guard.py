from odoo import models


class TelephonyVendorContactGuard(models.AbstractModel):
    """4.2.7: matters with the vendor's management are the IT manager's. On
    the threads where vendors are written to, nobody else may message or
    subscribe a management contact."""

    _name = "telephony.vendor.contact.guard"
    _description = "Guard of the vendor's management contacts"

    def message_post(self, **kwargs):
        self._check_vendor_management(kwargs.get("partner_ids"))
        return super().message_post(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        self._check_vendor_management(partner_ids)
        return super().message_subscribe(partner_ids, subtype_ids)

    def _check_vendor_management(self, partner_ids):
        partners = self.env["res.partner"].browse(partner_ids or [])
        self.env["telephony.vendor"]._check_management_contact(partners)
