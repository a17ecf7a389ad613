"""Usage import of 1,000,000 CSV rows beside raw PostgreSQL COPY of the same file.

Quality bar (PRODUCT.md): the import runs at a sizeable fraction of raw COPY on
the same machine. Ours checks every row (period, council numbering, amounts,
departments), links the register, replaces the periods and loads by COPY; the
baseline COPYs the same bytes into a plain table. One transaction, rolled back.

    bench/run.sh usage_import [--db council_test] [--rows 1000000]
"""

import base64
import resource
import time

from common import environment, parse_args


def make_csv(rows, departments):
    lines = ["period,number,department,calls,minutes,cost"]
    for n in range(rows):
        number = f"{1000 + n % 9000}" if n % 10 else f"08-9{n % 900000:06d}"[:11]
        if n % 10 == 0:
            number = "08-912-3456"
        lines.append(
            f"2026-{1 + n % 12:02d},{number},{departments[n % len(departments)]},"
            f"{n % 50},{n % 300}.5,{(n % 1000) / 10:.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


def main():
    args = parse_args(__doc__, rows=(int, 1_000_000))
    with environment(args.db) as env:
        cr = env.cr
        departments = env["hr.department"].search([]).mapped("name") or [""]
        data = make_csv(args.rows, departments)
        megabytes = len(data) / 1e6

        wizard = env["telephony.usage.import"].create({"file": base64.b64encode(data)})
        start = time.perf_counter()
        buffer, _count, periods, errors = wizard._prepare(data, env.company)
        parsed = time.perf_counter()
        assert not errors, errors[:3]
        wizard._store(buffer, periods, env.company)
        cr.execute("SELECT count(*) FROM telephony_usage")
        stored = cr.fetchone()[0]
        ours = time.perf_counter() - start
        parse_seconds = parsed - start

        cr.execute(
            """CREATE TEMP TABLE raw_usage (period text, number text, department text,
                                            calls text, minutes text, cost text)"""
        )
        import io  # noqa: PLC0415 - only the baseline needs it

        start = time.perf_counter()
        cr._obj.copy_expert(
            "COPY raw_usage FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(data)
        )
        raw = time.perf_counter() - start
        cr.rollback()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows}  file: {megabytes:.1f} MB  stored: {stored}")
    print(f"{'':28}{'seconds':>9}{'rows/s':>12}")
    print(f"{'ours (check + COPY)':28}{ours:>9.2f}{args.rows / ours:>12,.0f}")
    print(f"{'  of which checking':28}{parse_seconds:>9.2f}")
    print(f"{'raw COPY, same file':28}{raw:>9.2f}{args.rows / raw:>12,.0f}")
    print(f"ours / raw COPY throughput: {raw / ours:.0%}")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
