from odoo import fields, models
from odoo.exceptions import UserError


class TelephonyBudgetOverride(models.TransientModel):
    """The IT manager approves a bill beyond its budget, and says why (4.2.1)."""

    _name = "telephony.budget.override"
    _description = "Approve a telephony bill over budget"

    move_id = fields.Many2one(comodel_name="account.move", string="Bill", required=True)
    budget_remaining = fields.Monetary(related="move_id.telephony_budget_remaining")
    company_currency_id = fields.Many2one(related="move_id.company_currency_id")
    amount_total = fields.Monetary(
        related="move_id.amount_total", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    reason = fields.Text(required=True)

    def action_approve(self):
        self.ensure_one()
        if not self.reason.strip():
            raise UserError(self.env._("Say why the bill is approved over budget."))
        self.move_id.with_context(
            telephony_budget_override_reason=self.reason
        ).validate_tier()
