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

    def test_compliance_is_averaged_in_reports(self):
        with freeze_time("2026-11-29 06:00:00"):
            tickets = self._ticket(
                received_at=datetime(2026, 11, 29, 6, 0)
            ) | self._ticket(received_at=datetime(2026, 11, 26, 6, 0))
            self.env["telephony.vendor.call"].create(
                [
                    {
                        "ticket_id": t.id,
                        "vendor_id": self.tadiran.id,
                        "channel_type": "phone",
                    }
                    for t in tickets
                ]
            )
        self.assertEqual(tickets.mapped("response_compliance"), [100, 0])
        [group] = self.env["helpdesk.ticket"].read_group(
            [("id", "in", tickets.ids)], ["response_compliance:avg"], []
        )
        self.assertEqual(group["response_compliance"], 50)

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
        """The deadline and its warning come from the day's work intervals,
        read once and kept: they are the moments plan_hours gives, around
        Thursdays, holidays, their eves and both changes of daylight saving
        time, including warnings that fall before the report and deadlines
        past the week read at once."""
        self.calendar._council_load_holidays(2027)
        company = self.company
        for first in (
            datetime(2026, 9, 17, 5, 0),  # Yom Kippur and its eve
            datetime(2026, 10, 21, 5, 0),  # summer time ends on 25.10
            datetime(2027, 3, 24, 5, 0),  # summer time starts on 26.3
        ):
            for step in range(0, 7 * 24 * 60, 173):
                start = first + timedelta(minutes=step)
                for hours, warning_hours in ((3, 1), (0.5, 1), (20, 4), (45, 1)):
                    deadline = company._telephony_plan_hours(hours, start)
                    expected = (
                        deadline,
                        company._telephony_plan_hours(-warning_hours, deadline),
                    )
                    self.assertEqual(
                        company._telephony_deadline(hours, start, warning_hours),
                        expected,
                        f"{start} + {hours} h, warned {warning_hours} h before",
                    )

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
