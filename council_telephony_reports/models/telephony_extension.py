from odoo import models


class TelephonyExtension(models.Model):
    _inherit = "telephony.extension"

    def unlink(self):
        # The usage rows have no foreign key (see telephony.usage).
        self.env["telephony.usage"]._forget("extension_id", self)
        return super().unlink()
