import ast

from lxml import etree

from odoo.exceptions import UserError, ValidationError

from .common import TelephonyCase


class TestCloseAndInform(TelephonyCase):
    """C8, 4.3.7: closing needs how the fault was handled; the reporter is told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Stage and summary changes tracked, as in the application.
        cls.env = cls.env(context={"mail_notify_force_send": False})

    def setUp(self):
        super().setUp()
        self.ticket = self._ticket(user_id=self.agent.id)
        self.done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.new = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")

    def _flush_tracking(self):
        # Tracking is written when the transaction commits.
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _informs(self):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("subject", "ilike", "was handled"),
            ]
        )

    def test_closing_without_a_summary_is_refused_and_changes_nothing(self):
        stage = self.ticket.stage_id
        for summary in (False, "   "):
            with self.assertRaisesRegex(
                ValidationError, "Write how the fault was handled"
            ):
                self.ticket.with_user(self.agent).write(
                    {"stage_id": self.done.id, "resolution_summary": summary}
                )
        self.assertEqual(self.ticket.stage_id, stage)
        self.assertFalse(self.ticket.closed)
        self.assertFalse(self._informs())

    def test_closing_tells_the_reporter_once_in_english(self):
        wakes = self._mail_queue_wakes()
        self.ticket.with_user(self.agent).write(
            {
                "stage_id": self.done.id,
                "resolution_summary": "Tadiran replaced the handset; it rings again.",
            }
        )
        self._flush_tracking()
        mail = self._informs()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.employee.partner_id)
        self.assertIn("Tadiran replaced the handset", mail.body_html)
        self.assertTrue(self.ticket.reporter_informed_at)
        self.assertEqual(self.ticket.reporter_informed, "email")
        self.assertEqual(self._mail_queue_wakes(), wakes + 1)
        self.assertTrue(self.ticket.telephony_resolved_at)
        # No second, generic "ticket closed" e-mail from helpdesk_mgmt's Done
        # stage (its stage templates do not reach the mail queue on 18.0).
        generic = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("subject", "ilike", "has been closed"),
            ]
        )
        self.assertFalse(generic)

    def test_reporter_reads_it_in_hebrew(self):
        self._enable_hebrew()
        self.employee.partner_id.lang = "he_IL"
        self.ticket.write(
            {"stage_id": self.done.id, "resolution_summary": "הוחלף מכשיר."}
        )
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("body_html", "ilike", "הוחלף מכשיר"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("הטיפול בפנייה", mail.subject + mail.body_html)
        self.assertIn("איך טופלה", mail.body_html)

    def test_reopening_keeps_the_history(self):
        self.ticket.write({"stage_id": self.done.id, "resolution_summary": "Fixed."})
        self._flush_tracking()
        first_informed = self.ticket.reporter_informed_at
        self.ticket.stage_id = self.new
        self._flush_tracking()
        self.assertFalse(self.ticket.closed)
        self.assertEqual(self.ticket.resolution_summary, "Fixed.")
        self.ticket.write(
            {"stage_id": self.done.id, "resolution_summary": "Fixed again."}
        )
        self._flush_tracking()
        self.assertEqual(len(self._informs()), 2)
        self.assertGreaterEqual(self.ticket.reporter_informed_at, first_informed)
        tracked = self.ticket.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == "resolution_summary"
        )
        self.assertIn("Fixed.", tracked.mapped("old_value_text"))

    def _close(self, ticket, user=None):
        ticket.with_user(user or self.agent).write(
            {"stage_id": self.done.id, "resolution_summary": "Fixed."}
        )
        self._flush_tracking()

    def test_a_reporter_who_cannot_be_reached_is_not_called_informed(self):
        """4.3.7: informed means a message reached the reporter. A report
        with no contact, or from a contact with no address and no portal
        access, is closed saying the reporter could not be told, and shows
        in the filter."""
        walk_in = self.env["res.partner"].create({"name": "Caller at the desk"})
        tickets = self._ticket(partner_id=False) | self._ticket(partner_id=walk_in.id)
        for ticket in tickets:
            self._close(ticket)
            self.assertEqual(ticket.reporter_informed, "none")
            self.assertFalse(ticket.reporter_informed_at)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
            )
        )
        self.assertEqual(
            self.env["helpdesk.ticket"].search(
                [("id", "in", (tickets | self.ticket).ids)]
                + self._filter_domain("reporter_not_informed")
            ),
            tickets,
        )
        form = self.env.ref("council_telephony.helpdesk_ticket_view_form")
        self.assertIn("could not be told", form.arch)

    def _filter_domain(self, name):
        """The domain of a filter of the tickets' search view, as the list
        applies it."""
        arch = self.env["helpdesk.ticket"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        [node] = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        return ast.literal_eval(node.get("domain"))

    def test_a_portal_reporter_with_no_address_is_told_in_the_portal(self):
        self.portal_user.partner_id.email = False
        ticket = self._ticket(user=self.portal_user)
        self._close(ticket)
        self.assertEqual(ticket.reporter_informed, "portal")
        self.assertTrue(ticket.reporter_informed_at)
        message = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "Fixed." in m.body
        )
        self.assertTrue(message)
        # Public, so the portal shows it to the reporter.
        self.assertFalse(message.subtype_id.internal)
        self.assertIn(self.portal_user.partner_id, message.partner_ids)

    def test_closing_settles_the_vendor_calls_first(self):
        """4.3.6: a ticket with open vendor calls is not closed; the refusal
        lists them. Resolved or cancelled, the ticket closes."""
        calls = self.env["telephony.vendor.call"]
        for vendor in (self.tadiran, self.bezeq):
            calls |= calls.create(
                {
                    "ticket_id": self.ticket.id,
                    "vendor_id": vendor.id,
                    "channel_type": "phone",
                }
            )
        with self.assertRaises(UserError) as refusal:
            self._close(self.ticket)
        for call in calls:
            self.assertIn(call.name, str(refusal.exception))
        self.assertFalse(self.ticket.closed)
        self.assertFalse(self.ticket.reporter_informed)
        calls[0].with_user(self.agent).action_resolve()
        calls[1].with_user(self.agent).action_cancel()
        self._close(self.ticket)
        self.assertTrue(self.ticket.closed)
        # And no call is opened on a closed ticket.
        with self.assertRaisesRegex(UserError, "is closed"):
            calls.with_user(self.agent).create(
                {
                    "ticket_id": self.ticket.id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                }
            )
