from odoo.tests import HttpCase, tagged

from odoo.addons.council_telephony.tests.common import TelephonyCase


@tagged("post_install", "-at_install")
class TestTours(TelephonyCase, HttpCase):
    """The IT manager in a real browser (headless Chromium), in Hebrew. The
    tours are in ``static/tests/tours``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        cls.manager.lang = "he_IL"

    def _tour(self, url, tour):
        # A busy machine compiles the right-to-left assets first.
        self.start_tour(url, tour, login=self.manager.login, timeout=180)

    def test_the_manager_uploads_a_file_and_imports_it(self):
        self._tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action",
            "council_telephony_reports_usage_import_upload",
        )
        record = self.env["telephony.usage.import"].search([], limit=1)
        self.assertEqual(
            (record.name, record.state, record.user_id),
            ("pbx-2026-10.csv", "queued", self.manager),
        )
        self.env["telephony.usage.import"]._cron_run_imports()
        self.env.cr.postcommit.run()
        record.invalidate_recordset()
        self.assertEqual((record.state, record.row_count), ("done", 1), record.result)

    def test_the_import_form_follows_the_job(self):
        record = (
            self.env["telephony.usage.import"]
            .with_user(self.manager)
            .create({"name": "usage.csv"})
        )
        # The job is reading the file (see _report_progress).
        record.write({"state": "reading", "progress": 20})
        self._tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action/"
            f"{record.id}",
            "council_telephony_reports_usage_import_progress",
        )
        record.invalidate_recordset()
        self.assertEqual((record.state, record.row_count), ("done", 3))
