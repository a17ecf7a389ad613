from datetime import datetime, time

from odoo.tests import BaseCase

from ..tools.israeli_calendar import EVE, HOLIDAY, closures, hour_to_time
from .common import TelephonyCase


class TestIsraeliHolidays(BaseCase):
    """The holiday rules, without the ORM."""

    def test_holidays_of_a_year_with_hebrew_names(self):
        days = {c.day.isoformat(): c for c in closures(2026) if c.kind == HOLIDAY}
        self.assertEqual(days["2026-09-21"].name, "יום כיפור")
        self.assertIn("2026-09-12", days)  # Rosh Hashanah, both days
        self.assertIn("2026-09-13", days)
        self.assertEqual(days["2026-04-22"].name, "יום העצמאות")
        self.assertEqual(days["2026-09-21"].start, datetime(2026, 9, 21))
        self.assertEqual(days["2026-09-21"].end, datetime(2026, 9, 22))

    def test_eves_close_early_unless_the_eve_is_a_holiday(self):
        eves = {c.day.isoformat(): c for c in closures(2026, time(13)) if c.kind == EVE}
        self.assertEqual(eves["2026-09-20"].start, datetime(2026, 9, 20, 13))
        self.assertEqual(eves["2026-09-20"].name, "ערב יום כיפור")
        self.assertEqual(eves["2026-09-20"].end, datetime(2026, 9, 21))
        # The second day of Rosh Hashanah has a holiday as its eve.
        self.assertNotIn("2026-09-12", eves)
        self.assertFalse([c for c in closures(2026) if c.kind == EVE])

    def test_hour_to_time(self):
        self.assertEqual(hour_to_time(13.5), time(13, 30))
        self.assertEqual(hour_to_time(12.0), time(12, 0))


class TestCouncilCalendar(TelephonyCase):
    def test_working_week_is_sunday_to_thursday_in_israel_time(self):
        self.assertEqual(self.calendar.tz, "Asia/Jerusalem")
        days = set(self.calendar.attendance_ids.mapped("dayofweek"))
        self.assertEqual(days, {"6", "0", "1", "2", "3"})
        self.assertEqual(self.calendar.hours_per_day, 8)

    def test_loading_a_year_twice_adds_nothing(self):
        leaves = self.env["resource.calendar.leaves"]
        domain = [("calendar_id", "=", self.calendar.id)]
        self.calendar._council_load_holidays(2030)
        count = leaves.search_count(domain)
        self.assertFalse(self.calendar._council_load_holidays(2030))
        self.assertEqual(leaves.search_count(domain), count)
        yom_kippur = leaves.search(
            domain + [("council_closure_date", "=", "2030-10-07")]
        )
        self.assertEqual(yom_kippur.name, "יום כיפור")
        self.assertFalse(yom_kippur.resource_id)
        # Local midnight in Israel (UTC+3 in October) is 21:00 UTC the day before.
        self.assertEqual(yom_kippur.date_from, datetime(2030, 10, 6, 21, 0))

    def test_wizard_and_yearly_job(self):
        wizard = (
            self.env["telephony.holiday.load"]
            .with_user(self.manager)
            .create({"year": 2031})
        )
        wizard.action_load()
        leaves = self.env["resource.calendar.leaves"]
        self.assertTrue(
            leaves.search_count(
                [
                    ("calendar_id", "=", self.calendar.id),
                    ("council_closure_date", ">=", "2031-01-01"),
                ]
            )
        )
        self.env["resource.calendar"]._cron_load_israeli_holidays()
        self.env["resource.calendar"]._cron_load_israeli_holidays()
        for closure_date in leaves.search(
            [("calendar_id", "=", self.calendar.id)]
        ).mapped(
            lambda leave: (leave.council_closure_date, leave.council_closure_kind)
        ):
            self.assertTrue(closure_date[0])
