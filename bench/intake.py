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

ROUNDS = 40


def queries():
    return odoo.sql_db.sql_counter


def measure(env, make_vals, count):
    """Seconds spent and SQL queries per ticket, creating ``count`` tickets."""
    tickets = env["helpdesk.ticket"].with_context(mail_notify_force_send=False)
    per_ticket_queries = []
    start = time.perf_counter()
    for index in range(count):
        before = queries()
        tickets.create(make_vals(index))
        env.flush_all()
        per_ticket_queries.append(queries() - before)
    return time.perf_counter() - start, per_ticket_queries


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
        # Both kinds in alternating rounds, so that the load of other
        # processes on the machine falls on both alike.
        results = {"plain": [0.0, []], "telephony": [0.0, []]}
        for _round in range(ROUNDS):
            for label, make_vals in (("plain", plain), ("telephony", telephony)):
                seconds, per_ticket = measure(env, make_vals, args.count // ROUNDS)
                results[label][0] += seconds
                results[label][1] += per_ticket
        cr.rollback()

    print(f"tickets per kind: {args.count // ROUNDS * ROUNDS} in {ROUNDS} rounds")
    print(f"{'':24}{'ms/ticket':>10}{'SQL/ticket (min-max)':>24}")
    ms = {}
    for label, title in (("plain", "plain helpdesk_mgmt"), ("telephony", "telephony")):
        seconds, qs = results[label]
        ms[label] = seconds / len(qs) * 1000
        spread = f"{statistics.median(qs):.0f} ({min(qs)}-{max(qs)})"
        print(f"{title:24}{ms[label]:>10.2f}{spread:>24}")
    print(f"ratio telephony/plain: {ms['telephony'] / ms['plain']:.2f} (bar: 1.30)")
    tel_q = results["telephony"][1]
    print(f"telephony SQL constant: {min(tel_q) == max(tel_q)}")


if __name__ == "__main__":
    main()
