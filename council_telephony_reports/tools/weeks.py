"""The Thursday weekly report's weeks (4.3.8), without the ORM.

A week ends at its cut-off: Thursday at the council's report hour, or the
working day before when Thursday is not a working day (a holiday). Each week
starts where the previous one ended, so weeks have no gap and no overlap.
All times are local wall-clock times; the model converts them.
"""

from datetime import datetime, timedelta

THURSDAY = 3  # date.weekday()


def thursday_on_or_before(day):
    return day - timedelta(days=(day.weekday() - THURSDAY) % 7)


def cutoff(thursday, report_time, is_working_day):
    """The moment the week of ``thursday`` closes: ``report_time`` on Thursday,
    or on the closest working day before it."""
    day = thursday
    for _ in range(7):
        if is_working_day(day):
            break
        day -= timedelta(days=1)
    else:
        day = thursday  # no working day that week: keep Thursday
    return datetime.combine(day, report_time)


def week_of(moment, report_time, is_working_day):
    """``(start, end)`` of the week that contains ``moment`` (start < moment <= end)."""
    thursday = thursday_on_or_before(moment.date())
    end = cutoff(thursday, report_time, is_working_day)
    # A holiday can move the cut-off before the moment on the same week.
    while end < moment:
        thursday += timedelta(days=7)
        end = cutoff(thursday, report_time, is_working_day)
    start = cutoff(thursday - timedelta(days=7), report_time, is_working_day)
    return start, end


def weeks_between(after, until, report_time, is_working_day):
    """The consecutive weeks whose end is after ``after`` and not after ``until``."""
    weeks = []
    # Start exactly where the last week ended, even if the report hour or the
    # calendar changed since: no overlap, no gap.
    start = after
    end = week_of(after + timedelta(microseconds=1), report_time, is_working_day)[1]
    while end <= until:
        weeks.append((start, end))
        following = week_of(
            end + timedelta(microseconds=1), report_time, is_working_day
        )
        start, end = end, following[1]
    return weeks
