from odoo import fields, models


class TelephonyEscalate(models.TransientModel):
    """4.3.9: hand a ticket to the IT manager, saying why."""

    _name = "telephony.escalate"
    _description = "Escalate to the IT manager"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    reason = fields.Text()

    def action_escalate(self):
        self.ensure_one()
        self.ticket_id._telephony_escalate(self.reason, trigger="manual")
        return {"type": "ir.actions.act_window_close"}
