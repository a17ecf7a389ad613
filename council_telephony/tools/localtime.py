"""Naive UTC datetimes (as Odoo stores them) to and from the council's wall
clock, without the ORM."""

import pytz


def to_utc(tz, local):
    """A naive local datetime in ``tz`` (a pytz zone) as naive UTC."""
    return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def to_local(tz, utc):
    """A naive UTC datetime as naive local time in ``tz``."""
    return pytz.utc.localize(utc).astimezone(tz).replace(tzinfo=None)


def naive_utc(moment):
    """An aware datetime as naive UTC."""
    return moment.astimezone(pytz.utc).replace(tzinfo=None)
