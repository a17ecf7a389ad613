import contextlib
import hashlib
import json
import re
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import approval

BILL_TYPES = ("in_invoice", "in_refund")
# 4.2.2: set by the system, never by a client: whether a bill needs the IT
# manager's signature, what it is charged to, and the approval itself.
SYSTEM_FIELDS = {
    "is_telephony_bill",
    "telephony_vendor_id",
    "telephony_contract_id",
    "telephony_budget_id",
    "telephony_budget_override_reason",
    "validation_status",
    "review_ids",
}
# What the IT manager signs (4.2.2): a change of these on a bill under
# approval withdraws the approval and asks for it again.
SIGNED_FIELDS = {
    "invoice_line_ids",
    "line_ids",
    "partner_id",
    "currency_id",
    "invoice_date",
    "date",
}


def _vat(number):
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())


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
    telephony_event_ids = fields.One2many(
        comodel_name="telephony.bill.event",
        inverse_name="bill_id",
        string="Trail",
        groups="council_telephony.council_telephony_group_head",
    )
    telephony_budget_override_reason = fields.Text(
        string="Over-budget approval reason", readonly=True, copy=False, tracking=True
    )
    # 4.2.1: the bill as its budget counts it. Odoo signs a vendor bill's
    # amounts below zero; the IT manager reads what it costs.
    telephony_amount = fields.Monetary(
        string="Against the budget",
        compute="_compute_telephony_amount",
        currency_field="company_currency_id",
        help="What the bill takes from its budget, in the company's currency; "
        "a credit note gives back (below zero).",
    )
    telephony_amount_due = fields.Monetary(
        string="Still to pay",
        compute="_compute_telephony_amount",
        currency_field="company_currency_id",
        help="What is left to pay of the bill, in the company's currency.",
    )

    @api.depends("amount_total_signed", "amount_residual_signed")
    def _compute_telephony_amount(self):
        for move in self:
            move.telephony_amount = move._telephony_amount()
            move.telephony_amount_due = -move.amount_residual_signed

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
        vendors = (
            self.env["telephony.vendor"].sudo().search([("partner_id", "!=", False)])
        )
        for move in self:
            vendor = move._telephony_vendor_of(vendors)
            move.telephony_vendor_id = vendor
            move.is_telephony_bill = bool(vendor)

    def _telephony_vendor_of(self, vendors):
        """4.2.2: a bill needs the IT manager's signature when it comes from
        a telephony vendor: from any partner of the vendor's commercial
        entity (also after the vendor's partner was moved under another), or
        from a partner with the vendor's VAT number (a duplicate partner)."""
        self.ensure_one()
        if self.move_type not in BILL_TYPES or not self.partner_id:
            return vendors.browse()
        entity = self.partner_id.commercial_partner_id
        vat = _vat(entity.vat) or _vat(self.partner_id.vat)
        for vendor in vendors:
            if vendor.company_id not in (vendor.company_id.browse(), self.company_id):
                continue
            partners = vendor.partner_id | vendor.partner_id.commercial_partner_id
            if entity in partners or (vat and vat in {_vat(p.vat) for p in partners}):
                return vendor
        return vendors.browse()

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

    def _get_to_validate_message_name(self):
        # "Vendor Bill" in the reader's language, not the model's "Journal Entry".
        return self.type_name

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
        self.sudo().telephony_budget_override_reason = reason
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
            self._telephony_check_reviewer(approving=True)
            self._telephony_check_budget()
        result = super()._validate_tier(tiers)
        if telephony:
            self._telephony_sign()
        if telephony and not was_validated and self.validation_status == "validated":
            self._telephony_hand_to_treasury()
        return result

    def _rejected_tier(self, tiers=False):
        if self.is_telephony_bill and self._telephony_approving(tiers):
            self._telephony_check_reviewer(approving=False)
        return super()._rejected_tier(tiers)

    def _telephony_check_reviewer(self, approving):
        """4.2.2: the IT manager of the bill's company decides it, and (four
        eyes) not the person who entered it, unless the council is too small
        for that (a company setting)."""
        user = self.env.user
        if self.company_id not in user.company_ids or not self.has_access("read"):
            raise AccessError(
                self.env._(
                    "Only an IT manager of %(company)s approves or rejects its bills.",
                    company=self.company_id.name,
                )
            )
        if (
            approving
            and self.create_uid == user
            and not self.company_id.telephony_one_person_approval
        ):
            raise UserError(
                self.env._(
                    "You entered this bill: another IT manager approves it "
                    "(four eyes, 4.2.2)."
                )
            )

    # --- what is posted is what was signed ------------------------------------

    def _telephony_content(self):
        """What the IT manager signs: the vendor (commercial entity), the
        currency, the date, the budget, the total and every line (account,
        quantity, unit price, taxes), as plain JSON values."""
        self.ensure_one()
        lines = sorted(
            [
                line.account_id.id,
                round(line.quantity, 6),
                round(line.price_unit, 6),
                sorted(line.tax_ids.ids),
            ]
            for line in self.invoice_line_ids
            if line.display_type == "product"
        )
        return {
            "vendor": self.partner_id.commercial_partner_id.id,
            "currency": self.currency_id.id,
            "date": fields.Date.to_string(self.invoice_date or self.date),
            "budget": self.telephony_budget_id.id,
            "total": self.currency_id.round(self.amount_total),
            "lines": lines,
        }

    def _telephony_sign(self):
        """Record on the reviews just approved what they approved."""
        content = self._telephony_content()
        text = json.dumps(content, sort_keys=True)
        self.review_ids.filtered(
            lambda r: r.status == "approved" and not r.telephony_signed_content
        ).sudo().write(
            {
                "telephony_signed_content": text,
                "telephony_fingerprint": hashlib.sha256(text.encode()).hexdigest(),
                "telephony_signed_amount": content["total"],
                "telephony_currency_id": self.currency_id.id,
            }
        )

    def _telephony_changes(self, before, after):
        """What changed between two contents, in words, for the bill's
        chatter and the refusal."""
        show = {
            "vendor": lambda v: self.env["res.partner"].sudo().browse(v).display_name,
            "currency": lambda v: self.env["res.currency"].browse(v).name,
            "date": lambda v: v or "",
            "budget": lambda v: (
                self.env["telephony.budget"].sudo().browse(v).display_name
                if v
                else self.env._("no budget")
            ),
            "total": lambda v: self.currency_id.format(v or 0.0),
        }
        labels = {
            "vendor": self.env._("vendor"),
            "currency": self.env._("currency"),
            "date": self.env._("date"),
            "budget": self.env._("budget"),
            "total": self.env._("total"),
        }
        changes = [
            self.env._(
                "%(what)s: %(before)s → %(after)s",
                what=labels[key],
                before=show[key](before.get(key)),
                after=show[key](after[key]),
            )
            for key in labels
            if before.get(key) != after[key]
        ]
        signed = Counter(json.dumps(line) for line in before.get("lines", []))
        now = Counter(json.dumps(line) for line in after["lines"])
        removed = [json.loads(line) for line in (signed - now).elements()]
        added = [json.loads(line) for line in (now - signed).elements()]
        for old, new in zip(removed, added, strict=False):
            changes.append(
                self.env._(
                    "line: %(before)s → %(after)s",
                    before=self._telephony_show_line(old),
                    after=self._telephony_show_line(new),
                )
            )
        for old in removed[len(added) :]:
            changes.append(
                self.env._("line removed: %s", self._telephony_show_line(old))
            )
        for new in added[len(removed) :]:
            changes.append(self.env._("line added: %s", self._telephony_show_line(new)))
        return changes

    def _telephony_show_line(self, line):
        account, quantity, price, taxes = line
        taxes = self.env["account.tax"].sudo().browse(taxes)
        return self.env._(
            "%(account)s, %(quantity)s × %(price)s, taxes: %(taxes)s",
            account=self.env["account.account"].sudo().browse(account).display_name,
            quantity=quantity,
            price=self.currency_id.format(price),
            taxes=", ".join(taxes.mapped("name")) or "—",
        )

    def _telephony_signed(self):
        """The content the standing approval signed, or None."""
        reviews = self.review_ids.filtered(lambda r: r.status == "approved")
        contents = {r.telephony_signed_content for r in reviews}
        if self.validation_status != "validated" or len(contents) != 1:
            return None
        (text,) = contents
        return json.loads(text) if text else None

    def _telephony_check_signed(self):
        """4.2.2, at posting, whatever path the bill took: it carries an
        approval by an IT manager of its company, not the person who entered
        it, for exactly what is posted."""
        manager = "council_telephony.council_telephony_group_manager"
        for move in self:
            approvers = move.review_ids.filtered(
                lambda r: r.status == "approved"
            ).done_by
            signed = move._telephony_signed()
            if (
                move.validation_status != "validated"
                or not approvers
                or signed is None
                or any(
                    not user.has_group(manager)
                    or move.company_id not in user.company_ids
                    or (
                        user == move.create_uid
                        and not move.company_id.telephony_one_person_approval
                    )
                    for user in approvers
                )
            ):
                raise ValidationError(
                    move.env._(
                        "%(bill)s cannot be posted: it has no approval by an IT "
                        "manager of %(company)s (4.2.2).",
                        bill=move.display_name,
                        company=move.company_id.name,
                    )
                )
            changes = move._telephony_changes(signed, move._telephony_content())
            if changes:
                raise ValidationError(
                    move.env._(
                        "%(bill)s changed after the IT manager approved it, "
                        "so the approval no longer holds: %(changes)s. The IT "
                        "manager withdraws it and approves the bill again.",
                        bill=move.display_name,
                        changes="; ".join(changes),
                    )
                )

    def _post(self, soft=True):
        bills = self.filtered(lambda m: m.move_type in BILL_TYPES)
        vendors = (
            self.env["telephony.vendor"].sudo().search([("partner_id", "!=", False)])
        )
        stale = bills.filtered(
            lambda m: bool(m._telephony_vendor_of(vendors)) != m.is_telephony_bill
        )
        if stale:
            # A vendor recorded after the bill was entered: decide again.
            fnames = [
                "telephony_vendor_id",
                "is_telephony_bill",
                "telephony_contract_id",
                "telephony_budget_id",
            ]
            for fname in fnames:
                self.env.add_to_compute(self._fields[fname], stale)
            stale._recompute_recordset(fnames)
        telephony = bills.filtered("is_telephony_bill")
        telephony._telephony_check_signed()
        posted = super()._post(soft)
        # The trail's "posted" (4.2.3), whoever posts and however.
        for bill in posted & telephony:
            bill.sudo().message_post(
                body=self.env._("Posted."),
                subtype_xmlid="council_telephony.mt_telephony_bill_posted",
                author_id=self.env.user.partner_id.id,
            )
        return posted

    def action_post(self):
        """Posting runs OCA's check of the approval, as the mechanism; the
        posting is tracked for the trail whatever the client asked."""
        with approval.mechanism():
            return super(
                AccountMove,
                self.with_context(tracking_disable=False, mail_notrack=False),
            ).action_post()

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

    def _telephony_check_payer(self):
        """4.2.2, four eyes: whoever approved a telephony bill does not also
        pay it, unless the council is too small for that."""
        for bill in self.filtered("is_telephony_bill"):
            approvers = (
                bill.sudo()
                .review_ids.filtered(lambda r: r.status == "approved")
                .done_by
            )
            if (
                self.env.user in approvers
                and not bill.company_id.telephony_one_person_approval
            ):
                raise UserError(
                    self.env._(
                        "You approved %s: someone else in treasury pays it "
                        "(four eyes, 4.2.2).",
                        bill.display_name,
                    )
                )

    def restart_validation(self):
        """An approval of a telephony bill is withdrawn by the IT manager of
        its company, not by whoever may edit the bill (4.2.2)."""
        manager = "council_telephony.council_telephony_group_manager"
        telephony = self.filtered("is_telephony_bill")
        if telephony and not self.env.su:
            if not self.env.user.has_group(manager) or (
                telephony.company_id - self.env.user.company_ids
            ):
                raise AccessError(
                    self.env._("Only the IT manager withdraws a bill's approval.")
                )
        return super().restart_validation()

    def button_draft(self):
        with approval.mechanism(self.env._("The bill was reset to draft.")):
            return super().button_draft()

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

    # --- set by the system only ---------------------------------------------

    def _telephony_check_system_fields(self, vals_list):
        if self.env.su or approval.running():
            return
        written = {fname for vals in vals_list for fname in SYSTEM_FIELDS & set(vals)}
        if written:
            raise AccessError(
                self.env._(
                    "These are set by the system, not by hand: %s.",
                    ", ".join(sorted(written)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._telephony_check_system_fields(vals_list)
        return super().create(vals_list)

    # --- a changed bill is approved again ---------------------------------------

    def write(self, vals):
        """Changing what the IT manager signs, on a bill under or after
        approval, withdraws the approval and asks the IT manager again
        (4.2.2), instead of refusing the change."""
        self._telephony_check_system_fields([vals])
        watched = self.browse()
        if SIGNED_FIELDS & set(vals) and not approval.watched():
            watched = self._telephony_under_approval()
        if not watched:
            return super().write(vals)
        with self._telephony_watch(watched):
            result = super(AccountMove, self - watched).write(vals)
            with approval.mechanism():
                super(
                    AccountMove, watched.with_context(skip_validation_check=True)
                ).write(vals)
        return result

    def _telephony_under_approval(self):
        return self.filtered(
            lambda m: m.is_telephony_bill and m.state == "draft" and m.review_ids
        )

    @contextlib.contextmanager
    def _telephony_watch(self, watched):
        """Around a change of bills under approval (by their move or their
        lines): the approval of those whose signed content changed is
        withdrawn, saying what changed, and asked for again."""
        before = {move: move._telephony_content() for move in watched}
        with approval.watching():
            yield
        for move in watched:
            if not move.exists():
                continue
            changes = move._telephony_changes(
                move._telephony_signed() or before[move], move._telephony_content()
            )
            if changes:
                move._telephony_request_approval_again(changes)

    def _telephony_request_approval_again(self, changes):
        self.ensure_one()
        reason = self.env._(
            "The bill changed after it was sent for approval: %s.", "; ".join(changes)
        )
        bill = self.sudo()
        with approval.mechanism(reason):
            bill.review_ids.unlink()
            bill.telephony_budget_override_reason = False
            bill.message_post(
                body=self.env._(
                    "%s The IT manager is asked to approve it again.", reason
                ),
                author_id=self.env.user.partner_id.id,
            )
            if bill.need_validation:
                bill.request_validation()
