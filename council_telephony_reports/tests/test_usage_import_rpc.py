import base64

from odoo import sql_db
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.council_telephony.tests.common import TelephonyCase

from ..models.telephony_usage_import import RUN_LOCK

FILE = base64.b64encode(
    b"period,number,department,calls,minutes,cost\n2026-10,4101,,12,30.5,8.20\n"
).decode()


@tagged("post_install", "-at_install")
class TestUsageImportRpc(TelephonyCase, HttpCase):
    """Issue 13, item 7, through the door a cheater uses (JSON-RPC as the IT
    manager or an agent): an import's status, author, company and result are
    the import's own; one job runs an import once; deleting nothing fails
    nothing; profiles are the IT manager's, read by agents."""

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _refused(self, model, method, *args, expected="UserError", **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self._rpc(model, method, *args, **kwargs)
        self.assertIn(expected, str(caught.exception))

    def _run_jobs(self):
        self.env["telephony.usage.import"]._cron_run_imports()
        self.env.cr.postcommit.run()
        self.env.invalidate_all()

    def test_status_author_company_and_result_are_the_imports_own(self):
        other = self.env["res.company"].create({"name": "Other council"})
        self.manager.company_ids |= other
        self.authenticate(self.manager.login, self.manager.login)
        model = "telephony.usage.import"
        record_id = self._rpc(
            model,
            "create",
            {
                "name": "pbx.csv",
                "file": FILE,
                "state": "done",
                "user_id": self.agent.id,
                "row_count": 5,
                "result": "5 usage rows imported.",
            },
        )
        record = self.env[model].browse(record_id)
        self.assertEqual(
            (record.state, record.user_id, record.row_count, record.result),
            ("draft", self.manager, 0, False),
        )
        for values in (
            {"state": "done"},
            {"user_id": self.agent.id},
            {"company_id": other.id},
            {"result": "nothing wrong", "row_count": 9},
            {"progress": 100},
        ):
            with self.subTest(values=values):
                self._refused(model, "write", [record_id], values)
        self._rpc(model, "action_import", [record_id])
        record.invalidate_recordset()
        self.assertEqual(record.state, "queued")
        # Sent: its file and profile stay what was sent.
        self._refused(model, "write", [record_id], {"file": FILE, "name": "b.csv"})
        self._refused(model, "action_import", [record_id])
        self._run_jobs()
        self.assertEqual((record.state, record.row_count), ("done", 1), record.result)
        # Done is done: it cannot be sent to import again.
        self._refused(model, "write", [record_id], {"state": "queued"})

    def test_one_job_at_a_time_runs_an_import(self):
        record = (
            self.env["telephony.usage.import"]
            .with_user(self.manager)
            .create({"name": "pbx.csv", "file": FILE})
        )
        record.action_import()
        # Another job (the scheduler, or a manual run of it) runs the import
        # in another connection: this one leaves it.
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (RUN_LOCK, record.id))
            self._run_jobs()
            self.assertEqual(record.state, "queued")
            self.assertFalse(self.env["telephony.usage"].search([]))
        finally:
            other.execute("SELECT pg_advisory_unlock(%s, %s)", (RUN_LOCK, record.id))
            other.close()
        self._run_jobs()
        self.assertEqual((record.state, record.row_count), ("done", 1), record.result)
        # Run again, the job has nothing to do: the import stays as it ended.
        messages = len(record.message_ids)
        self._run_jobs()
        self.assertEqual(len(record.message_ids), messages)

    def test_deleting_nothing_fails_nothing(self):
        self.authenticate(self.manager.login, self.manager.login)
        for model in ("telephony.usage", "telephony.extension"):
            with self.subTest(model=model):
                self.assertTrue(self._rpc(model, "unlink", []))

    def test_profiles_are_managed_by_the_it_manager_and_read_by_agents(self):
        profile = self.env.ref("council_telephony_reports.usage_import_profile_cucm")
        model = "telephony.usage.import.profile"
        self.authenticate(self.agent.login, self.agent.login)
        names = self._rpc(model, "search_read", [], ["name"])
        self.assertIn(profile.id, [row["id"] for row in names])
        self._refused(
            model, "write", [profile.id], {"tz": "UTC"}, expected="AccessError"
        )
        self._refused(
            model,
            "create",
            {"name": "x", "number_column": "1", "start_column": "2"},
            expected="AccessError",
        )
        self.authenticate(self.manager.login, self.manager.login)
        self._rpc(model, "write", [profile.id], {"skip_after_header": 2})
        self.assertEqual(profile.skip_after_header, 2)
        # A profile that cannot read a file is refused when saved.
        self._refused(
            model,
            "create",
            {"name": "Aeonix", "header": False, "number_column": "caller"},
            expected="ValidationError",
        )
