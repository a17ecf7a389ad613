from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import RpcMixin, TelephonyMoneyCase

DOORS = ("call_kw", "jsonrpc")
# A Sunday morning long past: every deadline below has run out.
RECEIVED = datetime(2026, 3, 1, 6, 0)


@tagged("post_install", "-at_install")
class TestMeasuredMoments(RpcMixin, TelephonyMoneyCase, HttpCase):
    """C23, issue 12 (2): the moments the figures are measured by are the
    system's. Over HTTP JSON-RPC, as the agent the 3-hour rule measures (and
    as the IT manager), through both doors: ``/web/dataset/call_kw`` (the web
    client's) and ``/jsonrpc`` (``execute_kw``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(RECEIVED):
            cls.ticket = cls._ticket(received_at=RECEIVED)
            cls.other = cls._ticket(received_at=RECEIVED)
        cls.call = cls.env["telephony.vendor.call"].create(
            {
                "ticket_id": cls.other.id,
                "vendor_id": cls.tadiran.id,
                "channel_type": "phone",
                "opened_at": RECEIVED + timedelta(hours=1),
            }
        )

    # === Helpers === #

    def _fresh(self, record):
        record.invalidate_recordset()
        return record

    # === Tickets === #

    def test_the_agent_cannot_write_the_tickets_moments(self):
        """The watcher's markers, the deadline, when it was met, resolved,
        informed and received: refused, and nothing changes."""
        ahead = fields.Datetime.to_string(datetime(2026, 3, 1, 6, 30))
        later = fields.Datetime.to_string(datetime(2026, 3, 9, 6, 0))
        before = self.ticket.read(list(self.ticket._telephony_measured))[0]
        for door in DOORS:
            for name, value in (
                ("response_warned_at", ahead),
                ("response_breach_notified_at", ahead),
                ("response_deadline", later),
                ("response_warning_at", later),
                ("response_met_at", ahead),
                ("response_in_time", True),
                ("telephony_resolved_at", ahead),
                ("reporter_informed_at", ahead),
                ("reporter_informed", "email"),
                ("acknowledged_at", ahead),
                ("received_at", later),
            ):
                with self.subTest(door=door, field=name):
                    error = self._refused(
                        door,
                        self.agent,
                        "helpdesk.ticket",
                        "write",
                        self.ticket.ids,
                        {name: value},
                    )
                    self.assertIn("AccessError", error)
        self.assertEqual(
            self._fresh(self.ticket).read(list(self.ticket._telephony_measured))[0],
            before,
        )

    def test_the_manager_corrects_only_through_the_reasoned_action(self):
        for door in DOORS:
            with self.subTest(door=door):
                self._refused(
                    door,
                    self.manager,
                    "helpdesk.ticket",
                    "write",
                    self.ticket.ids,
                    {"response_deadline": "2026-03-09 06:00:00"},
                )

    def test_a_breach_cannot_be_silenced_by_writing_the_markers_ahead(self):
        """Finding: with the watcher's markers written ahead, a breached
        ticket sent no mail and no escalation."""
        for door in DOORS:
            self._refused(
                door,
                self.agent,
                "helpdesk.ticket",
                "write",
                self.ticket.ids,
                {
                    "response_warned_at": "2026-03-01 06:30:00",
                    "response_breach_notified_at": "2026-03-01 06:30:00",
                },
            )
        self.env["helpdesk.ticket"]._cron_watch_response_deadlines()
        ticket = self._fresh(self.ticket)
        self.assertTrue(ticket.response_breach_notified_at)
        self.assertEqual(ticket.escalation_ids.trigger, "deadline")
        breach = self.env.ref("council_telephony.mail_template_telephony_breach")
        self.assertTrue(
            self.env["mail.mail"].search_count(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    (
                        "subject",
                        "=",
                        breach._render_field("subject", ticket.ids)[ticket.id],
                    ),
                ]
            )
        )

    def test_a_report_taken_by_phone_gets_its_time_at_intake_only(self):
        """C1: the agent logs a phone report with the time of the call; an
        employee's report is received when it arrives, whatever the client
        sends; afterwards the time is the IT manager's to correct."""
        called = datetime.now().replace(microsecond=0) - timedelta(hours=2)
        values = {
            "name": "No dial tone",
            "description": "<p>Phoned in</p>",
            "category_id": self.cat_device.id,
            "telephony_number": "4101",
            "received_at": fields.Datetime.to_string(called),
        }
        for door in DOORS:
            with self.subTest(door=door):
                ticket_id = self._call(
                    door, self.agent, "helpdesk.ticket", "create", [values]
                )
                ticket = self.env["helpdesk.ticket"].browse(ticket_id)
                self.assertEqual(ticket.received_at, called)
                self._refused(
                    door,
                    self.agent,
                    "helpdesk.ticket",
                    "write",
                    ticket.ids,
                    {"received_at": fields.Datetime.to_string(called + timedelta(1))},
                )
                # The deadline cannot be handed in either, nor by the context.
                self._refused(
                    door,
                    self.agent,
                    "helpdesk.ticket",
                    "create",
                    [{**values, "response_deadline": "2030-01-01 00:00:00"}],
                )
                self._refused(
                    door,
                    self.agent,
                    "helpdesk.ticket",
                    "create",
                    [values],
                    context={"default_response_met_at": "2026-03-01 06:00:00"},
                )

    def test_an_employees_report_is_received_when_it_arrives(self):
        """The portal form creates the ticket as superuser: times the form
        does not offer, sent with it, are not taken."""
        self.authenticate(self.employee.login, self.employee.login)
        page = self.url_open("/new/ticket")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        self.url_open(
            "/submitted/ticket",
            data={
                "category": str(self.cat_device.id),
                "subject": "Backdated report",
                "description": "No dial tone.",
                "telephony_number": "4101",
                "csrf_token": page.text[start : page.text.index('"', start)],
                "received_at": "2026-01-01 06:00:00",
                "response_deadline": "2030-01-01 06:00:00",
            },
        )
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Backdated report")])
        self.assertEqual(ticket.partner_id, self.employee.partner_id)
        self.assertGreater(ticket.received_at, datetime.now() - timedelta(minutes=5))
        self.assertLess(ticket.response_deadline, datetime(2030, 1, 1))

    # === Vendor calls === #

    def test_a_vendor_call_cannot_be_backdated(self):
        """Finding: a vendor call backdated to the report's time turned a
        breach into "met"."""
        backdated = fields.Datetime.to_string(RECEIVED + timedelta(minutes=5))
        values = {
            "ticket_id": self.ticket.id,
            "vendor_id": self.tadiran.id,
            "channel_type": "phone",
            "vendor_reference": "TD-1",
        }
        for door in DOORS:
            with self.subTest(door=door):
                self._refused(
                    door,
                    self.agent,
                    "telephony.vendor.call",
                    "create",
                    [{**values, "opened_at": backdated}],
                )
                self._refused(
                    door,
                    self.agent,
                    "telephony.vendor.call",
                    "create",
                    [values],
                    context={"default_opened_at": backdated},
                )
                self._refused(
                    door,
                    self.agent,
                    "telephony.vendor.call",
                    "write",
                    self.call.ids,
                    {"opened_at": backdated},
                )
        self.assertFalse(self._fresh(self.ticket).vendor_call_ids)
        call_id = self._call(
            "call_kw", self.agent, "telephony.vendor.call", "create", [values]
        )
        call = self.env["telephony.vendor.call"].browse(call_id)
        self.assertGreater(call.opened_at, datetime.now() - timedelta(minutes=5))
        self.assertEqual(call.opened_by_id, self.agent)
        self.assertEqual(self._fresh(self.ticket).response_status, "breached")

    def test_the_agent_cannot_write_the_calls_moments(self):
        before = self.call.read(list(self.call._telephony_measured))[0]
        for door in DOORS:
            for name, value in (
                ("repair_overdue", True),
                ("responded_at", "2026-03-01 07:05:00"),
                ("resolved_at", "2026-03-01 07:10:00"),
                ("repair_due_at", "2027-01-01 00:00:00"),
                ("last_news_at", "2027-01-01 00:00:00"),
                ("followup_reminded_at", "2027-01-01 00:00:00"),
                ("opened_by_id", self.manager.id),
            ):
                with self.subTest(door=door, field=name):
                    self.assertIn(
                        "AccessError",
                        self._refused(
                            door,
                            self.agent,
                            "telephony.vendor.call",
                            "write",
                            self.call.ids,
                            {name: value},
                        ),
                    )
        self.assertEqual(
            self._fresh(self.call).read(list(self.call._telephony_measured))[0], before
        )

    def test_a_call_stays_with_its_ticket_and_moves_forward(self):
        """Moved to another ticket, a call opened in time would meet that
        ticket's deadline; back from resolved, its repair time would change."""
        for door in DOORS:
            with self.subTest(door=door):
                self._refused(
                    door,
                    self.agent,
                    "telephony.vendor.call",
                    "write",
                    self.call.ids,
                    {"ticket_id": self.ticket.id},
                )
                self._refused(
                    door,
                    self.agent,
                    "telephony.vendor.call",
                    "write",
                    self.call.ids,
                    {"vendor_id": self.bezeq.id},
                )
        self._call(
            "call_kw",
            self.agent,
            "telephony.vendor.call",
            "action_resolve",
            self.call.ids,
        )
        call = self._fresh(self.call)
        self.assertEqual(call.state, "resolved")
        self.assertTrue(call.resolved_at)
        for door in DOORS:
            with self.subTest(door=door):
                self.assertIn(
                    "UserError",
                    self._refused(
                        door,
                        self.agent,
                        "telephony.vendor.call",
                        "write",
                        call.ids,
                        {"state": "open"},
                    ),
                )
        self.assertEqual(self._fresh(call).state, "resolved")

    # === Corrections === #

    def test_the_it_manager_corrects_a_time_with_a_reason(self):
        correct = {
            "ticket_id": self.other.id,
            "moment": "call_opened_at",
            "vendor_call_id": self.call.id,
            "new_value": "2026-03-01 06:40:00",
            "reason": "The vendor log shows the call at 08:40.",
        }
        for door in DOORS:
            with self.subTest(door=door):
                self.assertIn(
                    "AccessError",
                    self._refused(
                        door,
                        self.agent,
                        "telephony.moment.correction",
                        "create",
                        [correct],
                    ),
                )
        self.assertEqual(
            self._fresh(self.call).opened_at, RECEIVED + timedelta(hours=1)
        )
        correction_id = self._call(
            "jsonrpc",
            self.manager,
            "telephony.moment.correction",
            "create",
            [{**correct, "user_id": self.agent.id, "corrected_at": "2020-01-01"}],
        )
        correction = self.env["telephony.moment.correction"].browse(correction_id)
        self.assertEqual(self._fresh(self.call).opened_at, datetime(2026, 3, 1, 6, 40))
        # Who, when, before, after, why: the system's, not the client's.
        self.assertEqual(correction.user_id, self.manager)
        self.assertGreater(correction.corrected_at, datetime(2026, 1, 1))
        self.assertEqual(correction.old_value, RECEIVED + timedelta(hours=1))
        self.assertEqual(correction.new_value, datetime(2026, 3, 1, 6, 40))
        for record in (self.other, self.call):
            message = record.message_ids.filtered(lambda m: correct["reason"] in m.body)
            self.assertEqual(message.author_id, self.manager.partner_id)
        tracked = self.call.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "opened_at"
        )
        self.assertTrue(tracked)
        # The ticket's figures follow the corrected moment.
        self.assertEqual(
            self._fresh(self.other).response_met_at, datetime(2026, 3, 1, 6, 40)
        )
        # A correction stands: nobody changes or deletes it.
        for door in DOORS:
            for method, args in (
                ("write", [correction.ids, {"reason": "nothing"}]),
                ("unlink", [correction.ids]),
            ):
                with self.subTest(door=door, method=method):
                    self._refused(
                        door,
                        self.manager,
                        "telephony.moment.correction",
                        method,
                        *args,
                    )
        # A reason is required; the future, and a call opened before the
        # fault was received, are refused.
        for bad in (
            {"reason": " "},
            {"new_value": "2099-01-01 00:00:00"},
            {"new_value": "2026-03-01 05:00:00"},
        ):
            with self.subTest(bad=bad):
                self._refused(
                    "call_kw",
                    self.manager,
                    "telephony.moment.correction",
                    "create",
                    [{**correct, "new_value": "2026-03-01 06:45:00", **bad}],
                )

    def test_a_corrected_reception_replans_the_deadline(self):
        self.env["telephony.moment.correction"].with_user(self.manager).create(
            {
                "ticket_id": self.ticket.id,
                "moment": "received_at",
                "new_value": datetime(2026, 3, 1, 7, 0),
                "reason": "Logged an hour early by mistake.",
            }
        )
        self.assertEqual(self.ticket.received_at, datetime(2026, 3, 1, 7, 0))
        self.assertEqual(self.ticket.response_deadline, datetime(2026, 3, 1, 10, 0))

    # === Compliance reviews === #

    def test_a_closed_review_is_locked_through_every_door(self):
        """Finding: a closed review's result went from fail to pass and its
        penalties from 5,000 to 0 by direct writes."""
        self.contract.penalty_ids = [
            (0, 0, {"term": "response", "amount": 5000}),
        ]
        with freeze_time("2026-04-02"):
            review = (
                self.env["telephony.compliance.review"]
                .with_user(self.manager)
                .create(
                    {
                        "contract_id": self.contract.id,
                        "date_start": "2026-01-01",
                        "date_end": "2026-03-31",
                    }
                )
            )
            review.with_user(self.manager).action_done()
        self.assertEqual((review.result, review.penalty_total), ("fail", 5000))
        line = review.line_ids.filtered(lambda line: line.term == "response")
        for door in DOORS:
            for model, ids, values in (
                ("telephony.compliance.review", review.ids, {"result": "pass"}),
                ("telephony.compliance.review", review.ids, {"penalty_total": 0}),
                ("telephony.compliance.review", review.ids, {"state": "draft"}),
                ("telephony.compliance.review", review.ids, {"conclusion": "Fine"}),
                (
                    "telephony.compliance.review",
                    review.ids,
                    {"line_ids": [(1, line.id, {"penalty": 0})]},
                ),
                ("telephony.compliance.review.line", line.ids, {"passed": True}),
                ("telephony.compliance.review.line", line.ids, {"penalty": 0}),
            ):
                with self.subTest(door=door, values=values):
                    self._refused(door, self.manager, model, "write", ids, values)
            with self.subTest(door=door, method="unlink"):
                self._refused(
                    door,
                    self.manager,
                    "telephony.compliance.review.line",
                    "unlink",
                    line.ids,
                )
        review.invalidate_recordset()
        self.assertEqual((review.result, review.penalty_total), ("fail", 5000))
        self.assertEqual(review.state, "done")
        # Only the next review's date still moves.
        self._call(
            "call_kw",
            self.manager,
            "telephony.compliance.review",
            "write",
            review.ids,
            {"next_review_date": "2026-07-15"},
        )
        self.assertEqual(str(self._fresh(review).next_review_date), "2026-07-15")

    def test_a_draft_review_is_not_closed_or_judged_by_hand(self):
        with freeze_time("2026-04-02"):
            review = (
                self.env["telephony.compliance.review"]
                .with_user(self.manager)
                .create({"contract_id": self.contract.id})
            )
        for door in DOORS:
            for values in ({"state": "done"}, {"result": "pass"}, {"penalty_total": 0}):
                with self.subTest(door=door, values=values):
                    self._refused(
                        door,
                        self.manager,
                        "telephony.compliance.review",
                        "write",
                        review.ids,
                        values,
                    )
        # Nor are its figures: measured lines come from the data, a term
        # checked by hand carries no penalty of its own.
        line = review.line_ids.filtered(lambda line: line.term == "response")
        for door in DOORS:
            for method, args in (
                ("write", [line.ids, {"beyond_count": 0}]),
                ("write", [line.ids, {"passed": True}]),
                ("write", [line.ids, {"penalty": 0}]),
                (
                    "create",
                    [[{"review_id": review.id, "term": "response", "passed": True}]],
                ),
                (
                    "create",
                    [[{"review_id": review.id, "name": "Meeting", "penalty": -5000}]],
                ),
            ):
                with self.subTest(door=door, method=method, args=args):
                    self._refused(
                        door,
                        self.manager,
                        "telephony.compliance.review.line",
                        method,
                        *args,
                    )
        # A term checked by hand is added and ticked.
        self._call(
            "jsonrpc",
            self.manager,
            "telephony.compliance.review.line",
            "create",
            [
                {
                    "review_id": review.id,
                    "name": "Quarterly meeting held",
                    "passed": True,
                }
            ],
        )
        self.assertEqual(self._fresh(review).state, "draft")
