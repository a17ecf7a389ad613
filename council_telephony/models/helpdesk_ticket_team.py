from odoo import api, fields, models, tools

# What decides which team is a company's telephony team.
TELEPHONY_TEAM_FIELDS = {"is_telephony", "active", "company_id", "sequence"}


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    is_telephony = fields.Boolean(
        string="Telephony team",
        help="Phone faults are handled by this team (procedure 4.3.2).",
    )

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if any(vals.get("is_telephony") for vals in vals_list):
            self.env.registry.clear_cache()
        return teams

    def write(self, vals):
        if TELEPHONY_TEAM_FIELDS & vals.keys():
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        if any(self.mapped("is_telephony")):
            self.env.registry.clear_cache()
        return super().unlink()

    # === Business methods === #

    @api.model
    def _telephony_team(self, company):
        """The team that phone faults of ``company`` go to (4.3.2). Every
        report asks, so the answer is cached until a team changes."""
        return self.browse(self._telephony_team_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _telephony_team_id(self, company_id):
        domain = [
            ("is_telephony", "=", True),
            ("company_id", "in", (company_id, False)),
        ]
        return self.sudo().search(domain, limit=1).id
