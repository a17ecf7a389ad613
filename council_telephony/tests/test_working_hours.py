from datetime import datetime

from odoo.tests import BaseCase

from ..tools.working_hours import cumulative, hours_after, hours_before

# Thursday 08:00-16:00, then Sunday 08:00-12:00 and 13:00-16:00.
WEEK = [
    (datetime(2026, 11, 26, 14, 30), datetime(2026, 11, 26, 16, 0)),
    (datetime(2026, 11, 29, 8, 0), datetime(2026, 11, 29, 12, 0)),
    (datetime(2026, 11, 29, 13, 0), datetime(2026, 11, 29, 16, 0)),
]


class TestWorkingHours(BaseCase):
    """Counting working hours over work intervals, without the ORM."""

    def test_hours_after_runs_over_the_gaps(self):
        self.assertEqual(hours_after(WEEK, 1), datetime(2026, 11, 26, 15, 30))
        self.assertEqual(hours_after(WEEK, 3), datetime(2026, 11, 29, 9, 30))
        # Exactly the end of an interval, not the start of the next.
        self.assertEqual(hours_after(WEEK, 5.5), datetime(2026, 11, 29, 12, 0))
        self.assertEqual(hours_after(WEEK, 6), datetime(2026, 11, 29, 13, 30))
        self.assertIsNone(hours_after(WEEK, 9))

    def test_hours_before_counts_back_latest_first(self):
        # Counting back from Sunday 09:30: the intervals up to it, latest first.
        back = [
            (datetime(2026, 11, 29, 8, 0), datetime(2026, 11, 29, 9, 30)),
            (datetime(2026, 11, 26, 14, 30), datetime(2026, 11, 26, 16, 0)),
        ]
        self.assertEqual(hours_before(back, 1), datetime(2026, 11, 29, 8, 30))
        self.assertEqual(hours_before(back, 2), datetime(2026, 11, 26, 15, 30))
        # Nothing left before the first interval: the caller looks further.
        self.assertIsNone(hours_before(back, 4))

    def test_cumulative_seconds_before_each_interval(self):
        starts, stops, before = cumulative(WEEK)
        self.assertEqual(starts, [start for start, _stop in WEEK])
        self.assertEqual(stops, [stop for _start, stop in WEEK])
        self.assertEqual(before, [0.0, 1.5 * 3600, 5.5 * 3600])
