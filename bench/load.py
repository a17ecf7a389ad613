"""Many employees reporting at once: concurrent portal reports over loopback.

Quality bar (PRODUCT.md): concurrent portal reports all arrive. Odoo runs with
several workers (``--workers``, no cron threads) on the local cluster, against a
copy of the benchmark database (addons and demo data). Portal users log in, then
post the real new-ticket form (``/submitted/ticket``, with its CSRF token) from
``--concurrency`` client threads for ``--seconds``, each report with a unique
marker as its subject. Afterwards the database must hold every report exactly
once, for the user who sent it, with its own ticket number, and no request may
have failed. Printed: reports per second and latency percentiles of the phone
fault form, and beside it, in the same run and the same way, a plain
helpdesk_mgmt ticket (a category outside telephony).

    bench/run.sh load [--db council_test] [--workers 4] [--users 50]
                      [--concurrency 20] [--seconds 30] [--keep 0]

The source database must have no open connections (it is copied as a template).
The copy is dropped afterwards unless ``--keep 1``.
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


def prepare(db, users):
    """Portal users, each with an extension of the register, and a plain
    helpdesk category. Returns ({login: (partner id, extension)}, forms)."""
    with environment(db) as env:
        portal = env.ref("base.group_portal")
        logins = {}
        for index in range(users):
            login = f"load_portal_{index:03d}"
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"Load reporter {index}",
                        "login": login,
                        "email": f"{login}@council.test",
                        "groups_id": [(6, 0, portal.ids)],
                    }
                )
            )
            employee = env["hr.employee"].create(
                {"name": user.name, "user_id": user.id}
            )
            number = str(7000 + index)
            env["telephony.extension"].create(
                {"number": number, "employee_id": employee.id}
            )
            logins[login] = (user.partner_id.id, number)
        # One hash for all: hashing is deliberately slow, once is enough here.
        env.cr.execute(
            "UPDATE res_users SET password = %s WHERE login = ANY(%s)",
            [env["res.users"]._crypt_context().hash(PASSWORD), list(logins)],
        )
        # (label, category, marker letter, is a phone fault)
        forms = [
            (
                "plain helpdesk_mgmt",
                env["helpdesk.ticket.category"].create({"name": "Load: printer"}).id,
                "P",
                False,
            ),
            (
                "telephony fault",
                env.ref("council_telephony.category_device_fault").id,
                "T",
                True,
            ),
        ]
        env.cr.commit()
    return logins, forms


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
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                sys.exit(f"Odoo stopped at start: see {log}")
            time.sleep(1)
        self.stop()
        sys.exit(f"Odoo did not answer within 120 s: see {log}")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
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


def run_phase(url, sessions, extensions, category, prefix, seconds, concurrency):
    """Post reports until ``seconds`` passed; return one tuple per request:
    (marker, login, latency, ticket id or None, error or None). A phone fault
    carries the sender's extension (``extensions``: login → number)."""
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
            data = {
                "csrf_token": session.csrf_token,
                "category": str(category),
                "subject": marker,
                "description": "אין צליל חיוג מאז הבוקר.",
            }
            if extensions:
                data["telephony_number"] = extensions[session.login]
                data["telephony_location"] = "בניין העירייה"
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


def main():
    args = parse_args(
        __doc__,
        workers=(int, 4),
        users=(int, 50),
        concurrency=(int, 20),
        seconds=(float, 30),
        keep=(int, 0),
    )
    copy = f"{args.db}_load"
    print(f"copying {args.db} to {copy} and adding {args.users} portal users")
    copy_database(args.db, copy)
    reporters, forms = prepare(copy, args.users)
    log = Path(odoo.tools.config["data_dir"]).parent / "bench-load-odoo.log"
    server = Server(args.config, copy, args.workers, str(log))
    run = uuid.uuid4().hex[:8]
    rows, problems = [], []
    try:
        sessions = [log_in(server.url, login) for login in sorted(reporters)]
        partner_ids = {login: partner for login, (partner, _) in reporters.items()}
        numbers = {login: number for login, (_, number) in reporters.items()}
        for label, category, letter, telephony in forms:
            phase = (server.url, sessions, numbers if telephony else {}, category)
            # Warm every worker on this form before measuring.
            run_phase(*phase, f"LOAD-{run}-{letter}W", 2, args.concurrency)
            prefix = f"LOAD-{run}-{letter}"
            results, elapsed = run_phase(*phase, prefix, args.seconds, args.concurrency)
            rows.append(figures(label, results, elapsed))
            missing, duplicated, misplaced = verify(copy, prefix, results, partner_ids)
            problems += [f"{label}: missing {m}" for m in missing]
            problems += [f"{label}: duplicated {m}" for m in duplicated]
            problems += [f"{label}: wrong ticket or reporter {m}" for m in misplaced]
            problems += [f"{label}: {r[0]} {r[4]}" for r in results if r[4]]
    finally:
        server.stop()
    server_errors = server.errors()
    if not args.keep:
        odoo.service.db.exp_drop(copy)

    print(
        f"Odoo {args.workers} workers, {args.concurrency} concurrent clients, "
        f"{args.users} portal users, {args.seconds:.0f} s per form, "
        f"127.0.0.1, {os.cpu_count()} CPUs shared with the clients"
    )
    print(
        f"{'form':22}{'reports':>8}{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}"
    )
    print("\n".join(rows))
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
