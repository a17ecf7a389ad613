import base64
import re

from odoo.tests import HttpCase, tagged

from odoo.addons.council_telephony.tests.common import TelephonyCase

from .common import contract_in_force

FILE_NAME = "coral-2026-10.csv"
# What a Tadiran Coral's call report might look like (the PBX publishes no
# format): the report's title and date, then Hebrew column names, cells
# separated by semicolons, dates day first, talk time as HH:MM:SS, no cost;
# in windows-1255, as Hebrew Windows writes it.
CORAL = (
    "דוח שיחות - מרכזיית Coral, אגף מחשוב;;;;\r\n"
    "הופק בתאריך 01/11/2026 06:00;;;;\r\n"
    "שלוחה;תאריך ושעה;משך שיחה;כיוון;יעד\r\n"
    "4101;05/10/2026 09:00;00:02:00;יוצאת;0529876543\r\n"
    # Past midnight at the end of the month: the month it started.
    "4101;31/10/2026 23:50;00:20:00;יוצאת;035551234\r\n"
    # Not answered: no talk time.
    "4101;20/10/2026 10:00;00:00:00;יוצאת;0529876543\r\n"
    # Incoming: not counted.
    "4101;21/10/2026 10:00;00:05:00;נכנסת;0529876543\r\n"
    # Not in the register: imported, and named.
    "4102;01/11/2026 00:05;00:01:00;יוצאת;0529876543\r\n"
).encode("windows-1255")
PRICE = "דקת שיחה"


@tagged("post_install", "-at_install")
class TestUsageProfileTour(TelephonyCase, HttpCase):
    """C18, 4.2.5: the IT manager, in Hebrew in a real browser (headless
    Chromium), maps an export no preset knows by making a profile through
    the form, then imports the month's file with it (the tour is in
    ``static/tests/tours/usage_import_profile_tour.js``). What the import
    leaves behind is checked here: the month's calls, talk minutes and cost
    at the contract's price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        cls.manager.lang = "he_IL"
        contract_in_force(cls.env, cls.tadiran, 0.25, PRICE)
        # The file as the manager has it on the computer (the tour uploads
        # its bytes).
        cls.env["ir.attachment"].with_user(cls.manager).create(
            {"name": FILE_NAME, "raw": CORAL}
        )

    def _build_assets(self):
        """The manager's page's bundles (right to left, with the tours), built
        before the browser asks for them: the browser is given one minute,
        which Odoo does not let a test change, to load its first page, and a
        loaded two-core machine may take longer to build them."""
        self.authenticate(self.manager.login, self.manager.login)
        page = self.url_open("/odoo", timeout=600)
        for url in sorted(set(re.findall(r'"(/web/assets/[^"]+)"', page.text))):
            self.url_open(url, timeout=600).raise_for_status()
        self.logout()

    def _month(self, period):
        usage = self.env["telephony.usage"].search([("period", "=", period)])
        return {
            u.number: (u.calls, round(u.minutes, 2), round(u.cost, 2)) for u in usage
        }

    def _tour(self, url, tour):
        # Each step waits up to a minute (see the tour), the whole tour ten.
        self.start_tour(url, tour, login=self.manager.login, timeout=600)
        # The browser wrote through its own requests: read afresh.
        self.env.invalidate_all()

    def test_the_manager_maps_a_coral_report_and_imports_it(self):
        self._build_assets()
        self._tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action",
            "council_telephony_reports_usage_import_profile",
        )
        record = self.env["telephony.usage.import"].search([])
        self.assertEqual(
            (len(record), record.name, record.user_id, record.state),
            (1, FILE_NAME, self.manager, "queued"),
        )
        # The scheduler, woken by Import.
        self.env["telephony.usage.import"]._cron_run_imports()
        self.env.cr.postcommit.run()
        self._tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action/"
            f"{record.id}",
            "council_telephony_reports_usage_import_profile_result",
        )

        profile = self.env["telephony.usage.import.profile"].search(
            [("create_uid", "=", self.manager.id)]
        )
        self.assertEqual(len(profile), 1)
        self.assertEqual(
            (
                profile.with_context(lang="he_IL").name,
                profile.kind,
                profile.encoding,
                profile.delimiter,
                profile.skip_lines,
                profile.header,
                profile.datetime_format,
                profile.tz,
                profile.duration_unit,
            ),
            (
                "Tadiran Coral, שיחות יוצאות",
                "calls",
                "windows-1255",
                ";",
                2,
                True,
                "%d/%m/%Y %H:%M",
                "Asia/Jerusalem",
                "hms",
            ),
        )
        self.assertEqual(
            (
                profile.number_column,
                profile.start_column,
                profile.duration_column,
                profile.cost_column,
                profile.filter_column,
                profile.filter_values,
                profile.vendor_id,
                profile.price_item,
            ),
            ("שלוחה", "תאריך ושעה", "משך שיחה", False, "כיוון", "יוצאת")
            + (self.tadiran, PRICE),
        )

        self.assertEqual(
            (record.profile_id, record.state), (profile, "done"), record.result
        )
        # The very bytes of the file, not text the browser wrote in UTF-8.
        self.assertEqual(base64.b64decode(record.file), CORAL)
        # Outgoing calls with talk time, in the month they started, at the
        # contract's price of a minute (0.25).
        self.assertEqual(self._month("2026-10-01"), {"4101": (2, 22.0, 5.5)})
        self.assertEqual(self._month("2026-11-01"), {"4102": (1, 1.0, 0.25)})
        october = self.env["telephony.usage"].search([("period", "=", "2026-10-01")])
        self.assertEqual(october.extension_id, self.extension)
        self.assertIn("4102", record.result)
