"""Intake cost: creating a telephony ticket beside a plain helpdesk_mgmt ticket.

Quality bar (PRODUCT.md): a telephony ticket costs at most 1.3x the time of a plain
helpdesk_mgmt ticket measured in the same run, with a constant number of SQL queries.
Both are created in the same database and transaction, which is rolled back.

    bench/run.sh intake [--db council_test] [--count 200]
"""

import statistics
import time

from common import environment, parse_args

import odoo


def queries():
    return odoo.sql_db.sql_counter


def measure(env, make_vals, count):
    tickets = env["helpdesk.ticket"].with_context(mail_notify_force_send=False)
    per_ticket_queries = []
    start = time.perf_counter()
    for index in range(count):
        before = queries()
        tickets.create(make_vals(index))
        env.flush_all()
        per_ticket_queries.append(queries() - before)
    elapsed = time.perf_counter() - start
    return elapsed / count * 1000, per_ticket_queries


def main():
    args = parse_args(__doc__, count=(int, 200))
    with environment(args.db) as env:
        cr = env.cr
        reporter = env.ref("base.partner_admin")
        plain_team = env["helpdesk.ticket.team"].create({"name": "Bench plain team"})
        device = env.ref("council_telephony.category_device_fault")
        extension = env["telephony.extension"].create({"number": "9001"})

        def plain(index):
            return {
                "name": f"Printer jam {index}",
                "description": "<p>Paper jam on floor 2.</p>",
                "team_id": plain_team.id,
                "partner_id": reporter.id,
            }

        def telephony(index):
            return {
                "name": f"No dial tone {index}",
                "description": "<p>No dial tone since this morning.</p>",
                "category_id": device.id,
                "telephony_number": extension.number,
                "partner_id": reporter.id,
            }

        # Warm both paths (caches, templates) before measuring.
        measure(env, plain, 5)
        measure(env, telephony, 5)
        plain_ms, plain_q = measure(env, plain, args.count)
        tel_ms, tel_q = measure(env, telephony, args.count)
        cr.rollback()

    print(f"tickets per kind: {args.count}")
    print(f"{'':24}{'ms/ticket':>10}{'SQL/ticket (min-max)':>24}")
    for label, ms, qs in (
        ("plain helpdesk_mgmt", plain_ms, plain_q),
        ("telephony", tel_ms, tel_q),
    ):
        spread = f"{statistics.median(qs):.0f} ({min(qs)}-{max(qs)})"
        print(f"{label:24}{ms:>10.2f}{spread:>24}")
    print(f"ratio telephony/plain: {tel_ms / plain_ms:.2f} (bar: 1.30)")
    print(f"telephony SQL constant: {min(tel_q) == max(tel_q)}")


if __name__ == "__main__":
    main()
