from markupsafe import Markup

from odoo import models
from odoo.exceptions import AccessError

from ..tools import approval

# OCA context keys that switch checks off. A JSON-RPC client sets the context
# of its calls, so they count only when the approval mechanism sets them.
SWITCHES = (
    "skip_validation_check",
    "skip_check_state_condition",
    "tier_validation_defer_compute_can_review",
)


class TierValidation(models.AbstractModel):
    """4.2.2: every step of OCA's approval runs as the approval mechanism
    (``tools/approval.py``), the only code allowed to change reviews."""

    _inherit = "tier.validation"

    def _telephony_without_switches(self):
        if approval.running() or not any(self.env.context.get(k) for k in SWITCHES):
            return self
        return self.with_context(**dict.fromkeys(SWITCHES, False))

    def write(self, vals):
        return super(TierValidation, self._telephony_without_switches()).write(vals)

    def request_validation(self):
        records = self._telephony_without_switches()
        records.check_access("write")
        with approval.mechanism():
            reviews = super(TierValidation, records).request_validation()
        # OCA's ``need_validation`` has no dependencies: it would stay cached
        # as before the request.
        records.invalidate_recordset(["need_validation"])
        return reviews

    def _telephony_check_own_reviews(self, tiers):
        if tiers and tiers - self.review_ids:
            raise AccessError(
                self.env._("These reviews are not the ones of %s.", self.display_name)
            )

    def _validate_tier(self, tiers=False):
        self._telephony_check_own_reviews(tiers)
        with approval.mechanism():
            return super()._validate_tier(tiers)

    def _rejected_tier(self, tiers=False):
        self._telephony_check_own_reviews(tiers)
        with approval.mechanism():
            return super()._rejected_tier(tiers)

    def restart_validation(self):
        with approval.mechanism(
            self.env._("Withdrawn by %(user)s.", user=self.env.user.name)
        ):
            result = super().restart_validation()
        self.invalidate_recordset(["need_validation"])
        return result

    def _tier_validation_check_write_remove_reviews(self, vals):
        with approval.mechanism(self.env._("The document was reset or cancelled.")):
            return super()._tier_validation_check_write_remove_reviews(vals)

    def _update_counter(self, review_counter):
        with approval.mechanism():
            return super()._update_counter(review_counter)

    def unlink(self):
        """A deleted document takes its withdrawn reviews along."""
        with approval.mechanism(approval.DELETE):
            self.env["tier.review"].sudo().with_context(active_test=False).search(
                [("model", "=", self._name), ("res_id", "in", self.ids)]
            ).unlink()
            return super().unlink()

    # === OCA's words, in the reader's language === #
    # Odoo looks up the translation of a Python message in the files of the
    # addon whose code says it: OCA tier validation ships no Hebrew, and ours
    # cannot reach its messages. The same sentences are said here, so that
    # the banners, the "Next" line and the chatter lines of an approval read
    # in Hebrew. The logic stays OCA's.

    def _compute_next_review(self):
        for rec in self:
            review = rec.review_ids.sorted("sequence").filtered(
                lambda r: r.status == "pending"
            )[:1]
            rec.next_review = review and self.env._("Next: %s", review.name or "")

    def _get_to_validate_message(self):
        return Markup('<i class="fa fa-info-circle"></i> %s') % self.env._(
            "This %s needs to be validated", self._get_to_validate_message_name()
        )

    def _get_validated_message(self):
        if self.validation_status != "validated":
            return ""
        return Markup('<i class="fa fa-thumbs-up"></i> %s') % Markup(
            self.env._("Operation has been <b>validated</b>!")
        )

    def _get_rejected_message(self):
        if self.validation_status != "rejected":
            return ""
        return Markup('<i class="fa fa-thumbs-down"></i> %s') % Markup(
            self.env._("Operation has been <b>rejected</b>.")
        )

    def _telephony_own_comment(self):
        return self.review_ids.filtered(
            lambda r: self.env.user in r.reviewer_ids and r.comment
        )[:1].comment

    def _notify_accepted_reviews_body(self):
        comment = self._telephony_own_comment()
        if comment:
            return self.env._("A review was accepted. (%s)", comment)
        return self.env._("A review was accepted")

    def _notify_rejected_review_body(self):
        comment = self._telephony_own_comment()
        if comment:
            return self.env._(
                "A review was rejected by %(user)s. (%(comment)s)",
                user=self.env.user.name,
                comment=comment,
            )
        return self.env._("A review was rejected by %s.", self.env.user.name)

    def _notify_created_review_body(self):
        return self.env._(
            "A record to be reviewed has been created by %s.", self.env.user.name
        )

    def _notify_requested_review_body(self):
        return self.env._("A review has been requested by %s.", self.env.user.name)

    def _notify_restarted_review_body(self):
        return self.env._("The review has been reset by %s.", self.env.user.name)
