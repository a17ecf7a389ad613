from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import localtime, working_hours

# Deadlines, follow-ups and repair times are planned this far at most, as
# resource.calendar.plan_hours (100 fortnights) does.
PLANNING_HORIZON_MONTHS = 48


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
    telephony_one_person_approval = fields.Boolean(
        string="One person may enter, approve and pay a bill",
        help="Four eyes (4.2.2): by default the IT manager does not approve a "
        "telephony bill they entered, and whoever approved it does not pay "
        "it. Tick only if the council is too small for that.",
    )
    # 4.3.2: reports by e-mail.
    telephony_mail_outside = fields.Selection(
        selection=[
            ("accept", "Accept as a report"),
            ("hold", "Hold for an agent to accept"),
        ],
        string="Mail from outside the council",
        required=True,
        default="hold",
        help="What becomes of a fault reported by e-mail from an address "
        "outside the council's mail domain, or from one of the council's "
        "addresses that its mail server did not vouch for: a report like any "
        "other, or a report held until an agent accepts it. A held report is "
        "in nobody's name.",
    )
    telephony_mail_trusted_server = fields.Char(
        string="Council mail server",
        help="The name the council's mail server signs its "
        "Authentication-Results header with (e.g. mx.council.example). Mail "
        "from a council address is taken as that employee's only when this "
        "server says it passed DMARC (or SPF and DKIM); otherwise anyone could "
        "write From: in an employee's name.",
    )
    telephony_mail_date_hours = fields.Float(
        string="Trust the sending time up to (hours)",
        default=24.0,
        help="A report by e-mail is received when it was sent (its Date), when "
        "that is not in the future and not more than this many hours before "
        "it reached the council; otherwise when it reached the council.",
    )
    telephony_reopen_days = fields.Integer(
        string="Reopen on reply within (days)",
        default=7,
        help="4.3.7: the reporter's reply to the closing message reopens the "
        "ticket within this many days of its closing; later, it opens a new "
        "ticket linked to the old one.",
    )

    def _telephony_tz(self):
        """The council's time zone: its working calendar's."""
        calendar = self.telephony_calendar_id
        return pytz.timezone(
            calendar and calendar._council_tz_name() or "Asia/Jerusalem"
        )

    # === Working time (4.3.3): read in one place, a month at a time === #

    def _telephony_plan_hours(self, hours, start, round_the_clock=False):
        """The moment ``hours`` after ``start`` (naive UTC): working hours on
        the council's calendar, holidays and early-closing eves excluded, or
        plain hours around the clock. Negative hours plan backwards. The
        moments ``resource.calendar.plan_hours(…, compute_leaves=True)``
        gives, walked over the cached months of work intervals; False when the
        calendar has no such time within the horizon, as ``plan_hours``."""
        self.ensure_one()
        if round_the_clock or not self.telephony_calendar_id:
            return start + timedelta(hours=hours)
        if hours >= 0:
            moment = working_hours.hours_after(
                self._telephony_intervals_from(start), hours
            )
        else:
            moment = working_hours.hours_before(
                self._telephony_intervals_until(start), -hours
            )
        return moment or False

    def _telephony_deadline(self, hours, start, warning_hours, round_the_clock=False):
        """4.3.3: the moment ``hours`` after ``start`` and the moment
        ``warning_hours`` before it."""
        self.ensure_one()
        deadline = self._telephony_plan_hours(hours, start, round_the_clock)
        warning = deadline and self._telephony_plan_hours(
            -warning_hours, deadline, round_the_clock
        )
        return deadline, warning

    def _telephony_work_intervals(self, start, end):
        """The council's working time between two naive UTC datetimes, as naive
        UTC ``(start, stop)`` pairs, holidays and early-closing eves excluded;
        one interval around the clock without a calendar."""
        self.ensure_one()
        calendar = self.telephony_calendar_id
        if not calendar:
            return [(start, end)]
        intervals = []
        for month in self._telephony_months(start, end):
            intervals.extend(
                (max(begin, start), min(stop, end))
                for begin, stop in calendar._council_work_intervals(month)
                if begin < end and stop > start
            )
        return intervals

    def _telephony_working_clock(self, start, end):
        """SQL of one row, ``starts``, ``stops`` and ``before``: the council's
        working time between ``start`` and ``end`` (see
        ``working_hours.cumulative``), to measure many durations in one query
        (``_telephony_work_bucket_sql`` and the two after it)."""
        intervals = self._telephony_work_intervals(start, end) or [(start, start)]
        starts, stops, before = working_hours.cumulative(intervals)
        return SQL(
            "SELECT %s::timestamp[] AS starts, %s::timestamp[] AS stops, "
            "%s::float8[] AS before",
            starts,
            stops,
            before,
        )

    @api.model
    def _telephony_work_bucket_sql(self, moment, clock):
        """SQL: which interval of ``clock`` (a row of
        ``_telephony_working_clock``) ``moment`` falls in or after: the last
        one starting at or before it, by binary search (``width_bucket``); 0
        before the first. Computed once per moment, it is what the two
        expressions below read."""
        return SQL("width_bucket(%s, %s.starts)", moment, clock)

    @api.model
    def _telephony_working_seconds_sql(self, moment, bucket, clock):
        """SQL: the working seconds of ``clock`` up to ``moment``, whose
        interval is ``bucket``; their difference between two moments is the
        working time between them."""
        return SQL(
            """(CASE WHEN %(bucket)s = 0 THEN 0
                ELSE %(clock)s.before[%(bucket)s]
                     + EXTRACT(EPOCH FROM LEAST(%(moment)s, %(clock)s.stops[%(bucket)s])
                                          - %(clock)s.starts[%(bucket)s])
                END)""",
            moment=moment,
            bucket=bucket,
            clock=clock,
        )

    @api.model
    def _telephony_at_work_sql(self, moment, bucket_before, clock):
        """SQL: whether ``moment`` is inside working time of ``clock``, after
        an interval's start and up to its end included; ``bucket_before`` is
        the bucket of the moment a microsecond earlier (the last interval
        starting before it)."""
        return SQL(
            "(%(bucket)s > 0 AND %(moment)s <= %(clock)s.stops[%(bucket)s])",
            moment=moment,
            bucket=bucket_before,
            clock=clock,
        )

    def _telephony_intervals_from(self, start):
        """The working time from ``start`` on, interval by interval, month
        by month, up to the planning horizon."""
        calendar = self.telephony_calendar_id
        month = self._telephony_months(start, start)[0]
        for _index in range(PLANNING_HORIZON_MONTHS):
            for begin, stop in calendar._council_work_intervals(month):
                if stop > start:
                    yield max(begin, start), stop
            month += relativedelta(months=1)

    def _telephony_intervals_until(self, end):
        """The working time before ``end``, latest first, month by month back
        to the planning horizon."""
        calendar = self.telephony_calendar_id
        month = self._telephony_months(end, end)[0]
        for _index in range(PLANNING_HORIZON_MONTHS):
            for begin, stop in reversed(calendar._council_work_intervals(month)):
                if begin < end:
                    yield begin, min(stop, end)
            month -= relativedelta(months=1)

    def _telephony_months(self, start, end):
        """The first days of the council's local months from the one of
        ``start`` to the one of ``end`` (naive UTC)."""
        tz = self._telephony_tz()
        month = localtime.to_local(tz, start).date().replace(day=1)
        last = localtime.to_local(tz, end).date().replace(day=1)
        months = [month]
        while month < last:
            month += relativedelta(months=1)
            months.append(month)
        return months
