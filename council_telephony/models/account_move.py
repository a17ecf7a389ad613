from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

BILL_TYPES = ("in_invoice", "in_refund")


class AccountMove(models.Model):
    """Telephony vendor bills (4.2.2): a bill from a telephony vendor finds its
    contract and annual budget by its date, cannot be posted before the IT
    manager approves it (the shipped tier definition of OCA
    ``account_move_tier_validation``), is refused beyond the remaining budget
    unless the manager records why, and once approved is handed to treasury."""

    _inherit = "account.move"

    telephony_vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        string="Telephony vendor",
        compute="_compute_telephony_vendor_id",
        store=True,
        index="btree_not_null",
    )
    is_telephony_bill = fields.Boolean(
        compute="_compute_telephony_vendor_id", store=True
    )
    telephony_contract_id = fields.Many2one(
        comodel_name="telephony.contract",
        string="Telephony contract",
        compute="_compute_telephony_contract_id",
        store=True,
        readonly=False,
        domain="[('vendor_id', '=', telephony_vendor_id), "
        "('state', 'in', ('active', 'ended'))]",
    )
    telephony_budget_id = fields.Many2one(
        comodel_name="telephony.budget",
        string="Telephony budget",
        compute="_compute_telephony_budget_id",
        store=True,
        index="btree_not_null",
    )
    telephony_budget_remaining = fields.Monetary(
        string="Budget remaining",
        related="telephony_budget_id.remaining_amount",
        currency_field="company_currency_id",
    )
    telephony_over_budget = fields.Boolean(
        compute="_compute_telephony_over_budget",
        help="The bill is more than what is left of its budget, or has none.",
    )
    telephony_budget_override_reason = fields.Text(
        string="Over-budget approval reason", readonly=True, copy=False, tracking=True
    )

    @api.depends("telephony_budget_id", "amount_total_signed")
    def _compute_telephony_over_budget(self):
        # The budget's figures move with other bills' approvals: read them fresh.
        self.telephony_budget_id.invalidate_recordset(["remaining_amount"])
        for move in self:
            budget = move.telephony_budget_id.sudo()
            amount = move._telephony_amount()
            move.telephony_over_budget = move.is_telephony_bill and (
                move.company_currency_id.compare_amounts(
                    amount, budget.remaining_amount
                )
                > 0
                if budget
                else amount > 0
            )

    @api.depends("partner_id", "move_type")
    def _compute_telephony_vendor_id(self):
        bills = self.filtered(lambda m: m.move_type in BILL_TYPES and m.partner_id)
        vendors = {}
        if bills:
            vendors = {
                vendor.partner_id: vendor
                for vendor in self.env["telephony.vendor"]
                .sudo()
                .search([("partner_id", "in", bills.commercial_partner_id.ids)])
            }
        for move in self:
            vendor = (
                vendors.get(move.partner_id.commercial_partner_id)
                if move in bills
                else False
            )
            move.telephony_vendor_id = vendor
            move.is_telephony_bill = bool(vendor)

    @api.depends("telephony_vendor_id", "invoice_date", "date")
    def _compute_telephony_contract_id(self):
        contracts = self.env["telephony.contract"].sudo()
        for move in self:
            contract = contracts
            if move.telephony_vendor_id:
                contract = contracts._for_vendor_on(
                    move.telephony_vendor_id,
                    move.invoice_date or move.date,
                    move.company_id,
                )
            move.telephony_contract_id = contract

    @api.depends("telephony_contract_id", "invoice_date", "date")
    def _compute_telephony_budget_id(self):
        budgets = self.env["telephony.budget"].sudo()
        for move in self:
            budget = budgets
            day = move.invoice_date or move.date
            if move.telephony_contract_id and day:
                budget = budgets.search(
                    [
                        ("contract_id", "=", move.telephony_contract_id.id),
                        ("year", "=", day.year),
                    ],
                    limit=1,
                )
            move.telephony_budget_id = budget

    # --- approval ---------------------------------------------------------------

    @api.depends("is_telephony_bill", "validation_status")
    def _compute_hide_post_button(self):
        """While the IT manager has not approved a telephony bill, its only
        buttons are the approval's: "Confirm" would only be refused."""
        result = super()._compute_hide_post_button()
        for move in self.filtered("is_telephony_bill"):
            move.hide_post_button |= move.validation_status != "validated"
        return result

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + [
            "telephony_budget_override_reason"
        ]

    def _telephony_amount(self):
        """What the bill costs the budget, in company currency (refunds negative)."""
        return -self.amount_total_signed

    def _telephony_approving(self, tiers):
        return any(
            review.status in ("waiting", "pending")
            and self.env.user in review.reviewer_ids
            for review in (tiers or self.review_ids)
        )

    def _telephony_check_budget(self):
        """4.2.1/4.2.2: approving beyond the remaining budget is refused unless
        the IT manager gives a reason (the "Approve over budget" wizard)."""
        self.ensure_one()
        amount = self._telephony_amount()
        budget = self.telephony_budget_id.sudo()
        if budget:
            budget._lock_for_approval()
            self.env.flush_all()
        # The same comparison the form shows, on the figures read after the lock.
        self.invalidate_recordset(["telephony_over_budget"])
        if not self.telephony_over_budget:
            return
        reason = self.env.context.get("telephony_budget_override_reason")
        if not reason:
            if budget:
                message = self.env._(
                    "Approving this bill (%(amount)s) would exceed the %(budget)s "
                    "budget: %(remaining)s left of %(total)s. To approve it anyway, "
                    "use “Approve over budget” and record why.",
                    amount=self._telephony_format(amount),
                    budget=budget.display_name,
                    remaining=self._telephony_format(budget.remaining_amount),
                    total=self._telephony_format(budget.amount),
                )
            else:
                message = self.env._(
                    "This bill has no telephony budget: %(vendor)s has no contract "
                    "in force with a budget for the bill's year. Set the budget, or "
                    "use “Approve over budget” and record why.",
                    vendor=self.telephony_vendor_id.display_name,
                )
            raise UserError(message)
        self.telephony_budget_override_reason = reason
        self.message_post(
            body=self.env._(
                "Approved over budget by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
        )
        if budget:
            budget.message_post(
                body=self.env._(
                    "%(bill)s approved over budget by %(user)s: %(reason)s",
                    bill=self.display_name,
                    user=self.env.user.name,
                    reason=reason,
                )
            )

    def _telephony_format(self, amount):
        return self.company_currency_id.format(amount)

    def _validate_tier(self, tiers=False):
        telephony = self.is_telephony_bill
        was_validated = self.validation_status == "validated"
        if telephony and self._telephony_approving(tiers):
            self._telephony_check_budget()
        result = super()._validate_tier(tiers)
        if telephony and not was_validated and self.validation_status == "validated":
            self._telephony_hand_to_treasury()
        return result

    def _telephony_hand_to_treasury(self):
        """4.2.2: the approved bill goes to treasury, which is told so."""
        treasury = self.env.ref("council_telephony.council_telephony_group_treasury")
        partners = treasury.sudo().users.filtered("active").partner_id
        self.sudo().message_post(
            body=self.env._(
                "Approved by the IT manager: handed to treasury for payment."
            ),
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def reject_tier(self):
        """4.2.2: the IT manager says why a telephony bill is rejected, for
        whoever entered it (OCA's comment window; OCA asks for it only when
        the tier also asks a comment on every approval)."""
        self.ensure_one()
        if not self.is_telephony_bill or self.has_comment:
            return super().reject_tier()
        sequences = self._get_sequences_to_approve(self.env.user)
        reviews = self.review_ids.filtered(lambda r: r.sequence in sequences)
        action = self._add_comment("reject", reviews)
        action["name"] = self.env._("Why is this bill rejected?")
        return action

    def restart_validation(self):
        """An approval of a telephony bill is withdrawn by the IT manager, not
        by whoever may edit the bill (4.2.2)."""
        manager = "council_telephony.council_telephony_group_manager"
        if not self.env.su and not self.env.user.has_group(manager):
            if any(move.is_telephony_bill for move in self):
                raise AccessError(
                    self.env._("Only the IT manager withdraws a bill's approval.")
                )
        return super().restart_validation()

    def action_telephony_approve_over_budget(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve over budget"),
            "res_model": "telephony.budget.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    # --- a changed bill is approved again ---------------------------------------

    def _telephony_approval_snapshot(self):
        self.ensure_one()
        return (
            self.partner_id.id,
            self.currency_id.id,
            self.amount_total,
            sorted(
                (
                    line.id,
                    line.product_id.id,
                    line.name,
                    line.quantity,
                    line.price_unit,
                    line.account_id.id,
                    tuple(line.tax_ids.ids),
                )
                for line in self.invoice_line_ids
            ),
        )

    def write(self, vals):
        """Changing the amount or lines of a bill under or after approval resets
        the approval and asks the IT manager again (4.2.2), instead of
        refusing the change."""
        watched = self.browse()
        if {"invoice_line_ids", "line_ids", "partner_id", "currency_id"} & set(vals):
            watched = self.filtered(
                lambda m: m.is_telephony_bill and m.state == "draft" and m.review_ids
            )
        if not watched:
            return super().write(vals)
        before = {move: move._telephony_approval_snapshot() for move in watched}
        result = super(AccountMove, self - watched).write(vals)
        super(AccountMove, watched.with_context(skip_validation_check=True)).write(vals)
        for move in watched:
            if move._telephony_approval_snapshot() != before[move]:
                move._telephony_request_approval_again()
        return result

    def _telephony_request_approval_again(self):
        self.ensure_one()
        self.sudo().review_ids.unlink()
        self.sudo().telephony_budget_override_reason = False
        self.message_post(
            body=self.env._(
                "The bill changed after it was sent for approval: the IT manager "
                "is asked to approve it again."
            )
        )
        if self.need_validation:
            self.request_validation()
