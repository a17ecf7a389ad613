import functools

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from ..tools import approval

# What anyone may change on a review outside the approval mechanism: OCA's
# reminder cron stamps its last reminder, and a waiting review becomes
# pending when its turn comes (OCA recomputes that at any flush).
FREE_FIELDS = {"last_reminder_date"}


class TierReview(models.Model):
    """4.2.2: the IT manager's signature. OCA ``base_tier_validation`` lets
    every internal user create, write and delete reviews and read them all;
    here a review is created, decided and withdrawn only by the approval
    mechanism (``tools/approval.py``), read only by those who may read its
    bill, and never deleted while its bill exists: a withdrawn review is
    archived with who withdrew it, when and why, for the trail (4.2.3)."""

    _inherit = "tier.review"

    active = fields.Boolean(default=True)
    telephony_signed_content = fields.Text(
        string="Content signed",
        readonly=True,
        help="What the IT manager approved: vendor, currency, date, budget, "
        "total and every line, as recorded at the approval.",
    )
    telephony_fingerprint = fields.Char(string="Fingerprint", readonly=True)
    telephony_currency_id = fields.Many2one(
        comodel_name="res.currency", string="Currency signed", readonly=True
    )
    telephony_signed_amount = fields.Monetary(
        string="Amount signed", currency_field="telephony_currency_id", readonly=True
    )
    telephony_withdrawn_date = fields.Datetime(string="Withdrawn on", readonly=True)
    telephony_withdrawn_by = fields.Many2one(
        comodel_name="res.users", string="Withdrawn by", readonly=True
    )
    telephony_withdrawn_reason = fields.Text(string="Why withdrawn", readonly=True)

    # --- only the mechanism changes a review --------------------------------

    def _telephony_check_mechanism(self, vals=None):
        if self.env.su or approval.running():
            return
        if vals is not None and (
            set(vals) <= FREE_FIELDS
            or (
                vals == {"status": "pending"}
                and all(review.status == "waiting" for review in self)
            )
        ):
            return
        raise AccessError(
            self.env._(
                "Approvals are given and withdrawn only with the bill's "
                "“Validate” and “Reject” buttons, by its reviewer."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._telephony_check_mechanism()
        return super().create(vals_list)

    def write(self, vals):
        self._telephony_check_mechanism(vals)
        return super().write(vals)

    def unlink(self):
        """A review of a telephony bill that still exists is withdrawn, not
        deleted: the trail keeps it."""
        self._telephony_check_mechanism()
        reason = approval.withdrawal_reason()
        kept = self.browse()
        if approval.running() and reason != approval.DELETE:
            bills = self.env["account.move"].sudo()
            kept = self.sudo().filtered(
                lambda r: r.model == "account.move"
                and bills.browse(r.res_id).exists().is_telephony_bill
            )
            kept._telephony_withdraw(reason)
        return super(TierReview, self - kept).unlink()

    def _telephony_withdraw(self, reason):
        if not self:
            return
        if not isinstance(reason, str):
            reason = self.env._("The approval was withdrawn.")
        moves = self.env["account.move"].browse(set(self.sudo().mapped("res_id")))
        self.sudo().write(
            {
                "active": False,
                "telephony_withdrawn_date": fields.Datetime.now(),
                "telephony_withdrawn_by": self.env.uid,
                "telephony_withdrawn_reason": reason,
            }
        )
        # Archived, the review leaves the bill's reviews: its status follows.
        moves.invalidate_recordset(["review_ids", "need_validation"])
        self.env.add_to_compute(moves._fields["validation_status"], moves)

    # --- a reviewer of the bill's company -------------------------------------

    def _get_reviewers(self):
        """Reviewers of a bill are the IT managers of the bill's company, not
        of every company (one tier definition serves them all)."""
        reviewers = super()._get_reviewers()
        if self.model == "account.move" and self.res_id:
            company = self.env["account.move"].sudo().browse(self.res_id).company_id
            reviewers = reviewers.filtered(lambda user: company in user.company_ids)
        return reviewers

    def _compute_todo_by(self):
        # OCA's "Group %s", said here so that it reads in Hebrew (see
        # tier_validation.py, "OCA's words").
        result = super()._compute_todo_by()
        for review in self.filtered("reviewer_group_id"):
            review.todo_by = self.env._("Group %s", review.reviewer_group_id.name)
        return result

    def _notify_review_reminder_body(self):
        delay = (fields.Datetime.now() - self.create_date).days
        return self.env._("A review has been requested %s days ago.", delay)

    # --- read only with the bill -----------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            domain = expression.AND([domain, self._telephony_readable_domain()])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _telephony_readable_domain(self):
        if self.env.user.share:
            return expression.FALSE_DOMAIN
        return [
            "|",
            ("model", "!=", "account.move"),
            ("res_id", "in", self.env["account.move"]._search([])),
        ]

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or not any(self._ids):
            return result
        reviews = self.sudo()
        bills = reviews.filtered(lambda r: r.model == "account.move")
        readable = (
            self.env["account.move"]
            .browse(set(bills.mapped("res_id")))
            .exists()
            ._filtered_access("read")
        )
        forbidden = self.browse(
            review.id
            for review in reviews
            if self.env.user.share
            or (review.model == "account.move" and review.res_id not in readable.ids)
        )
        if forbidden:
            return forbidden, functools.partial(
                self.env["ir.rule"]._make_access_error, operation, forbidden
            )
        return None
