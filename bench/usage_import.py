"""Usage import of 1,000,000 CSV rows beside raw PostgreSQL COPY of the same file.

Quality bar (PRODUCT.md): the import runs at a sizeable fraction of raw COPY on
the same machine. The file is twelve years of monthly usage of 6,000
extensions and 945 lines (144 months x 6,945 numbers), with department names.
Ours runs the import job's work (``_import_rows``): COPY of the file into a
work table, each distinct period, number and department checked once (the
number by the council's numbering, in Python), then one INSERT that checks
every row's amounts as it stores it in telephony_usage (primary key and
unique index). The baseline COPYs the same bytes into a plain temporary table
of text columns, before and after ours. A second figure COPYs the same rows,
already typed, into a table like telephony_usage: what storing them costs
with no check at all. One transaction, rolled back.

    bench/run.sh usage_import [--db council_test] [--rows 1000000]
"""

import io
import resource
import time

from common import environment, parse_args

NUMBERS = [str(1000 + n) for n in range(6000)] + [
    f"08-9{100000 + n * 97:06d}" for n in range(945)
]


def make_csv(rows, departments, company):
    """The file, and the same rows as stored (company, month, number,
    department id, amounts) for the typed COPY."""
    lines = ["period,number,department,calls,minutes,cost"]
    typed = []
    for n in range(rows):
        month = n // len(NUMBERS)
        period = f"{2015 + month // 12}-{1 + month % 12:02d}"
        number = NUMBERS[n % len(NUMBERS)]
        department = departments[n % len(departments)]
        amounts = f"{n % 50},{n % 300}.5,{(n % 1000) / 10:.2f}"
        lines.append(f"{period},{number},{department.name},{amounts}")
        typed.append(f"{company},{period}-01,{number},{department.id},{amounts}")
    return ("\n".join(lines) + "\n").encode(), ("\n".join(typed) + "\n").encode()


def raw_copy(cr, data):
    """COPY of the file into a plain temporary table of text columns: what
    PostgreSQL does at the least to take the file in."""
    cr.execute(
        """CREATE TEMP TABLE raw_usage (period text, number text, department text,
                                        calls text, minutes text, cost text)"""
    )
    start = time.perf_counter()
    cr._obj.copy_expert(
        "COPY raw_usage FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(data)
    )
    seconds = time.perf_counter() - start
    cr.execute("DROP TABLE raw_usage")
    return seconds


def stored_copy(cr, rows):
    """COPY of the same rows, already checked and typed, into a table like
    telephony_usage (written to the log, with its primary key and indexes):
    what storing them durably costs, with no check at all."""
    cr.execute("CREATE TABLE bench_usage (LIKE telephony_usage INCLUDING ALL)")
    start = time.perf_counter()
    cr._obj.copy_expert(
        """COPY bench_usage (company_id, period, number, department_id, calls,
                             minutes, cost) FROM STDIN WITH (FORMAT csv)""",
        io.BytesIO(rows),
    )
    seconds = time.perf_counter() - start
    cr.execute("DROP TABLE bench_usage")
    return seconds


def main():
    args = parse_args(__doc__, rows=(int, 1_000_000))

    with environment(args.db) as env:
        cr = env.cr
        company = env.company
        departments = env["hr.department"].search(
            [("company_id", "in", [company.id, False])]
        )
        data, typed = make_csv(args.rows, departments, company.id)
        megabytes = len(data) / 1e6
        raw_before = raw_copy(cr, data)
        stored = stored_copy(cr, typed)

        record = env["telephony.usage.import"].create({"name": "bench.csv"})
        start = time.perf_counter()
        result = record._import_rows(data)
        ours = time.perf_counter() - start
        assert result["state"] == "done", result["result"][:500]

        raw_after = raw_copy(cr, data)
        cr.rollback()

    raw = (raw_before + raw_after) / 2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows}  file: {megabytes:.1f} MB  stored: {result['row_count']}")
    print(f"{'':44}{'seconds':>9}{'rows/s':>12}")
    print(f"{'ours: read, check and store':44}{ours:>9.2f}{args.rows / ours:>12,.0f}")
    print(
        f"{'raw COPY of the file, temporary text table':44}{raw:>9.2f}"
        f"{args.rows / raw:>12,.0f}   (before {raw_before:.2f}, after {raw_after:.2f})"
    )
    print(
        f"{'COPY of the rows typed, into the usage table':44}{stored:>9.2f}"
        f"{args.rows / stored:>12,.0f}"
    )
    print(f"ours / raw COPY throughput: {raw / ours:.0%}")
    print(f"ours / typed COPY into the usage table: {stored / ours:.0%}")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
