from odoo.tests import HttpCase, tagged

from .common import TelephonyCase


@tagged("post_install", "-at_install")
class TestPortal(TelephonyCase, HttpCase):
    """An employee reports a phone fault through the real portal controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user.write({"name": "Portal Reporter", "lang": "en_US"})
        cls.portal_holder = cls.env["hr.employee"].create(
            {"name": "Portal Reporter", "user_id": cls.portal_user.id}
        )
        cls.portal_extension = cls.env["telephony.extension"].create(
            {
                "number": "4205",
                "employee_id": cls.portal_holder.id,
                "location": "Engineering 210",
            }
        )

    def _login(self, lang="en_US"):
        # The portal speaks the language of its frontend_lang cookie.
        self.authenticate("t_portal", "t_portal")
        self.opener.cookies.set("frontend_lang", lang)

    def _submit(self, **fields):
        data = {
            "category": str(self.cat_device.id),
            "subject": "Handset dead",
            "description": "The handset does not turn on.",
            "telephony_number": "4205",
            "csrf_token": self.csrf_token(),
        }
        data.update(fields)
        return self.url_open("/submitted/ticket", data=data)

    def csrf_token(self):
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]

    def test_form_offers_the_telephony_fields(self):
        self._login()
        page = self.url_open("/new/ticket")
        self.assertIn('name="telephony_number"', page.text)
        self.assertIn('name="telephony_location"', page.text)
        self.assertIn(self.cat_line_repair.name, page.text)
        # The reporter's own extension is suggested.
        self.assertIn('value="4205"', page.text)
        self.assertNotIn('value="4101"', page.text)

    def test_report_becomes_a_telephony_ticket(self):
        self._login()
        response = self._submit()
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.portal_user.partner_id.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertTrue(response.url.endswith(f"/my/ticket/{ticket.id}"))
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.extension_id, self.portal_extension)
        self.assertEqual(ticket.telephony_location, "Engineering 210")
        self.assertEqual(ticket.telephony_vendor_id, self.tadiran)
        self.assertTrue(ticket.number.startswith("TEL/"))
        self.assertIn(ticket.number, response.text)
        self.assertIn("4205", response.text)
        self.env["helpdesk.ticket"]._cron_send_acknowledgments()
        ack = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                # Not the agents' "new fault" notice (4.3.2, test_mail_gateway).
                ("message_type", "!=", "user_notification"),
            ]
        )
        self.assertEqual(ack.recipient_ids, self.portal_user.partner_id)

    def test_bad_extension_is_refused_and_nothing_is_created(self):
        self._login()
        before = self.env["helpdesk.ticket"].search_count([])
        response = self._submit(telephony_number="21", subject="Keep my subject")
        self.assertEqual(response.status_code, 200)
        self.assertIn("is not a council extension", response.text)
        self.assertIn('value="Keep my subject"', response.text)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

    def test_hebrew_reporter_gets_the_refusal_in_hebrew_right_to_left(self):
        self._enable_hebrew()
        self.portal_user.lang = "he_IL"
        self._login("he_IL")
        page = self.url_open("/new/ticket")
        self.assertIn("מספר שלוחה או קו", page.text)
        self.assertIn("o_rtl", page.text)
        response = self._submit(telephony_number="12")
        self.assertIn("12 אינו מספר שלוחה של המועצה", response.text)
        self.assertFalse(
            self.env["helpdesk.ticket"].search(
                [("partner_id", "=", self.portal_user.partner_id.id)]
            )
        )

    def test_phone_faults_are_closed_by_the_it_division_not_the_portal(self):
        mine = self._ticket(self.cat_pbx, user=self.portal_user)
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self._login()
        page = self.url_open(f"/my/ticket/{mine.id}")
        self.assertIn(mine.number, page.text)
        self.assertNotIn('action="/ticket/close"', page.text)
        self.url_open(f"/ticket/close?ticket_id={mine.id}&stage_id={done.id}")
        mine.invalidate_recordset()
        self.assertFalse(mine.closed)

    def test_another_employees_ticket_cannot_be_closed_by_url(self):
        theirs = self.env["helpdesk.ticket"].create(
            {
                "name": "Printer",
                "description": "<p>Jam</p>",
                "partner_id": self.employee.partner_id.id,
            }
        )
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self._login()
        self.url_open(f"/ticket/close?ticket_id={theirs.id}&stage_id={done.id}")
        theirs.invalidate_recordset()
        self.assertFalse(theirs.closed)

    def test_another_employees_ticket_is_not_reachable_by_url(self):
        theirs = self._ticket(self.cat_pbx, user=self.employee)
        self._login()
        response = self.url_open(f"/my/ticket/{theirs.id}")
        self.assertNotIn(theirs.number, response.text)
        self.assertIn("/my", response.url)

    def test_form_asks_the_kind_of_phone_fault_only(self):
        other = self.env["helpdesk.ticket.category"].create(
            {"name": "Printer jam", "show_in_portal": True}
        )
        self._enable_hebrew()
        self._login("he_IL")
        page = self.url_open("/new/ticket")
        self.assertIn("סוג התקלה", page.text)
        self.assertNotIn("קטגוריה", page.text)
        self.assertIn(f'value="{self.cat_device.id}"', page.text)
        self.assertNotIn(f'value="{other.id}"', page.text)
        # Nor can a forged form send it.
        before = self.env["helpdesk.ticket"].search_count([])
        self._submit(category=str(other.id))
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

    def test_ticket_page_shows_the_vendor_reference_promise_and_outcome(self):
        self.portal_user.tz = "Asia/Jerusalem"
        mine = self._ticket(self.cat_line_repair, user=self.portal_user)
        self.env["telephony.vendor.call"].create(
            {
                "ticket_id": mine.id,
                "vendor_id": self.bezeq.id,
                "channel_type": "phone",
                "vendor_reference": "BZ-778812",
                "promised_at": "2026-03-10 12:30:00",
            }
        )
        self._login()
        page = self.url_open(f"/my/ticket/{mine.id}").text
        self.assertIn(self.bezeq.name, page)
        self.assertIn("BZ-778812", page)
        self.assertIn("Vendor promised a fix by", page)
        # In the reporter's time zone (Israel: UTC+2 in March).
        self.assertIn("14:30", page)
        self.assertNotIn('id="telephony_resolution"', page)

        mine.resolution_summary = "Bezeq replaced the line card."
        page = self.url_open(f"/my/ticket/{mine.id}").text
        self.assertNotIn("Bezeq replaced the line card.", page)  # not closed yet
        mine.vendor_call_ids.action_resolve()
        mine.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertTrue(mine.closed)
        page = self.url_open(f"/my/ticket/{mine.id}").text
        self.assertIn('id="telephony_resolution"', page)
        self.assertIn("Bezeq replaced the line card.", page)

    def test_the_list_of_tickets_speaks_hebrew(self):
        """helpdesk_mgmt's sorting, grouping and search words, and the empty
        conversation of a new ticket, read in Hebrew."""
        self._ticket(user=self.portal_user)
        self._enable_hebrew()
        self._login("he_IL")
        page = self.url_open("/my/tickets").text
        for hebrew in ("החדשות ביותר", "עדכון שלב אחרון", "סוג התקלה", "חיפוש במספר"):
            self.assertIn(hebrew, page)
        for english in ("Newest", "Last Stage Update", "Search in Number"):
            self.assertNotIn(english, page)
        # The column and the grouping name the kind of fault, as the form does.
        header = page[page.index("<thead") : page.index("</thead>")]
        self.assertIn("סוג התקלה", header)
        self.assertNotIn("קטגוריה", page)
        grouped = self.url_open("/my/tickets?groupby=category").text
        self.assertIn("סוג התקלה:", grouped)
        self.assertNotIn("קטגוריה", grouped)
        terms = self.url_open(
            "/web/webclient/translations/x?lang=he_IL", timeout=120
        ).json()["modules"]
        self.assertIn(
            {"id": "The conversation is empty.", "string": "אין עדיין הודעות."},
            [m for module in terms.values() for m in module["messages"]],
        )
