from odoo import api, fields, models
from odoo.exceptions import ValidationError


class TelephonyBudget(models.Model):
    """The annual budget frame of a vendor contract (4.2.1), set by the IT
    manager. What is approved and paid against it is read from the vendor
    bills through ``telephony.spend``, never kept twice."""

    _name = "telephony.budget"
    _description = "Telephony annual budget"
    _inherit = ["mail.thread"]
    _order = "year desc, vendor_id, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        comodel_name="telephony.contract",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    vendor_id = fields.Many2one(related="contract_id.vendor_id", store=True)
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        tracking=True,
    )
    amount = fields.Monetary(string="Budget", required=True, tracking=True)
    approved_amount = fields.Monetary(string="Approved", compute="_compute_figures")
    paid_amount = fields.Monetary(string="Paid", compute="_compute_figures")
    outstanding_amount = fields.Monetary(
        string="Approved, not paid", compute="_compute_figures"
    )
    remaining_amount = fields.Monetary(string="Remaining", compute="_compute_figures")
    bill_ids = fields.One2many(
        comodel_name="account.move", inverse_name="telephony_budget_id", string="Bills"
    )
    payment_ids = fields.One2many(
        comodel_name="telephony.bill.payment",
        inverse_name="budget_id",
        string="Payments",
    )
    last_approval_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="Written by every approval against this budget: the row lock that "
        "keeps two approvals at once from overspending it.",
    )

    _sql_constraints = [
        (
            "contract_year_unique",
            "UNIQUE (contract_id, year)",
            "A contract has one budget per year.",
        ),
        ("amount_not_negative", "CHECK (amount >= 0)", "A budget cannot be negative."),
    ]

    @api.depends("contract_id", "year")
    def _compute_display_name(self):
        for budget in self:
            budget.display_name = (
                f"{budget.vendor_id.display_name or ''} {budget.year or ''}".strip()
            )

    def _compute_figures(self):
        # A view: what was read before a bill changed is stale, read it again.
        self.env["telephony.spend"].invalidate_model()
        spend = {
            row.budget_id: row
            for row in self.env["telephony.spend"].search(
                [("budget_id", "in", self.ids)]
            )
        }
        for budget in self:
            row = spend.get(budget)
            budget.approved_amount = row.approved_amount if row else 0.0
            budget.paid_amount = row.paid_amount if row else 0.0
            budget.outstanding_amount = row.outstanding_amount if row else 0.0
            budget.remaining_amount = row.remaining_amount if row else budget.amount

    @api.constrains("year", "contract_id")
    def _check_year_in_contract(self):
        for budget in self:
            contract = budget.contract_id
            if not contract.date_start.year <= budget.year <= contract.date_end.year:
                raise ValidationError(
                    self.env._(
                        "%(year)s is outside the contract's period "
                        "(%(start)s – %(end)s).",
                        year=budget.year,
                        start=contract.date_start,
                        end=contract.date_end,
                    )
                )

    def _lock_for_approval(self):
        """Take the budget's row for this transaction, by writing it. A second
        approval against the same budget waits for this one; under Odoo's
        repeatable-read transactions it then fails to serialize and is retried
        on fresh figures, so two approvals can never both spend the last of it
        (Nothing is lost, PRODUCT.md)."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE telephony_budget SET last_approval_at = now() AT TIME ZONE 'UTC' "
            "WHERE id = %s",
            [self.id],
        )
        self.invalidate_recordset(["last_approval_at"])

    def action_view_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "council_telephony.account_move_telephony_bill_action"
        )
        action["domain"] = [("telephony_budget_id", "=", self.id)]
        return action
