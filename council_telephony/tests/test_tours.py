from odoo.tests import HttpCase, tagged

from .common import TelephonyMoneyCase


@tagged("post_install", "-at_install")
class TestTours(TelephonyMoneyCase, HttpCase):
    """The council's people in a real browser (headless Chromium), each in
    Hebrew. The tours are in ``static/tests/tours``; what they leave behind is
    checked here as the user would expect it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._enable_hebrew()
        (cls.portal_user | cls.agent | cls.manager | cls.treasury).write(
            {"lang": "he_IL"}
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _tour(self, url, tour, login, **kw):
        # The whole tour may take up to three minutes on a busy machine (its
        # first pages compile right-to-left assets); each step still waits 10 s.
        self.start_tour(url, tour, login=login, timeout=180, **kw)
        # The browser wrote through its own requests: read afresh.
        self.env.invalidate_all()

    def _portal_tour(self, url, tour):
        # The portal speaks the language of its frontend_lang cookie.
        self._tour(url, tour, "t_portal", cookies={"frontend_lang": "he_IL"})

    def _form_url(self, action, record):
        return f"/odoo/action-council_telephony.{action}/{record.id}"

    def test_employee_reports_in_the_portal_and_reads_the_outcome(self):
        holder = self.env["hr.employee"].create(
            {"name": "Portal Reporter", "user_id": self.portal_user.id}
        )
        extension = self.env["telephony.extension"].create(
            {"number": "4205", "employee_id": holder.id, "location": "Engineering"}
        )
        self._portal_tour("/new/ticket", "council_telephony_portal_report")
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.portal_user.partner_id.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "אין צליל חיוג")
        self.assertEqual(ticket.category_id, self.cat_device)
        self.assertEqual(ticket.extension_id, extension)
        self.assertEqual(ticket.telephony_location, "אגף ההנדסה קומה 2")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.telephony_vendor_id, self.tadiran)
        self.assertFalse(ticket.closed)

        # The agent closes it with how it was handled (4.3.7).
        ticket.with_user(self.agent).write(
            {
                "stage_id": self.done.id,
                "resolution_summary": "טכנאי תדיראן החליף את השפופרת; הקו עובד.",
            }
        )
        self._portal_tour("/my/tickets", "council_telephony_portal_outcome")
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.reporter_informed_at)

    def test_agent_opens_a_vendor_call_and_closes_the_ticket(self):
        ticket = self._ticket(
            self.cat_line_repair,
            name="אין חיבור בקו",
            telephony_number="08-912-3456",
            user_id=self.agent.id,
        )
        self.assertEqual(ticket.telephony_vendor_id, self.bezeq)
        self._tour(
            self._form_url("helpdesk_ticket_telephony_action", ticket),
            "council_telephony_agent_vendor_call",
            "t_agent",
        )
        call = ticket.vendor_call_ids
        self.assertEqual(len(call), 1)
        self.assertEqual(call.vendor_id, self.bezeq)
        self.assertEqual(call.vendor_reference, "BZ-778812")
        self.assertEqual(call.opened_by_id, self.agent)
        self.assertEqual(call.state, "resolved")
        self.assertEqual(ticket.response_status, "met")
        self.assertEqual(ticket.stage_id, self.done)
        self.assertEqual(
            ticket.resolution_summary,
            "בזק החליפה את כבל הקו בארון התקשורת; יש צליל חיוג.",
        )
        self.assertTrue(ticket.reporter_informed_at)

    def test_it_manager_approves_a_vendor_bill(self):
        bill = self._bill(1200)
        bill.request_validation()
        self.assertNotEqual(bill.validation_status, "validated")
        self._tour(
            self._form_url("account_move_telephony_bill_action", bill),
            "council_telephony_bill_approval",
            "t_manager",
        )
        self.assertEqual(bill.validation_status, "validated")
        self.assertEqual(bill.review_ids.done_by, self.manager)
        self.assertEqual(bill.state, "draft")
        self.assertEqual(self.budget.approved_amount, 1200)
        handed = bill.message_ids.filtered(
            lambda m: self.treasury.partner_id in m.partner_ids
        )
        self.assertTrue(handed, "treasury is told the bill is theirs to pay")

    def test_treasury_posts_and_pays_an_approved_bill(self):
        bill = self._bill(1200)
        self._approve(bill)
        self._tour(
            self._form_url("account_move_telephony_to_pay_action", bill),
            "council_telephony_bill_payment",
            "t_treasury",
        )
        self.assertEqual(bill.state, "posted")
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        payment = bill.matched_payment_ids
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.amount, 1200)
        self.assertEqual(payment.create_uid, self.treasury)
        self.assertEqual(self.budget.paid_amount, 1200)
