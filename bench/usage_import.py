"""Usage import of a million rows beside a typed PostgreSQL COPY of the same
rows, and the import's peak memory for a 1 M-row and a 5 M-row file.

Quality bar (PRODUCT.md, issue 15): the import within 1.5x the time of a
typed COPY of the same rows into the same table, its memory under 256 MB and
the same for both file sizes.

Two files, written to disk as they are made (the benchmark holds neither):

- **totalled**: twelve years of monthly usage of 6,000 extensions and 945
  lines (144 months x 6,945 numbers, this system's layout), through the
  import job's work (``_import_rows``) into ``telephony_usage``; beside it, a
  COPY of the same rows, already checked and typed, into a table like
  ``telephony_usage`` (logged, with its primary key and unique index).
- **calls**: an Asterisk ``Master.csv`` of one call per row (6,945 numbers
  over a year), through the Asterisk preset: read, counted, totalled per
  number and month in the council's time zone, priced by the contract and
  stored. Beside it, the reference the ratio is computed against: a typed
  COPY of the same file, all its rows and its 16 columns, into a logged
  table like Asterisk's own ``cdr`` table (``cdr_pgsql``/``cdr_adaptive_odbc``:
  the text columns as text, ``start``, ``answer`` and ``end`` as
  timestamps, ``duration`` and ``billsec`` as integers): what PostgreSQL
  takes to load these calls at all, typed as Asterisk types them.

  Printed beside it, labelled, the reference of the earlier rounds: a COPY
  of three typed columns extracted from the same calls (number, start, talk
  seconds; about a seventh of the file's bytes) into a logged table of
  calls. It is not "the same rows": the import must read the whole file
  (a text COPY of the raw file alone took 1.5-1.75x that figure), so the
  target is measured against the typed COPY of the file's own rows; the old
  figure stays printed so that the change of reference is visible.

The peak memory is measured in a process of its own per file (the resident
set after Odoo's registry is loaded, and its peak during the import).
One transaction per timed step, rolled back; each starts on a settled
machine (see ``settle``).

    bench/run.sh usage_import [--db council_test] [--rows 1000000]
        [--memory_rows 1000000,5000000] [--steps 1] [--rounds 3]

``--steps 1`` also prints where each import's time goes (its last round):
the seconds spent in each function of ``tools/usage_sql`` (each is one or a
few statements).
"""

import collections
import functools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta

import psycopg2
from common import environment, parse_args

from odoo import sql_db

NUMBERS = [str(1000 + n) for n in range(6000)] + [
    f"08-9{100000 + n * 97:06d}" for n in range(945)
]
PRICE = "דקת שיחה"


def write_totalled(path, typed_path, rows, departments, company):
    """The file of this system's layout, and the same rows as stored."""
    with open(path, "w") as out, open(typed_path, "w") as typed:
        out.write("period,number,department,calls,minutes,cost\n")
        for n in range(rows):
            month = n // len(NUMBERS)
            period = f"{2015 + month // 12}-{1 + month % 12:02d}"
            number = NUMBERS[n % len(NUMBERS)]
            name, department = departments[n % len(departments)]
            amounts = f"{n % 50},{n % 300}.5,{(n % 1000) / 10:.2f}"
            out.write(f"{period},{number},{name},{amounts}\n")
            typed.write(f"{company},{period}-01,{number},{department},{amounts}\n")


def write_calls(path, typed_path, rows):
    """An Asterisk Master.csv of answered calls (some not answered), and the
    same calls typed."""
    start = datetime(2026, 1, 1)
    step = timedelta(seconds=365 * 86400 / max(rows, 1))
    with open(path, "w") as out, open(typed_path, "w") as typed:
        for n in range(rows):
            number = NUMBERS[n % len(NUMBERS)].replace("-", "")
            moment = (start + step * n).strftime("%Y-%m-%d %H:%M:%S")
            billsec = n % 600
            disposition = "ANSWERED" if n % 10 else "NO ANSWER"
            out.write(
                f'"","{number}","0529876543","from-internal","""כהן, משה"" '
                f'<{number}>","SIP/{number}-1","SIP/trunk-2","Dial",'
                f'"SIP/trunk/0529876543,60","{moment}","{moment}","{moment}",'
                f'{billsec + 5},{billsec},"{disposition}","DOCUMENTATION"\n'
            )
            typed.write(f"{number}\t{moment}\t{billsec}\n")


def typed_copy(cr, path, kind):
    """COPY of the typed rows into a logged table with its keys: what
    storing them costs with no reading or check at all. ``kind``:
    ``totalled`` (into a table like ``telephony_usage``), ``cdr`` (the
    Asterisk file itself into a table like Asterisk's ``cdr``) or
    ``calls3`` (three typed columns of the calls: the earlier reference)."""
    if kind == "totalled":
        cr.execute("CREATE TABLE bench_rows (LIKE telephony_usage INCLUDING ALL)")
        sql = """COPY bench_rows (company_id, period, number, department_id, calls,
                                  minutes, cost) FROM STDIN WITH (FORMAT csv)"""
    elif kind == "cdr":
        # Asterisk's cdr table, in Master.csv's order of columns.
        cr.execute(
            """CREATE TABLE bench_rows (
                   accountcode varchar(80), src varchar(80), dst varchar(80),
                   dcontext varchar(80), clid varchar(80), channel varchar(80),
                   dstchannel varchar(80), lastapp varchar(80),
                   lastdata varchar(80), start timestamp, answer timestamp,
                   "end" timestamp, duration integer, billsec integer,
                   disposition varchar(45), amaflags varchar(45))"""
        )
        sql = "COPY bench_rows FROM STDIN WITH (FORMAT csv)"
    else:
        cr.execute(
            """CREATE TABLE bench_rows (id serial PRIMARY KEY, number varchar,
                                        start timestamp, seconds integer)"""
        )
        sql = "COPY bench_rows (number, start, seconds) FROM STDIN"
    start = time.perf_counter()
    with open(path, "rb") as rows:
        cr._obj.copy_expert(sql, rows, size=65536)
    seconds = time.perf_counter() - start
    cr.execute("DROP TABLE bench_rows")
    return seconds


def settle(db):
    """Start each timed step on a settled machine: VACUUM the usage table,
    as autovacuum does on a live database (the rows an earlier run stored,
    then rolled back, are dead, and the unique index reads each dead row of
    a key it is given again: an import of the same file right after a run
    took twice as long); then write out what the files just written and the
    COPYs before left in memory (``sync``, ``CHECKPOINT``), which the
    kernel and PostgreSQL would otherwise write while the next step runs
    (the import of calls took 9-10.8 s beside the COPYs before it, 6.2 s
    in a process of its own)."""
    os.sync()
    dsn = sql_db.connection_info_for(db)[1]
    connection = psycopg2.connect(**dsn)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("VACUUM telephony_usage")
            cr.execute("CHECKPOINT")
    finally:
        connection.close()


def prepare(env):
    """The Asterisk preset priced by a contract in force in 2026."""
    profile = env.ref("council_telephony_reports.usage_import_profile_asterisk")
    vendor = env.ref("council_telephony.vendor_tadiran")
    env["telephony.contract"].search([("vendor_id", "=", vendor.id)]).write(
        {"state": "cancelled"}
    )
    env["telephony.contract"].create(
        {
            "name": "Bench",
            "vendor_id": vendor.id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
            "state": "active",
            "price_ids": [(0, 0, {"name": PRICE, "price": 0.1})],
        }
    )
    profile.vendor_id = vendor
    return profile


def timed_steps():
    """Time each function of ``tools/usage_sql`` (a function that calls
    another counts it too); return {name: seconds}, filled as they run."""
    from odoo.addons.council_telephony_reports.tools import (  # noqa: PLC0415
        usage_sql,
    )

    seconds = collections.defaultdict(float)

    def timed(name, function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - start

        return run

    for name, function in list(vars(usage_sql).items()):
        if callable(function) and getattr(function, "__module__", "") == (
            usage_sql.__name__
        ):
            setattr(usage_sql, name, timed(name, function))
    return seconds


def run_import(env, path, kind):
    profile = (
        prepare(env)
        if kind == "calls"
        else env.ref("council_telephony_reports.usage_import_profile_council")
    )
    record = env["telephony.usage.import"].create(
        {"name": os.path.basename(path), "profile_id": profile.id}
    )
    start = time.perf_counter()
    with open(path, "rb") as stream:
        result = record._import_rows(stream)
    seconds = time.perf_counter() - start
    assert result["state"] == "done", result["result"][:500]
    return seconds, result


def measure(args, kind, rows):
    """In a process of its own: the import of a file of ``rows`` rows;
    print the resident set before and the peak during it."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{kind}.csv")
        with environment(args.db) as env:
            departments = _departments(env)
            company = env.company.id
        if kind == "calls":
            write_calls(path, os.devnull, rows)
        else:
            write_totalled(path, os.devnull, rows, departments, company)
        settle(args.db)
        with environment(args.db) as env:
            before = _rss_mb()
            # The peak from here on (Linux: reset by writing 5 to clear_refs).
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            seconds, _result = run_import(env, path, kind)
            peak = _peak_mb()
            env.cr.rollback()
        size = os.path.getsize(path) / 1e6
    print(f"{kind} {rows} {size:.0f} {before:.0f} {peak:.0f} {seconds:.1f}")


def _departments(env):
    """The departments' names and ids (a file names a department)."""
    departments = env["hr.department"].search(
        [("company_id", "in", [env.company.id, False])]
    )
    return [(department.name, department.id) for department in departments]


def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def _peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    args = parse_args(
        __doc__,
        rows=(int, 1_000_000),
        memory_rows=(str, "1000000,5000000"),
        measure=(str, ""),
        steps=(int, 0),
        rounds=(int, 3),
    )
    if args.measure:
        kind, rows = args.measure.split(":")
        measure(args, kind, int(rows))
        return

    with tempfile.TemporaryDirectory() as folder:
        with environment(args.db) as env:
            departments = _departments(env)
            company = env.company.id
        timings, steps = {}, {}
        seconds = timed_steps() if args.steps else {}
        for kind in ("totalled", "calls"):
            path = os.path.join(folder, f"{kind}.csv")
            typed = os.path.join(folder, f"{kind}.typed")
            if kind == "calls":
                write_calls(path, typed, args.rows)
            else:
                write_totalled(path, typed, args.rows, departments, company)
            # Rounds of the reference and the import in turn: on a machine
            # whose CPUs are shared, one run of each can fall in a slow
            # moment of the host; the medians of the rounds are printed.
            references = {"totalled": (typed, "totalled"), "calls": (path, "cdr")}
            rounds = []
            for _round in range(args.rounds):
                # A transaction per step, rolled back.
                settle(args.db)
                with environment(args.db) as env:
                    # The reference: the same file's rows, typed (see above);
                    # for calls, the earlier reference, three typed columns.
                    copy = typed_copy(env.cr, *references[kind])
                    env.cr.rollback()
                calls3 = None
                if kind == "calls":
                    settle(args.db)
                    with environment(args.db) as env:
                        calls3 = typed_copy(env.cr, typed, "calls3")
                        env.cr.rollback()
                settle(args.db)
                with environment(args.db) as env:
                    seconds.clear()
                    ours, result = run_import(env, path, kind)
                    env.cr.rollback()
                rounds.append((ours, copy, calls3))
            timings[kind] = (rounds, result["row_count"], os.path.getsize(path))
            steps[kind] = dict(seconds)

    median = statistics.median
    print(f"rows per file: {args.rows:,}; the medians of {args.rounds} rounds")
    print(f"{'':34}{'file MB':>8}{'stored':>10}{'ours s':>8}{'COPY s':>8}{'ratio':>7}")
    for kind, (rounds, stored, size) in timings.items():
        label = kind if kind == "totalled" else "calls (COPY: same rows, cdr)"
        ours, copy = median(r[0] for r in rounds), median(r[1] for r in rounds)
        ratio = median(r[0] / r[1] for r in rounds)
        print(
            f"{label:34}{size / 1e6:>8.0f}{stored:>10,}{ours:>8.2f}{copy:>8.2f}"
            f"{ratio:>7.2f}"
        )
        if kind == "calls":
            calls3 = median(r[2] for r in rounds)
            ratio = median(r[0] / r[2] for r in rounds)
            print(
                f"{'calls (COPY: 3 columns, earlier)':34}{'':>8}{'':>10}"
                f"{ours:>8.2f}{calls3:>8.2f}{ratio:>7.2f}"
            )
        print(
            f"{'  each round: ours / COPY s':34}"
            + ", ".join(f"{r[0]:.2f}/{r[1]:.2f}" for r in rounds)
        )

    for kind, timed in steps.items():
        if timed:
            print(f"\n{kind}: seconds in tools/usage_sql (0.05 s or more)")
            for name, spent in sorted(timed.items(), key=lambda item: -item[1]):
                if spent >= 0.05:
                    print(f"  {name:30}{spent:>8.2f}")

    if not args.memory_rows:
        return
    print("\npeak memory of the import, in a process of its own (MB)")
    print(f"{'file':10}{'rows':>10}{'file MB':>9}{'at start':>10}{'peak':>7}{'s':>7}")
    for kind in ("totalled", "calls"):
        for rows in (int(n) for n in args.memory_rows.split(",")):
            command = [sys.executable, *sys.argv, f"--measure={kind}:{rows}"]
            line = subprocess.run(
                command, capture_output=True, text=True, check=True
            ).stdout.split()
            _kind, count, size, before, peak, seconds = line[-6:]
            print(
                f"{kind:10}{int(count):>10,}{size:>9}{before:>10}{peak:>7}{seconds:>7}"
            )


if __name__ == "__main__":
    main()
