from datetime import timedelta

import pytz

from odoo import fields, models

from ..tools import localtime, working_hours


class ResCompany(models.Model):
    _inherit = "res.company"

    telephony_extension_min_digits = fields.Integer(
        string="Shortest extension",
        default=3,
        help="Fewest digits of an internal extension of the council's PBX.",
    )
    telephony_extension_max_digits = fields.Integer(
        string="Longest extension",
        default=4,
        help="Most digits of an internal extension of the council's PBX. "
        "Longer numbers are treated as carrier lines.",
    )
    telephony_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Council working calendar",
        default=lambda self: self.env.ref(
            "council_telephony.resource_calendar_council", raise_if_not_found=False
        ),
        help="Working hours and holidays on which the 3-hour rule (4.3.3) and "
        "vendor follow-ups are counted.",
    )
    telephony_at_risk_hours = fields.Float(
        string="Warn before the deadline",
        default=1.0,
        help="Working hours before a ticket's deadline when its agent is warned.",
    )
    telephony_eve_closing_hour = fields.Float(
        string="Holiday eve closing time",
        default=13.0,
        help="On the eve of a holiday the council closes at this hour. "
        "0: no early closing.",
    )
    telephony_availability_target = fields.Float(
        string="Availability target (%)",
        default=99.5,
        help="3.2: the share of time the telephony system is to be available.",
    )
    telephony_manager_id = fields.Many2one(
        comodel_name="res.users",
        string="IT manager",
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("council_telephony.council_telephony_group_manager").ids,
            )
        ],
        help="Receives escalations, deadline alerts and the weekly report "
        "(4.1.2, 4.3.9).",
    )

    def _telephony_tz(self):
        """The council's time zone: its working calendar's."""
        return pytz.timezone(self.telephony_calendar_id.tz or "Asia/Jerusalem")

    def _telephony_plan_hours(self, hours, start, round_the_clock=False):
        """The moment ``hours`` after ``start`` (naive UTC): working hours on
        the council's calendar, holidays and early-closing eves excluded, or
        plain hours around the clock. Negative hours plan backwards."""
        self.ensure_one()
        calendar = self.telephony_calendar_id
        if round_the_clock or not calendar:
            return start + timedelta(hours=hours)
        return calendar.plan_hours(hours, start, compute_leaves=True)

    def _telephony_deadline(self, hours, start, warning_hours, round_the_clock=False):
        """4.3.3: the moment ``hours`` after ``start`` and the moment
        ``warning_hours`` before it: the same moments as two
        ``_telephony_plan_hours``, walked over the calendar's work intervals
        of the day (cached: each ``plan_hours`` reads attendances and leaves,
        and intake stays cheap)."""
        self.ensure_one()
        calendar = self.telephony_calendar_id
        if round_the_clock or not calendar:
            deadline = start + timedelta(hours=hours)
            return deadline, deadline - timedelta(hours=warning_hours)
        since = pytz.utc.localize(start).astimezone(pytz.timezone(calendar.tz))
        intervals = [
            (max(begin, since), stop)
            for begin, stop in calendar._council_work_intervals(since.date())
            if stop > since
        ]
        deadline = working_hours.hours_after(intervals, hours)
        warning = deadline and working_hours.hours_before(
            intervals, deadline, warning_hours
        )
        # Past the week (a long closure, a warning before the report):
        # plan_hours, which reads further.
        if deadline:
            deadline = localtime.naive_utc(deadline)
        else:
            deadline = self._telephony_plan_hours(hours, start)
        if warning:
            warning = localtime.naive_utc(warning)
        else:
            warning = self._telephony_plan_hours(-warning_hours, deadline)
        return deadline, warning

    def _telephony_work_intervals(self, start, end):
        """The council's working time between two naive UTC datetimes, as naive
        UTC ``(start, stop)`` pairs: the intervals ``_telephony_plan_hours``
        plans on (holidays and early-closing eves excluded), or one interval
        around the clock without a calendar. Durations measured on them agree
        with the deadlines planned by ``_telephony_plan_hours``. A review spans
        months, past the week ``_council_work_intervals`` caches: read here."""
        self.ensure_one()
        calendar = self.telephony_calendar_id
        if not calendar:
            return [(start, end)]
        intervals = calendar._work_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(end), compute_leaves=True
        )[False]
        return [
            (localtime.naive_utc(begin), localtime.naive_utc(stop))
            for begin, stop, _meta in intervals
        ]
