from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import TelephonyCase


class TestVendorCall(TelephonyCase):
    def _open(self, ticket, user=None, **vals):
        wizard = (
            self.env["telephony.vendor.call.open"]
            .with_user(user or self.agent)
            .with_context(
                default_ticket_id=ticket.id,
                default_vendor_id=ticket.telephony_vendor_id.id,
            )
            .create(vals)
        )
        action = wizard.action_open()
        return self.env["telephony.vendor.call"].browse(action["res_id"])

    def test_email_channel_queues_the_request_to_the_vendor(self):
        ticket = self._ticket(self.cat_device)
        wakes = self._mail_queue_wakes()
        call = self._open(ticket, description="Handset replaced last year")
        # Sent within a minute, not at the e-mail queue's hourly run.
        self.assertEqual(self._mail_queue_wakes(), wakes + 1)
        self.assertEqual(call.channel_type, "email")
        self.assertEqual(call.opened_by_id, self.agent)
        self.assertEqual(call.state, "open")
        mail = self.env["mail.mail"].search(
            [("model", "=", "telephony.vendor.call"), ("res_id", "=", call.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "calls@tadiran.test")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(ticket.number, mail.subject)
        for expected in (
            "4101",
            "Town hall, room 104",
            "T207M test",
            "No dial tone",
            "Handset replaced last year",
            "Education",
        ):
            self.assertIn(expected, mail.body_html)
        self.assertEqual(ticket.stage_id.telephony_step, "vendor_call")
        self.assertIn("calls@tadiran.test", call.message_ids[0].body)

    def test_email_channel_without_address_is_refused(self):
        self.tadiran.request_email = False
        ticket = self._ticket(self.cat_device)
        with self.assertRaisesRegex(UserError, "has no request e-mail"):
            self._open(ticket)
        self.assertFalse(ticket.vendor_call_ids)

    def test_phone_channel_records_the_reference(self):
        ticket = self._ticket(self.cat_line_repair)
        with self.assertRaisesRegex(UserError, "Enter the reference"):
            self._open(ticket)
        call = self._open(ticket, vendor_reference="BZQ-1234")
        self.assertEqual(call.vendor_reference, "BZQ-1234")
        self.assertEqual(call.channel_type, "phone")
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "telephony.vendor.call"), ("res_id", "=", call.id)]
            )
        )

    def test_internal_fault_has_no_vendor_call(self):
        ticket = self._ticket(self.cat_other)
        with self.assertRaisesRegex(UserError, "handled by the IT division"):
            ticket.action_open_vendor_call()

    def test_one_open_call_per_ticket_and_vendor(self):
        ticket = self._ticket(self.cat_line_repair)
        first = self._open(ticket, vendor_reference="BZQ-1")
        with self.assertRaisesRegex(ValidationError, "already has an open call"):
            self._open(ticket, vendor_reference="BZQ-2")
        self.assertEqual(ticket.vendor_call_ids, first)
        # Another vendor on the same ticket is fine.
        other = self.env["telephony.vendor.call"].create(
            {
                "ticket_id": ticket.id,
                "vendor_id": self.tadiran.id,
                "channel_type": "phone",
            }
        )
        self.assertEqual(len(ticket.vendor_call_ids), 2)
        # Once the first is resolved, a new call with the vendor may be opened.
        first.action_resolve()
        self._open(ticket, vendor_reference="BZQ-3")
        # Reopening the resolved call would make two open calls.
        with self.assertRaisesRegex(ValidationError, "already has an open call"):
            first.state = "open"
        self.assertTrue(other.exists())

    def test_the_database_holds_the_rule_under_concurrency(self):
        ticket = self._ticket(self.cat_line_repair)
        self._open(ticket, vendor_reference="BZQ-1")
        # What a second transaction racing past the check would do.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    """INSERT INTO telephony_vendor_call
                       (name, ticket_id, vendor_id, channel_type, opened_at,
                        opened_by_id, state, company_id)
                       VALUES ('race', %s, %s, 'phone', now(), %s, 'open', %s)""",
                    (ticket.id, self.bezeq.id, self.agent.id, self.company.id),
                )

    def test_ticket_stages_follow_the_call(self):
        ticket = self._ticket(self.cat_line_repair)
        self.assertEqual(ticket.stage_id.telephony_step, "new")
        call = self._open(ticket, vendor_reference="BZQ-9")
        self.assertEqual(ticket.stage_id.name, "Vendor call opened")
        call.with_user(self.agent).action_start()
        self.assertEqual(ticket.stage_id.name, "With vendor")
        call.with_user(self.agent).vendor_reference = "BZQ-9-B"
        call.with_user(self.agent).message_post(body="Technician on site tomorrow.")
        call.with_user(self.agent).action_resolve()
        self.assertTrue(call.resolved_at)
        self.assertEqual(ticket.stage_id.name, "Resolved")
        ticket.write(
            {
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                "resolution_summary": "Bezeq replaced the line card.",
            }
        )
        self.assertTrue(ticket.closed)
        with self.assertRaises(UserError):
            call.action_start()

    def test_calls_of_many_tickets_move_each_to_its_stage(self):
        tickets = self._ticket(self.cat_line_repair) | self._ticket(self.cat_device)
        # Another team's stage for the same step is not these tickets' stage.
        printers = self.env["helpdesk.ticket.team"].create({"name": "Printers"})
        self.env["helpdesk.ticket.stage"].create(
            {
                "name": "Printers: with the vendor",
                "telephony_step": "with_vendor",
                "sequence": 0,
                "team_ids": [(6, 0, printers.ids)],
            }
        )
        calls = self.env["telephony.vendor.call"].create(
            [
                {
                    "ticket_id": ticket.id,
                    "vendor_id": ticket.telephony_vendor_id.id,
                    "channel_type": "phone",
                    "vendor_reference": f"REF-{ticket.id}",
                }
                for ticket in tickets
            ]
        )
        self.assertEqual(tickets.stage_id.mapped("name"), ["Vendor call opened"])
        calls.with_user(self.agent).action_start()
        self.assertEqual(tickets.stage_id.mapped("name"), ["With vendor"])

    def test_cancelled_call_returns_the_ticket_to_new(self):
        ticket = self._ticket(self.cat_line_repair)
        call = self._open(ticket, vendor_reference="BZQ-9")
        call.action_cancel()
        self.assertEqual(ticket.stage_id.telephony_step, "new")
