from datetime import date, datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools

from ..tools import israeli_calendar, localtime


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    # === CRUD === #

    def write(self, vals):
        res = super().write(vals)
        self._council_forget_work_intervals()
        return res

    # === Business methods === #

    # Leaves are read under the multi-company rule, as plan_hours reads them.
    @tools.ormcache("self.id", "month", "self.env.su", "tuple(self.env.companies.ids)")
    def _council_work_intervals(self, month):
        """The council's working time in the local month that starts on
        ``month``: the calendar's work intervals, holidays and early-closing
        eves taken out, as naive UTC ``(start, stop)`` pairs. The one reader
        of the council's working time (see ``res.company``): every report
        asks (4.3.3), and hours and holidays change a few times a year, so a
        month is kept until one does (``_council_forget_work_intervals``)."""
        tz = pytz.timezone(self.tz)
        since = tz.localize(datetime.combine(month, time.min))
        until = tz.localize(datetime.combine(month + relativedelta(months=1), time.min))
        intervals = self._work_intervals_batch(since, until, tz=tz)[False]
        return tuple(
            (localtime.naive_utc(start), localtime.naive_utc(stop))
            for start, stop, _meta in intervals
        )

    @tools.ormcache("self.id")
    def _council_tz_name(self):
        """The calendar's time zone, kept with its months of working time
        (and forgotten with them): every report plans its deadline in it."""
        return self.tz

    def _council_forget_work_intervals(self):
        self.env.registry.clear_cache()

    def _council_load_holidays(self, year):
        """C6: Israeli public holidays of ``year`` (Hebrew names, from the
        ``holidays`` library) as global leaves, and holiday eves closing early
        at the company's eve closing hour. Loading a year again adds nothing.

        Return the leaves created."""
        leaves = self.env["resource.calendar.leaves"]
        created = leaves
        for calendar in self:
            company = calendar.company_id or self.env.company
            closing = company.telephony_eve_closing_hour
            eve_closing = israeli_calendar.hour_to_time(closing) if closing else None
            tz = pytz.timezone(calendar.tz or "Asia/Jerusalem")
            existing = set(
                leaves.search(
                    [
                        ("calendar_id", "=", calendar.id),
                        ("council_closure_date", ">=", date(year, 1, 1)),
                        ("council_closure_date", "<=", date(year, 12, 31)),
                    ]
                ).mapped(
                    lambda leave: (
                        leave.council_closure_date,
                        leave.council_closure_kind,
                    )
                )
            )
            values = []
            for closure in israeli_calendar.closures(year, eve_closing):
                if (closure.day, closure.kind) in existing:
                    continue
                values.append(
                    {
                        "name": closure.name,
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id,
                        "resource_id": False,
                        "time_type": "leave",
                        "date_from": localtime.to_utc(tz, closure.start),
                        "date_to": localtime.to_utc(tz, closure.end),
                        "council_closure_date": closure.day,
                        "council_closure_kind": closure.kind,
                    }
                )
            created |= leaves.create(values)
        return created

    @api.model
    def _cron_load_israeli_holidays(self):
        """Yearly: this year and the next, on every calendar a company counts
        telephony deadlines on. Idempotent, so a missed run is harmless."""
        calendars = (
            self.env["res.company"]
            .search([("telephony_calendar_id", "!=", False)])
            .telephony_calendar_id
        )
        year = fields.Date.context_today(self).year
        for each_year in (year, year + 1):
            calendars._council_load_holidays(each_year)
