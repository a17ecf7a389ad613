"""The council's figures against a deliberately simple reference (issue 12).

A year of generated faults, vendor calls and outages (seeded random: the same
year on every run), with holidays and their eves, weekends, faults never
called, calls opened late, cancelled, unanswered or still running, rules
changed halfway, outages recorded twice, overlapping, nested, planned,
ongoing, over a month's end and daylight saving time. The figures are then
computed again here, in plain Python, minute by minute, from the facts the
system recorded, and compared with the annual report, the dashboards (the
SQL views, read through the ORM) and a compliance review of each vendor.

The reference knows the council's rules only as the procedure states them:
Sunday to Thursday 08:00-16:00 Israel time, minus the calendar's closures;
the deadline 3 working hours after the report (or the fault kind's hours,
or plain hours around the clock); compliance over every fault whose deadline
passed or was met; the downtime of every minute at the larger share of each
part of the service down, all of it during a whole-system outage.
"""

import random
from bisect import bisect_left
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate

import pytz

from odoo.addons.council_telephony.tests.common import TelephonyMoneyCase

YEAR = 2030
NOW = datetime(2030, 12, 30, 10, 0)  # Monday 12:00 in Israel
TZ = pytz.timezone("Asia/Jerusalem")
# The reference's clock: minutes from here.
ORIGIN = datetime(2029, 12, 31, 0, 0)
HORIZON = datetime(2031, 1, 20, 0, 0)
MINUTE = timedelta(minutes=1)


def minute(moment):
    return int((moment - ORIGIN).total_seconds() // 60)


def local_midnight_utc(day):
    return (
        TZ.localize(datetime.combine(day, datetime.min.time()))
        .astimezone(pytz.utc)
        .replace(tzinfo=None)
    )


def percentile(values, share):
    """PostgreSQL's percentile_cont: linear between the closest ranks."""
    if not values:
        return None
    values = sorted(values)
    position = share * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (position - low) * (values[high] - values[low])


class TestFiguresAgainstAReference(TelephonyMoneyCase):
    freeze_time = NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar._council_load_holidays(YEAR)
        cls.calendar._council_load_holidays(YEAR + 1)
        contracts = cls.env["telephony.contract"]
        cls.terms = {
            cls.tadiran: {"response_hours": 4, "repair_hours": 8, "guarantee": 99.5},
            cls.bezeq: {"response_hours": 6, "repair_hours": 16, "guarantee": 99.0},
        }
        for vendor, terms in cls.terms.items():
            contracts.create(
                {
                    "name": f"Tender {vendor.name} {YEAR}",
                    "vendor_id": vendor.id,
                    "date_start": date(YEAR, 1, 1),
                    "date_end": date(YEAR, 12, 31),
                    "response_hours": terms["response_hours"],
                    "repair_hours": terms["repair_hours"],
                    "availability_guarantee": terms["guarantee"],
                    "state": "active",
                }
            )
        cls.register = cls.env["telephony.extension"].create(
            [{"number": f"47{n:02d}"} for n in range(6)]
        )
        rng = random.Random(YEAR)
        cls._generate_faults(rng)
        cls._generate_outages(rng)

    # === The year, generated === #

    @classmethod
    def _random_moment(cls, rng, start, end):
        return start + MINUTE * rng.randrange(int((end - start).total_seconds() // 60))

    @classmethod
    def _generate_faults(cls, rng):
        kinds = [
            (cls.cat_device, 35),
            (cls.cat_pbx, 20),
            (cls.cat_line_repair, 30),
            (cls.cat_other, 15),
        ]
        year_start = local_midnight_utc(date(YEAR, 1, 1))
        calls = cls.env["telephony.vendor.call"]
        for index in range(300):
            if index == 150:
                # Halfway, the PBX becomes a 2-hour fault around the clock:
                # for the faults received from now on only.
                cls.cat_pbx.write(
                    {"telephony_round_the_clock": True, "telephony_response_hours": 2}
                )
                cls.company.telephony_at_risk_hours = 0.5
            category = rng.choices(
                [kind for kind, _weight in kinds], [w for _kind, w in kinds]
            )[0]
            received = cls._random_moment(rng, year_start, NOW - timedelta(hours=1))
            ticket = cls._ticket(category, received_at=received)
            if index == 150:
                cls.first_after_switch = ticket
            vendor = ticket.telephony_vendor_id
            if not vendor:
                if rng.random() < 0.6:
                    resolved = received + MINUTE * rng.randrange(1, 3000)
                    if resolved <= NOW:
                        ticket.telephony_resolved_at = resolved
                continue
            if rng.random() < 0.12:
                continue  # never called
            opened = received + MINUTE * (
                rng.randrange(0, 180)
                if rng.random() < 0.6
                else rng.randrange(180, 96 * 60)
            )
            if opened > NOW:
                continue
            if rng.random() < 0.06:
                # Opened with the wrong vendor, cancelled: meets nothing.
                calls.create(
                    {
                        "ticket_id": ticket.id,
                        "vendor_id": vendor.id,
                        "channel_type": "phone",
                        "opened_at": opened,
                        "state": "cancelled",
                    }
                )
                opened = min(NOW, opened + MINUTE * rng.randrange(1, 600))
            values = {
                "ticket_id": ticket.id,
                "vendor_id": vendor.id,
                "channel_type": "phone",
                "opened_at": opened,
                "state": "open",
            }
            responded = opened + MINUTE * rng.randrange(0, 40 * 60)
            if rng.random() < 0.85 and responded <= NOW:
                values.update(state="in_progress", responded_at=responded)
                resolved = responded + MINUTE * rng.randrange(0, 70 * 60)
                if rng.random() < 0.75 and resolved <= NOW:
                    values.update(state="resolved", resolved_at=resolved)
                    if rng.random() < 0.2:  # resolved at once, never in progress
                        values["responded_at"] = resolved
            calls.create(values)
        # Just received: their deadlines are still ahead.
        for minutes in (40, 20):
            cls._ticket(received_at=NOW - MINUTE * minutes)
        cls.env.flush_all()

    @classmethod
    def _generate_outages(cls, rng):
        year_start = local_midnight_utc(date(YEAR, 1, 1))
        outages = cls.env["telephony.outage"]
        tadiran_calls = cls.env["telephony.vendor.call"].search(
            [("vendor_id", "=", cls.tadiran.id), ("state", "!=", "cancelled")]
        )
        sites = ["Town hall", "Library", " town hall ", "Depot"]
        recorded = []
        for _index in range(40):
            if recorded and rng.random() < 0.3:
                # Recorded again: the same one, or one overlapping it.
                values = dict(rng.choice(recorded))
                if rng.random() < 0.5:
                    shift = MINUTE * rng.randrange(-120, 120)
                    values["start"] += shift
                    values["end"] += shift + MINUTE * rng.randrange(0, 90)
                values["cause"] += " (again)"
            else:
                start = cls._random_moment(rng, year_start, NOW - timedelta(days=1))
                values = {
                    "cause": f"Outage {len(recorded)}",
                    "start": start,
                    "end": start + MINUTE * rng.randrange(10, 900),
                    "planned": rng.random() < 0.1,
                }
                scope = rng.choices(["system", "site", "extensions"], [4, 3, 3])[0]
                values["scope"] = scope
                if scope == "site":
                    values.update(
                        site=rng.choice(sites),
                        affected_share=rng.choice([10.0, 25.0, 50.0]),
                    )
                elif scope == "extensions":
                    values["extension_ids"] = [
                        (6, 0, rng.sample(cls.register.ids, rng.randrange(1, 4)))
                    ]
                owner = rng.random()
                if owner < 0.35:
                    values["vendor_id"] = cls.tadiran.id
                elif owner < 0.6:
                    values["vendor_id"] = cls.bezeq.id
                elif owner < 0.75:
                    values["vendor_call_id"] = rng.choice(tadiran_calls).id
            recorded.append(values)
        recorded += [
            # Over the end of March in Israel time, and daylight saving time
            # starting on Friday 29 March.
            {
                "cause": "Month's end",
                "start": datetime(YEAR, 3, 31, 19, 0),
                "end": datetime(YEAR, 3, 31, 23, 30),
                "vendor_id": cls.tadiran.id,
            },
            {
                "cause": "Summer time",
                "start": datetime(YEAR, 3, 28, 22, 0),
                "end": datetime(YEAR, 3, 29, 3, 0),
            },
            # Still going on.
            {
                "cause": "Ongoing",
                "start": NOW - timedelta(hours=5),
                "end": False,
                "vendor_id": cls.bezeq.id,
            },
        ]
        outages.create(recorded)
        cls.env.flush_all()

    # === The reference === #

    @classmethod
    def _working_minutes(cls):
        """1 for each minute of the council's working time, from ORIGIN."""
        work = bytearray(minute(HORIZON))
        hour = ORIGIN
        while hour < HORIZON:
            local = pytz.utc.localize(hour).astimezone(TZ)
            # Sunday (6) to Thursday (3), 08:00-16:00.
            if local.weekday() in (6, 0, 1, 2, 3) and 8 <= local.hour < 16:
                first = minute(hour)
                work[first : first + 60] = b"\x01" * 60
            hour += timedelta(hours=1)
        closures = cls.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", cls.calendar.id), ("resource_id", "=", False)]
        )
        for closure in closures:
            first = max(0, minute(closure.date_from))
            last = min(len(work), minute(closure.date_to))
            if first < last:
                work[first:last] = bytes(last - first)
        return work

    def setUp(self):
        super().setUp()
        attendances = {
            (a.dayofweek, a.hour_from, a.hour_to) for a in self.calendar.attendance_ids
        }
        # The reference's working week is the one the calendar holds.
        self.assertEqual(
            attendances,
            {
                (day, start, end)
                for day in "60123"
                for start, end in ((8, 12), (12, 16))
            },
        )
        work = self._working_minutes()
        # Working minutes before each minute.
        self.before = [0, *accumulate(work)]

    def _working_hours(self, start, end):
        return (self.before[minute(end)] - self.before[minute(start)]) / 60

    def _after_working_hours(self, start, hours):
        """The end of the minute in which ``hours`` working hours after
        ``start`` are done."""
        wanted = self.before[minute(start)] + round(hours * 60)
        return ORIGIN + MINUTE * bisect_left(self.before, wanted)

    def _facts(self):
        """What the system recorded of the year: faults and their calls."""
        start = local_midnight_utc(date(YEAR, 1, 1))
        end = local_midnight_utc(date(YEAR + 1, 1, 1))
        tickets = self.env["helpdesk.ticket"].search(
            [
                ("is_telephony", "=", True),
                ("company_id", "=", self.company.id),
                ("received_at", ">=", start),
                ("received_at", "<", end),
            ]
        )
        calls = self.env["telephony.vendor.call"].search(
            [
                ("company_id", "=", self.company.id),
                ("opened_at", ">=", start),
                ("opened_at", "<", end),
            ]
        )
        return tickets, calls

    def _deadline(self, ticket):
        """4.3.3 by the rules in force when the fault was received: 3
        working hours, but 2 hours around the clock for the PBX faults of the
        second half."""
        if (
            ticket.category_id == self.cat_pbx
            and ticket.id >= self.first_after_switch.id
        ):
            return ticket.received_at + timedelta(hours=2)
        return self._after_working_hours(ticket.received_at, 3)

    def _judge(self, tickets):
        """Per fault: its outcome, if it counts yet."""
        outcomes = {}
        for ticket in tickets:
            deadline = self._deadline(ticket)
            self.assertEqual(ticket.response_deadline, deadline, ticket.number)
            moments = [
                call.opened_at
                for call in ticket.vendor_call_ids
                if call.state != "cancelled"
            ]
            if ticket.telephony_resolved_at:
                moments.append(ticket.telephony_resolved_at)
            met = min(moments, default=None)
            if met and met <= deadline:
                outcomes[ticket] = "in_time"
            elif met:
                outcomes[ticket] = "late"
            elif deadline <= NOW:
                outcomes[ticket] = "overdue"
        return outcomes

    def _vendor_times(self, calls, moment):
        """Working hours from opening to ``moment`` of each call that got
        there, cancelled calls left out."""
        return [
            self._working_hours(call.opened_at, call[moment])
            for call in calls
            if call.state != "cancelled" and call[moment]
        ]

    def _term(self, calls, moment, hours):
        """Calls judged against a term: in time, beyond, still running."""
        within = beyond = pending = 0
        for call in calls.filtered(lambda c: c.state != "cancelled"):
            due = self._after_working_hours(call.opened_at, hours)
            act = call[moment]
            if act and act <= due:
                within += 1
            elif act or due < NOW:
                beyond += 1
            else:
                pending += 1
        return {
            "call_count": within + beyond,
            "within_count": within,
            "beyond_count": beyond,
            "pending_count": pending,
        }

    def _downtime(self, start, end, vendor=None):
        """Unplanned downtime between two moments, in share-weighted hours:
        each minute at 100 % while the whole system is down, else the sum of
        each site's and extension's largest share, at most 100 %."""
        minutes = defaultdict(dict)
        outages = self.env["telephony.outage"].search(
            [("company_id", "=", self.company.id), ("planned", "=", False)]
        )
        for outage in outages:
            if vendor and outage.vendor_id != vendor:
                continue
            if outage.scope == "system":
                parts = {"system": 100.0}
            elif outage.scope == "site":
                parts = {f"site {outage.site.strip().lower()}": outage.affected_share}
            else:
                share = outage.affected_share / len(outage.extension_ids)
                parts = {f"extension {e.id}": share for e in outage.extension_ids}
            first = max(minute(outage.start), minute(start))
            last = min(minute(outage.end or NOW), minute(end))
            for each in range(first, last):
                down = minutes[each]
                for part, share in parts.items():
                    down[part] = max(down.get(part, 0.0), share)
        total = 0.0
        for down in minutes.values():
            total += 100.0 if "system" in down else min(100.0, sum(down.values()))
        return total / 100 / 60

    def _availability(self, start, end, vendor=None):
        hours = (end - start).total_seconds() / 3600
        return 100 * (1 - self._downtime(start, end, vendor) / hours)

    # === The comparisons === #

    def test_three_hour_compliance(self):
        tickets, _calls = self._facts()
        self.assertEqual(len(tickets), 302)
        outcomes = self._judge(tickets)
        counts = defaultdict(int)
        for outcome in outcomes.values():
            counts[outcome] += 1
        # The year holds every case.
        self.assertTrue(all(counts[o] > 10 for o in ("in_time", "late", "overdue")))
        self.assertLess(len(outcomes), len(tickets))  # some deadlines ahead
        year = self.env["telephony.annual.figures"]._figures(YEAR)["this"]
        self.assertEqual(
            {o: year[o] for o in ("in_time", "late", "overdue", "judged")},
            {**counts, "judged": len(outcomes)},
        )
        self.assertEqual(
            year["compliance"], round(100 * counts["in_time"] / len(outcomes), 1)
        )
        # The dashboard, month by month in Israel time.
        by_month = defaultdict(list)
        for ticket, outcome in outcomes.items():
            local = pytz.utc.localize(ticket.received_at).astimezone(TZ)
            by_month[local.month].append(100.0 if outcome == "in_time" else 0.0)
        rows = (
            self.env["telephony.response.compliance"]
            .with_context(tz="Asia/Jerusalem")
            ._read_group(
                [("ticket_id", "in", tickets.ids)],
                ["received_at:month"],
                ["__count", "compliance:avg"],
            )
        )
        self.assertEqual(len(rows), 12)
        for month, count, average in rows:
            expected = by_month[month.month]
            self.assertEqual(count, len(expected), month)
            self.assertAlmostEqual(average, sum(expected) / len(expected), 6)

    def test_vendor_response_and_repair(self):
        _tickets, calls = self._facts()
        year = self.env["telephony.annual.figures"]._figures(YEAR)["this"]
        rows = {row["vendor"]: row for row in year["vendors"]}
        for vendor in (self.tadiran, self.bezeq):
            own = calls.filtered(lambda c, v=vendor: c.vendor_id == v)
            row = rows[vendor.name]
            self.assertEqual(
                row["calls"], len(own.filtered(lambda c: c.state != "cancelled"))
            )
            for key, moment in (
                ("response", "responded_at"),
                ("repair", "resolved_at"),
            ):
                times = self._vendor_times(own, moment)
                self.assertGreater(len(times), 20)
                with self.subTest(vendor=vendor.name, figure=key):
                    self.assertAlmostEqual(
                        row[f"{key}_median"], percentile(times, 0.5), 6
                    )
                    self.assertAlmostEqual(row[f"{key}_p90"], percentile(times, 0.9), 6)
            self.assertEqual(
                row["resolved"], len(self._vendor_times(own, "resolved_at"))
            )

    def test_compliance_reviews(self):
        start, end = (
            local_midnight_utc(date(YEAR, 10, 1)),
            local_midnight_utc(date(YEAR + 1, 1, 1)),
        )
        for vendor, terms in self.terms.items():
            contract = self.env["telephony.contract"].search(
                [("vendor_id", "=", vendor.id), ("date_start", "=", date(YEAR, 1, 1))]
            )
            review = self.env["telephony.compliance.review"].create(
                {
                    "contract_id": contract.id,
                    "date_start": date(YEAR, 10, 1),
                    "date_end": date(YEAR, 12, 31),
                }
            )
            calls = self.env["telephony.vendor.call"].search(
                [
                    ("vendor_id", "=", vendor.id),
                    ("opened_at", ">=", start),
                    ("opened_at", "<", end),
                ]
            )
            for term, moment in (
                ("response", "responded_at"),
                ("repair", "resolved_at"),
            ):
                line = review.line_ids.filtered(lambda line, t=term: line.term == t)
                expected = self._term(calls, moment, terms[f"{term}_hours"])
                times = self._vendor_times(calls, moment)
                with self.subTest(vendor=vendor.name, term=term):
                    self.assertEqual({key: line[key] for key in expected}, expected)
                    self.assertAlmostEqual(line.median_hours, percentile(times, 0.5), 6)
                    self.assertAlmostEqual(line.p90_hours, percentile(times, 0.9), 6)
            line = review.line_ids.filtered(lambda line: line.term == "availability")
            self.assertAlmostEqual(
                line.availability, self._availability(start, end, vendor), delta=0.0011
            )

    def test_availability_per_month_vendor_and_year(self):
        view = self.env["telephony.availability.month"]
        outages = self.env["telephony.outage"]
        for vendor in (None, self.tadiran, self.bezeq):
            for month in range(1, 13):
                start = local_midnight_utc(date(YEAR, month, 1))
                end = local_midnight_utc(date(YEAR + month // 12, month % 12 + 1, 1))
                [row] = view.search(
                    [
                        ("company_id", "=", self.company.id),
                        ("period_type", "=", "month"),
                        ("month", "=", date(YEAR, month, 1)),
                        ("vendor_id", "=", vendor.id if vendor else False),
                    ]
                )
                with self.subTest(vendor=vendor and vendor.name, month=month):
                    self.assertAlmostEqual(
                        row.downtime_hours, self._downtime(start, end, vendor), 6
                    )
                    self.assertAlmostEqual(
                        row.availability,
                        self._availability(start, end, vendor),
                        delta=0.0011,
                    )
            start = local_midnight_utc(date(YEAR, 1, 1))
            end = local_midnight_utc(date(YEAR + 1, 1, 1))
            [year] = view.search(
                [
                    ("company_id", "=", self.company.id),
                    ("period_type", "=", "year"),
                    ("month", "=", date(YEAR, 1, 1)),
                    ("vendor_id", "=", vendor.id if vendor else False),
                ]
            )
            expected = self._availability(start, end, vendor)
            self.assertAlmostEqual(year.availability, expected, delta=0.0011)
            self.assertAlmostEqual(
                outages._availability(
                    date(YEAR, 1, 1), date(YEAR, 12, 31), self.company, vendor
                ),
                expected,
                delta=0.0011,
            )
            target = (
                self.terms[vendor]["guarantee"]
                if vendor
                else self.company.telephony_availability_target
            )
            self.assertEqual(year.target, target)
            self.assertEqual(year.below_target, expected < target)
        figures = self.env["telephony.annual.figures"]._figures(YEAR)["this"]
        self.assertAlmostEqual(
            figures["availability"],
            self._availability(start, end),
            delta=0.0011,
        )
        for row in figures["vendors"]:
            vendor = self.tadiran if row["vendor"] == self.tadiran.name else self.bezeq
            self.assertAlmostEqual(
                row["availability"],
                self._availability(start, end, vendor),
                delta=0.0011,
            )
