"""The annual report's figures over 200,000 tickets, their vendor calls, two
years of outages and 2,000,000 usage rows.

Quality bar (PRODUCT.md): the annual figures within 1.3x of plain SQL totals,
in bounded memory. Beside ours, in the same run: the same figures by plain
SQL, one query per figure, with the same definitions (3-hour compliance over
every fault past its deadline; vendors' response and repair medians and 90th
percentiles in working hours on the same working time; availability from the
merged outages, by range_agg, of the whole service and of each vendor), and
the figures of both must agree. Each is run three times, alternating; the
best of each is compared. Data is inserted by SQL in one transaction, rolled
back.

    bench/run.sh annual_report [--db council_test] [--tickets 200000] [--usage 2000000]
"""

import io
import time
import tracemalloc
from datetime import date, datetime

from common import environment, parse_args

from odoo.tools import SQL

YEARS = (2026, 2025)


def insert_data(env, tickets, usage):
    cr = env.cr
    team = env.ref("council_telephony.helpdesk_team_telephony")
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    categories = env["helpdesk.ticket.category"].search([("is_telephony", "=", True)])
    vendors = env["telephony.vendor"].search([])
    # Faults over two years, at all hours of the working day and after it;
    # one in seven never called (its deadline passed), the others called 0 to
    # 4 hours after the report.
    cr.execute(
        """
        INSERT INTO helpdesk_ticket
            (number, name, description, company_id, team_id, stage_id, category_id,
             telephony_vendor_id, is_telephony, active, priority, sequence,
             received_at, response_deadline, response_met_at, response_in_time,
             acknowledged_at, create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/' || n, 'Bench', '<p>b</p>', %(company)s, %(team)s, %(stage)s,
               (%(categories)s)[1 + n %% %(ncat)s], (%(vendors)s)[1 + n %% %(nven)s],
               TRUE, TRUE, '1', 10, received, received + interval '3 hours',
               met, met <= received + interval '3 hours', received, 1, 1, now(), now()
          FROM generate_series(1, %(count)s) AS n,
               LATERAL (SELECT timestamp '2025-01-01' + (n %% 730) * interval '1 day'
                               + interval '5 hours'
                               + (n * 37 %% 600) * interval '1 minute' AS received) r,
               LATERAL (SELECT CASE WHEN n %% 7 = 0 THEN NULL
                                    ELSE received + interval '1 hour' * (n %% 5)
                               END AS met) m
        """,
        {
            "company": env.company.id,
            "team": team.id,
            "stage": stage.id,
            "categories": categories.ids,
            "ncat": len(categories),
            "vendors": vendors.ids,
            "nven": len(vendors),
            "count": tickets,
        },
    )
    # A vendor call for each fault called: the vendor takes it up 0 to 8
    # hours later (one in six not yet), repairs 0 to 12 hours after that (one
    # in four not yet).
    cr.execute(
        """
        INSERT INTO telephony_vendor_call
            (name, ticket_id, company_id, vendor_id, channel_type, opened_at,
             opened_by_id, state, responded_at, resolved_at, last_news_at,
             create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/' || t.id, t.id, t.company_id, t.telephony_vendor_id, 'phone',
               t.response_met_at, 1,
               CASE WHEN resolved IS NOT NULL THEN 'resolved'
                    WHEN responded IS NOT NULL THEN 'in_progress' ELSE 'open' END,
               responded, resolved, t.response_met_at, 1, 1, now(), now()
          FROM helpdesk_ticket t,
               LATERAL (SELECT CASE WHEN t.id %% 6 = 0 THEN NULL
                                    ELSE t.response_met_at
                                         + interval '1 hour' * (t.id %% 9)
                               END AS responded) a,
               LATERAL (SELECT CASE WHEN t.id %% 4 = 0 THEN NULL
                                    ELSE responded + interval '1 hour' * (t.id %% 13)
                               END AS resolved) b
         WHERE t.number LIKE %(bench)s AND t.response_met_at IS NOT NULL
           AND t.telephony_vendor_id IS NOT NULL
        """,
        {"bench": "BENCH/%"},
    )
    # Two outages a week, a fifth of them recorded twice; the whole system,
    # or a site at half; each vendor's in turn, or the IT division's.
    cr.execute(
        """
        INSERT INTO telephony_outage
            (cause, company_id, start, "end", scope, site, affected_share, planned,
             vendor_id, create_uid, write_uid, create_date, write_date)
        SELECT 'Bench ' || k, %(company)s, start,
               start + (k %% 7 + 1) * interval '1 hour',
               CASE WHEN k %% 3 = 0 THEN 'site' ELSE 'system' END,
               CASE WHEN k %% 3 = 0 THEN 'Town hall' END,
               CASE WHEN k %% 3 = 0 THEN 50 ELSE 100 END, FALSE,
               (ARRAY[%(first)s, %(second)s, NULL])[1 + k %% 3], 1, 1, now(), now()
          FROM generate_series(1, 200) AS k,
               LATERAL generate_series(1, CASE WHEN k %% 5 = 0 THEN 2 ELSE 1 END) AS c,
               LATERAL (SELECT timestamp '2025-01-01' + k * interval '87 hours'
                               + (c - 1) * interval '30 minutes' AS start) s
        """,
        {"company": env.company.id, "first": vendors[0].id, "second": vendors[1].id},
    )
    departments = env["hr.department"].search([]).ids or [None]
    buffer = io.StringIO()
    # Two years of months, each number once a month (as the import stores
    # them: a unique index).
    for n in range(usage):
        department = departments[n % len(departments)] or ""
        month = n % 24
        buffer.write(
            f"{env.company.id},{2025 + month // 12}-{1 + month % 12:02d}-01,"
            f"{100000 + n // 24},,{department},{n % 40},{n % 200},{(n % 500) / 10}\n"
        )
    buffer.seek(0)
    cr._obj.copy_expert(
        """COPY telephony_usage (company_id, period, number, extension_id,
               department_id, calls, minutes, cost) FROM STDIN WITH (FORMAT csv)""",
        buffer,
    )
    cr.execute(
        "ANALYZE helpdesk_ticket; ANALYZE telephony_vendor_call; "
        "ANALYZE telephony_outage; ANALYZE telephony_usage"
    )
    return vendors[:2]


def plain_sql(env, year, now, vendors):
    """The year's figures, one plain query each, the same definitions."""
    cr = env.cr
    company = env.company
    start, end = env["telephony.annual.figures"]._bounds(year, company)
    period = {"start": start, "end": end, "now": now, "company": company.id}
    figures = {}
    for key, column in (
        ("by_month", "date_trunc('month', received_at)"),
        ("by_category", "category_id"),
        ("by_vendor", "telephony_vendor_id"),
    ):
        cr.execute(
            f"""SELECT {column}, count(*) FROM helpdesk_ticket
                 WHERE is_telephony AND company_id = %(company)s
                   AND received_at >= %(start)s AND received_at < %(end)s
                 GROUP BY 1""",
            period,
        )
        figures[key] = cr.fetchall()
    cr.execute(
        """SELECT count(*) FILTER (WHERE response_in_time), count(*)
             FROM helpdesk_ticket
            WHERE is_telephony AND company_id = %(company)s
              AND received_at >= %(start)s AND received_at < %(end)s
              AND (response_met_at IS NOT NULL OR response_deadline <= %(now)s)""",
        period,
    )
    figures["compliance"] = cr.fetchone()
    cr.execute(
        """SELECT department_id, sum(calls), sum(minutes), sum(cost)
             FROM telephony_usage
            WHERE company_id = %(company)s
              AND period >= %(first)s AND period < %(next)s GROUP BY 1""",
        {**period, "first": date(year, 1, 1), "next": date(year + 1, 1, 1)},
    )
    figures["usage"] = cr.fetchall()
    cr.execute(
        """SELECT min(opened_at), max(COALESCE(resolved_at, %(now)s))
             FROM telephony_vendor_call
            WHERE opened_at >= %(start)s AND opened_at < %(end)s""",
        period,
    )
    first, last = cr.fetchone()
    # The council's working time, and the working seconds before each piece;
    # where each moment falls in it, found once per moment.
    intervals = company._telephony_work_intervals(first, last)
    starts = [begin for begin, _stop in intervals]
    stops = [stop for _begin, stop in intervals]
    lengths = [(stop - begin).total_seconds() for begin, stop in intervals]
    before = [sum(lengths[:index]) for index in range(len(lengths))]

    def seconds(moment):
        return f"""(CASE WHEN {moment}_at = 0 THEN 0
                    ELSE (%(before)s)[{moment}_at]
                         + EXTRACT(EPOCH FROM LEAST({moment},
                             (%(stops)s)[{moment}_at]) - (%(starts)s)[{moment}_at])
                    END)"""

    cr.execute(
        f"""WITH calls AS MATERIALIZED (
                SELECT vendor_id, opened_at, responded_at, resolved_at,
                       width_bucket(opened_at, %(starts)s) AS opened_at_at,
                       width_bucket(responded_at, %(starts)s) AS responded_at_at,
                       width_bucket(resolved_at, %(starts)s) AS resolved_at_at
                  FROM telephony_vendor_call
                 WHERE company_id = %(company)s AND state != 'cancelled'
                   AND opened_at >= %(start)s AND opened_at < %(end)s
            ), timed AS MATERIALIZED (
                SELECT vendor_id,
                       ({seconds("responded_at")} - {seconds("opened_at")}) / 3600.0
                           AS response,
                       ({seconds("resolved_at")} - {seconds("opened_at")}) / 3600.0
                           AS repair
                  FROM calls
            )
            SELECT vendor_id, count(*), count(response), count(repair),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY response),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY repair)
              FROM timed
             GROUP BY vendor_id""",
        {**period, "starts": starts, "stops": stops, "before": before},
    )
    figures["vendors"] = {row[0]: row[1:] for row in cr.fetchall()}
    # Availability: the merged time the whole system was down, and the site's
    # merged time outside it, at its share.
    for vendor in (None, *vendors):
        cr.execute(
            """WITH o AS (
                   SELECT scope, tsrange(GREATEST(start, %(start)s),
                                         LEAST(COALESCE("end", %(now)s), %(end)s))
                              AS down, affected_share
                     FROM telephony_outage
                    WHERE company_id = %(company)s AND NOT planned
                      AND start < %(end)s AND COALESCE("end", %(now)s) > %(start)s
                      AND (%(vendor)s::int IS NULL OR vendor_id = %(vendor)s)
               ), merged AS (
                   SELECT COALESCE((SELECT range_agg(down) FROM o
                                     WHERE scope = 'system'),
                                   '{}'::tsmultirange) AS whole,
                          COALESCE((SELECT range_agg(down) FROM o
                                     WHERE scope = 'site'),
                                   '{}'::tsmultirange) AS site
               )
               SELECT COALESCE((SELECT sum(EXTRACT(EPOCH FROM upper(r) - lower(r)))
                                  FROM merged, unnest(whole) r), 0)
                      + 0.5 * COALESCE((
                          SELECT sum(EXTRACT(EPOCH FROM upper(r) - lower(r)))
                            FROM merged, unnest(site - whole) r), 0)""",
            {**period, "vendor": vendor.id if vendor else None},
        )
        downtime = float(cr.fetchone()[0])
        figures[f"availability {vendor.name if vendor else ''}"] = round(
            100 * (1 - downtime / (end - start).total_seconds()), 3
        )
    return figures


def plain_idle(env):
    """Today's idle lines: the view's own query, summed."""
    env.cr.execute(
        SQL(
            "SELECT count(*), sum(monthly_cost) FROM %s AS idle WHERE company_id = %s",
            env["telephony.idle.extension"]._table_sql,
            env.company.id,
        )
    )
    return env.cr.fetchone()


def main():
    args = parse_args(__doc__, tickets=(int, 200_000), usage=(int, 2_000_000))
    with environment(args.db) as env:
        cr = env.cr
        vendors = insert_data(env, args.tickets, args.usage)
        now = datetime.now()
        ours_times, raw_times, peaks = [], [], []
        for _round in range(3):
            env.invalidate_all()
            tracemalloc.start()
            start = time.perf_counter()
            figures = env["telephony.annual.figures"]._figures(2026)
            ours_times.append(time.perf_counter() - start)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            start = time.perf_counter()
            raw = {year: plain_sql(env, year, now, vendors) for year in YEARS}
            idle = plain_idle(env)
            raw_times.append(time.perf_counter() - start)
        this = figures["this"]
        # Both ways give the same figures.
        assert (this["in_time"], this["judged"]) == raw[2026]["compliance"]
        assert this["availability"] == raw[2026]["availability "], (
            this["availability"],
            raw[2026]["availability "],
        )
        assert (this["idle_count"], this["idle_monthly_cost"]) == (
            idle[0],
            idle[1] or 0.0,
        )
        rows = {row["vendor"]: row for row in this["vendors"]}
        for vendor in vendors:
            row = rows[vendor.name]
            assert row["availability"] == raw[2026][f"availability {vendor.name}"]
            calls, responded, repaired, response, repair = raw[2026]["vendors"][
                vendor.id
            ]
            assert (row["calls"], row["resolved"]) == (calls, repaired)
            for key, (median, p90) in (("response", response), ("repair", repair)):
                assert abs(row[f"{key}_median"] - median) < 1e-9, (row, median)
                assert abs(row[f"{key}_p90"] - p90) < 1e-9, (row, p90)
        cr.rollback()

    calls_2026 = sum(row["calls"] for row in this["vendors"])
    ours, baseline = min(ours_times), min(raw_times)
    print(
        f"tickets: {args.tickets}  vendor calls (2026): {calls_2026}  "
        f"usage rows: {args.usage}"
    )
    print(
        f"figures for 2026 and 2025 (ours): {ours:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in ours_times)}), "
        f"Python memory peak {max(peaks) / 1e6:.1f} MB"
    )
    print(
        f"the same figures in plain SQL, two years: {baseline:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in raw_times)})"
    )
    print(f"ours / plain SQL: {ours / baseline:.2f}x (bar: 1.3x)")
    print(
        f"2026: faults {this['tickets']}, 3-hour compliance {this['compliance']}% "
        f"({this['in_time']} of {this['judged']}), availability "
        f"{this['availability']}%, usage cost {this['usage_total'][2]:.0f}"
    )
    for row in this["vendors"]:
        print(
            f"  {row['vendor']}: {row['calls']} calls, response median "
            f"{row['response_median']:.2f} h / p90 {row['response_p90']:.2f} h, "
            f"repair median {row['repair_median']:.2f} h / p90 "
            f"{row['repair_p90']:.2f} h, availability {row['availability']}%"
        )


if __name__ == "__main__":
    main()
