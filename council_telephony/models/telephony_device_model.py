from odoo import fields, models


class TelephonyDeviceModel(models.Model):
    _name = "telephony.device.model"
    _description = "Telephone device model"
    _order = "name"

    name = fields.Char(required=True)
    manufacturer = fields.Char()
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        string="Serviced by",
        help="The vendor that repairs this model (4.3.4).",
    )
    active = fields.Boolean(default=True)
    extension_ids = fields.One2many(
        comodel_name="telephony.extension",
        inverse_name="device_model_id",
        string="Extensions",
    )

    _sql_constraints = [
        (
            "name_uniq",
            "unique(name, manufacturer)",
            "This device model is already in the list.",
        )
    ]
