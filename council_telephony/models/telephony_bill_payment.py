from odoo import fields, models, tools


class TelephonyBillPayment(models.Model):
    """Every payment of a telephony vendor bill (4.2.3): one row per
    reconciliation of the bill with a payment (or a refund), read from
    accounting, by vendor, contract and year — also of a bill with no
    contract or budget for its date ("no budget")."""

    _name = "telephony.bill.payment"
    _description = "Telephony bill payment"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "payment_move_id"
    _depends = {
        "account.partial.reconcile": [
            "debit_move_id",
            "credit_move_id",
            "amount",
            "max_date",
        ],
        "account.move.line": ["move_id"],
        "account.move": [
            "telephony_budget_id",
            "telephony_contract_id",
            "telephony_vendor_id",
            "is_telephony_bill",
            "invoice_date",
            "date",
            "company_id",
            "move_type",
        ],
        "telephony.budget": ["contract_id", "year"],
    }

    bill_id = fields.Many2one(comodel_name="account.move", readonly=True)
    payment_move_id = fields.Many2one(
        comodel_name="account.move", string="Payment", readonly=True
    )
    budget_id = fields.Many2one(comodel_name="telephony.budget", readonly=True)
    budget_state = fields.Selection(
        selection=[("budget", "In its budget"), ("none", "No budget")],
        string="Budget status",
        readonly=True,
    )
    contract_id = fields.Many2one(comodel_name="telephony.contract", readonly=True)
    vendor_id = fields.Many2one(comodel_name="telephony.vendor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(readonly=True, aggregator=False)
    date = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT apr.id, bill.id AS bill_id, other.move_id AS payment_move_id,
                       b.id AS budget_id,
                       CASE WHEN b.id IS NULL THEN 'none' ELSE 'budget' END
                           AS budget_state,
                       bill.telephony_contract_id AS contract_id,
                       bill.telephony_vendor_id AS vendor_id, bill.company_id,
                       COALESCE(b.year, EXTRACT(
                           YEAR FROM COALESCE(bill.invoice_date, bill.date)
                       )::int) AS year,
                       apr.max_date AS date,
                       CASE WHEN bill.move_type = 'in_refund'
                            THEN -apr.amount ELSE apr.amount END AS amount
                  FROM account_partial_reconcile apr
                  JOIN account_move_line bl
                    ON bl.id IN (apr.debit_move_id, apr.credit_move_id)
                  JOIN account_move bill
                    ON bill.id = bl.move_id AND bill.is_telephony_bill
                  LEFT JOIN telephony_budget b ON b.id = bill.telephony_budget_id
                  JOIN account_move_line other
                    ON other.id = CASE WHEN bl.id = apr.debit_move_id
                                       THEN apr.credit_move_id
                                       ELSE apr.debit_move_id END
            )
            """
        )
