from odoo import api, fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_telephony = fields.Boolean(
        string="Telephony team",
        help="Phone faults are handled by this team (procedure 4.3.2).",
    )

    @api.model
    def _telephony_team(self, company):
        return self.search(
            [("is_telephony", "=", True), ("company_id", "in", (company.id, False))],
            limit=1,
        )
