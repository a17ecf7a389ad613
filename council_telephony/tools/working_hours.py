"""Working hours counted over a calendar's work intervals, without the ORM.

The council's working time is read in one place (``resource.calendar.
_council_work_intervals``, a month at a time); everything that counts working
hours walks those intervals with the arithmetic of ``resource.calendar.
plan_hours``, so deadlines, follow-ups, repair times and the durations the
reports measure agree with each other and with Odoo's planning.
"""

from datetime import timedelta


def hours_after(intervals, hours):
    """The moment ``hours`` working hours into ``intervals`` (ordered
    ``(start, stop)`` pairs, any iterable, beginning at the moment counted
    from), or None when they hold fewer hours."""
    for start, stop in intervals:
        length = (stop - start).total_seconds() / 3600
        if hours <= length:
            return start + timedelta(hours=hours)
        hours -= length
    return None


def hours_before(intervals, hours):
    """The moment ``hours`` working hours before the end of ``intervals``
    (``(start, stop)`` pairs latest first, the first one ending at the moment
    counted back from), or None when they hold fewer hours."""
    for start, stop in intervals:
        length = (stop - start).total_seconds() / 3600
        if hours <= length:
            return stop - timedelta(hours=hours)
        hours -= length
    return None


def cumulative(intervals):
    """The ordered ``intervals`` as three lists for SQL: their starts, their
    ends, and the working seconds before each. The working seconds up to a
    moment are then the seconds before the last interval starting at or
    before it, plus what of that interval has passed (see
    ``res.company._telephony_working_seconds_sql``)."""
    starts, stops, before = [], [], []
    elapsed = 0.0
    for start, stop in intervals:
        starts.append(start)
        stops.append(stop)
        before.append(elapsed)
        elapsed += (stop - start).total_seconds()
    return starts, stops, before
