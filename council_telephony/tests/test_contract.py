from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import TelephonyMoneyCase

MONEY_MODELS = (
    "telephony.contract",
    "telephony.contract.price",
    "telephony.contract.penalty",
    "telephony.budget",
)


class TestContract(TelephonyMoneyCase):
    """C11–C12: contracts and their annual budgets (4.2.1, 4.2.4)."""

    def _activities(self, contract, summary):
        return contract.activity_ids.filtered(lambda a: summary in (a.summary or ""))

    def test_one_contract_in_force_per_vendor(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.env["telephony.contract"].create(
                {
                    "name": "Tender 3/2027",
                    "vendor_id": self.tadiran.id,
                    "date_start": "2027-06-01",
                    "date_end": "2029-05-31",
                    "state": "active",
                }
            )
        # A draft for the next period may be prepared meanwhile.
        draft = self.env["telephony.contract"].create(
            {
                "name": "Tender 3/2027",
                "vendor_id": self.tadiran.id,
                "date_start": "2027-06-01",
                "date_end": "2029-05-31",
            }
        )
        with self.assertRaises(ValidationError):
            draft.action_activate()

    def test_bad_terms_are_refused(self):
        for vals in (
            {"date_start": "2026-05-01", "date_end": "2026-04-01"},
            {"availability_guarantee": 120},
            {"response_hours": -1},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self.contract.write(vals)
        self.assertEqual(self.contract.availability_guarantee, 99.5)

    def test_budget_year_within_contract_and_once(self):
        with self.assertRaises(ValidationError):
            self.env["telephony.budget"].create(
                {"contract_id": self.contract.id, "year": 2030, "amount": 1}
            )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["telephony.budget"].create(
                {"contract_id": self.contract.id, "year": 2026, "amount": 1}
            )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.budget.amount = -5

    def test_end_reminder_once_and_contracts_end(self):
        contract = self.contract
        contract.reminder_days = 60
        cron = self.env["telephony.contract"]
        with freeze_time("2027-10-01"):
            cron._cron_contract_reminders()
        self.assertFalse(self._activities(contract, "Contract ends"))
        # The job did not run for weeks: it catches up, and reminds only once.
        with freeze_time("2027-11-20"):
            cron._cron_contract_reminders()
            cron._cron_contract_reminders()
        reminder = self._activities(contract, "Contract ends")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.manager)
        self.assertEqual(contract.state, "active")
        with freeze_time("2028-01-02"):
            cron._cron_contract_reminders()
        self.assertEqual(contract.state, "ended")

    def test_missing_budget_reminder_at_year_start(self):
        cron = self.env["telephony.contract"]
        with freeze_time("2026-01-04"):
            cron._cron_contract_reminders()
        self.assertFalse(self._activities(self.contract, "No budget"))
        with freeze_time("2027-01-03"):
            cron._cron_contract_reminders()
            cron._cron_contract_reminders()
        self.assertEqual(len(self._activities(self.contract, "No budget for 2027")), 1)

    def test_reminders_in_the_managers_language(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        with freeze_time("2027-01-03"):
            self.env["telephony.contract"]._cron_contract_reminders()
        summary = self.contract.activity_ids.summary
        self.assertIn("2027", summary)
        self.assertRegex(summary, "[\u0590-\u05ff]")


class TestMoneyAccess(TelephonyMoneyCase):
    """C20: every role on every new model, both ways."""

    def test_manager_manages_contracts_and_budgets(self):
        for model in MONEY_MODELS:
            self.env[model].with_user(self.manager).check_access("unlink")
        contract = (
            self.env["telephony.contract"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Bezeq lines 2026",
                    "vendor_id": self.bezeq.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-12-31",
                }
            )
        )
        budget = (
            self.env["telephony.budget"]
            .with_user(self.manager)
            .create({"contract_id": contract.id, "year": 2026, "amount": 5000})
        )
        budget.amount = 6000
        self.assertEqual(budget.remaining_amount, 6000)

    def test_head_reads_only(self):
        head = self.env["telephony.budget"].with_user(self.head)
        self.assertEqual(head.search([("id", "=", self.budget.id)]).amount, 10000)
        self.assertTrue(self.env["telephony.spend"].with_user(self.head).search([]))
        with self.assertRaises(AccessError):
            self.budget.with_user(self.head).amount = 1
        with self.assertRaises(AccessError):
            self.contract.with_user(self.head).unlink()
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.head).search([])

    def test_others_are_refused(self):
        for user in (self.employee, self.agent, self.treasury, self.portal_user):
            for model in MONEY_MODELS + ("telephony.spend", "telephony.bill.payment"):
                with (
                    self.subTest(user=user.login, model=model),
                    self.assertRaises(AccessError),
                ):
                    self.env[model].with_user(user).search([])
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.agent).search([])
