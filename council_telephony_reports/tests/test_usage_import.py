import base64

from odoo.exceptions import AccessError, UserError

from odoo.addons.council_telephony.tests.common import TelephonyCase

HEADER = "period,number,department,calls,minutes,cost\n"


class TestUsageImport(TelephonyCase):
    """C18, 4.2.5: usage imported in bulk, all or nothing, replacing a period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.idle = cls.env["telephony.extension"].create(
            {"number": "4199", "department_id": cls.department.id}
        )

    def _import(self, text, user=None):
        wizard = (
            self.env["telephony.usage.import"]
            .with_user(user or self.manager)
            .create({"file": base64.b64encode(text.encode()), "filename": "usage.csv"})
        )
        return wizard.action_import()

    def _usage(self, period):
        return self.env["telephony.usage"].search([("period", "=", period)])

    def test_import_links_register_and_departments(self):
        self._import(
            HEADER
            + "2026-10,41 01,Education,134,412.5,38.90\n"
            + "2026-10,04-812-3456,,12,35,61.20\n"
        )
        usage = self._usage("2026-10-01")
        self.assertEqual(len(usage), 2)
        first = usage.filtered(lambda u: u.number == "4101")
        self.assertEqual(first.extension_id, self.extension)
        self.assertEqual(first.department_id, self.department)
        self.assertEqual(first.calls, 134)
        self.assertAlmostEqual(first.cost, 38.90)
        self.assertIn("04-812-3456", usage.mapped("number"))

    def test_a_bad_file_names_its_bad_rows_and_imports_nothing(self):
        self._import(HEADER + "2026-09,4101,Education,1,1,1\n")
        before = self.env["telephony.usage"].search_count([])
        with self.assertRaises(UserError) as caught:
            self._import(
                HEADER
                + "2026-10,4101,Education,1,1,1\n"
                + "2026-10,21,Education,1,1,1\n"
                + "2026-10,4101,Nowhere,1,1,1\n"
                + "2026/10,4101,Education,1,1,1\n"
                + "2026-10,4101,Education,x,1,1\n"
            )
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("Line 3: 21 is not a council extension", message)
        self.assertIn("Line 4: no department is named Nowhere", message)
        self.assertIn("Line 5: the period 2026/10 is not a month", message)
        self.assertIn("Line 6: calls, minutes and cost must be numbers", message)
        self.assertNotIn("Line 2", message)
        self.assertEqual(self.env["telephony.usage"].search_count([]), before)

    def test_importing_a_period_again_replaces_it(self):
        self._import(HEADER + "2026-10,4101,,10,1,1\n2026-11,4101,,20,1,1\n")
        self._import(HEADER + "2026-10,4101,,30,1,1\n")
        self.assertEqual(self._usage("2026-10-01").mapped("calls"), [30])
        self.assertEqual(self._usage("2026-11-01").mapped("calls"), [20])

    def test_two_sources_of_one_month_keep_their_numbers(self):
        self._import(HEADER + "2026-10,4101,,10,1,1\n")  # the PBX export
        self._import(HEADER + "2026-10,04-812-3456,,5,1,1\n")  # the carrier's
        self.assertEqual(sorted(self._usage("2026-10-01").mapped("calls")), [5, 10])

    def test_idle_extensions_and_their_cost(self):
        self.company.telephony_idle_months = 3
        rows = "".join(
            f"2026-{month:02d},4199,,0,0,24.50\n2026-{month:02d},4101,,5,9,30\n"
            for month in (8, 9, 10)
        )
        self._import(HEADER + "2026-07,4199,,7,20,24.50\n" + rows)
        idle = self.env["telephony.idle.extension"].search(
            [("extension_id", "=", self.idle.id)]
        )
        self.assertEqual(len(idle), 1)
        self.assertAlmostEqual(idle.monthly_cost, 24.5)
        self.assertEqual(idle.months, 3)
        self.assertEqual(str(idle.last_call_period), "2026-07-01")
        # 4101 had calls: not idle. A register entry missing from the exports is.
        listed = self.env["telephony.idle.extension"].search([]).extension_id
        self.assertNotIn(self.extension, listed)
        absent = self.env["telephony.extension"].create({"number": "4198"})
        self.env.invalidate_all()
        self.assertIn(
            absent, self.env["telephony.idle.extension"].search([]).extension_id
        )

    def test_only_the_it_manager_imports(self):
        for user in (self.agent, self.head, self.employee, self.treasury):
            with self.assertRaises(AccessError, msg=user.login):
                self._import(HEADER + "2026-10,4101,,1,1,1\n", user=user)
        self._import(HEADER + "2026-10,4101,,1,1,1\n")
        self.env["telephony.usage"].with_user(self.head).search([])
        with self.assertRaises(AccessError):
            self.env["telephony.usage"].with_user(self.agent).search([])
