from odoo import fields, models, tools


class TelephonyBillEvent(models.Model):
    """The trail of a telephony bill (4.2.2, 4.2.3), for the council's
    comptroller: entered, approval requested, approved or rejected (who, when,
    the amount signed, the reason), approval withdrawn (what changed), posted,
    each payment. A SQL view over the records those steps leave — the bill,
    its reviews (kept, archived, when withdrawn), its "posted" message and its
    payments — never a second copy."""

    _name = "telephony.bill.event"
    _description = "Telephony bill trail"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "kind"
    _depends = {
        "account.move": [
            "is_telephony_bill",
            "telephony_vendor_id",
            "company_id",
            "amount_total",
            "currency_id",
        ],
        "tier.review": [
            "model",
            "res_id",
            "status",
            "reviewed_date",
            "done_by",
            "requested_by",
            "comment",
            "telephony_signed_amount",
            "telephony_currency_id",
            "telephony_withdrawn_date",
            "telephony_withdrawn_by",
            "telephony_withdrawn_reason",
        ],
        "mail.message": ["model", "res_id", "subtype_id"],
        "telephony.bill.payment": ["bill_id", "payment_move_id", "date", "amount"],
    }

    bill_id = fields.Many2one(comodel_name="account.move", readonly=True)
    vendor_id = fields.Many2one(comodel_name="telephony.vendor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    kind = fields.Selection(
        selection=[
            ("entered", "Entered"),
            ("requested", "Approval requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("withdrawn", "Approval withdrawn"),
            ("posted", "Posted"),
            ("paid", "Payment"),
        ],
        string="Step",
        readonly=True,
    )
    date = fields.Datetime(string="When", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Who", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount = fields.Monetary(readonly=True, aggregator=False)
    # A step that records no amount (the request, a rejection) shows none,
    # where a recorded 0.00 shows as such.
    has_amount = fields.Boolean(string="Amount recorded", readonly=True)
    note = fields.Text(string="Reason or change", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH bill AS (
                    SELECT id, company_id, telephony_vendor_id AS vendor_id,
                           currency_id, amount_total, create_date, create_uid
                      FROM account_move
                     WHERE is_telephony_bill
                ), review AS (
                    SELECT r.id, r.res_id, r.create_date, r.create_uid,
                           r.requested_by, r.status, r.reviewed_date, r.done_by,
                           r.comment, r.telephony_signed_amount,
                           r.telephony_currency_id, r.telephony_withdrawn_date,
                           r.telephony_withdrawn_by, r.telephony_withdrawn_reason,
                           bill.company_id, bill.vendor_id,
                           bill.currency_id AS bill_currency_id
                      FROM tier_review r
                      JOIN bill ON r.model = 'account.move' AND r.res_id = bill.id
                ), event AS (
                SELECT id * 8 AS id, id AS bill_id, vendor_id, company_id,
                       'entered' AS kind, create_date AS date, create_uid AS user_id,
                       currency_id, amount_total AS amount, NULL AS note
                  FROM bill
                UNION ALL
                SELECT id * 8 + 1, res_id, vendor_id, company_id, 'requested',
                       create_date, COALESCE(requested_by, create_uid),
                       bill_currency_id, NULL, NULL
                  FROM review
                UNION ALL
                SELECT id * 8 + 2, res_id, vendor_id, company_id, status,
                       reviewed_date, done_by,
                       COALESCE(telephony_currency_id, bill_currency_id),
                       telephony_signed_amount, comment
                  FROM review
                 WHERE reviewed_date IS NOT NULL
                   AND status IN ('approved', 'rejected')
                UNION ALL
                SELECT id * 8 + 3, res_id, vendor_id, company_id, 'withdrawn',
                       telephony_withdrawn_date, telephony_withdrawn_by,
                       COALESCE(telephony_currency_id, bill_currency_id),
                       telephony_signed_amount, telephony_withdrawn_reason
                  FROM review
                 WHERE telephony_withdrawn_date IS NOT NULL
                UNION ALL
                SELECT msg.id * 8 + 4, bill.id, bill.vendor_id, bill.company_id,
                       'posted', msg.date, msg.create_uid, bill.currency_id,
                       bill.amount_total, NULL
                  FROM mail_message msg
                  JOIN bill ON msg.model = 'account.move' AND msg.res_id = bill.id
                 WHERE msg.subtype_id = (
                       SELECT res_id FROM ir_model_data
                        WHERE module = 'council_telephony'
                          AND name = 'mt_telephony_bill_posted'
                 )
                UNION ALL
                SELECT pay.id * 8 + 5, bill.id, bill.vendor_id, bill.company_id,
                       'paid', pay.date, payment.create_uid, company.currency_id,
                       pay.amount, NULL
                  FROM telephony_bill_payment pay
                  JOIN bill ON bill.id = pay.bill_id
                  JOIN account_move payment ON payment.id = pay.payment_move_id
                  JOIN res_company company ON company.id = bill.company_id
                )
                SELECT event.*, event.amount IS NOT NULL AS has_amount FROM event
            )
            """
        )
