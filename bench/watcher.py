"""The 3-hour watcher over 100,000 open telephony tickets.

Quality bar (PRODUCT.md): with nothing due, a run finishes well under a second.
Measured twice: nothing due, and 1% due (half at risk, half breached; one run
handles a batch of up to 200 of each, then re-runs itself). Beside it,
in the same run, raw PostgreSQL: the watcher's "what is due" query through its
partial indexes, and the same query forced to a sequential scan.
Tickets are inserted by SQL in one transaction, which is rolled back.

    bench/run.sh watcher [--db council_test] [--tickets 100000]
"""

import time

from common import environment, parse_args

import odoo

DUE_SQL = """
    SELECT count(*) FROM helpdesk_ticket
     WHERE is_telephony AND response_met_at IS NULL
       AND response_breach_notified_at IS NULL
       AND response_deadline <= (now() at time zone 'utc')
"""


def insert_tickets(env, count, due_share):
    cr = env.cr
    team = env.ref("council_telephony.helpdesk_team_telephony")
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    category = env.ref("council_telephony.category_pbx_fault")
    due = int(count * due_share)
    cr.execute(
        """
        INSERT INTO helpdesk_ticket
            (number, name, description, company_id, team_id, stage_id, category_id,
             is_telephony, active, priority, sequence, received_at,
             response_deadline, response_warning_at, acknowledged_at,
             create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/' || n, 'Bench ' || n, '<p>bench</p>', %(company)s, %(team)s,
               %(stage)s, %(category)s, TRUE, TRUE, '1', 10, %(now)s,
               CASE WHEN n <= %(due)s / 2 THEN %(now)s - interval '1 hour'
                    WHEN n <= %(due)s THEN %(now)s + interval '30 minutes'
                    ELSE %(now)s + interval '2 days' END,
               CASE WHEN n <= %(due)s THEN %(now)s - interval '2 hours'
                    ELSE %(now)s + interval '1 day' END,
               %(now)s, 1, 1, now(), now()
          FROM generate_series(1, %(count)s) AS n
        """,
        {
            "company": env.company.id,
            "team": team.id,
            "stage": stage.id,
            "category": category.id,
            "count": count,
            "due": due,
            "now": odoo.fields.Datetime.now(),
        },
    )
    cr.execute("ANALYZE helpdesk_ticket")
    return due


def timed_sql(cr, seqscan=False):
    if seqscan:
        cr.execute(
            "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off"
        )
    start = time.perf_counter()
    cr.execute(DUE_SQL)
    elapsed = time.perf_counter() - start
    cr.execute("RESET enable_indexscan; RESET enable_bitmapscan")
    return elapsed


def run_watcher(env):
    env.invalidate_all()
    before = odoo.sql_db.sql_counter
    start = time.perf_counter()
    env["helpdesk.ticket"]._cron_watch_response_deadlines()
    env.flush_all()
    return time.perf_counter() - start, odoo.sql_db.sql_counter - before


def main():
    args = parse_args(__doc__, tickets=(int, 100_000))

    rows = []
    for share in (0.0, 0.01):
        with environment(args.db, {"mail_notify_force_send": False}) as env:
            cr = env.cr
            env["helpdesk.ticket"]._cron_watch_response_deadlines()  # demo data's due
            due = insert_tickets(env, args.tickets, share)
            raw_index = timed_sql(cr)
            raw_scan = timed_sql(cr, seqscan=True)
            seconds, queries = run_watcher(env)
            rerun_seconds, rerun_queries = run_watcher(env)
            cr.rollback()
        rows.append(
            (
                share,
                due,
                seconds,
                queries,
                rerun_seconds,
                rerun_queries,
                raw_index,
                raw_scan,
            )
        )

    print(f"open telephony tickets: {args.tickets}")
    print(
        f"{'due':>8}{'watcher s':>11}{'SQL':>7}{'rerun s':>9}{'SQL':>6}"
        f"{'raw index ms':>14}{'raw seqscan ms':>16}"
    )
    for share, due, sec, q, rsec, rq, raw_i, raw_s in rows:
        print(
            f"{due:>8}{sec:>11.3f}{q:>7}{rsec:>9.3f}{rq:>6}"
            f"{raw_i * 1000:>14.1f}{raw_s * 1000:>16.1f}   ({share:.0%} due)"
        )


if __name__ == "__main__":
    main()
