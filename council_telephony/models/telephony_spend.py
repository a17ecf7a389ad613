from odoo import fields, models, tools


class TelephonySpend(models.Model):
    """The payments register (4.2.3): per vendor, contract and year, the budget
    and what the vendor bills have used of it. A SQL view over the budgets and
    the bills, so that it groups, pivots and exports like any list. Bills
    with no contract or budget for their date have a row of their own per
    vendor and year, with no budget, so that no payment is left out."""

    _name = "telephony.spend"
    _description = "Telephony payments register"
    _auto = False
    _order = "year desc, vendor_id"
    _rec_name = "budget_id"
    _depends = {
        "telephony.budget": ["contract_id", "year", "amount", "company_id"],
        "telephony.contract": ["vendor_id"],
        "account.move": [
            "telephony_budget_id",
            "telephony_vendor_id",
            "is_telephony_bill",
            "invoice_date",
            "date",
            "company_id",
            "state",
            "validation_status",
            "amount_total_signed",
            "amount_residual_signed",
        ],
    }

    budget_id = fields.Many2one(
        comodel_name="telephony.budget", string="Annual budget", readonly=True
    )
    contract_id = fields.Many2one(comodel_name="telephony.contract", readonly=True)
    vendor_id = fields.Many2one(comodel_name="telephony.vendor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(readonly=True, aggregator=False)
    budget_amount = fields.Monetary(string="Budget", readonly=True)
    approved_amount = fields.Monetary(string="Approved", readonly=True)
    paid_amount = fields.Monetary(string="Paid", readonly=True)
    outstanding_amount = fields.Monetary(string="Approved, not paid", readonly=True)
    remaining_amount = fields.Monetary(string="Remaining", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Vendor bills' signed amounts are negative, refunds' positive: minus
        # their sum is what the council owes, net of refunds.
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT b.id, b.id AS budget_id, b.contract_id, c.vendor_id,
                       b.company_id, b.year, b.amount AS budget_amount,
                       COALESCE(m.approved, 0) AS approved_amount,
                       COALESCE(m.paid, 0) AS paid_amount,
                       COALESCE(m.approved, 0) - COALESCE(m.paid, 0)
                           AS outstanding_amount,
                       b.amount - COALESCE(m.approved, 0) AS remaining_amount
                  FROM telephony_budget b
                  JOIN telephony_contract c ON c.id = b.contract_id
                  LEFT JOIN (
                      SELECT telephony_budget_id,
                             -SUM(amount_total_signed)
                                 FILTER (WHERE validation_status = 'validated')
                                 AS approved,
                             -SUM(amount_total_signed - amount_residual_signed)
                                 FILTER (WHERE state = 'posted') AS paid
                        FROM account_move
                       WHERE telephony_budget_id IS NOT NULL AND state != 'cancel'
                       GROUP BY telephony_budget_id
                  ) m ON m.telephony_budget_id = b.id
                UNION ALL
                -- No budget: ids far above any budget's, one per vendor and year.
                SELECT 2000000000 - MIN(id), NULL, NULL, telephony_vendor_id,
                       company_id,
                       EXTRACT(YEAR FROM COALESCE(invoice_date, date))::int,
                       0, SUM(approved), SUM(paid), SUM(approved) - SUM(paid),
                       -SUM(approved)
                  FROM (
                      SELECT id, telephony_vendor_id, company_id, invoice_date,
                             date,
                             CASE WHEN validation_status = 'validated'
                                  THEN -amount_total_signed ELSE 0 END AS approved,
                             CASE WHEN state = 'posted'
                                  THEN -(amount_total_signed - amount_residual_signed)
                                  ELSE 0 END AS paid
                        FROM account_move
                       WHERE is_telephony_bill AND telephony_budget_id IS NULL
                         AND state != 'cancel'
                  ) nb
                 GROUP BY telephony_vendor_id, company_id,
                          EXTRACT(YEAR FROM COALESCE(invoice_date, date))::int
            )
            """
        )
