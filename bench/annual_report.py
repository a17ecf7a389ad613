"""The annual report's figures over 200,000 tickets and 2,000,000 usage rows.

Quality bar (PRODUCT.md): the figures are gathered in seconds, in bounded
memory. Beside ours, in the same run: the same totals by plain SQL (one
GROUP BY per figure). Data is inserted by SQL in one transaction, rolled back.

    bench/run.sh annual_report [--db council_test] [--tickets 200000] [--usage 2000000]
"""

import io
import time
import tracemalloc

from common import environment, parse_args


def insert_data(env, tickets, usage):
    cr = env.cr
    team = env.ref("council_telephony.helpdesk_team_telephony")
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    categories = env["helpdesk.ticket.category"].search([("is_telephony", "=", True)])
    vendors = env["telephony.vendor"].search([])
    cr.execute(
        """
        INSERT INTO helpdesk_ticket
            (number, name, description, company_id, team_id, stage_id, category_id,
             telephony_vendor_id, is_telephony, active, priority, sequence,
             received_at, response_deadline, response_met_at, response_in_time,
             response_compliance, acknowledged_at, create_uid, write_uid,
             create_date, write_date)
        SELECT 'BENCH/' || n, 'Bench', '<p>b</p>', %(company)s, %(team)s, %(stage)s,
               (%(categories)s)[1 + n %% %(ncat)s], (%(vendors)s)[1 + n %% %(nven)s],
               TRUE, TRUE, '1', 10, received, received + interval '3 hours',
               received + interval '1 hour' * (n %% 5), n %% 5 < 3,
               CASE WHEN n %% 5 < 3 THEN 100 ELSE 0 END, received, 1, 1, now(), now()
          FROM generate_series(1, %(count)s) AS n,
               LATERAL (SELECT timestamp '2025-01-01' + (n %% 730) * interval '1 day'
                               + interval '8 hours' AS received) r
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
    cr.execute("ANALYZE helpdesk_ticket; ANALYZE telephony_usage")


RAW = [
    """SELECT date_trunc('month', received_at), count(*) FROM helpdesk_ticket
        WHERE is_telephony
          AND received_at >= '2026-01-01' AND received_at < '2027-01-01'
        GROUP BY 1""",
    """SELECT category_id, count(*) FROM helpdesk_ticket
        WHERE is_telephony
          AND received_at >= '2026-01-01' AND received_at < '2027-01-01'
        GROUP BY 1""",
    """SELECT telephony_vendor_id, count(*) FROM helpdesk_ticket
        WHERE is_telephony
          AND received_at >= '2026-01-01' AND received_at < '2027-01-01'
        GROUP BY 1""",
    """SELECT response_in_time, count(*) FROM helpdesk_ticket
        WHERE is_telephony AND response_met_at IS NOT NULL
          AND received_at >= '2026-01-01' AND received_at < '2027-01-01' GROUP BY 1""",
    """SELECT department_id, sum(calls), sum(minutes), sum(cost) FROM telephony_usage
        WHERE period >= '2026-01-01' AND period < '2027-01-01' GROUP BY 1""",
]


def main():
    args = parse_args(__doc__, tickets=(int, 200_000), usage=(int, 2_000_000))
    with environment(args.db) as env:
        cr = env.cr
        insert_data(env, args.tickets, args.usage)
        env.invalidate_all()
        tracemalloc.start()
        start = time.perf_counter()
        figures = env["telephony.annual.figures"]._figures(2026)
        ours = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        start = time.perf_counter()
        for query in RAW:
            cr.execute(query)
            cr.fetchall()
        raw = (time.perf_counter() - start) * 2  # ours computes two years
        cr.rollback()

    print(f"tickets: {args.tickets}  usage rows: {args.usage}")
    print(
        f"figures for 2026 and 2025 (ours): {ours:.2f} s, "
        f"Python memory peak {peak / 1e6:.1f} MB"
    )
    print(f"the same totals in plain SQL, two years: {raw:.2f} s")
    print(
        f"2026 tickets counted: {figures['this']['tickets']}, "
        f"usage cost: {figures['this']['usage_total'][2]:.0f}"
    )


if __name__ == "__main__":
    main()
