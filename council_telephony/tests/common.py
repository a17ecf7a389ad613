import json
import os
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

from odoo import Command
from odoo.tests import JsonRpcException, new_test_user

from odoo.addons.base.tests.common import BaseCommon

GROUP = "council_telephony.council_telephony_group_"


def properties(max_examples):
    """Settings of the property-based tests (hypothesis): few examples, so
    that the suite stays fast; no example database in the checkout; no
    deadline, since a database round trip varies; the same examples on every
    run (derandomize), so that the test command does not fail by chance — set
    HYPOTHESIS_RANDOM=1 to explore new ones. A failure prints the smallest
    failing example and how to replay it."""
    return settings(
        max_examples=max_examples,
        derandomize=not os.environ.get("HYPOTHESIS_RANDOM"),
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )


class TelephonyCase(BaseCommon):
    """Users for every role, the shipped routing, and a small register."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notify_force_send=False))
        cls.company = cls.env.company
        cls.team = cls.env.ref("council_telephony.helpdesk_team_telephony")
        cls.tadiran = cls.env.ref("council_telephony.vendor_tadiran")
        cls.bezeq = cls.env.ref("council_telephony.vendor_bezeq")
        cls.tadiran.request_email = "calls@tadiran.test"
        cls.bezeq.channel_type = "phone"
        cls.cat_device = cls.env.ref("council_telephony.category_device_fault")
        cls.cat_pbx = cls.env.ref("council_telephony.category_pbx_fault")
        cls.cat_line_move = cls.env.ref("council_telephony.category_line_move")
        cls.cat_line_open = cls.env.ref("council_telephony.category_line_opening")
        cls.cat_line_repair = cls.env.ref("council_telephony.category_line_repair")
        cls.cat_other = cls.env.ref("council_telephony.category_other")

        def user(login, groups, **kw):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                email=f"{login}@council.test",
                lang="en_US",
                **kw,
            )

        cls.employee = user("t_employee", f"{GROUP}employee")
        cls.employee2 = user("t_employee2", f"{GROUP}employee")
        cls.portal_user = user("t_portal", "base.group_portal")
        cls.agent = user("t_agent", f"{GROUP}agent")
        cls.manager = user("t_manager", f"{GROUP}manager")
        cls.treasury = user("t_treasury", f"{GROUP}treasury")
        cls.head = user("t_head", f"{GROUP}head")
        cls.team.user_ids = [(4, cls.agent.id), (4, cls.manager.id)]
        cls.company.telephony_manager_id = cls.manager
        cls.calendar = cls.env.ref("council_telephony.resource_calendar_council")
        cls.company.telephony_calendar_id = cls.calendar
        cls.calendar._council_load_holidays(2026)

        cls.department = cls.env["hr.department"].create({"name": "Education"})
        cls.holder = cls.env["hr.employee"].create(
            {
                "name": "Employee One",
                "user_id": cls.employee.id,
                "department_id": cls.department.id,
            }
        )
        cls.device_model = cls.env["telephony.device.model"].create(
            {"name": "T207M test", "manufacturer": "Tadiran"}
        )
        cls.extension = cls.env["telephony.extension"].create(
            {
                "number": "4101",
                "employee_id": cls.holder.id,
                "location": "Town hall, room 104",
                "device_model_id": cls.device_model.id,
            }
        )

    @contextmanager
    def _rolled_back(self):
        """Run the block in a savepoint that is always rolled back: one
        example of a property leaves nothing behind for the next."""
        try:
            with self.env.cr.savepoint() as savepoint:
                yield
                self.env.flush_all()
                savepoint.rollback()
        finally:
            self.env.invalidate_all()

    def _mail_queue_wakes(self):
        """How many times Odoo's e-mail queue was asked to run at once."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    @classmethod
    def _enable_hebrew(cls):
        cls.env["res.lang"]._activate_lang("he_IL")
        cls.env["ir.module.module"]._load_module_terms(
            ["council_telephony", "council_telephony_reports"],
            ["he_IL"],
            overwrite=True,
        )

    @classmethod
    def _ticket(cls, category=None, user=None, **vals):
        category = category or cls.cat_device
        values = {
            "name": "No dial tone",
            "description": "<p>No dial tone since this morning.</p>",
            "category_id": category.id,
            "partner_id": (user or cls.employee).partner_id.id,
        }
        if category.telephony_number_required and "telephony_number" not in vals:
            values["telephony_number"] = "4101"
        values.update(vals)
        return cls.env["helpdesk.ticket"].create(values)


class TelephonyMoneyCase(TelephonyCase):
    """A Tadiran contract in force for 2026 with a 10,000 budget, an accountant
    who enters vendor bills, and a helper to enter one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="t_accountant",
            groups="account.group_account_invoice",
            email="t_accountant@council.test",
        )
        # The demo contracts must not stand in the tests' way.
        cls.env["telephony.contract"].search([]).write({"state": "cancelled"})
        cls.contract = cls.env["telephony.contract"].create(
            {
                "name": "Tender 12/2025",
                "vendor_id": cls.tadiran.id,
                "date_start": "2026-01-01",
                "date_end": "2027-12-31",
                "response_hours": 4,
                "repair_hours": 8,
                "availability_guarantee": 99.5,
                "state": "active",
            }
        )
        cls.budget = cls.env["telephony.budget"].create(
            {"contract_id": cls.contract.id, "year": 2026, "amount": 10000}
        )

    @classmethod
    def _bill(cls, amount, user=None, invoice_date="2026-03-10", partner=None):
        return (
            cls.env["account.move"]
            .with_user(user or cls.accountant)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": (partner or cls.tadiran.partner_id).id,
                    "invoice_date": invoice_date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "PBX maintenance",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    @classmethod
    def _approve(cls, bill, user=None):
        bill = bill.with_user(user or cls.manager)
        if not bill.review_ids:
            bill.request_validation()
        bill.invalidate_recordset()
        bill.validate_tier()
        return bill


class RpcMixin:
    """JSON-RPC as a logged-in user, the door a cheater uses (HttpCase).

    Two doors: ``"call_kw"``, the web client's ``/web/dataset/call_kw`` with a
    session, and ``"jsonrpc"``, the external API's ``/jsonrpc`` ``execute_kw``
    with the password on every call. A refused call raises
    :class:`JsonRpcException` naming the error's kind and message."""

    def _login(self, role):
        user = getattr(self, role)
        self.authenticate(user.login, user.login)

    def _jsonrpc(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        # What the request changed is read afresh.
        self.env.invalidate_all()
        body = response.json()
        if "error" in body:
            error = body["error"]
            raise JsonRpcException(
                error["code"], f"{error['data']['name']}: {error['data']['message']}"
            )
        # A method that returns nothing answers no result.
        return body.get("result")

    def _rpc(self, model, method, *args, **kwargs):
        """``model.method`` in the session of the last login."""
        return self._jsonrpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _call(self, door, user, model, method, *args, **kwargs):
        """``model.method`` as ``user`` through ``door``."""
        if door == "call_kw":
            self.authenticate(user.login, user.login)
            return self._rpc(model, method, *args, **kwargs)
        return self._jsonrpc(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    user.id,
                    # new_test_user's password: the login, 8 characters at least.
                    user.login.ljust(8, "x"),
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        )

    def _refused(self, door, user, model, method, *args, **kwargs):
        """The refusal of a call that must not pass: "kind: message"."""
        with self.assertRaises(
            JsonRpcException, msg=f"{user.login}: {door} {model}.{method} passed"
        ) as refusal:
            self._call(door, user, model, method, *args, **kwargs)
        return str(refusal.exception)

    def _rpc_allowed(self, model, method, *args, **kwargs):
        """True if the call passed, False if it was refused for access."""
        try:
            self._rpc(model, method, *args, **kwargs)
        except JsonRpcException as error:
            self.assertIn(
                "AccessError", str(error), f"{model}.{method} failed otherwise"
            )
            return False
        return True
