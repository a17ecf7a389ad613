from datetime import datetime, timedelta

from freezegun import freeze_time

from .common import TelephonyCase


class TestDeadline(TelephonyCase):
    """4.3.3: a vendor call no later than 3 working hours after the report, on
    the council's calendar (Sunday to Thursday 08:00-16:00, Israel time)."""

    def _received(self, utc):
        with freeze_time(utc):
            return self._ticket(received_at=utc)

    def test_thursday_afternoon_runs_into_sunday(self):
        # Thursday 26.11.2026 14:30 in Israel (UTC+2): 1.5 h on Thursday,
        # 1.5 h on Sunday from 08:00.
        ticket = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(ticket.response_deadline, datetime(2026, 11, 29, 7, 30))
        # At risk one working hour before: Sunday 08:30.
        self.assertEqual(ticket.response_warning_at, datetime(2026, 11, 29, 6, 30))

    def test_holiday_and_its_eve(self):
        # Sunday 20.9.2026 11:00 (UTC+3), eve of Yom Kippur closing at 13:00:
        # 2 h on the eve, Monday is Yom Kippur, 1 h on Tuesday from 08:00.
        ticket = self._received(datetime(2026, 9, 20, 8, 0))
        self.assertEqual(ticket.response_deadline, datetime(2026, 9, 22, 6, 0))

    def test_no_early_closing_when_the_council_works_full_eves(self):
        self.company.telephony_eve_closing_hour = 0
        self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.calendar.id),
                ("council_closure_kind", "=", "eve"),
            ]
        ).unlink()
        ticket = self._received(datetime(2026, 9, 20, 8, 0))
        # 11:00-14:00 on the eve itself.
        self.assertEqual(ticket.response_deadline, datetime(2026, 9, 20, 11, 0))

    def test_across_the_end_of_daylight_saving_time(self):
        # Thursday 22.10.2026 15:00 summer time (UTC+3): 1 h on Thursday;
        # winter time from Sunday 25.10 (UTC+2): 2 h from 08:00, so 10:00 local.
        ticket = self._received(datetime(2026, 10, 22, 12, 0))
        self.assertEqual(ticket.response_deadline, datetime(2026, 10, 25, 8, 0))

    def test_across_the_start_of_daylight_saving_time(self):
        # Thursday 25.3.2027 14:00 winter time (UTC+2): 2 h on Thursday;
        # summer time from Friday 26.3: Sunday 28.3 08:00-09:00 is 05:00-06:00 UTC.
        self.calendar._council_load_holidays(2027)
        ticket = self._received(datetime(2027, 3, 25, 12, 0))
        self.assertEqual(ticket.response_deadline, datetime(2027, 3, 28, 6, 0))

    def test_a_new_time_zone_plans_the_next_reports(self):
        # The calendar's time zone is kept between reports (it is asked at
        # each one): changing it plans the next report in the new one.
        # Thursday 26.11.2026 12:30 UTC is 12:30 in London: 3.5 h to 16:00.
        self._received(datetime(2026, 11, 26, 12, 30))
        self.calendar.tz = "Europe/London"
        ticket = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(ticket.response_deadline, datetime(2026, 11, 26, 15, 30))

    def test_round_the_clock_categories(self):
        self.cat_pbx.write(
            {"telephony_round_the_clock": True, "telephony_response_hours": 2}
        )
        # Friday night: two hours later, calendar or not.
        with freeze_time(datetime(2026, 11, 27, 20, 0)):
            ticket = self._ticket(
                self.cat_pbx, received_at=datetime(2026, 11, 27, 20, 0)
            )
        self.assertEqual(ticket.response_deadline, datetime(2026, 11, 27, 22, 0))

    def test_met_by_the_vendor_call_or_the_resolution(self):
        with freeze_time("2026-11-29 06:00:00"):  # Sunday 08:00 in Israel
            ticket = self._ticket(
                self.cat_line_repair, received_at=datetime(2026, 11, 29, 6, 0)
            )
            self.assertEqual(ticket.response_status, "on_track")
        with freeze_time("2026-11-29 08:30:00"):
            ticket.invalidate_recordset(["response_status"])
            self.assertEqual(ticket.response_status, "at_risk")
            self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": ticket.id,
                    "vendor_id": self.bezeq.id,
                    "channel_type": "phone",
                }
            )
            self.assertEqual(ticket.response_met_at, datetime(2026, 11, 29, 8, 30))
            self.assertEqual(ticket.response_status, "met")
            self.assertTrue(ticket.response_in_time)
        with freeze_time("2026-11-29 06:00:00"):
            internal = self._ticket(
                self.cat_other, received_at=datetime(2026, 11, 29, 6, 0)
            )
        with freeze_time("2026-11-29 10:00:00"):
            internal.invalidate_recordset(["response_status"])
            self.assertEqual(internal.response_status, "breached")
            internal.stage_id = self.env.ref(
                "council_telephony.helpdesk_stage_resolved"
            )
            self.assertEqual(internal.response_met_at, datetime(2026, 11, 29, 10, 0))
            self.assertEqual(internal.response_status, "breached")  # met, but late
            self.assertFalse(internal.response_in_time)

    def test_a_cancelled_call_meets_nothing(self):
        with freeze_time("2026-11-29 06:30:00"):
            ticket = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
            call = self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": ticket.id,
                    "vendor_id": self.bezeq.id,
                    "channel_type": "phone",
                }
            )
            self.assertEqual(ticket.response_status, "met")
            call.action_cancel()  # opened with the wrong vendor
            ticket.invalidate_recordset(["response_status"])
            self.assertFalse(ticket.response_met_at)
            self.assertEqual(ticket.response_status, "on_track")

    def test_compliance_counts_every_fault_past_its_deadline(self):
        """4.3.3, one definition: met in time, met late and not met by a
        passed deadline all count; a fault whose deadline is ahead does not."""
        with freeze_time("2026-11-29 06:00:00"):  # Sunday 08:00 in Israel
            in_time = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
            late = self._ticket(received_at=datetime(2026, 11, 26, 6, 0))
            overdue = self._ticket(received_at=datetime(2026, 11, 25, 6, 0))
            ahead = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
            self.env["telephony.vendor.call"].create(
                [
                    {
                        "ticket_id": t.id,
                        "vendor_id": self.tadiran.id,
                        "channel_type": "phone",
                    }
                    for t in in_time | late
                ]
            )
            tickets = in_time | late | overdue | ahead
            rows = self.env["telephony.response.compliance"].search(
                [("ticket_id", "in", tickets.ids)]
            )
            self.assertEqual(
                {row.ticket_id: row.outcome for row in rows},
                {in_time: "in_time", late: "late", overdue: "overdue"},
            )
            [[average]] = self.env["telephony.response.compliance"]._read_group(
                [("ticket_id", "in", tickets.ids)], [], ["compliance:avg"]
            )
            self.assertAlmostEqual(average, 100 / 3)

    def test_status_is_searchable(self):
        with freeze_time("2026-11-29 06:00:00"):
            on_track = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
            late = self._ticket(received_at=datetime(2026, 11, 26, 6, 0))
            tickets = self.env["helpdesk.ticket"]
            self.assertIn(
                on_track, tickets.search([("response_status", "=", "on_track")])
            )
            self.assertNotIn(
                late, tickets.search([("response_status", "=", "on_track")])
            )
            self.assertIn(late, tickets.search([("response_status", "=", "breached")]))
            self.assertNotIn(
                on_track,
                tickets.search([("response_status", "in", ["breached", "met"])]),
            )

    def test_same_moments_as_planning_each_on_the_calendar(self):
        """Deadlines, warnings, follow-ups and repair times are walked over
        the council's working time read once a month: they are the moments
        Odoo's own plan_hours gives, around Thursdays, holidays, their eves
        and both changes of daylight saving time, forwards and backwards,
        within the month and across it."""
        self.calendar._council_load_holidays(2027)
        company = self.company

        def plan(hours, start):
            return self.calendar.plan_hours(hours, start, compute_leaves=True)

        for first in (
            datetime(2026, 9, 17, 5, 0),  # Yom Kippur and its eve
            datetime(2026, 10, 21, 5, 0),  # summer time ends on 25.10
            datetime(2027, 3, 24, 5, 0),  # summer time starts on 26.3
            datetime(2026, 12, 28, 5, 0),  # across the end of the year
        ):
            for step in range(0, 7 * 24 * 60, 173):
                start = first + timedelta(minutes=step)
                for hours, warning_hours in ((3, 1), (0.5, 1), (20, 4), (45, 1)):
                    deadline = plan(hours, start)
                    self.assertEqual(
                        company._telephony_deadline(hours, start, warning_hours),
                        (deadline, plan(-warning_hours, deadline)),
                        f"{start} + {hours} h, warned {warning_hours} h before",
                    )
                self.assertEqual(
                    company._telephony_plan_hours(-30, start),
                    plan(-30, start),
                    f"{start} - 30 h",
                )

    def test_rules_changed_later_keep_past_deadlines(self):
        """4.3.3, C23: a deadline is fixed when the fault is received, by the
        rules in force then. Changing the fault kind's hours or round the
        clock, the warning, the calendar's hours or the calendar itself
        applies to faults received after, and the figures of the past stand
        (a ticket called in time stays in time)."""
        with freeze_time("2026-11-29 06:00:00"):  # Sunday 08:00 in Israel
            ticket = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
            self.env["telephony.vendor.call"].create(
                {
                    "ticket_id": ticket.id,
                    "vendor_id": self.tadiran.id,
                    "channel_type": "phone",
                    "opened_at": datetime(2026, 11, 29, 8, 30),
                }
            )
        fixed = (ticket.response_deadline, ticket.response_warning_at)
        self.assertEqual(
            fixed, (datetime(2026, 11, 29, 9, 0), datetime(2026, 11, 29, 8, 0))
        )
        self.assertTrue(ticket.response_in_time)
        other_calendar = self.calendar.copy({"name": "Around the clock"})
        other_calendar.attendance_ids.write({"hour_from": 0, "hour_to": 24})
        for change in (
            lambda: self.cat_device.write({"telephony_response_hours": 1}),
            lambda: self.cat_device.write({"telephony_round_the_clock": True}),
            lambda: self.company.write({"telephony_at_risk_hours": 2.5}),
            lambda: self.calendar.attendance_ids.write({"hour_from": 9}),
            lambda: self.company.write({"telephony_calendar_id": other_calendar.id}),
        ):
            change()
            self.env.flush_all()
            ticket.invalidate_recordset()
            self.assertEqual(
                (ticket.response_deadline, ticket.response_warning_at), fixed
            )
            self.assertTrue(ticket.response_in_time)
            self.assertEqual(ticket.response_status, "met")
        # A fault received now follows the new rules: one hour around the
        # clock.
        with freeze_time("2026-11-29 06:00:00"):
            later = self._ticket(received_at=datetime(2026, 11, 29, 6, 0))
        self.assertEqual(later.response_deadline, datetime(2026, 11, 29, 7, 0))

    def test_new_holidays_and_hours_count_at_once(self):
        # Thursday 26.11.2026 14:30: Sunday 09:30, as above.
        first = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(first.response_deadline, datetime(2026, 11, 29, 7, 30))
        # The council closes on Sunday 29.11: the deadline moves to Monday.
        closure = self.env["resource.calendar.leaves"].create(
            {
                "name": "Council closed",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 28, 22, 0),
                "date_to": datetime(2026, 11, 29, 22, 0),
            }
        )
        second = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(second.response_deadline, datetime(2026, 11, 30, 7, 30))
        closure.unlink()
        # Thursdays end at 15:00: 0.5 h on Thursday, 2.5 h on Sunday.
        self.calendar.attendance_ids.filtered(
            lambda a: a.dayofweek == "3" and a.day_period == "afternoon"
        ).hour_to = 15
        third = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(third.response_deadline, datetime(2026, 11, 29, 8, 30))
        # An employee's own time off is no closure of the council.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holder's day off",
                "calendar_id": self.calendar.id,
                "resource_id": self.holder.resource_id.id,
                "date_from": datetime(2026, 11, 28, 22, 0),
                "date_to": datetime(2026, 11, 29, 22, 0),
            }
        )
        fourth = self._received(datetime(2026, 11, 26, 12, 30))
        self.assertEqual(fourth.response_deadline, datetime(2026, 11, 29, 8, 30))
