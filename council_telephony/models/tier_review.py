from odoo import api, models
from odoo.exceptions import AccessError

DECISIONS = ("approved", "rejected")


class TierReview(models.Model):
    """OCA ``base_tier_validation`` lets every internal user write reviews, so
    anyone could mark a bill approved through RPC. Only one of a review's
    reviewers decides it (4.2.2: the IT manager's signature)."""

    _inherit = "tier.review"

    def _telephony_check_decider(self, vals):
        deciding = vals.get("status") in DECISIONS or {
            "done_by",
            "reviewed_date",
        } & set(vals)
        if self.env.su or not deciding:
            return
        for review in self:
            if self.env.user not in review.reviewer_ids:
                raise AccessError(
                    self.env._(
                        "Only a reviewer of “%s” can approve or reject it.",
                        review.name or review.definition_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        for review, vals in zip(reviews, vals_list, strict=True):
            review._telephony_check_decider(vals)
        return reviews

    def write(self, vals):
        self._telephony_check_decider(vals)
        return super().write(vals)
