from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import email_normalize


class TelephonyVendorContactGuard(models.AbstractModel):
    """4.2.7: matters with the vendor's management are the IT manager's; 4.1.1:
    the vendor is engaged by the IT division only. On the threads where
    vendors are written to, nobody else may message or subscribe a vendor's
    contact, and a message is signed by whoever posts it (C20)."""

    _name = "telephony.vendor.contact.guard"
    _description = "Guard of the vendor's management contacts"

    def message_post(self, **kwargs):
        self._check_vendor_management(kwargs.get("partner_ids"))
        self._check_signed_by_poster(kwargs)
        return super().message_post(**kwargs)

    def message_notify(self, **kwargs):
        self._check_vendor_management(kwargs.get("partner_ids"))
        self._check_signed_by_poster(kwargs)
        return super().message_notify(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        self._check_vendor_management(partner_ids)
        return super().message_subscribe(partner_ids, subtype_ids)

    def _check_vendor_management(self, partner_ids):
        partners = self.env["res.partner"].browse(partner_ids or [])
        vendors = self.env["telephony.vendor"]
        vendors._check_management_contact(partners)
        vendors._check_vendor_contact(partners)

    def _check_signed_by_poster(self, kwargs):
        """A user posts in their own name (or their council's): another
        author, or a sender address standing for one, is the system's to give
        (C20)."""
        if self.env.su:
            return
        # Themselves, or their council (a template that writes as the
        # company, such as the closing message).
        own = self.env.user.partner_id | self.env.user.company_ids.partner_id
        author_id = kwargs.get("author_id")
        email_from = kwargs.get("email_from")
        if author_id is None and email_from:
            forged = email_normalize(email_from) not in own.mapped("email_normalized")
        else:
            forged = author_id is not None and author_id not in own.ids
        if forged:
            raise AccessError(self.env._("You can post only in your own name."))
