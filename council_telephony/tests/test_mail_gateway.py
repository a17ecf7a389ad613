import base64
from datetime import timedelta
from email.utils import format_datetime

import pytz
from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import RpcMixin, TelephonyCase

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n photo of the broken handset").decode()


class MailCase(TelephonyCase):
    """Real RFC 822 messages fed through Odoo's mail gateway
    (``mail.thread.message_process``), as the fetchmail job does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The council's mail as the run command's demo sets it up.
        cls.domain = cls.env.ref("council_telephony.mail_alias_domain_council")
        cls.company.alias_domain_id = cls.domain
        cls.company.telephony_mail_trusted_server = "mx.council.example"
        cls.company.telephony_mail_outside = "hold"
        cls.team.alias_domain_id = cls.domain
        for user in (cls.employee, cls.agent, cls.manager, cls.treasury, cls.head):
            user.email = f"{user.login}@council.example"
        cls.tadiran.reference_pattern = r"TD-\d{6}"
        cls.seq = 0

    def _process(self, raw):
        return self.env["mail.thread"].message_process(False, raw.encode())

    def _message(
        self,
        sender,
        subject,
        body="No dial tone.",
        to="telephony@council.example",
        headers="",
        vouched=True,
        sent=None,
        content_type='text/plain; charset="utf-8"',
        encoding="8bit",
    ):
        type(self).seq += 1
        auth = ""
        if vouched:
            auth = (
                "Authentication-Results: mx.council.example; spf=pass "
                "smtp.mailfrom=council.example; dkim=pass header.d=council.example;"
                " dmarc=pass header.from=council.example\n"
            )
        sent = sent or fields.Datetime.now()
        return (
            f"Return-Path: <{sender}>\n"
            f"{auth}"
            f"From: {sender}\n"
            f"To: {to}\n"
            f"Subject: {subject}\n"
            f"Date: {format_datetime(pytz.utc.localize(sent))}\n"
            f"Message-ID: <test-{self.seq}-{id(self)}@mail.example>\n"
            f"{headers}"
            "MIME-Version: 1.0\n"
            f"Content-Type: {content_type}\n"
            f"Content-Transfer-Encoding: {encoding}\n"
            "\n"
            f"{body}\n"
        )

    def _new_ticket(self, raw):
        tickets = self.env["helpdesk.ticket"]
        before = tickets.search([]).ids
        self._process(raw)
        return tickets.search([("id", "not in", before)])

    def _employee_sender(self, user=None):
        user = user or self.employee
        return f"{user.name} <{user.email}>"

    def _reply(self, message_id, sender=None, header="In-Reply-To", **kw):
        """Process a reply to ``message_id``, found by ``header`` (the mail
        clients' In-Reply-To, or References alone); by default the employee's,
        vouched for by the council's server."""
        kw.setdefault("subject", "Re: your report")
        return self._process(
            self._message(
                sender or self._employee_sender(),
                headers=f"{header}: {message_id}\n" + kw.pop("headers", ""),
                **kw,
            )
        )

    def _vendor_reply(self, message_id, subject, header="In-Reply-To", **kw):
        """The vendor's answer from outside, to the council's catch-all."""
        kw.setdefault("sender", "Tadiran service <calls@tadiran.test>")
        return self._reply(
            message_id,
            header=header,
            subject=subject,
            to="catchall@council.example",
            vouched=False,
            **kw,
        )

    def _open_call(self, ticket):
        """The agent opens a call with Tadiran: the call and its request."""
        wizard = (
            self.env["telephony.vendor.call.open"]
            .with_user(self.agent)
            .with_context(
                default_ticket_id=ticket.id, default_vendor_id=self.tadiran.id
            )
            .create({})
        )
        call = self.env["telephony.vendor.call"].browse(wizard.action_open()["res_id"])
        request = self.env["mail.mail"].search(
            [("model", "=", "telephony.vendor.call"), ("res_id", "=", call.id)]
        )
        return call, request


@freeze_time("2026-03-02 09:00:00")
class TestMailedReports(MailCase):
    def test_a_mailed_report_is_a_phone_fault_like_a_portal_one(self):
        # "No dial tone on extension 4101", in Hebrew, in encoded words.
        subject = "=?UTF-8?B?{}?=".format(
            base64.b64encode("אין צליל בשלוחה 4101".encode()).decode()
        )
        sent = fields.Datetime.now() - timedelta(minutes=25)
        ticket = self._new_ticket(
            self._message(self._employee_sender(), subject, sent=sent)
        )
        self.assertEqual(len(ticket), 1)
        self.assertTrue(ticket.is_telephony)
        self.assertEqual(ticket.name, "אין צליל בשלוחה 4101")
        self.assertEqual(ticket.partner_id, self.employee.partner_id)
        self.assertEqual(ticket.telephony_number, "4101")
        self.assertEqual(ticket.extension_id, self.extension)
        self.assertEqual(ticket.department_id, self.department)
        self.assertEqual(ticket.category_id, self.cat_device)
        self.assertEqual(ticket.telephony_vendor_id, self.tadiran)
        # The 3-hour clock starts when it was sent, not when it was fetched.
        self.assertEqual(ticket.received_at, sent)
        self.assertFalse(ticket.telephony_mail_held)
        self.assertEqual(
            ticket.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email"),
        )
        # The job woken at intake tells every agent and acknowledges.
        self.env["helpdesk.ticket"]._cron_send_acknowledgments()
        self.assertTrue(ticket.agents_told_at)
        told = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertLessEqual(
            (self.agent | self.manager).partner_id, told.partner_ids, "every agent"
        )
        self.assertNotIn(self.employee.partner_id, told.partner_ids)
        for message in told:
            self.assertIn(ticket.number, message.subject)
        ack = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("recipient_ids", "=", self.employee.partner_id.id),
            ]
        )
        self.assertEqual(len(ack), 1, "the reporter is acknowledged")
        # Told once: a second run tells nobody again.
        self.env["helpdesk.ticket"]._cron_send_acknowledgments()
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("message_type", "=", "user_notification"),
                ]
            ),
            len(told),
        )

    def test_a_portal_report_tells_the_agents_too(self):
        ticket = self._ticket()
        self.env["helpdesk.ticket"]._cron_send_acknowledgments()
        self.assertTrue(ticket.agents_told_at)

    def test_windows_1255_body_and_the_number_in_the_text(self):
        body = "הטלפון בשלוחה 4101 לא עובד".encode("windows-1255")
        quoted = "".join(f"={b:02X}" if b > 127 else chr(b) for b in body)
        ticket = self._new_ticket(
            self._message(
                self._employee_sender(),
                "Phone",
                body=quoted,
                content_type='text/plain; charset="windows-1255"',
                encoding="quoted-printable",
            )
        )
        self.assertIn("הטלפון בשלוחה 4101 לא עובד", ticket.description)
        self.assertEqual(ticket.extension_id, self.extension)

    def test_html_only_mail_and_a_number_outside_the_council(self):
        ticket = self._new_ticket(
            self._message(
                self._employee_sender(),
                "Line 08-912-3456 is dead",
                body="<html><body><p>Since <b>8:30</b>, room 12.</p></body></html>",
                content_type='text/html; charset="utf-8"',
            )
        )
        self.assertIn("<b>8:30</b>", ticket.description)
        self.assertEqual(ticket.telephony_number, "08-912-3456")
        self.assertEqual(ticket.category_id, self.cat_line_repair)
        # A number the council's numbering refuses is not taken.
        ticket = self._new_ticket(
            self._message(self._employee_sender(), "Extension 21 is dead")
        )
        self.assertFalse(ticket.telephony_number)
        self.assertEqual(ticket.category_id, self.cat_other)
        # No number at all: the sender's one register entry.
        ticket = self._new_ticket(
            self._message(self._employee_sender(), "My phone is dead")
        )
        self.assertEqual(ticket.extension_id, self.extension)

    def test_implausible_sending_times_are_not_believed(self):
        now = fields.Datetime.now()
        for sent in (now + timedelta(hours=2), now - timedelta(days=3)):
            ticket = self._new_ticket(
                self._message(self._employee_sender(), "4101 dead", sent=sent)
            )
            self.assertEqual(ticket.received_at, now)

    def test_an_attachment_goes_with_the_vendor_request(self):
        raw = self._message(
            self._employee_sender(),
            "Handset 4101 broken",
            content_type='multipart/mixed; boundary="XX"',
            body=(
                "--XX\nContent-Type: text/plain; charset=utf-8\n\nSee photo.\n"
                "--XX\nContent-Type: image/png; name=handset.png\n"
                "Content-Disposition: attachment; filename=handset.png\n"
                f"Content-Transfer-Encoding: base64\n\n{PNG}\n--XX--"
            ),
        )
        ticket = self._new_ticket(raw)
        photo = ticket.message_ids.attachment_ids
        self.assertEqual(photo.name, "handset.png")
        # A file from the portal form, uploaded by the reporter, goes too.
        form_file = (
            self.env["ir.attachment"]
            .with_user(self.employee)
            .sudo()
            .create(
                {
                    "name": "room.jpg",
                    "raw": b"room",
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
            )
        )
        _call, request = self._open_call(ticket)
        self.assertEqual(request.attachment_ids, photo | form_file)


@freeze_time("2026-03-02 09:00:00")
class TestSenderPolicy(MailCase):
    """C20: nobody files a report in an employee's name by writing From:."""

    def test_a_forged_council_sender_is_held_in_nobodys_name(self):
        forged = (
            "Authentication-Results: mx.council.example; spf=fail "
            "smtp.mailfrom=council.example; dmarc=fail header.from=council.example\n"
            # Written by the forger: not the council's server, not read.
            "Authentication-Results: attacker.example; dmarc=pass "
            "header.from=council.example\n"
        )
        for headers in (forged, ""):
            ticket = self._new_ticket(
                self._message(
                    self._employee_sender(self.head),
                    "Fault 4101",
                    headers=headers,
                    vouched=False,
                )
            )
            self.assertTrue(ticket.is_telephony)
            self.assertTrue(ticket.telephony_mail_held)
            self.assertFalse(ticket.partner_id)
            self.assertNotEqual(ticket.create_uid, self.head)
            self.assertNotIn(self.head.partner_id, ticket.message_partner_ids)
            self.assertNotIn(self.head.partner_id, ticket.message_ids.author_id)
            # Nothing goes to the head in the ticket's name; agents are told.
            self.env["helpdesk.ticket"]._cron_send_acknowledgments()
            self.assertFalse(
                self.env["mail.mail"].search(
                    [
                        ("model", "=", "helpdesk.ticket"),
                        ("res_id", "=", ticket.id),
                        ("recipient_ids", "=", self.head.partner_id.id),
                    ]
                )
            )
            self.assertTrue(ticket.agents_told_at)
        # An agent who checked accepts it: the reporter is then acknowledged.
        ticket.with_user(self.agent).action_accept_mail_report()
        self.assertFalse(ticket.telephony_mail_held)
        self.assertEqual(ticket.partner_id, self.head.partner_id)

    def test_outside_mail_follows_the_setting(self):
        ticket = self._new_ticket(
            self._message("Resident <resident@mail.example>", "4101", vouched=False)
        )
        self.assertTrue(ticket.telephony_mail_held)
        self.company.telephony_mail_outside = "accept"
        ticket = self._new_ticket(
            self._message("Resident <resident@mail.example>", "4101", vouched=False)
        )
        self.assertFalse(ticket.telephony_mail_held)
        self.assertEqual(ticket.partner_id.email, "resident@mail.example")
        # Accepting outside mail never makes a forged council sender real.
        ticket = self._new_ticket(
            self._message(self._employee_sender(self.head), "4101", vouched=False)
        )
        self.assertTrue(ticket.telephony_mail_held)
        self.assertFalse(ticket.partner_id)

    def test_copied_people_do_not_become_followers(self):
        ticket = self._new_ticket(
            self._message(
                self._employee_sender(),
                "4101 dead",
                headers=f"Cc: {self.treasury.email}\n",
            )
        )
        self.assertNotIn(self.treasury.partner_id, ticket.message_partner_ids)
        self.assertIn(self.employee.partner_id, ticket.message_partner_ids)
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self._reply(
            first.message_id,
            subject="Re: 4101 dead",
            headers=f"Cc: {self.treasury.email}\n",
        )
        self.assertEqual(
            len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 2
        )
        self.assertNotIn(self.treasury.partner_id, ticket.message_partner_ids)


class TestReplies(MailCase):
    """4.3.7: the reporter's reply to the closing message reopens the ticket;
    4.3.6: the vendor's reply lands on its call."""

    def _closed_ticket(self):
        ticket = self._ticket(user_id=self.agent.id, name="Dead handset")
        ticket.with_user(self.agent).write(
            {
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                "resolution_summary": "Handset replaced.",
            }
        )
        closing = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "ilike", "was handled"),
            ]
        )
        self.assertEqual(len(closing), 1)
        self.assertIn("telephony@council.example", closing.reply_to)
        return ticket, closing.message_id

    def test_a_reply_reopens_the_ticket_and_tells_the_agent(self):
        ticket, message_id = self._closed_ticket()
        self._reply(message_id, body="It is broken again.")
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.telephony_step, "new")
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "It is broken again." in m.body)
        )
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.agent)
        self.assertEqual(len(activity), 1)
        # A reply with only References finds its ticket as well.
        ticket, message_id = self._closed_ticket()
        self._reply(message_id, header="References", body="It is broken again.")
        self.assertFalse(ticket.closed)

    def test_an_out_of_office_reply_reopens_nothing(self):
        ticket, message_id = self._closed_ticket()
        for headers, subject in (
            ("Auto-Submitted: auto-replied\n", "Re: your report"),
            ("X-Autoreply: yes\n", "Re: your report"),
            ("", "Out of Office: Dana Levi"),
            (
                "",
                "=?UTF-8?B?{}?=".format(
                    base64.b64encode("מחוץ למשרד".encode()).decode()
                ),
            ),
        ):
            self._reply(
                message_id,
                subject=subject,
                body="I am away until Sunday.",
                headers=headers,
            )
            self.assertTrue(ticket.closed, subject)

    def test_a_forged_reply_reopens_nothing(self):
        ticket, message_id = self._closed_ticket()
        self._reply(message_id, body="It is broken again.", vouched=False)
        self.assertTrue(ticket.closed)

    def test_a_late_reply_opens_a_new_ticket_linked_to_the_old(self):
        ticket, message_id = self._closed_ticket()
        self.company.telephony_reopen_days = 7
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            tickets = self.env["helpdesk.ticket"]
            before = tickets.search([]).ids
            self._reply(message_id, body="It is broken again.")
            new = tickets.search([("id", "not in", before)])
        self.assertTrue(ticket.closed)
        self.assertEqual(new.previous_ticket_id, ticket)
        self.assertEqual(new.partner_id, self.employee.partner_id)
        self.assertEqual(new.telephony_number, ticket.telephony_number)
        self.assertTrue(new.is_telephony)

    def _call(self):
        ticket = self._ticket(
            self.cat_device,
            description="<p>Handset dead. Old call TD-999999 was about it.</p>",
        )
        call, request = self._open_call(ticket)
        self.assertIn("catchall@council.example", request.reply_to)
        return call, request.message_id

    def test_the_vendors_reply_lands_on_the_call(self):
        call, message_id = self._call()
        call.sudo().last_news_at = fields.Datetime.now() - timedelta(hours=3)
        before = call.last_news_at
        quote = "\n".join(f"> {line}" for line in ("Handset dead.", "TD-999999"))
        self._vendor_reply(
            message_id,
            "RE: service request",
            body=f"We are on it.\n\nOn Mon, the council wrote:\n{quote}",
        )
        self.assertEqual(call.state, "in_progress")
        self.assertGreater(call.last_news_at, before)
        self.assertIn("We are on it.", call.message_ids[0].body)
        # The reference quoted from the request is not the vendor's answer.
        self.assertFalse(call.vendor_reference)
        self.assertEqual(call.ticket_id.telephony_step, "with_vendor")
        self._vendor_reply(
            message_id,
            "RE: service request - our call TD-481516",
            header="References",
            body="Technician Sunday.",
        )
        self.assertEqual(call.vendor_reference, "TD-481516")
        # A reference is never overwritten by a later mail.
        self._vendor_reply(message_id, "RE: TD-000001")
        self.assertEqual(call.vendor_reference, "TD-481516")

    def test_someone_else_replying_moves_nothing(self):
        call, message_id = self._call()
        self._vendor_reply(
            message_id, "RE: TD-123456", sender="Someone <someone@mail.example>"
        )
        self.assertEqual(call.state, "open")
        self.assertFalse(call.vendor_reference)

    def test_the_promised_time_reminds_the_agent_once(self):
        call, _message_id = self._call()
        call.with_user(self.agent).promised_at = fields.Datetime.now() + timedelta(
            hours=2
        )
        job = self.env["telephony.vendor.call"]._cron_follow_up_vendor_calls

        def reminders():
            return call.activity_ids.filtered(lambda a: "promised" in a.summary)

        job()
        self.assertFalse(reminders())
        with freeze_time(fields.Datetime.now() + timedelta(hours=3)):
            job()
            job()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, call.ticket_id._telephony_agent())
        # A new promise, missed too, is reminded of again (after a downtime).
        reminders().action_feedback()
        call.with_user(self.agent).promised_at = fields.Datetime.now() + timedelta(
            hours=4
        )
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            job()
        self.assertEqual(len(reminders()), 1)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_mail_to_nowhere_is_not_a_ticket(self):
        tickets = self.env["helpdesk.ticket"]
        count = tickets.search_count([])
        with self.assertRaises(ValueError):
            self._process(
                self._message(
                    self._employee_sender(), "4101", to="nobody@elsewhere.example"
                )
            )
        self.assertEqual(tickets.search_count([]), count)


@tagged("post_install", "-at_install")
class TestGatewayByRpc(RpcMixin, MailCase, HttpCase):
    """C20, issue 13.4 and 13.8, through the door a cheater uses: JSON-RPC as
    an employee."""

    def test_an_employee_cannot_file_mail_or_sign_as_someone_else(self):
        ticket = self._ticket()
        raw = self._message(self._employee_sender(self.head), "Fault 4101")
        tickets = self.env["helpdesk.ticket"]
        count = tickets.search_count([])
        self.authenticate(self.employee.login, self.employee.login)
        self.assertFalse(
            self._rpc_allowed("mail.thread", "message_process", False, raw)
        )
        self.assertFalse(
            self._rpc_allowed(
                "helpdesk.ticket", "message_process", "helpdesk.ticket", raw
            )
        )
        self.assertFalse(
            self._rpc_allowed(
                "helpdesk.ticket",
                "message_new",
                {"subject": "x", "author_id": self.head.partner_id.id},
                {"team_id": self.team.id},
            )
        )
        self.assertFalse(
            self._rpc_allowed(
                "helpdesk.ticket",
                "message_update",
                [ticket.id],
                {"subject": "x", "author_id": self.head.partner_id.id},
            )
        )
        self.assertEqual(tickets.search_count([]), count)
        messages = len(ticket.message_ids)
        for signed in (
            {"author_id": self.manager.partner_id.id},
            {"email_from": f"IT manager <{self.manager.email}>"},
        ):
            self.assertFalse(
                self._rpc_allowed(
                    "helpdesk.ticket",
                    "message_post",
                    [ticket.id],
                    body="Approved, IT manager",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    **signed,
                )
            )
            self.assertFalse(
                self._rpc_allowed(
                    "helpdesk.ticket",
                    "message_notify",
                    [ticket.id],
                    body="Approved",
                    partner_ids=[self.agent.partner_id.id],
                    **signed,
                )
            )
        ticket.invalidate_recordset()
        self.assertEqual(len(ticket.message_ids), messages)
        # In their own name, they post.
        self._rpc(
            "helpdesk.ticket",
            "message_post",
            [ticket.id],
            body="Still broken",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.invalidate_recordset()
        self.assertEqual(len(ticket.message_ids), messages + 1)

    def test_only_the_it_division_engages_the_vendor(self):
        """4.1.1 (issue 13.8): an employee posting on their own ticket cannot
        reach the vendor; the agent can."""
        self.tadiran.partner_id = self.env["res.partner"].create(
            {"name": "Tadiran service", "email": "calls@tadiran.test"}
        )
        by_address = self.env["res.partner"].create(
            {"name": "Tadiran technician", "email": "tech@tadiran.test"}
        )
        ticket = self._ticket()
        queued = self.env["mail.mail"].search_count([])

        def post_to(vendor):
            return self._rpc_allowed(
                "helpdesk.ticket",
                "message_post",
                [ticket.id],
                body="Please come today",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=[vendor.id],
            )

        self.authenticate(self.employee.login, self.employee.login)
        for vendor in (self.tadiran.partner_id, by_address):
            self.assertFalse(post_to(vendor))
            self.assertFalse(
                self._rpc_allowed(
                    "helpdesk.ticket", "message_subscribe", [ticket.id], [vendor.id]
                )
            )
        self.assertEqual(self.env["mail.mail"].search_count([]), queued)
        self.assertNotIn(self.tadiran.partner_id, ticket.message_partner_ids)
        self.authenticate(self.agent.login, self.agent.login)
        self.assertTrue(post_to(self.tadiran.partner_id))
