from odoo.tests import HttpCase, tagged

from .common import RpcMixin, TelephonyCase

INTERNAL_FIELDS = [
    "notes",
    "response_deadline",
    "response_warning_at",
    "response_status",
    "is_escalated",
    "escalation_ids",
    "vendor_call_ids",
    "reporter_informed",
    "extension_id",
    "department_id",
    "device_model_id",
]


@tagged("post_install", "-at_install")
class TestIsolation(RpcMixin, TelephonyCase, HttpCase):
    """C20, issue 13 items 1 to 3: over JSON-RPC and plain HTTP, the reporter
    reads neither the IT division's notes and watch fields, nor its files,
    nor another holder's register entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.treasurer_holder = cls.env["hr.employee"].create(
            {
                "name": "Treasurer",
                "user_id": cls.treasury.id,
                "department_id": cls.env["hr.department"].create({"name": "Cash"}).id,
            }
        )
        cls.treasurer_extension = cls.env["telephony.extension"].create(
            {
                "number": "4301",
                "employee_id": cls.treasurer_holder.id,
                "location": "Treasury vault",
                "device_model_id": cls.device_model.id,
            }
        )
        cls.tickets = {
            role: cls._ticket(
                cls.cat_pbx, user=getattr(cls, role), name=f"Fault of {role}"
            )
            for role in ("portal_user", "employee")
        }
        for ticket in cls.tickets.values():
            ticket.notes = "<p>Reporter dropped the phone; bill him</p>"

    def test_reporter_reads_no_internal_field_by_rpc(self):
        for role, ticket in self.tickets.items():
            self._login(role)
            # What the reporter's page shows stays readable.
            rows = self._rpc(
                "helpdesk.ticket",
                "read",
                ticket.ids,
                ["number", "name", "telephony_number", "received_at", "stage_id"],
            )
            self.assertEqual(rows[0]["number"], ticket.number)
            for field in INTERNAL_FIELDS:
                with self.subTest(role=role, field=field):
                    self.assertFalse(
                        self._rpc_allowed(
                            "helpdesk.ticket", "read", ticket.ids, [field]
                        )
                    )
            # Nor through a search on them, nor by reading everything.
            self.assertFalse(
                self._rpc_allowed(
                    "helpdesk.ticket", "search", [("notes", "ilike", "bill him")]
                )
            )
            readable = self._rpc("helpdesk.ticket", "fields_get", [], ["type"])
            self.assertFalse(set(INTERNAL_FIELDS) & set(readable))
            page = self.url_open(f"/my/ticket/{ticket.id}")
            self.assertIn(ticket.number, page.text)
            self.assertNotIn("bill him", page.text)
        for role in ("agent", "manager", "head"):
            self._login(role)
            row = self._rpc(
                "helpdesk.ticket", "read", self.tickets["employee"].ids, INTERNAL_FIELDS
            )[0]
            self.assertIn("bill him", row["notes"], role)

    def test_only_the_reporters_files_reach_the_reporter(self):
        ticket = self.tickets["portal_user"]
        # The reporter's photo, by the portal form (as helpdesk_mgmt stores it).
        photo = (
            self.env["ir.attachment"]
            .with_user(self.portal_user)
            .sudo()
            .create(
                {
                    "name": "photo.txt",
                    "raw": b"my photo",
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
            )
        )
        # An agent's upload by RPC, outside any message, and a file an agent
        # sends the reporter in a reply.
        self._login("agent")
        upload = self._rpc(
            "ir.attachment",
            "create",
            {
                "name": "quote.txt",
                "datas": "dmVuZG9yIHF1b3Rl",  # "vendor quote"
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            },
        )
        upload = self.env["ir.attachment"].browse(upload)
        manual = self.env["ir.attachment"].create(
            {
                "name": "manual.txt",
                "raw": b"how to",
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
        )
        ticket.with_user(self.agent).message_post(
            body="Here is the manual",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=manual.ids,
        )
        # A token handed out before (and revoked) is not re-created by a view.
        upload.access_token = False
        self._login("portal_user")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn(f"/web/content/{photo.id}?", page.text)
        self.assertIn(f"/web/content/{manual.id}?", page.text)
        self.assertNotIn(f"/web/content/{upload.id}", page.text)
        self.assertNotIn("quote.txt", page.text)
        upload.invalidate_recordset()
        self.assertFalse(upload.access_token)
        # A token of an internal file (one leaked before) opens nothing,
        # logged in or not.
        token = upload.sudo().generate_access_token()[0]
        for login in ("portal_user", None):
            if login:
                self._login(login)
            else:
                self.logout()
            response = self.url_open(
                f"/web/content/{upload.id}?download=true&access_token={token}"
            )
            self.assertIn(response.status_code, (403, 404), login)
            self.assertNotIn(b"vendor quote", response.content)
        response = self.url_open(
            f"/web/content/{photo.id}?download=true&access_token={photo.access_token}"
        )
        self.assertEqual(response.content, b"my photo")
        # The internal reporter reads their ticket but not the IT division's
        # files on it, by RPC or URL.
        own = self.tickets["employee"]
        upload.sudo().res_id = own.id
        self._login("employee")
        self.assertFalse(
            self._rpc_allowed("ir.attachment", "read", upload.ids, ["raw"])
        )
        response = self.url_open(f"/web/content/{upload.id}?download=true")
        self.assertNotIn(b"vendor quote", response.content)
        self._login("head")
        response = self.url_open(f"/web/content/{upload.id}?download=true")
        self.assertEqual(response.content, b"vendor quote")

    def test_the_register_tells_the_reporter_nothing_of_another_holder(self):
        self._login("portal_user")
        page = self.url_open("/new/ticket")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        response = self.url_open(
            "/submitted/ticket",
            data={
                "category": self.cat_device.id,
                "subject": "Someone else's phone",
                "description": "Broken",
                "telephony_number": "4301",
                "csrf_token": page.text[start : page.text.index('"', start)],
            },
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("name", "=", "Someone else's phone")]
        )
        # The IT division gets the register's entry for routing…
        self.assertEqual(ticket.extension_id, self.treasurer_extension)
        self.assertEqual(ticket.device_model_id, self.device_model)
        # …the reporter gets nothing of the holder's entry.
        self.assertNotIn("Treasury vault", response.text)
        self.assertNotIn("Cash", response.text)
        row = self._rpc(
            "helpdesk.ticket",
            "read",
            ticket.ids,
            ["name", "telephony_number", "telephony_location", "display_name"],
        )[0]
        for secret in ("Treasury vault", "Cash", "Treasurer", "T207M"):
            self.assertNotIn(secret, str(row))
        self.assertFalse(
            self._rpc_allowed(
                "telephony.extension", "read", self.treasurer_extension.ids, ["number"]
            )
        )
        self.assertFalse(
            self._rpc_allowed(
                "telephony.extension", "search_read", [("number", "=", "4301")]
            )
        )
        # The reporter's own extension still fills the place in.
        mine = self._ticket(self.cat_device, user=self.employee)
        self.assertEqual(mine.telephony_location, "Town hall, room 104")


@tagged("post_install", "-at_install")
class TestCompanies(RpcMixin, TelephonyCase, HttpCase):
    """C20, issue 13 item 6: a second council in the same database; each
    company's IT manager and head work on their own company's records only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Second council"})
        cls.calendar2 = cls.env["resource.calendar"].create(
            {"name": "Second council hours", "company_id": cls.company2.id}
        )
        cls.vendor2 = cls.env["telephony.vendor"].create(
            {"name": "Second vendor", "company_id": cls.company2.id}
        )
        cls.contract2 = cls.env["telephony.contract"].create(
            {
                "name": "Tender 2/2026",
                "vendor_id": cls.vendor2.id,
                "company_id": cls.company2.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "price_ids": [(0, 0, {"name": "Handset", "price": 120})],
                "penalty_ids": [(0, 0, {"term": "response", "amount": 500})],
            }
        )
        cls.ticket = cls._ticket(cls.cat_pbx)

    def test_prices_and_penalties_stay_with_their_company(self):
        for role in ("head", "manager"):
            self._login(role)
            for model, records in (
                ("telephony.contract", self.contract2),
                ("telephony.contract.price", self.contract2.price_ids),
                ("telephony.contract.penalty", self.contract2.penalty_ids),
            ):
                with self.subTest(role=role, model=model):
                    self.assertTrue(records)
                    found = self._rpc(model, "search", [("id", "in", records.ids)])
                    self.assertFalse(found)
                    self.assertFalse(
                        self._rpc_allowed(model, "read", records.ids, ["id"])
                    )

    def test_the_it_manager_edits_their_own_companys_calendar_only(self):
        self._login("manager")
        self.assertFalse(
            self._rpc_allowed(
                "resource.calendar", "write", self.calendar2.ids, {"name": "Mine"}
            )
        )
        self.assertFalse(
            self._rpc_allowed(
                "resource.calendar.attendance",
                "write",
                self.calendar2.attendance_ids[:1].ids,
                {"hour_to": 23},
            )
        )
        leaves = len(self.calendar2.global_leave_ids)
        wizard = self._rpc(
            "telephony.holiday.load",
            "create",
            {"calendar_id": self.calendar2.id, "year": 2026},
        )
        self.assertFalse(
            self._rpc_allowed("telephony.holiday.load", "action_load", [wizard])
        )
        self.calendar2.invalidate_recordset()
        self.assertEqual(len(self.calendar2.global_leave_ids), leaves)
        self.assertEqual(self.calendar2.name, "Second council hours")
        # Their own company's calendar, as before.
        self.assertTrue(
            self._rpc_allowed(
                "resource.calendar", "write", self.calendar.ids, {"hours_per_day": 8}
            )
        )

    def test_a_vendor_call_names_a_vendor_of_the_tickets_company(self):
        self.env.user.company_ids |= self.company2  # an agent working for both
        self.agent.company_ids |= self.company2
        self._login("agent")
        with self.assertRaises(Exception) as refused:  # noqa: B017
            self._rpc(
                "telephony.vendor.call",
                "create",
                {
                    "ticket_id": self.ticket.id,
                    "vendor_id": self.vendor2.id,
                    "channel_type": "phone",
                },
                context={"allowed_company_ids": [self.company.id, self.company2.id]},
            )
        self.assertIn("UserError", str(refused.exception))
        self.assertFalse(self.ticket.vendor_call_ids)
