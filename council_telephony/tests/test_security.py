from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import RpcMixin, TelephonyCase

ROLES = ("employee", "portal_user", "agent", "manager", "treasury", "head")


@tagged("post_install", "-at_install")
class TestSecurity(RpcMixin, TelephonyCase, HttpCase):
    """C20: every way into a ticket — its portal page, its files, its chatter,
    closing it, and JSON-RPC — refuses another employee's ticket and lets the
    IT division in. Two reporters: ``t_portal`` (portal) and ``t_employee``
    (internal user)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets = {}
        cls.files = {}
        cls.calls = {}
        for role in ("portal_user", "employee"):
            user = getattr(cls, role)
            ticket = cls._ticket(cls.cat_pbx, user=user, name=f"Fault of {role}")
            cls.tickets[role] = ticket
            # A photo sent with the report (what the portal form stores).
            cls.files[role] = (
                cls.env["ir.attachment"]
                .with_user(user)
                .sudo()
                .create(
                    {
                        "name": f"{role}.txt",
                        "raw": f"secret of {role}".encode(),
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                )
            )
            cls.calls[role] = cls.env["telephony.vendor.call"].create(
                {
                    "ticket_id": ticket.id,
                    "vendor_id": cls.tadiran.id,
                    "channel_type": "phone",
                    "vendor_reference": f"TD-{role}",
                }
            )
        cls.escalation = cls.tickets["employee"]._telephony_escalate("Vendor silent")
        cls.outage = cls.env["telephony.outage"].create({"cause": "PBX down"})
        # An agent's internal note on the portal reporter's ticket, with a file.
        cls.note_file = cls.env["ir.attachment"].create(
            {
                "name": "vendor-quote.txt",
                "raw": b"internal quote",
                "res_model": "helpdesk.ticket",
                "res_id": cls.tickets["portal_user"].id,
            }
        )
        cls.tickets["portal_user"].with_user(cls.agent).message_post(
            body="Quote from the vendor",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachment_ids=cls.note_file.ids,
        )
        cls.other = {"portal_user": "employee", "employee": "portal_user"}

    # === Helpers === #

    def _csrf_token(self):
        page = self.url_open("/new/ticket")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def _messages(self, ticket):
        return self.env["mail.message"].search_count(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )

    # === By URL === #

    def test_reporters_see_their_own_ticket_page_not_the_others(self):
        for role, other in self.other.items():
            with self.subTest(role=role):
                self._login(role)
                mine, theirs = self.tickets[role], self.tickets[other]
                page = self.url_open(f"/my/ticket/{mine.id}")
                self.assertEqual(page.status_code, 200)
                self.assertIn(mine.number, page.text)
                page = self.url_open(f"/my/ticket/{theirs.id}")
                self.assertNotIn(theirs.number, page.text)
                self.assertFalse(page.url.endswith(f"/my/ticket/{theirs.id}"))
                for query in (
                    "",
                    "?sortby=x",
                    "?groupby=x",
                    "?date_begin=x&date_end=y",
                ):
                    listing = self.url_open(f"/my/tickets{query}")
                    self.assertEqual(listing.status_code, 200, query)
                    self.assertIn(mine.number, listing.text)
                    self.assertNotIn(theirs.number, listing.text)
                page = self.url_open(
                    f"/mail/view?model=helpdesk.ticket&res_id={theirs.id}"
                )
                self.assertNotIn(theirs.number, page.text)
                # A guessed token opens nothing; the ticket's own share link
                # (sent by e-mail to the reporter) does, by design.
                page = self.url_open(f"/my/ticket/{theirs.id}?access_token=guess")
                self.assertNotIn(theirs.number, page.text)
                token = theirs._portal_ensure_token()
                page = self.url_open(f"/my/ticket/{theirs.id}?access_token={token}")
                self.assertIn(theirs.number, page.text)

    def test_reporters_download_their_own_files_not_the_others(self):
        for role, other in self.other.items():
            with self.subTest(role=role):
                self._login(role)
                mine, theirs = self.files[role], self.files[other]
                # The link the reporter's ticket page gives.
                page = self.url_open(f"/my/ticket/{self.tickets[role].id}")
                link = self._file_link(page.text, mine)
                response = self.url_open(link)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, f"secret of {role}".encode())
                for url in (
                    f"/web/content/{theirs.id}?download=true",
                    f"/web/content/{theirs.id}?access_token=guess",
                ):
                    response = self.url_open(url)
                    self.assertIn(response.status_code, (403, 404), url)
                    self.assertNotIn(b"secret of", response.content, url)
                # /web/image answers a placeholder picture instead.
                response = self.url_open(f"/web/image/{theirs.id}")
                self.assertNotIn(b"secret of", response.content)

    def _file_link(self, html, attachment):
        start = html.index(f"/web/content/{attachment.id}?")
        return html[start : html.index('"', start)].replace("&amp;", "&")

    def test_agents_internal_files_stay_off_the_reporters_page(self):
        ticket = self.tickets["portal_user"]
        self._login("portal_user")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertTrue(self._file_link(page.text, self.files["portal_user"]))
        self.assertNotIn("vendor-quote.txt", page.text)
        self.assertNotIn(f"/web/content/{self.note_file.id}", page.text)
        self.assertNotIn("Quote from the vendor", page.text)
        response = self.url_open(f"/web/content/{self.note_file.id}?download=true")
        self.assertIn(response.status_code, (403, 404))
        self._login("agent")
        response = self.url_open(f"/web/content/{self.note_file.id}?download=true")
        self.assertEqual(response.content, b"internal quote")

    def test_reporters_post_on_their_own_ticket_not_the_others(self):
        for role, other in self.other.items():
            with self.subTest(role=role):
                self._login(role)
                mine, theirs = self.tickets[role], self.tickets[other]
                before = self._messages(theirs)
                post = {"body": "Any news?", "message_type": "comment"}
                with self.assertRaises(Exception):  # noqa: B017 (404 or JSON error)
                    self.make_jsonrpc_request(
                        "/mail/message/post",
                        {
                            "thread_model": "helpdesk.ticket",
                            "thread_id": theirs.id,
                            "post_data": post,
                        },
                    )
                self.assertEqual(self._messages(theirs), before)
                thread = {"thread_model": "helpdesk.ticket", "thread_id": theirs.id}
                for route in ("/mail/thread/messages", "/mail/chatter_fetch"):
                    fetched = self.make_jsonrpc_request(route, thread)
                    self.assertFalse(fetched["messages"], route)
                files = len(theirs.attachment_ids)
                upload = self.url_open(
                    "/mail/attachment/upload",
                    data={**thread, "csrf_token": self._csrf_token()},
                    files={"ufile": ("note.txt", b"planted")},
                )
                self.assertEqual(upload.status_code, 404)
                theirs.invalidate_recordset()
                self.assertEqual(len(theirs.attachment_ids), files)
                before = self._messages(mine)
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {
                        "thread_model": "helpdesk.ticket",
                        "thread_id": mine.id,
                        "post_data": post,
                    },
                )
                self.assertEqual(self._messages(mine), before + 1)

    def test_closing_is_a_post_with_the_pages_token(self):
        # A non-telephony ticket, which the reporter may close from the portal.
        facilities = self.env["helpdesk.ticket.team"].create(
            {"name": "Facilities", "show_in_portal": True}
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Leaking tap",
                "description": "<p>Leak</p>",
                "team_id": facilities.id,
                "partner_id": self.portal_user.partner_id.id,
            }
        )
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        url = f"/ticket/close?ticket_id={ticket.id}&stage_id={done.id}"
        self._login("portal_user")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn('action="/ticket/close"', page.text)
        self.assertIn('method="POST"', page.text)
        # A link (or an image on another site) closes nothing…
        self.assertEqual(self.url_open(url).status_code, 405)
        # …nor does a form without the page's token,
        response = self.url_open(
            "/ticket/close", data={"ticket_id": ticket.id, "stage_id": done.id}
        )
        self.assertEqual(response.status_code, 400)
        # nor mangled ids.
        for data in ({"ticket_id": "x", "stage_id": done.id}, {"ticket_id": ticket.id}):
            data["csrf_token"] = self._csrf_token()
            response = self.url_open("/ticket/close", data=data)
            self.assertEqual(response.status_code, 200)
        self.assertFalse(ticket.closed)

        # Another employee's ticket is refused, the reporter's own closes.
        def close_as(login):
            self._login(login)
            self.url_open(
                "/ticket/close",
                data={
                    "ticket_id": ticket.id,
                    "stage_id": done.id,
                    "csrf_token": self._csrf_token(),
                },
            )
            ticket.invalidate_recordset()

        close_as("employee")
        self.assertFalse(ticket.closed)
        close_as("portal_user")
        self.assertTrue(ticket.closed)

    def test_the_portal_form_takes_only_offered_fault_kinds(self):
        hidden = self.env["helpdesk.ticket.category"].create(
            {"name": "Internal only", "show_in_portal": False}
        )
        # Shown on the portal for another team's work, not a phone fault.
        other = self.env["helpdesk.ticket.category"].create(
            {"name": "Printer jam", "show_in_portal": True}
        )
        # Phone fault kinds the form does not offer: archived, another
        # company's (which the reporter cannot even read).
        archived = self.cat_pbx.copy({"name": "Old switchboard", "active": False})
        elsewhere = self.cat_pbx.copy(
            {
                "name": "Other council's PBX",
                "company_id": self.env["res.company"].create({"name": "Other"}).id,
            }
        )
        self._login("portal_user")
        before = self.env["helpdesk.ticket"].search_count([])

        def forged(category, **fields):
            return self.url_open(
                "/submitted/ticket",
                data={
                    "category": category,
                    "subject": "Forged",
                    "description": "Forged",
                    "csrf_token": self._csrf_token(),
                    **fields,
                },
            )

        for category in (
            hidden.id,
            other.id,
            archived.id,
            elsewhere.id,
            "1 OR 1=1",
            "9999999",
        ):
            response = forged(category)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Choose the kind of fault from the list", response.text)
        # A portal that offers no fault kinds takes none.
        self.company.helpdesk_mgmt_portal_select_category = False
        response = forged(self.cat_pbx.id)
        self.assertIn("Choose the kind of fault from the list", response.text)
        self.company.helpdesk_mgmt_portal_select_category = True
        # When the portal offers teams, only those.
        self.company.helpdesk_mgmt_portal_select_team = True
        hidden_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Internal", "show_in_portal": False}
        )
        for team in (hidden_team.id, "x"):
            response = forged(self.cat_pbx.id, team=team)
            self.assertIn("Choose the team from the list", response.text)
        # Around the form, over JSON-RPC: the reporter creates no ticket at
        # all, with an unoffered kind or an offered one.
        for category in (archived, elsewhere, self.cat_pbx):
            self.assertFalse(
                self._rpc_allowed(
                    "helpdesk.ticket",
                    "create",
                    {"name": "Forged", "description": "x", "category_id": category.id},
                )
            )
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

    def test_the_portal_form_escapes_what_it_echoes_and_defuses_html_files(self):
        self._login("portal_user")
        response = self.url_open(
            "/submitted/ticket",
            data={
                "category": self.cat_pbx.id,
                "subject": "Test",
                "description": "Test",
                "telephony_number": "<script>alert(1)</script>",
                "csrf_token": self._csrf_token(),
            },
        )
        self.assertNotIn("<script>alert(1)</script>", response.text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", response.text)
        self.url_open(
            "/submitted/ticket",
            data={
                "category": self.cat_pbx.id,
                "subject": "Photo",
                "description": "See the file",
                "csrf_token": self._csrf_token(),
            },
            files={"attachment": ("photo.html", b"<script>alert(1)</script>")},
        )
        ticket = self.env["helpdesk.ticket"].search(
            [
                ("name", "=", "Photo"),
                ("partner_id", "=", self.portal_user.partner_id.id),
            ]
        )
        self.assertEqual(ticket.attachment_ids.mimetype, "text/plain")

    # === By JSON-RPC === #

    def test_reporters_rpc_reaches_their_own_ticket_only(self):
        for role, other in self.other.items():
            with self.subTest(role=role):
                self._login(role)
                mine, theirs = self.tickets[role], self.tickets[other]
                found = self._rpc("helpdesk.ticket", "search_read", [], ["number"])
                numbers = {row["number"] for row in found}
                self.assertIn(mine.number, numbers)
                self.assertNotIn(theirs.number, numbers)
                for model, method, args in (
                    ("helpdesk.ticket", "read", [[theirs.id], ["name"]]),
                    ("helpdesk.ticket", "write", [[theirs.id], {"name": "Mine"}]),
                    ("helpdesk.ticket", "message_post", [[theirs.id]]),
                    ("helpdesk.ticket", "write", [[mine.id], {"stage_id": 1}]),
                    ("ir.attachment", "read", [[self.files[other].id], ["raw"]]),
                    (
                        "telephony.vendor.call",
                        "read",
                        [[self.calls[role].id], ["name"]],
                    ),
                    ("telephony.vendor.call", "search_read", [[], ["name"]]),
                    ("telephony.escalation", "search_read", [[], ["reason"]]),
                ):
                    self.assertFalse(
                        self._rpc_allowed(model, method, *args), f"{model}.{method}"
                    )
                self.assertEqual(theirs.name, f"Fault of {other}")

    def test_it_division_reads_posts_and_closes_head_reads(self):
        ticket = self.tickets["employee"]
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        for role in ("agent", "manager", "head"):
            with self.subTest(role=role):
                self._login(role)
                rows = self._rpc(
                    "helpdesk.ticket", "search_read", [], ["number", "vendor_call_ids"]
                )
                numbers = {row["number"] for row in rows}
                self.assertLessEqual({t.number for t in self.tickets.values()}, numbers)
                calls = self._rpc("telephony.vendor.call", "search_read", [], ["name"])
                self.assertLessEqual(
                    set(self.calls["employee"].mapped("name")),
                    {c["name"] for c in calls},
                )
                content = self.url_open(f"/web/content/{self.files['employee'].id}")
                self.assertEqual(content.content, b"secret of employee")
                staff = role != "head"
                self.assertEqual(
                    self._rpc_allowed(
                        "helpdesk.ticket",
                        "write",
                        [ticket.id],
                        {"resolution_summary": f"Replaced by {role}"},
                    ),
                    staff,
                )
        self._login("agent")
        self._rpc(
            "helpdesk.ticket",
            "message_post",
            [ticket.id],
            body="Technician booked",
            message_type="comment",
        )
        # Its vendor call settled first (4.3.6), then closed.
        self._rpc("telephony.vendor.call", "action_resolve", self.calls["employee"].ids)
        self._rpc("helpdesk.ticket", "write", [ticket.id], {"stage_id": done.id})
        ticket.invalidate_recordset()
        self.assertTrue(ticket.closed)
        self.assertIn("Technician booked", "".join(ticket.message_ids.mapped("body")))

    def test_each_role_on_the_telephony_models_by_rpc(self):
        other_holder = self.env["hr.employee"].create(
            {"name": "Other holder", "user_id": self.employee2.id}
        )
        theirs = self.env["telephony.extension"].create(
            {"number": "4102", "employee_id": other_holder.id}
        )
        # What each role may do: read, write, create, unlink.
        expected = {
            "telephony.vendor.call": {
                "read": ("agent", "manager", "head"),
                "write": ("agent", "manager"),
                "create": ("agent", "manager"),
                "unlink": ("manager",),
            },
            "telephony.escalation": {
                "read": ("agent", "manager", "head"),
                "write": ("manager",),
                "create": ("manager",),
                "unlink": ("manager",),
            },
            "telephony.outage": {
                "read": ("agent", "manager", "head"),
                "write": ("agent", "manager"),
                "create": ("agent", "manager"),
                "unlink": ("manager",),
            },
            # Employees read their own extension only (see "own" below).
            "telephony.extension": {
                "read": ("agent", "manager", "head"),
                "write": ("agent", "manager"),
                "create": ("agent", "manager"),
                "unlink": ("manager",),
            },
        }
        ticket = self.tickets["employee"]
        records = {
            "telephony.vendor.call": self.calls["employee"],
            "telephony.escalation": self.escalation,
            "telephony.outage": self.outage,
            "telephony.extension": theirs,
        }
        new_values = {
            "telephony.vendor.call": {
                "ticket_id": ticket.id,
                "vendor_id": self.bezeq.id,
                "channel_type": "phone",
            },
            "telephony.escalation": {
                "ticket_id": ticket.id,
                "reason": "By RPC",
                "manager_id": self.manager.id,
            },
            "telephony.outage": {"cause": "By RPC"},
            "telephony.extension": {"number": "4999"},
        }
        # Spares for "unlink", which must not clash with what "create" makes.
        spares = {
            "telephony.vendor.call": dict(
                new_values["telephony.vendor.call"], state="cancelled"
            ),
            "telephony.escalation": new_values["telephony.escalation"],
            "telephony.outage": new_values["telephony.outage"],
            "telephony.extension": {"number": "4998"},
        }
        changes = {
            "telephony.vendor.call": {"vendor_reference": "CHANGED"},
            "telephony.escalation": {"decision": "CHANGED"},
            "telephony.outage": {"cause": "CHANGED"},
            "telephony.extension": {"location": "CHANGED"},
        }
        for role in ROLES:
            self._login(role)
            for model, allowed in expected.items():
                record = records[model]
                spare = self.env[model].create(spares[model])
                outcomes = {
                    "read": self._rpc_allowed(model, "read", record.ids, ["id"]),
                    "write": self._rpc_allowed(
                        model, "write", record.ids, changes[model]
                    ),
                    "create": self._rpc_allowed(model, "create", new_values[model]),
                    "unlink": self._rpc_allowed(model, "unlink", spare.ids),
                }
                # Undo what was allowed, so each role starts alike.
                self.env[model].search([("id", ">=", spare.id)]).unlink()
                for operation, allowed_roles in allowed.items():
                    with self.subTest(role=role, model=model, operation=operation):
                        self.assertEqual(outcomes[operation], role in allowed_roles)
            own = self._rpc_allowed(
                "telephony.extension", "read", self.extension.ids, ["number"]
            )
            self.assertEqual(own, role in ("employee", "agent", "manager", "head"))

    # === By the ORM === #

    def test_reporters_by_the_orm(self):
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        for role, other in self.other.items():
            user = getattr(self, role)
            theirs = self.tickets[other]
            for record, method, args in (
                (theirs, "read", (["name"],)),
                (theirs, "message_post", ()),
                (theirs, "write", ({"stage_id": done.id},)),
                (self.files[other], "read", (["raw"],)),
                (self.calls[other], "read", (["vendor_reference"],)),
                (self.escalation, "read", (["reason"],)),
            ):
                self.env.invalidate_all()
                with self.subTest(role=role, model=record._name, method=method):
                    with self.assertRaises(AccessError):
                        getattr(record.with_user(user), method)(*args)
            # Following a ticket gives access to it: nobody follows another's.
            self.assertFalse(
                theirs.with_user(user).message_subscribe(
                    partner_ids=user.partner_id.ids
                )
            )
            self.assertNotIn(user.partner_id, theirs.message_partner_ids)
        self.env.invalidate_all()
        for ticket in self.tickets.values():
            self.assertEqual(ticket.with_user(self.head).number, ticket.number)
