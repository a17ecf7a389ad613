from odoo import models
from odoo.exceptions import AccessError

from ..tools import approval


class CommentWizard(models.TransientModel):
    """OCA's reason window for a decision: its reviews come from the client,
    so only the open reviews of the document, of which the user is a
    reviewer, are commented and decided (4.2.2)."""

    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        document = self.env[self.res_model].browse(self.res_id)
        mine = document.review_ids.filtered(
            lambda r: r.status in ("waiting", "pending")
            and self.env.user in r.reviewer_ids
        )
        if not self.review_ids or self.review_ids - mine:
            raise AccessError(
                self.env._("Only a reviewer of the document decides its reviews.")
            )
        with approval.mechanism():
            return super().add_comment()
