from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Issue 11 (4.2.2): a posted telephony bill must carry an approval for
    exactly what is posted, recorded at the approval. Approvals given before
    this version recorded no content: they sign the bill as it stands, so
    that approved bills waiting for treasury can still be posted."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reviews = env["tier.review"].search(
        [
            ("model", "=", "account.move"),
            ("status", "=", "approved"),
            ("telephony_signed_content", "=", False),
        ]
    )
    bills = env["account.move"].browse(set(reviews.mapped("res_id"))).exists()
    for bill in bills.filtered("is_telephony_bill"):
        bill._telephony_sign()
