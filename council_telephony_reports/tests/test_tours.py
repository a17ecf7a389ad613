import threading
import time

from odoo import SUPERUSER_ID, api
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

    def _play_job(self, record, steps):
        """The background job, from its own transaction, as it writes: each
        step when the tour asks for it (a note "job-next-step" on the
        import)."""

        def play():
            deadline = time.monotonic() + 300
            for done, (values, message) in enumerate(steps, 1):
                while time.monotonic() < deadline:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        asked = env["mail.message"].search_count(
                            [
                                ("model", "=", record._name),
                                ("res_id", "=", record.id),
                                ("body", "ilike", "job-next-step"),
                            ]
                        )
                        if asked >= done:
                            job = env[record._name].browse(record.id)
                            job.write(values)
                            if message:
                                job.message_post(body=message)
                            break
                    time.sleep(0.5)

        thread = threading.Thread(target=play, daemon=True)
        thread.start()
        return thread

    def test_the_import_form_follows_the_job(self):
        record = (
            self.env["telephony.usage.import"]
            .with_user(self.manager)
            .create({"name": "usage.csv"})
        )
        # The job is reading the file (see _report_progress).
        record.sudo().write({"state": "reading", "progress": 20})
        result = "3 שורות שימוש יובאו."
        job = self._play_job(
            record,
            [
                ({"state": "storing", "progress": 70}, None),
                (
                    {
                        "state": "done",
                        "progress": 100,
                        "row_count": 3,
                        "result": result,
                    },
                    result,
                ),
            ],
        )
        self._tour(
            "/odoo/action-council_telephony_reports.telephony_usage_import_action/"
            f"{record.id}",
            "council_telephony_reports_usage_import_progress",
        )
        job.join(timeout=10)
        record.invalidate_recordset()
        self.assertEqual((record.state, record.row_count), ("done", 3))
