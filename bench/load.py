"""Many employees reporting at once: concurrent portal reports over loopback.

Quality bar (PRODUCT.md): concurrent portal reports all arrive, and the phone
fault form keeps at least 0.9x the throughput of plain helpdesk_mgmt's form.

Four databases, each served by its own Odoo with the same options
(``--workers``, no cron threads) on the local cluster, all running for the
whole benchmark:

- the telephony form: a copy of the benchmark database (addons and demo data).
  Its reports go to the IT division's telephony team, whose e-mail alias
  (on the alias domain) takes the replies;
- the baseline, plain helpdesk_mgmt on the council's Odoo as a council runs it:
  a copy of ``--baseline``, a database with helpdesk_mgmt and the apps our
  addons depend on (accounting, employees, tier validation: a council runs
  them anyway, for treasury and its staff) but not our addons, with an alias
  domain and an IT team with its alias, which helpdesk_mgmt's portal form
  offers and the reporters choose. The bar is read against it: what our
  addons cost, everything else alike, a team and its mail included;
- for reference, the same database without the team and alias domain (the
  portal's reports reach no team: cheaper, as no team's followers, alias or
  name are read), the baseline of the load benchmark until December 2026;
- for reference, helpdesk_mgmt alone: a copy of ``--helpdesk_alone`` (empty:
  left out), which also counts what the other apps cost every request.

``bench/run.sh load`` makes both baselines once, with the same Odoo and
configuration, and reuses them afterwards. The telephony form offers the phone
fault kinds only, so a plain ticket cannot be measured through it: the
baseline is the same portal form without the addons.

The same portal users (``--users``), in Hebrew as the council's employees, are
added to every copy and log in. The same client threads (``--concurrency``)
then post the portal's new-ticket form (``/submitted/ticket``, with its CSRF
token, a unique marker as its subject) to one server after the other, in
``--rounds`` alternating rounds that share ``--seconds`` per form, so that the
load of other processes on the machine falls on all alike. Afterwards each
database must hold every report exactly once, for the user who sent it, with
its own ticket number, and no request may have failed. Printed: reports per
second and latency percentiles per form, and the throughput ratios; and the
CPU a report cost each form's Odoo and PostgreSQL (their processes' CPU time
over the measured rounds, per report stored), which moves less than the
throughput when the machine's CPUs are shared.

    bench/run.sh load [--db council_test] [--workers 4] [--users 50]
                      [--concurrency 20] [--seconds 30] [--rounds 3] [--keep 0]
                      [--helpdesk_alone council_plain]

The source databases must have no open connections (they are copied as
templates). The copies are dropped afterwards unless ``--keep 1``.
"""

import itertools
import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests
from common import environment, parse_args

import odoo

PASSWORD = "load-portal"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TICKET_URL = re.compile(r"/my/ticket/(\d+)$")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_database(source, target):
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [source])
        if cr.fetchone()[0]:
            sys.exit(f"database {source} is in use: close its connections first")
    odoo.service.db.exp_drop(target)
    odoo.service.db.exp_duplicate_database(source, target)


def add_portal_users(env, users):
    """The benchmark's portal users, all with the same password, in Hebrew:
    returns {login: user}."""
    portal = env.ref("base.group_portal")
    created = {}
    for index in range(users):
        login = f"load_portal_{index:03d}"
        created[login] = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"Load reporter {index}",
                    "login": login,
                    "email": f"{login}@council.test",
                    "lang": "he_IL",
                    "groups_id": [(6, 0, portal.ids)],
                }
            )
        )
    # One hash for all: hashing is deliberately slow, once is enough here.
    env.cr.execute(
        "UPDATE res_users SET password = %s WHERE login = ANY(%s)",
        [env["res.users"]._crypt_context().hash(PASSWORD), list(created)],
    )
    return created


def prepare_telephony(db, users):
    """Portal users, each an employee with an extension of the register.
    Returns ({login: (partner id, form fields)}, the device fault kind's id):
    each reporter's form carries their extension."""
    with environment(db) as env:
        reporters = {}
        for index, (login, user) in enumerate(add_portal_users(env, users).items()):
            employee = env["hr.employee"].create(
                {"name": user.name, "user_id": user.id}
            )
            number = str(7000 + index)
            env["telephony.extension"].create(
                {"number": number, "employee_id": employee.id}
            )
            reporters[login] = (
                user.partner_id.id,
                {"telephony_number": number, "telephony_location": "בניין העירייה"},
            )
        category = env.ref("council_telephony.category_device_fault").id
        env.cr.commit()
    return reporters, category


def prepare_plain(db, users, team=False):
    """The same portal users, and a category offered on the portal form as
    the council's form offers its fault kinds; with ``team``, also an alias
    domain and an IT team with its e-mail alias, offered on the form and
    chosen by every reporter, as the telephony form's reports go to its team.
    Returns ({login: (partner id, form fields)}, the category's id)."""
    with environment(db) as env:
        fields = {}
        if team:
            if not env.company.alias_domain_id:
                env.company.alias_domain_id = env["mail.alias.domain"].create(
                    {"name": "council.example"}
                )
            env.company.helpdesk_mgmt_portal_select_team = True
            it_team = env["helpdesk.ticket.team"].create(
                {
                    "name": "Load: IT division",
                    "alias_name": "load-it",
                    "show_in_portal": True,
                }
            )
            fields = {"team": str(it_team.id)}
        reporters = {
            login: (user.partner_id.id, fields)
            for login, user in add_portal_users(env, users).items()
        }
        env.company.helpdesk_mgmt_portal_select_category = True
        category = env["helpdesk.ticket.category"].create({"name": "Load: printer"}).id
        env.cr.commit()
    return reporters, category


def prepare_plain_team(db, users):
    return prepare_plain(db, users, team=True)


class Server:
    """Odoo with workers on free loopback ports; its output in .local/."""

    def __init__(self, config, db, workers, log):
        self.port = free_port()
        self.log = log
        command = [
            sys.executable,
            str(Path(__file__).with_name("odoo_server.py")),
            "server",
            "-c",
            config,
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            "--log-level=warn",
        ]
        with open(log, "w", encoding="utf-8") as output:
            self.process = subprocess.Popen(
                command, stdout=output, stderr=output, start_new_session=True
            )
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            self._wait_answer()
        except BaseException:
            self.stop()
            raise

    def _wait_answer(self):
        # The first page builds the assets: slow on a busy machine.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/web/login", timeout=60).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self.process.poll() is not None:
                sys.exit(f"Odoo stopped at start: see {self.log}")
            time.sleep(1)
        sys.exit(f"Odoo did not answer within 300 s: see {self.log}")

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def errors(self):
        text = Path(self.log).read_text(encoding="utf-8", errors="replace")
        return [
            line
            for line in text.splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
        ]


def log_in(url, login):
    session = requests.Session()
    session.cookies.set("frontend_lang", "he_IL")
    page = session.get(f"{url}/web/login", timeout=60)
    done = session.post(
        f"{url}/web/login",
        data={
            "login": login,
            "password": PASSWORD,
            "csrf_token": CSRF.search(page.text)[1],
            "redirect": "/new/ticket",
        },
        timeout=60,
    )
    token = CSRF.search(done.text)
    if not done.url.endswith("/new/ticket") or not token:
        sys.exit(f"{login} could not log in and open the new-ticket form")
    session.csrf_token = token[1]
    session.login = login
    return session


def report_data(token, category, marker, fields):
    """The new-ticket form as a reporter posts it: its token, the kind, a
    unique marker as subject, and the reporter's own ``fields``."""
    return {
        "csrf_token": token,
        "category": str(category),
        "subject": marker,
        "description": "אין צליל חיוג מאז הבוקר.",
        **fields,
    }


def run_phase(url, sessions, fields, category, prefix, seconds, concurrency):
    """Post reports until ``seconds`` passed; return one tuple per request:
    (marker, login, latency, ticket id or None, error or None). Each sender's
    report carries their own form fields (``fields``: login → dict): a phone
    fault its extension, a plain report its team."""
    idle = queue.Queue()
    for session in sessions:
        idle.put(session)
    serial = itertools.count(1)
    results = []
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            session = idle.get()
            marker = f"{prefix}-{next(serial):06d}"
            data = report_data(
                session.csrf_token, category, marker, fields[session.login]
            )
            start = time.perf_counter()
            ticket = error = None
            try:
                response = session.post(
                    f"{url}/submitted/ticket",
                    data=data,
                    allow_redirects=False,
                    timeout=120,
                )
                found = TICKET_URL.search(response.headers.get("Location", ""))
                if response.status_code in (302, 303) and found:
                    ticket = int(found[1])
                else:
                    error = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                error = type(exc).__name__
            results.append(
                (marker, session.login, time.perf_counter() - start, ticket, error)
            )
            idle.put(session)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def verify(db, prefix, results, partners):
    """What the database holds against what was sent: (missing, duplicated,
    misplaced) markers, where misplaced means another ticket or reporter than
    the one answered, or a ticket number used twice."""
    with environment(db) as env:
        env.cr.execute(
            "SELECT name, id, partner_id, number FROM helpdesk_ticket "
            "WHERE name LIKE %s",
            [f"{prefix}-%"],
        )
        rows = env.cr.fetchall()
    stored = {}
    for name, ticket, partner, number in rows:
        stored.setdefault(name, []).append((ticket, partner, number))
    sent = {marker: (login, ticket) for marker, login, _, ticket, _ in results}
    missing = [m for m, (_, ticket) in sent.items() if ticket and m not in stored]
    duplicated = [m for m, found in stored.items() if len(found) > 1]
    numbers = [number for _, _, number in itertools.chain(*stored.values())]
    misplaced = [
        m
        for m, found in stored.items()
        if found[0][0] != sent[m][1] or found[0][1] != partners[sent[m][0]]
    ] + ([] if len(set(numbers)) == len(numbers) else ["ticket numbers reused"])
    return missing, duplicated, misplaced


def figures(label, results, elapsed):
    latencies = sorted(r[2] * 1000 for r in results if not r[4])
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    errors = sum(1 for r in results if r[4])
    return (
        f"{label:22}{len(results):>8}{len(results) / elapsed:>8.1f}"
        f"{cuts[49]:>8.0f}{cuts[89]:>8.0f}{cuts[98]:>8.0f}{errors:>8}"
    )


def cpu_used(processes):
    """CPU seconds used so far by ``processes`` (those gone count nothing)."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def cpu_seconds(server):
    """CPU seconds used so far by ``server``'s Odoo (its processes) and by
    PostgreSQL (every process of the cluster: one form runs at a time)."""

    odoo_server = psutil.Process(server.process.pid)
    postgres = [
        p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"
    ]
    return cpu_used([odoo_server, *odoo_server.children(recursive=True)]), cpu_used(
        postgres
    )


class Form:
    """One side of the comparison: a copied database, its Odoo, its logged-in
    reporters and what each round measured."""

    def __init__(self, label, letter, source, args, prepare):
        self.label, self.letter = label, letter
        self.db = f"{source}_load_{letter.lower()}"
        print(f"copying {source} to {self.db} and adding {args.users} portal users")
        copy_database(source, self.db)
        self.reporters, self.category = prepare(self.db, args.users)
        log = Path(odoo.tools.config["data_dir"]).parent / f"bench-load-{self.db}.log"
        try:
            self.server = Server(args.config, self.db, args.workers, str(log))
        except BaseException:
            odoo.service.db.exp_drop(self.db)
            raise
        self.sessions, self.results, self.elapsed = [], [], 0.0
        self.cpu = [0.0, 0.0]

    def measured_phase(self, prefix, seconds, concurrency):
        """A phase whose reports count; the CPU its servers used is added
        up (``cpu``: Odoo's, PostgreSQL's seconds)."""
        before = cpu_seconds(self.server)
        results, elapsed = self.phase(prefix, seconds, concurrency)
        after = cpu_seconds(self.server)
        spent = zip(self.cpu, before, after, strict=True)
        self.cpu = [total + b - a for total, a, b in spent]
        self.results += results
        self.elapsed += elapsed

    def phase(self, prefix, seconds, concurrency):
        return run_phase(
            self.server.url,
            self.sessions,
            {login: fields for login, (_, fields) in self.reporters.items()},
            self.category,
            prefix,
            seconds,
            concurrency,
        )


def main():
    args = parse_args(
        __doc__,
        baseline=(str, "council_apps"),
        helpdesk_alone=(str, ""),
        workers=(int, 4),
        users=(int, 50),
        concurrency=(int, 20),
        seconds=(float, 30),
        rounds=(int, 3),
        keep=(int, 0),
    )
    forms = []
    run = uuid.uuid4().hex[:8]
    problems, server_errors = [], []
    try:
        forms.append(
            Form("helpdesk_mgmt, apps", "A", args.baseline, args, prepare_plain_team)
        )
        forms.append(Form("same, no team", "N", args.baseline, args, prepare_plain))
        if args.helpdesk_alone:
            forms.append(
                Form(
                    "helpdesk_mgmt alone", "P", args.helpdesk_alone, args, prepare_plain
                )
            )
        forms.append(Form("telephony fault", "T", args.db, args, prepare_telephony))
        for form in forms:
            form.sessions = [
                log_in(form.server.url, login) for login in sorted(form.reporters)
            ]
            # Warm every worker on its form before measuring.
            form.phase(f"LOAD-{run}-{form.letter}W", 2, args.concurrency)
        for number in range(args.rounds):
            for form in forms:
                # Markers are unique across rounds too.
                form.measured_phase(
                    f"LOAD-{run}-{form.letter}-{number}",
                    args.seconds / args.rounds,
                    args.concurrency,
                )
        for form in forms:
            partners = {login: p for login, (p, _) in form.reporters.items()}
            missing, duplicated, misplaced = verify(
                form.db, f"LOAD-{run}-{form.letter}", form.results, partners
            )
            label = form.label
            problems += [f"{label}: missing {m}" for m in missing]
            problems += [f"{label}: duplicated {m}" for m in duplicated]
            problems += [f"{label}: wrong ticket or reporter {m}" for m in misplaced]
            problems += [f"{label}: {r[0]} {r[4]}" for r in form.results if r[4]]
    finally:
        for form in forms:
            form.server.stop()
            server_errors += form.server.errors()
            if not args.keep:
                odoo.service.db.exp_drop(form.db)

    print(
        f"Odoo {args.workers} workers per form, {args.concurrency} concurrent "
        f"clients, {args.users} portal users, {args.seconds:.0f} s per form in "
        f"{args.rounds} alternating rounds, 127.0.0.1, {os.cpu_count()} CPUs "
        "shared with the clients"
    )
    print(
        f"{'form':22}{'reports':>8}{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}"
    )
    for form in forms:
        print(figures(form.label, form.results, form.elapsed))
    # What a report costs the servers, whatever else the machine does at
    # the time: steadier than the throughput on a shared machine.
    print(f"{'CPU ms a report':22}{'Odoo':>8}{'Postgres':>9}{'total':>8}")
    cost = {}
    for form in forms:
        odoo_ms, postgres_ms = (1000 * c / max(len(form.results), 1) for c in form.cpu)
        cost[form.letter] = odoo_ms + postgres_ms
        print(
            f"{form.label:22}{odoo_ms:>8.1f}{postgres_ms:>9.1f}{cost[form.letter]:>8.1f}"
        )
    print(
        "CPU a report, telephony/helpdesk_mgmt on the same apps, with its IT "
        f"team: {cost['T'] / cost['A']:.2f}; without a team: "
        f"{cost['T'] / cost['N']:.2f}"
    )
    rate = {f.letter: len(f.results) / f.elapsed for f in forms}
    print(
        "throughput telephony/helpdesk_mgmt on the same apps, with its IT team: "
        f"{rate['T'] / rate['A']:.2f} (bar: 0.90)"
    )
    print(
        "throughput telephony/the same without a team (reference): "
        f"{rate['T'] / rate['N']:.2f}"
    )
    if "P" in rate:
        print(
            "throughput telephony/helpdesk_mgmt alone (reference): "
            f"{rate['T'] / rate['P']:.2f}"
        )
    print(
        f"every report stored exactly once, for its sender: {not problems}; "
        f"server errors logged: {len(server_errors)}"
    )
    for line in (problems + server_errors)[:20]:
        print(f"  {line}")
    if problems or server_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
