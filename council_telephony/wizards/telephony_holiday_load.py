from odoo import fields, models


class TelephonyHolidayLoad(models.TransientModel):
    """C6: load a year's Israeli holidays (and early-closing eves) onto the
    council's working calendar."""

    _name = "telephony.holiday.load"
    _description = "Load Israeli holidays"

    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        required=True,
        default=lambda self: self.env.company.telephony_calendar_id,
        domain="[('company_id', 'in', allowed_company_ids + [False])]",
    )
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )

    def action_load(self):
        self.ensure_one()
        # Only the IT manager reaches this wizard (access rules), and only for
        # a calendar they may edit (C20: not another company's); public
        # holidays are global leaves, which resource reserves to administrators.
        self.calendar_id.check_access("write")
        created = self.calendar_id.sudo()._council_load_holidays(self.year)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s closures added for %(year)s.",
                    count=len(created),
                    year=self.year,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
