from odoo.tests import HttpCase, tagged

from odoo.addons.council_telephony.tests.common import TelephonyCase


@tagged("post_install", "-at_install")
class TestTours(TelephonyCase, HttpCase):
    """The IT manager in a real browser (headless Chromium), in Hebrew. The
    tours are in ``static/tests/tours``."""

    def test_the_import_form_follows_the_job(self):
        self._enable_hebrew()
        self.manager.lang = "he_IL"
        record = (
            self.env["telephony.usage.import"]
            .with_user(self.manager)
            .create({"name": "usage.csv"})
        )
        # The job is reading the file (see _report_progress).
        record.write({"state": "reading", "progress": 20})
        # A busy machine compiles the right-to-left assets first.
        self.start_tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action/"
            f"{record.id}",
            "council_telephony_reports_usage_import_progress",
            login=self.manager.login,
            timeout=180,
        )
        record.invalidate_recordset()
        self.assertEqual((record.state, record.row_count), ("done", 3))
