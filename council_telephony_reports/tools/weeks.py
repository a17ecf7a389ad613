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
    """The consecutive weeks whose end is after ``after`` (the end of the
    last week sent) and not after ``until``.

    Each week starts exactly where the previous one ended, and ends at the
    cut-off of the next Thursday whose week ``after`` did not close, by the
    report time and calendar in force now. A week closed on a day is not
    closed again that day: a report time moved on a Thursday takes effect
    from the next week, with no two-hour week in between."""
    weeks = []
    start = after
    thursday = after.date() + timedelta(days=(THURSDAY - after.weekday()) % 7)
    end = cutoff(thursday, report_time, is_working_day)
    while end.date() <= after.date():
        thursday += timedelta(days=7)
        end = cutoff(thursday, report_time, is_working_day)
    while end <= until:
        weeks.append((start, end))
        thursday += timedelta(days=7)
        start, end = end, cutoff(thursday, report_time, is_working_day)
    return weeks
