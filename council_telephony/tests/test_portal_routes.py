"""C20, 4.1.1: every portal route of ours and of helpdesk_mgmt's tickets, as
each portal user (the portal reporter, the back-office employee reporting
through the portal) and without logging in, on their own ticket and on the
other's; files by id and by token. The table says who reaches what."""

import json
import logging
from collections import Counter

from odoo.tests import HttpCase, tagged

from .common import RpcMixin, TelephonyCase

_logger = logging.getLogger(__name__)

USERS = ("portal_user", "employee", None)  # None: not logged in
# Who reaches each route, as (user, whose ticket): "own" or "other".
# The ticket's share link (its token, e-mailed to the reporter) and the
# download tokens of the reporter's files open them to whoever holds them,
# by design; the IT division's files open to no one here.
EVERYONE = {(user, whose) for user in USERS for whose in ("own", "other")}
OWNERS = {("portal_user", "own"), ("employee", "own")}
EXPECTED = {
    "ticket page": OWNERS,
    "ticket page, share link": EVERYONE,
    "ticket page, guessed token": OWNERS,
    "my tickets list": OWNERS,
    "chatter": OWNERS,
    "post a message": OWNERS,
    "upload a file": OWNERS,
    "new ticket form": {("portal_user", "own"), ("portal_user", "other")}
    | {("employee", "own"), ("employee", "other")},
    "reporter's file by id": {("employee", "own")},
    "reporter's file by token": EVERYONE,
    "reporter's file, guessed token": set(),
    "IT division's file by id": set(),
    "IT division's file by token": set(),
}


@tagged("post_install", "-at_install")
class TestPortalRoutes(RpcMixin, TelephonyCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets, cls.files, cls.internal = {}, {}, {}
        for role in ("portal_user", "employee"):
            user = getattr(cls, role)
            ticket = cls._ticket(cls.cat_pbx, user=user, name=f"Fault of {role}")
            ticket.message_post(
                body=f"Reply to {role}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            cls.tickets[role] = ticket
            cls.files[role] = (
                cls.env["ir.attachment"]
                .with_user(user)
                .sudo()
                .create(
                    {
                        "name": f"{role}.txt",
                        "raw": f"photo of {role}".encode(),
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                )
            )
            cls.internal[role] = cls.env["ir.attachment"].create(
                {
                    "name": f"quote-{role}.txt",
                    "raw": f"quote on {role}".encode(),
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
            )
            # A token leaked before (helpdesk_mgmt handed them out).
            cls.internal[role].generate_access_token()
            cls.files[role].generate_access_token()

    def _csrf(self):
        marker = 'name="csrf_token" value="'
        page = self.url_open("/new/ticket")
        if marker not in page.text:  # not logged in: the login form's
            page = self.url_open("/web/login")
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        if response.status_code != 200:
            return None
        return response.json().get("result")

    def _messages(self, ticket):
        return self.env["mail.message"].search_count(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )

    def _reaches(self, route, ticket, file, internal):
        thread = {"thread_model": "helpdesk.ticket", "thread_id": ticket.id}
        if route == "ticket page":
            return ticket.number in self.url_open(f"/my/ticket/{ticket.id}").text
        if route == "ticket page, share link":
            token = ticket._portal_ensure_token()
            url = f"/my/ticket/{ticket.id}?access_token={token}"
            return ticket.number in self.url_open(url).text
        if route == "ticket page, guessed token":
            url = f"/my/ticket/{ticket.id}?access_token=guess"
            return ticket.number in self.url_open(url).text
        if route == "my tickets list":
            return ticket.number in self.url_open("/my/tickets").text
        if route == "chatter":
            fetched = self._json("/mail/chatter_fetch", thread) or {}
            return bool(fetched.get("messages"))
        if route == "post a message":
            before = self._messages(ticket)
            self._json(
                "/mail/message/post",
                {**thread, "post_data": {"body": "Any news?"}},
            )
            return self._messages(ticket) > before
        if route == "upload a file":
            planted = [("name", "=", "planted.txt")]
            before = self.env["ir.attachment"].search_count(planted)
            self.url_open(
                "/mail/attachment/upload",
                data={**thread, "csrf_token": self._csrf()},
                files={"ufile": ("planted.txt", b"planted")},
            )
            return self.env["ir.attachment"].search_count(planted) > before
        if route == "new ticket form":
            return 'name="telephony_number"' in self.url_open("/new/ticket").text
        target, token = {
            "reporter's file by id": (file, None),
            "reporter's file by token": (file, file.access_token),
            "reporter's file, guessed token": (file, "guess"),
            "IT division's file by id": (internal, None),
            "IT division's file by token": (internal, internal.access_token),
        }[route]
        url = f"/web/content/{target.id}?download=true"
        if token:
            url += f"&access_token={token}"
        response = self.url_open(url)
        return response.status_code == 200 and response.content == target.raw

    def test_every_portal_route_as_every_portal_user(self):
        counts = Counter()
        wrong = []
        for user in USERS:
            if user:
                self._login(user)
            else:
                self.logout()
            for whose in ("own", "other"):
                owner = user if whose == "own" else "portal_user"
                if user == "portal_user" and whose == "other":
                    owner = "employee"
                if user is None:
                    owner = "portal_user" if whose == "own" else "employee"
                ticket = self.tickets[owner]
                for route, reachers in EXPECTED.items():
                    reached = self._reaches(
                        route, ticket, self.files[owner], self.internal[owner]
                    )
                    counts["reached" if reached else "refused"] += 1
                    if reached != ((user, whose) in reachers):
                        wrong.append(
                            f"{route}: {user or 'not logged in'} on the {whose} "
                            f"ticket was {'let in' if reached else 'refused'}"
                        )
        _logger.info(
            "portal route matrix: %s cells, %s reached, %s refused",
            sum(counts.values()),
            counts["reached"],
            counts["refused"],
        )
        self.assertFalse(wrong, "\n".join(wrong))
