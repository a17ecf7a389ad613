"""What one portal report costs the servers: the load benchmark's forms,
posted one at a time in one process, in turn.

The load benchmark's throughput moves by up to ±0.07 from run to run on a
machine whose two CPUs are shared; what a report costs moves much less, and
that is what the throughput follows when the servers are busy. Here every
form's database is served by the same Odoo, in this process (Odoo's WSGI
application, each database reached by its own host name), and the reports
are posted to the forms in turn, one after the other, so that whatever else
the machine does falls on all alike. Measured per report stored:

- Odoo's CPU: this process's, around each request (routing, session, the
  form's checks, the ticket and its messages, commit);
- PostgreSQL's CPU: that of the form's database connections over the run;
- the SQL queries Odoo sent.

The forms and their databases are the load benchmark's (its copies, with
the same portal users, fault kind, extension or team, made by the same
functions): the telephony form; helpdesk_mgmt's form on the same apps with
its IT team (the bar's baseline); the same without a team; helpdesk_mgmt
alone (``--helpdesk_alone``). Every report must then be stored once, for
its sender.

    bench/run.sh report_cpu [--db council_test] [--reports 300]
"""

import sys
import time
import uuid

import psutil
from common import parse_args
from load import (
    CSRF,
    PASSWORD,
    TICKET_URL,
    copy_database,
    cpu_used,
    prepare_plain,
    prepare_plain_team,
    prepare_telephony,
    report_data,
    verify,
)
from werkzeug.test import Client

import odoo
import odoo.http

ADDRESS = {"REMOTE_ADDR": "127.0.0.1"}


def backends_cpu(db):
    """CPU seconds used so far by the PostgreSQL connections to ``db``, and
    which connections they are."""
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db])
        pids = sorted(row[0] for row in cr.fetchall())
    return cpu_used(psutil.Process(pid) for pid in pids), pids


class Form:
    """A copied database, its reporter logged in through this process's
    Odoo, and what its reports cost."""

    def __init__(self, label, letter, source, users, prepare):
        self.label, self.letter = label, letter
        self.db = f"{source}_cpu_{letter.lower()}"
        print(f"copying {source} to {self.db}")
        copy_database(source, self.db)
        reporters, self.category = prepare(self.db, users)
        self.login = sorted(reporters)[0]
        self.partner, self.fields = reporters[self.login]
        self.url = f"http://{self.db}.localhost/"
        self.client = Client(odoo.http.root)
        self.client.set_cookie("frontend_lang", "he_IL")
        page = self.get("/web/login")
        self.client.post(
            "/web/login",
            data={
                "login": self.login,
                "password": PASSWORD,
                "csrf_token": CSRF.search(page.get_data(as_text=True))[1],
            },
            environ_base=ADDRESS,
            base_url=self.url,
        )
        token = CSRF.search(self.get("/new/ticket").get_data(as_text=True))
        if not token:
            sys.exit(f"{self.login} could not open the new-ticket form of {self.db}")
        self.token = token[1]
        self.results, self.odoo_seconds, self.queries = [], 0.0, 0

    def get(self, path):
        return self.client.get(
            path, environ_base=ADDRESS, base_url=self.url, follow_redirects=True
        )

    def report(self, marker):
        """Post one report; return (ticket id or None, error or None)."""
        response = self.client.post(
            "/submitted/ticket",
            data=report_data(self.token, self.category, marker, self.fields),
            environ_base=ADDRESS,
            base_url=self.url,
        )
        found = TICKET_URL.search(response.headers.get("Location", ""))
        if response.status_code in (302, 303) and found:
            return int(found[1]), None
        return None, f"HTTP {response.status_code}"

    def measured_report(self, marker):
        queries, start = odoo.sql_db.sql_counter, time.process_time()
        ticket, error = self.report(marker)
        self.odoo_seconds += time.process_time() - start
        self.queries += odoo.sql_db.sql_counter - queries
        self.results.append((marker, self.login, 0.0, ticket, error))


def main():
    args = parse_args(
        __doc__,
        baseline=(str, "council_apps"),
        helpdesk_alone=(str, ""),
        reports=(int, 300),
    )
    # One Odoo for every form's database, each reached by its host name.
    odoo.tools.config["dbfilter"] = "^%d$"
    specs = [
        ("telephony fault", "T", args.db, prepare_telephony),
        ("helpdesk_mgmt, apps", "A", args.baseline, prepare_plain_team),
        ("same, no team", "N", args.baseline, prepare_plain),
    ]
    if args.helpdesk_alone:
        specs.append(("helpdesk_mgmt alone", "P", args.helpdesk_alone, prepare_plain))
    run = uuid.uuid4().hex[:8]
    forms, problems = [], []
    try:
        for label, letter, source, prepare in specs:
            forms.append(Form(label, letter, source, 1, prepare))
        for form in forms:
            # Warm this process's caches on each form before measuring.
            for index in range(10):
                form.report(f"CPU-{run}-{form.letter}W-{index}")
        postgres_before = {form.letter: backends_cpu(form.db) for form in forms}
        for index in range(args.reports):
            # In turn, each form first as often as last.
            order = forms if index % 2 else forms[::-1]
            for form in order:
                form.measured_report(f"CPU-{run}-{form.letter}-{index:05d}")
        postgres_ms = {}
        for form in forms:
            used, pids = backends_cpu(form.db)
            before, pids_before = postgres_before[form.letter]
            if pids != pids_before:
                sys.exit(f"{form.db}: Odoo's connections changed during the run")
            postgres_ms[form.letter] = 1000 * (used - before) / args.reports
            missing, duplicated, misplaced = verify(
                form.db,
                f"CPU-{run}-{form.letter}",
                form.results,
                {form.login: form.partner},
            )
            problems += [f"{form.label}: missing {m}" for m in missing]
            problems += [f"{form.label}: duplicated {m}" for m in duplicated]
            problems += [f"{form.label}: misplaced {m}" for m in misplaced]
            problems += [f"{form.label}: {r[0]} {r[4]}" for r in form.results if r[4]]
    finally:
        odoo.sql_db.close_all()
        for form in forms:
            odoo.service.db.exp_drop(form.db)

    print(
        f"{args.reports} reports per form, one at a time, the forms in turn, "
        "in one process"
    )
    print(f"{'form':22}{'Odoo ms':>9}{'PG ms':>8}{'total':>8}{'queries':>9}")
    total = {}
    for form in forms:
        odoo_ms = 1000 * form.odoo_seconds / args.reports
        total[form.letter] = odoo_ms + postgres_ms[form.letter]
        print(
            f"{form.label:22}{odoo_ms:>9.1f}{postgres_ms[form.letter]:>8.1f}"
            f"{total[form.letter]:>8.1f}{form.queries / args.reports:>9.1f}"
        )
    print(
        "CPU a report, telephony/helpdesk_mgmt on the same apps, with its IT "
        f"team: {total['T'] / total['A']:.3f} (the load bar of 0.9x the "
        f"throughput is about 1.11x); without a team: {total['T'] / total['N']:.3f}"
    )
    if "P" in total:
        print(
            "CPU a report, telephony/helpdesk_mgmt alone (reference): "
            f"{total['T'] / total['P']:.3f}"
        )
    print(f"every report stored exactly once, for its sender: {not problems}")
    for line in problems[:20]:
        print(f"  {line}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
