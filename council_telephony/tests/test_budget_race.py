import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests.common import BaseCase, get_db_name


class TestBudgetRace(BaseCase):
    """Nothing is lost (PRODUCT.md): two IT-manager approvals racing for the
    last of a budget, on two real database connections, cannot both pass. The
    first takes the budget's row; the second waits, then fails to serialize,
    as Odoo's request retry expects, and on retry is refused."""

    def setUp(self):
        super().setUp()
        self.db = db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            self.admin_id = env.ref("base.user_admin").id
            partner = env["res.partner"].create({"name": "Race Telecom"})
            vendor = env["telephony.vendor"].create(
                {"name": "Race Telecom", "partner_id": partner.id}
            )
            contract = env["telephony.contract"].create(
                {
                    "name": "Race 1/2026",
                    "vendor_id": vendor.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-12-31",
                    "state": "active",
                }
            )
            budget = env["telephony.budget"].create(
                {"contract_id": contract.id, "year": 2026, "amount": 1000}
            )
            bills = env["account.move"].create(
                [
                    {
                        "move_type": "in_invoice",
                        "partner_id": partner.id,
                        "invoice_date": "2026-06-01",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Race",
                                    "price_unit": 600,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                ]
                * 2
            )
            bills.request_validation()
            self.ids = {
                "partner": partner.id,
                "vendor": vendor.id,
                "contract": contract.id,
                "budget": budget.id,
                "bills": bills.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            bills = env["account.move"].browse(self.ids["bills"])
            bills.review_ids.unlink()
            bills.with_context(force_delete=True).unlink()
            env["telephony.budget"].browse(self.ids["budget"]).unlink()
            env["telephony.contract"].browse(self.ids["contract"]).unlink()
            env["telephony.vendor"].browse(self.ids["vendor"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()

    def _approve(self, cr, bill_id):
        env = api.Environment(cr, self.admin_id, {})
        env["account.move"].browse(bill_id).validate_tier()

    def _waiting_on_lock(self, cr):
        with self.db.cursor() as probe:
            probe.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [cr._cnx.get_backend_pid()],
            )
            return probe.fetchone()[0] == "Lock"

    def test_two_approvals_cannot_both_spend_the_last_of_a_budget(self):
        first, second = self.ids["bills"]
        outcome = {}
        cr1, cr2 = self.db.cursor(), self.db.cursor()
        try:
            self._approve(cr1, first)  # holds the budget's row, not committed yet

            def approve_second():
                try:
                    self._approve(cr2, second)
                    cr2.commit()
                    outcome["second"] = "approved"
                except SerializationFailure:
                    cr2.rollback()
                    outcome["second"] = "retry"

            thread = threading.Thread(target=approve_second)
            thread.start()
            deadline = time.monotonic() + 30
            while not self._waiting_on_lock(cr2) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(self._waiting_on_lock(cr2), "the second approval waits")
            cr1.commit()
            thread.join(30)
            self.assertEqual(outcome.get("second"), "retry")

            # Odoo retries a request that failed to serialize: on fresh figures
            # the second approval is refused.
            with self.assertRaises(UserError):
                self._approve(cr2, second)
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            bills = env["account.move"].browse(self.ids["bills"])
            self.assertEqual(bills.mapped("validation_status").count("validated"), 1)
            budget = env["telephony.budget"].browse(self.ids["budget"])
            self.assertEqual(budget.approved_amount, 600)
