from datetime import date, datetime, time

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.council_telephony.tools import localtime


class TelephonyAnnualFigures(models.AbstractModel):
    """The figures of the annual report to the head of council (4.2.5, C19),
    for a year and the year before, gathered by SQL aggregation (read_group,
    aggregate queries), not loops over records. Shared by the PDF and the
    spreadsheet."""

    _name = "telephony.annual.figures"
    _description = "Annual telephony figures"

    @api.model
    def _figures(self, year, company=None):
        company = company or self.env.company
        since = self._recorded_since(company)
        this, last = (
            self._year_figures(year, company, since),
            self._year_figures(year - 1, company, since),
        )
        return {"year": year, "company": company, "this": this, "last": last}

    def _recorded_since(self, company):
        """The year from which the system holds each kind of figure: the year
        of its first record. A year before it is *not recorded* (the council
        kept it elsewhere, or not at all), which the report says instead of
        a zero; from it on, no record is a true zero. Phone faults and
        availability begin with the first fault or outage recorded; usage
        with the first imported month; budget and payments with the first
        budget or bill; reviews with the first closed review; training with
        the first session held."""
        tz = company._telephony_tz()
        mine = [("company_id", "=", company.id)]

        def first(model, field, domain=()):
            [[value]] = (
                self.env[model]
                .with_context(active_test=False)
                ._read_group([*mine, *domain], [], [f"{field}:min"])
            )
            if not value:
                return None
            if isinstance(value, datetime):
                return localtime.to_local(tz, value).year
            return value if isinstance(value, int) else value.year

        faults = [
            year
            for year in (
                first("helpdesk.ticket", "received_at", [("is_telephony", "=", True)]),
                first("telephony.outage", "start"),
            )
            if year
        ]
        return {
            "faults": min(faults, default=None),
            "usage": first("telephony.usage", "period"),
            "spend": first("telephony.spend", "year"),
            "reviews": first(
                "telephony.compliance.review", "date_end", [("state", "=", "done")]
            ),
            "training": first(
                "telephony.training.session", "date", [("state", "=", "done")]
            ),
        }

    def _bounds(self, year, company):
        tz = company._telephony_tz()
        return tuple(
            localtime.to_utc(tz, datetime.combine(date(y, 1, 1), time.min))
            for y in (year, year + 1)
        )

    def _year_figures(self, year, company, since):
        start, end = self._bounds(year, company)
        tickets = self.env["helpdesk.ticket"].with_context(active_test=False)
        domain = [
            ("is_telephony", "=", True),
            ("company_id", "=", company.id),
            ("received_at", ">=", start),
            ("received_at", "<", end),
        ]
        by_category = {
            category.display_name if category else "": count
            for category, count in tickets._read_group(
                domain, ["category_id"], ["__count"]
            )
        }
        by_vendor = {
            vendor.name if vendor else "": count
            for vendor, count in tickets._read_group(
                domain, ["telephony_vendor_id"], ["__count"]
            )
        }
        by_month = dict.fromkeys(range(1, 13), 0)
        for month, count in tickets._read_group(
            domain, ["received_at:month"], ["__count"]
        ):
            by_month[month.month] += count
        # 4.3.3: every fault whose deadline has passed or was met counts
        # (telephony.response.compliance, the one definition).
        outcomes = dict.fromkeys(("in_time", "late", "overdue"), 0)
        outcomes.update(
            self.env["telephony.response.compliance"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("received_at", ">=", start),
                    ("received_at", "<", end),
                ],
                ["outcome"],
                ["__count"],
            )
        )
        judged = sum(outcomes.values())
        usage = self.env["telephony.usage"]
        usage_domain = [
            ("company_id", "=", company.id),
            ("period", ">=", date(year, 1, 1)),
            ("period", "<", date(year + 1, 1, 1)),
        ]
        by_department = {
            department.display_name if department else "": (calls, minutes, cost)
            for department, calls, minutes, cost in usage._read_group(
                usage_domain,
                ["department_id"],
                ["calls:sum", "minutes:sum", "cost:sum"],
            )
        }
        spend = {
            vendor.display_name: (budget, approved, paid)
            for vendor, budget, approved, paid in self.env[
                "telephony.spend"
            ]._read_group(
                [("company_id", "=", company.id), ("year", "=", year)],
                ["vendor_id"],
                ["budget_amount:sum", "approved_amount:sum", "paid_amount:sum"],
            )
        }
        idle = self._idle(company, date(year, 12, 31))
        return {
            # Which kinds of figure the system holds for the year (see
            # _recorded_since): the others read "not recorded", not 0.
            "recorded": {
                kind: first is not None and year >= first
                for kind, first in since.items()
            },
            "tickets": sum(by_category.values()),
            "by_category": by_category,
            "by_vendor": by_vendor,
            "by_month": by_month,
            "in_time": outcomes["in_time"],
            "late": outcomes["late"],
            "overdue": outcomes["overdue"],
            "judged": judged,
            "compliance": (
                round(100.0 * outcomes["in_time"] / judged, 1) if judged else None
            ),
            "vendors": self._vendor_performance(year, start, end, company),
            "usage": by_department,
            "usage_total": tuple(
                sum(values[i] for values in by_department.values()) for i in range(3)
            ),
            "availability": self.env["telephony.outage"]._availability(
                date(year, 1, 1), date(year, 12, 31), company
            ),
            "availability_target": company.telephony_availability_target,
            "spend": spend,
            "reviews": self._compliance_reviews(year, company),
            "training": self._training(year, company),
            "idle_count": idle[0],
            "idle_monthly_cost": idle[1] or 0.0,
        }

    def _idle(self, company, until):
        """Savings found (4.2.5): the extensions and lines idle at the end of
        the year (as of its last imported month), and what they cost a month;
        the same rows as ``telephony.idle.extension`` lists today."""
        idle = self.env["telephony.idle.extension"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT count(*), sum(monthly_cost) FROM (%s) idle"
                " WHERE company_id = %s",
                idle._idle_query(until),
                company.id,
            )
        )
        return self.env.cr.fetchone()

    def _compliance_reviews(self, year, company):
        """Per vendor: reviews closed for periods ending in the year, how many
        found the vendor complying, and the penalties (4.2.4)."""
        reviews = {}
        for vendor, result, count, penalty in self.env[
            "telephony.compliance.review"
        ]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("date_end", ">=", date(year, 1, 1)),
                ("date_end", "<=", date(year, 12, 31)),
            ],
            ["vendor_id", "result"],
            ["__count", "penalty_total:sum"],
        ):
            passed, failed, penalties = reviews.get(vendor.display_name, (0, 0, 0.0))
            if result == "pass":
                passed += count
            else:
                failed += count
            reviews[vendor.display_name] = (passed, failed, penalties + penalty)
        return reviews

    def _training(self, year, company):
        """Sessions held in the year and the employees who attended (4.2.6);
        for the current register, how many holders of a device model are not
        trained on it yet."""
        sessions = self.env["telephony.training.session"].search_count(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("date", ">=", date(year, 1, 1)),
                ("date", "<=", date(year, 12, 31)),
            ]
        )
        [[trained]] = self.env["telephony.training.attendance"]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "attended"),
                ("session_id.state", "=", "done"),
                ("date", ">=", date(year, 1, 1)),
                ("date", "<=", date(year, 12, 31)),
            ],
            [],
            ["employee_id:count_distinct"],
        )
        [[holders]] = self.env["telephony.extension"]._read_group(
            [
                ("company_id", "=", company.id),
                ("employee_id", "!=", False),
                ("device_model_id", "!=", False),
            ],
            [],
            ["employee_id:count_distinct"],
        )
        [[untrained]] = self.env["telephony.training.gap"]._read_group(
            [("company_id", "=", company.id)], [], ["employee_id:count_distinct"]
        )
        return {
            "sessions": sessions,
            "trained": trained,
            "holders": holders,
            "untrained": untrained,
        }

    def _vendor_performance(self, year, start, end, company):
        """Per vendor with calls or outages in the year (4.2.4): the calls
        opened and how many were resolved; the median and 90th percentile of
        the response and the repair times in working hours, as compliance
        reviews measure them (``telephony.vendor.call._telephony_measure``);
        the availability of the vendor's part of the service (its own
        outages)."""
        measured = self.env["telephony.vendor.call"]._telephony_measure(
            company, start, end
        )
        outages = self.env["telephony.outage"]
        vendors = (
            self.env["telephony.vendor"].browse(measured)
            | outages.search(
                [
                    ("company_id", "=", company.id),
                    ("vendor_id", "!=", False),
                    ("start", "<", end),
                    "|",
                    ("end", "=", False),
                    ("end", ">", start),
                ]
            ).vendor_id
        )
        nothing = {"calls": 0, "done": 0, "median_hours": None, "p90_hours": None}
        rows = []
        for vendor in vendors.sorted(
            lambda v: (
                -measured.get(v.id, {}).get("response", nothing)["calls"],
                v.name,
            )
        ):
            response = measured.get(vendor.id, {}).get("response", nothing)
            repair = measured.get(vendor.id, {}).get("repair", nothing)
            rows.append(
                {
                    "vendor": vendor.name,
                    "calls": response["calls"],
                    "resolved": repair["done"],
                    "response_median": response["median_hours"],
                    "response_p90": response["p90_hours"],
                    "repair_median": repair["median_hours"],
                    "repair_p90": repair["p90_hours"],
                    "availability": outages._availability(
                        date(year, 1, 1), date(year, 12, 31), company, vendor
                    ),
                }
            )
        return rows
