"""Working hours counted over a calendar's work intervals, without the ORM.

``resource.calendar.plan_hours`` reads the calendar's attendances and leaves
on every call. The 3-hour deadline (4.3.3) and the moment it is at risk are
two such plans, one forwards from the report and one backwards from the
deadline: walking the intervals of one fetch gives both, with the same
arithmetic as ``plan_hours``, so the same moments.
"""

from datetime import timedelta


def hours_after(intervals, hours):
    """The moment ``hours`` working hours into ``intervals`` (ordered
    ``(start, stop)`` pairs, beginning at the moment counted from), or None
    when they hold fewer hours."""
    for start, stop in intervals:
        length = (stop - start).total_seconds() / 3600
        if hours <= length:
            return start + timedelta(hours=hours)
        hours -= length
    return None


def hours_before(intervals, moment, hours):
    """The moment ``hours`` working hours before ``moment``, counted back over
    the ``intervals`` that begin before it, or None when they hold fewer
    hours."""
    earlier = [
        (start, min(stop, moment)) for start, stop in intervals if start < moment
    ]
    for start, stop in reversed(earlier):
        length = (stop - start).total_seconds() / 3600
        if hours <= length:
            return stop - timedelta(hours=hours)
        hours -= length
    return None
