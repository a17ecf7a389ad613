"""Israeli public holidays and their eves, as closures of the council's calendar.

Plain Python on the maintained ``holidays`` library (no ORM), so the rules are
unit-tested on their own. Times are local wall-clock times; the model converts
them with the calendar's time zone.
"""

from collections import namedtuple
from datetime import datetime, time, timedelta

import holidays

HOLIDAY = "holiday"
EVE = "eve"
# Leave names are stored in one language, the holidays' own.
EVE_NAMES = {"he": "ערב {}", "en_US": "Eve of {}"}

Closure = namedtuple("Closure", "day kind name start end")


def public_holidays(year, language="he"):
    """The public holidays of ``year`` as ``{date: name}``, named in ``language``."""
    return dict(holidays.country_holidays("IL", years=year, language=language))


def closures(year, eve_closing=None, language="he"):
    """Closures of ``year``: every public holiday for the whole day, and when
    ``eve_closing`` (a ``datetime.time``) is given, every holiday eve from that
    time to midnight, unless the eve is itself a holiday."""
    days = public_holidays(year, language)
    result = [
        Closure(
            day,
            HOLIDAY,
            name,
            datetime.combine(day, time.min),
            datetime.combine(day + timedelta(days=1), time.min),
        )
        for day, name in sorted(days.items())
    ]
    if eve_closing is not None:
        for day, name in sorted(days.items()):
            eve = day - timedelta(days=1)
            if eve in days or eve.year != year:
                continue
            result.append(
                Closure(
                    eve,
                    EVE,
                    EVE_NAMES[language].format(name),
                    datetime.combine(eve, eve_closing),
                    datetime.combine(day, time.min),
                )
            )
    return sorted(result, key=lambda closure: (closure.start, closure.kind))


def hour_to_time(hours):
    """13.5 -> 13:30, as settings store an hour of the day as a float."""
    minutes = round(hours * 60)
    return time(minutes // 60, minutes % 60)
