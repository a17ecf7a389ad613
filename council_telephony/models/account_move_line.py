from odoo import api, models

from ..tools import approval


class AccountMoveLine(models.Model):
    """4.2.2: a bill's lines changed directly (``account.move.line``, an
    import) withdraw its approval just as a change through the bill does."""

    _inherit = "account.move.line"

    def _telephony_watched(self, move_ids=()):
        if approval.watched():
            return self.env["account.move"]
        moves = self.move_id | self.env["account.move"].browse(move_ids)
        return moves.sudo()._telephony_under_approval()

    @api.model_create_multi
    def create(self, vals_list):
        watched = self._telephony_watched(
            [v["move_id"] for v in vals_list if v.get("move_id")]
        )
        if not watched:
            return super().create(vals_list)
        with watched._telephony_watch(watched):
            return super().create(vals_list)

    def write(self, vals):
        watched = self._telephony_watched(
            [vals["move_id"]] if vals.get("move_id") else []
        )
        if not watched:
            return super().write(vals)
        with watched._telephony_watch(watched):
            return super().write(vals)

    def unlink(self):
        watched = self._telephony_watched()
        if not watched:
            return super().unlink()
        with watched._telephony_watch(watched):
            return super().unlink()
