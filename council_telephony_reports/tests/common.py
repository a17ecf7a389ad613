import base64

from odoo.addons.council_telephony.tests.common import TelephonyCase

HEADER = "period,number,department,calls,minutes,cost\n"


def contract_in_force(env, vendor, minute_price, minute_item):
    """``vendor``'s only contract for 2026–2027, with a device price and the
    price of a minute of talk (``minute_item``): what a PBX's calls cost when
    its file has none."""
    env["telephony.contract"].search([]).write({"state": "cancelled"})
    return env["telephony.contract"].create(
        {
            "name": "Tender 7/2026",
            "vendor_id": vendor.id,
            "date_start": "2026-01-01",
            "date_end": "2027-12-31",
            "state": "active",
            "price_ids": [
                (0, 0, {"name": "מכשיר", "price": 300}),
                (0, 0, {"name": minute_item, "price": minute_price}),
            ],
        }
    )


class UsageImportCase(TelephonyCase):
    """Usage imports as the IT manager makes them: a file sent to import,
    then the background job that imports it. The job writes its progress and
    its result from a second transaction: in tests, the test's own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

    @classmethod
    def _send(cls, data, user=None):
        """The IT manager uploads a file and presses Import."""
        if isinstance(data, str):
            data = data.encode()
        record = (
            cls.env["telephony.usage.import"]
            .with_user(user or cls.manager)
            .create({"file": base64.b64encode(data), "name": "usage.csv"})
        )
        record.action_import()
        return record

    @classmethod
    def _run_jobs(cls):
        cls.env["telephony.usage.import"]._cron_run_imports()
        cls.env.cr.postcommit.run()
        cls.env.invalidate_all()

    @classmethod
    def _import(cls, data, user=None):
        record = cls._send(data, user)
        cls._run_jobs()
        return record
