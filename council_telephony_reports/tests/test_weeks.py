from datetime import date, datetime, time

from odoo.tests import BaseCase

from ..tools.weeks import cutoff, week_of, weeks_between

NOON = time(12)


def every_weekday_but(*closed):
    return lambda day: day.weekday() < 5 and day not in closed


class TestWeeks(BaseCase):
    """4.3.8: weeks end on Thursday at the report hour; the day before when
    Thursday is a holiday; consecutive, without gap or overlap."""

    def test_a_plain_week(self):
        working = every_weekday_but()
        start, end = week_of(datetime(2026, 12, 1, 9, 0), NOON, working)
        self.assertEqual(start, datetime(2026, 11, 26, 12, 0))
        self.assertEqual(end, datetime(2026, 12, 3, 12, 0))
        # The cut-off itself belongs to the week it closes.
        self.assertEqual(week_of(end, NOON, working), (start, end))

    def test_thursday_holiday_closes_the_day_before(self):
        working = every_weekday_but(date(2026, 4, 2))  # Passover
        self.assertEqual(
            cutoff(date(2026, 4, 2), NOON, working), datetime(2026, 4, 1, 12, 0)
        )
        weeks = weeks_between(
            datetime(2026, 3, 19, 12), datetime(2026, 4, 10), NOON, working
        )
        self.assertEqual(
            [end for _start, end in weeks],
            [
                datetime(2026, 3, 26, 12),
                datetime(2026, 4, 1, 12),
                datetime(2026, 4, 9, 12),
            ],
        )

    def test_weeks_are_consecutive_across_the_year(self):
        working = every_weekday_but(date(2026, 12, 31))
        weeks = weeks_between(
            datetime(2026, 12, 10, 12), datetime(2027, 1, 15), NOON, working
        )
        self.assertEqual(weeks[0][0], datetime(2026, 12, 10, 12))
        for (_s1, end), (start, _e2) in zip(weeks, weeks[1:], strict=False):
            self.assertEqual(end, start)
        self.assertIn(datetime(2026, 12, 30, 12), [end for _s, end in weeks])
        self.assertEqual(weeks[-1][1], datetime(2027, 1, 14, 12))

    def test_nothing_before_the_cutoff(self):
        working = every_weekday_but()
        self.assertEqual(
            weeks_between(
                datetime(2026, 11, 26, 12), datetime(2026, 12, 3, 11, 59), NOON, working
            ),
            [],
        )
