"""Usage import of 1,000,000 CSV rows beside raw PostgreSQL COPY of the same file.

Quality bar (PRODUCT.md): the import runs at a sizeable fraction of raw COPY on
the same machine. The file is twelve years of monthly usage of 6,000
extensions and 945 lines (144 months x 6,945 numbers), with department names.
Ours runs the import job's steps: COPY of the file into a work table, the
checks in SQL (each distinct number by the council's numbering in Python),
then the months replaced by one INSERT into telephony_usage (with its indexes
and foreign keys). The baseline COPYs the same bytes into a plain temporary
table, before and after ours. One transaction, rolled back.

    bench/run.sh usage_import [--db council_test] [--rows 1000000]
"""

import io
import resource
import time

from common import environment, parse_args

NUMBERS = [str(1000 + n) for n in range(6000)] + [
    f"08-9{100000 + n * 97:06d}" for n in range(945)
]


def make_csv(rows, departments):
    lines = ["period,number,department,calls,minutes,cost"]
    for n in range(rows):
        month = n // len(NUMBERS)
        lines.append(
            f"{2015 + month // 12}-{1 + month % 12:02d},{NUMBERS[n % len(NUMBERS)]},"
            f"{departments[n % len(departments)]},{n % 50},{n % 300}.5,"
            f"{(n % 1000) / 10:.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


def raw_copy(cr, data):
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


def main():
    args = parse_args(__doc__, rows=(int, 1_000_000))
    # The addons are importable once the configuration is read.
    from odoo.addons.council_telephony_reports.tools import usage_csv  # noqa: PLC0415

    with environment(args.db) as env:
        cr = env.cr
        departments = env["hr.department"].search([]).mapped("name") or [""]
        data = make_csv(args.rows, departments)
        megabytes = len(data) / 1e6
        raw_before = raw_copy(cr, data)

        record = env["telephony.usage.import"].create({"name": "bench.csv"})
        steps = {}
        start = time.perf_counter()
        header = usage_csv.read_header(data)
        file_errors = record._copy_rows(header)
        steps["reading (COPY)"] = time.perf_counter() - start
        errors, count = record._check_rows(header, file_errors)
        steps["checking (SQL)"] = time.perf_counter() - start - sum(steps.values())
        assert not count, errors[:3]
        result = record._store_rows()
        steps["storing (INSERT)"] = time.perf_counter() - start - sum(steps.values())
        ours = time.perf_counter() - start

        raw_after = raw_copy(cr, data)
        cr.rollback()

    raw = (raw_before + raw_after) / 2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows}  file: {megabytes:.1f} MB  stored: {result['row_count']}")
    print(f"{'':28}{'seconds':>9}{'rows/s':>12}")
    print(f"{'ours (check + store)':28}{ours:>9.2f}{args.rows / ours:>12,.0f}")
    for label, seconds in steps.items():
        print(f"{'  ' + label:28}{seconds:>9.2f}")
    print(
        f"{'raw COPY, same file':28}{raw:>9.2f}{args.rows / raw:>12,.0f}"
        f"   (before {raw_before:.2f}, after {raw_after:.2f})"
    )
    print(f"ours / raw COPY throughput: {raw / ours:.0%}")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
