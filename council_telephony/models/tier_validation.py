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
