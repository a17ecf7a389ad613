"""The SQL of the usage import's call records (4.2.5, C18), without the ORM:
the calls go to a work table by ``COPY`` (see ``usage_files.CopySource``),
and are totalled there into the monthly rows the import checks and stores
(``telephony_usage_raw``: line, period, number, department, calls, minutes,
cost, as text, as a file of the project's own layout is loaded).

The rows of a file of monthly rows (this system's layout, or a file read by
a profile, or calls once totalled) are checked and stored here too: each
distinct period, number and department once (``telephony_usage_keys``), the
amounts as PostgreSQL reads numbers, a number twice in a month, then the good
rows in place of the same months of the same numbers.

``cr``: a database cursor (psycopg2's, or Odoo's, which passes ``COPY`` on).
"""

import io

from odoo.tools import SQL

from . import usage_csv

# Rows mapped in Python go to COPY in pieces of this many rows, to show how
# far the import is.
COPY_ROWS = 200_000
# The rows are stored in pieces of this many pages of the work table (about
# 90,000 rows), to show how far it is.
STORE_PAGES = 1000
# Amounts written plainly (1e3, nan, inf and 0x10 are refused): what the
# casts below read, except for these characters, cannot be plain. When
# PostgreSQL cannot read an amount at all, each is matched first, in as many
# digits as the casts take; every value is then checked to be from 0 to
# MAX_AMOUNT (NaN and infinities are not).
NOT_PLAIN = "[^0-9.+\t\n\r -]"
INTEGER_PATTERN = r"^[+-]?[0-9]{1,15}$"
NUMBER_PATTERN = r"^[+-]?([0-9]{1,15}\.?[0-9]{0,20}|\.[0-9]{1,20})$"
MAX_AMOUNT = 10**9
TRIMMED = " \t\r\n\u00a0"


def create_raw(cr):
    """The work table of monthly rows, as text (see the model's checks)."""
    create_raw_columns(cr, 6)


def create_calls(cr):
    """The work table of call records: the number in its normal form, the
    start as written (in the profile's time zone), the call it belongs to
    (Avaya's continuation records share one), the talk time and the cost
    when the file has it."""
    cr.execute(
        """CREATE TEMP TABLE telephony_usage_calls (
               line integer, number text, start timestamp, call text,
               seconds double precision, cost numeric) ON COMMIT DROP"""
    )


def copy_rows(cr, table, source):
    """COPY the rows of ``source`` (a ``usage_files.CopySource``) into
    ``table``, a piece at a time; ``progress`` is called between pieces."""
    columns = {
        "telephony_usage_calls": "line, number, start, call, seconds, cost",
        "telephony_usage_raw": "line, c0, c1, c2, c3, c4, c5",
    }[table]
    cr.copy_expert(f"COPY {table} ({columns}) FROM STDIN", source, size=65536)


def stored_calls():
    """The query of the calls mapped by Python (``copy_rows``), as
    ``group_calls`` reads calls."""
    return SQL("SELECT *, true AS good, true AS counted FROM telephony_usage_calls")


# A call's month: its start in the council's time zone (PostgreSQL's time
# zone rules: daylight saving time included). A call over midnight at the
# end of a month is the month it started in, as a bill counts it. Two time
# zones are at most 26 hours apart (UTC-12 to UTC+14), and a change to or
# from summer time moves a clock by two hours at most: a start from the 3rd
# to the 26th of its month is that month in any time zone, and is not
# converted (the conversion, per call, took a quarter of the mapping's time).
_MONTH = """CASE WHEN date_part('day', start) BETWEEN 3 AND 26
                 THEN date_trunc('month', start)::date
                 ELSE date_trunc('month', (start AT TIME ZONE %(source)s)
                                          AT TIME ZONE %(council)s)::date END"""


def group_calls(cr, calls, source_tz, council_tz, by_call):
    """Total the calls (``calls``: the query of ``mapped_calls`` or of
    ``stored_calls``) per month, in the council's time zone, and number
    into the work table ``telephony_usage_months``: calls (distinct call
    identifiers when ``by_call``, e.g. Avaya's continuation records), talk
    seconds and cost, each monthly row named by the first line of its calls.
    The calls are totalled as they are read, not stored one by one. Return
    how many records are not good (see ``mapped_calls``)."""
    calls_count = "count(DISTINCT call)" if by_call else "count(*)"
    cr.execute(
        SQL(
            f"""
            CREATE TEMP TABLE telephony_usage_months ON COMMIT DROP AS
            SELECT {_MONTH} AS month, number, min(line) AS line,
                   {calls_count} AS calls, sum(seconds) AS seconds,
                   sum(cost) AS cost, count(*) FILTER (WHERE NOT good) AS bad
              FROM (%(calls)s) calls
             WHERE counted OR NOT good
             GROUP BY 1, number
            """,
            calls=calls,
            source=source_tz,
            council=council_tz,
        ),
        log_exceptions=False,
    )
    cr.execute("SELECT coalesce(sum(bad), 0)::bigint FROM telephony_usage_months")
    return cr.fetchone()[0]


def copy_months(cr, data):
    """The work table of ``group_calls`` from the calls Python totalled
    (``data``: ``usage_files.CallTotals.lines``)."""
    cr.execute(
        """CREATE TEMP TABLE telephony_usage_months (
               month date, number text, line integer, calls bigint,
               seconds double precision, cost numeric, bad bigint DEFAULT 0)
           ON COMMIT DROP"""
    )
    cr._obj.copy_expert(
        """COPY telephony_usage_months (month, number, line, calls, seconds, cost)
           FROM STDIN""",
        io.BytesIO(data.encode()),
    )


def months_out(cr):
    """The work table of ``group_calls`` as lines of COPY's text format,
    for ``add_months`` on another connection."""
    out = io.BytesIO()
    cr._obj.copy_expert(
        """COPY telephony_usage_months (month, number, line, calls, seconds, cost)
           TO STDOUT""",
        out,
    )
    return out.getvalue()


def add_months(cr, data, lines):
    """Add monthly rows of calls totalled on another connection (``data``:
    ``months_out``, of the records after the file's first ``lines`` lines)
    to the work table of ``copy_months``: a month and number once, its
    calls, seconds and cost added up, named by its first line."""
    cr.execute(
        """CREATE TEMP TABLE telephony_usage_shared (
               month date, number text, line integer, calls bigint,
               seconds double precision, cost numeric) ON COMMIT DROP"""
    )
    cr._obj.copy_expert("COPY telephony_usage_shared FROM STDIN", io.BytesIO(data))
    cr.execute(
        """CREATE TEMP TABLE telephony_usage_added ON COMMIT DROP AS
           SELECT month, number, min(line) AS line, sum(calls)::bigint AS calls,
                  sum(seconds) AS seconds, sum(cost) AS cost,
                  sum(bad)::bigint AS bad
             FROM (SELECT * FROM telephony_usage_months
                   UNION ALL
                   SELECT month, number, line + %s, calls, seconds, cost, 0
                     FROM telephony_usage_shared) months
            GROUP BY month, number""",
        [lines],
    )
    cr.execute("DROP TABLE telephony_usage_months, telephony_usage_shared")
    cr.execute("ALTER TABLE telephony_usage_added RENAME TO telephony_usage_months")


def months_without_cost(cr):
    """The months (in the council's time zone) of the calls the file gives
    no cost for."""
    cr.execute(
        """SELECT DISTINCT month FROM telephony_usage_months
            WHERE cost IS NULL ORDER BY 1"""
    )
    return [row[0] for row in cr.fetchall()]


def total_calls(cr, prices):
    """The monthly rows of the calls (``group_calls``) into the work table
    of monthly rows: calls, talk minutes and cost; a month without a cost
    in the file is priced by the minute (``prices``: {month: unit price}).
    Return how many rows there are."""
    cr.execute(
        "CREATE TEMP TABLE telephony_usage_prices (month date, price numeric)"
        " ON COMMIT DROP"
    )
    if prices:
        cr.execute(
            "INSERT INTO telephony_usage_prices SELECT * FROM unnest(%s::date[], "
            "%s::numeric[])",
            (list(prices), list(prices.values())),
        )
    cr.execute(
        """
        INSERT INTO telephony_usage_raw (line, c0, c1, c2, c3, c4, c5)
        SELECT m.line, to_char(m.month, 'YYYY-MM'), m.number, '', m.calls,
               round(m.seconds::numeric / 60, 2),
               coalesce(m.cost, round(m.seconds::numeric / 60 * p.price, 2))
          FROM telephony_usage_months m
          LEFT JOIN telephony_usage_prices p ON p.month = m.month
        """
    )
    return cr.rowcount


def unregistered(cr, limit):
    """The numbers of the file that are not in the register (stored, with
    no register entry), the first ``limit`` of them, and how many."""
    cr.execute(
        """SELECT number, count(*) OVER () FROM telephony_usage_keys
            WHERE kind = 'number' AND reason IS NULL AND extension_id IS NULL
            ORDER BY number LIMIT %s""",
        (limit,),
    )
    rows = cr.fetchall()
    return [row[0] for row in rows], rows[0][1] if rows else 0


def drop(cr):
    cr.execute(
        """DROP TABLE IF EXISTS telephony_usage_calls, telephony_usage_prices,
               telephony_usage_records, telephony_usage_numbers,
               telephony_usage_months, telephony_usage_written"""
    )


# === Monthly rows: loaded, checked and stored === #


def create_raw_columns(cr, width):
    """The work table of a file of this system's layout: one text column
    per column of the file (c0, c1, …) and the line number."""
    names = [f"c{i}" for i in range(width)]
    cr.execute(
        SQL(
            """CREATE TEMP TABLE telephony_usage_raw (
                   line integer GENERATED BY DEFAULT AS IDENTITY (START 2),
                   %s) ON COMMIT DROP""",
            SQL(", ").join(SQL("%s text", SQL.identifier(n)) for n in names),
        )
    )
    return ", ".join(names)


def copy_csv(cr, columns, data, header, delimiter):
    """COPY a piece of the file as it is (``data``: whole lines of CSV) into
    the work table's ``columns``; return how many rows it had."""
    cr._obj.copy_expert(
        f"""COPY telephony_usage_raw ({columns}) FROM STDIN
            WITH (FORMAT csv, HEADER {header}, DELIMITER '{delimiter}')""",
        io.BytesIO(data),
    )
    return cr._obj.rowcount


def copy_lines(cr, columns, data):
    """COPY rows read by Python, their line first, as CSV; return how many."""
    cr._obj.copy_expert(
        f"COPY telephony_usage_raw (line, {columns}) FROM STDIN WITH (FORMAT csv)",
        io.BytesIO(data),
    )
    return cr._obj.rowcount


def cells(index):
    """Each field's cell of a row ``r`` of the work table, by its column
    (``index``: {field: position}); an empty cell is read as NULL: as empty
    text here."""
    return {
        name: SQL("coalesce(r.%s, '')", SQL.identifier(f"c{i}"))
        for name, i in index.items()
    }


def copy_raw_out(cr, out):
    """Write the work table of monthly rows to ``out`` (a binary file) as a
    file of this system's layout, its header first: to be stored as such a
    file is (``usage_csv.PlainRows``). An empty cell is written unquoted, as
    a file has it."""
    columns = ", ".join(
        f"NULLIF(c{i}, '') AS {name}" for i, name in enumerate(usage_csv.COLUMNS)
    )
    cr._obj.copy_expert(
        f"""COPY (SELECT {columns} FROM telephony_usage_raw)
            TO STDOUT WITH (FORMAT csv, HEADER)""",
        out,
    )


def count_raw(cr):
    cr.execute("SELECT count(*) FROM telephony_usage_raw")
    return cr.fetchone()[0]


def analyze_raw(cr):
    """The planner's statistics of the loaded rows (a work table has none):
    without them it expects a few rows, and matches each row with every
    month of the file in turn instead of by a hash (0.7 s a 100,000 rows).
    ANALYZE reads a sample of 30,000 rows, whatever the file's size."""
    cr.execute("ANALYZE telephony_usage_raw")


def distinct_keys(cr, cell):
    """Each distinct period, number and department of the loaded rows, as
    ``(period, number, department, grouping)``: GROUPING() tells which of
    the three a row is the distinct value of (0b011 period, 0b101 number,
    else department)."""
    cr.execute(
        SQL(
            """SELECT period, number, department,
                      GROUPING(period, number, department)
                 FROM (SELECT %(period)s AS period, %(number)s AS number,
                              %(department)s AS department
                         FROM telephony_usage_raw r) r
                GROUP BY GROUPING SETS ((period), (number), (department))""",
            period=cell["period"],
            number=cell["number"],
            department=cell["department"],
        )
    )
    return cr.fetchall()


def store_keys(cr, data, company_id):
    """The work table of the checked keys (``data``: CSV of kind, raw,
    period, number, department_id, reason), each number with its register
    entry in the company."""
    cr.execute(
        """CREATE TEMP TABLE telephony_usage_keys
               (kind text, raw text, period date, number text,
                department_id integer, reason text, extension_id integer)
               ON COMMIT DROP"""
    )
    cr._obj.copy_expert(
        """COPY telephony_usage_keys (kind, raw, period, number,
                                      department_id, reason)
           FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (raw))""",
        io.BytesIO(data),
    )
    cr.execute(
        """UPDATE telephony_usage_keys k SET extension_id = e.id
             FROM telephony_extension e
            WHERE k.kind = 'number' AND e.company_id = %s
              AND e.number = k.number""",
        (company_id,),
    )
    cr.execute("ANALYZE telephony_usage_keys")


def departments(cr, company_id):
    """{name: department id}: department names are translatable, so any
    language's name matches; of two departments of one name, the first
    made."""
    cr.execute(
        """SELECT names.value, min(d.id)
             FROM hr_department d, jsonb_each_text(d.name) AS names
            WHERE d.company_id = %s OR d.company_id IS NULL
            GROUP BY names.value""",
        (company_id,),
    )
    return dict(cr.fetchall())


def keys_are_good(cr):
    cr.execute("SELECT count(*) FROM telephony_usage_keys WHERE reason IS NOT NULL")
    return not cr.fetchone()[0]


def amounts(cell, delimiter, matched=False):
    """The amounts' cells as PostgreSQL reads numbers; ``matched``: each
    is first matched as a plain number (NULL when it is not), for a file
    where PostgreSQL cannot read one at all."""
    found = {}
    for name in ("calls", "minutes", "cost"):
        amount = cell[name]
        if delimiter == ";":
            # In a semicolon file a dot only groups thousands ("1.024,50");
            # any other dot ("1.5") is left for the checks to refuse.
            amount = SQL(
                "replace(regexp_replace(%s, '\\.(?=[0-9]{3}([^0-9]|$))', '', 'g'), "
                "',', '.')",
                amount,
            )
        elif matched:
            # In a comma file a comma can only group thousands, inside
            # quotes ("1,024.50").
            amount = SQL("replace(%s, ',', '')", amount)
        if matched:
            text = SQL("btrim(%s, %s)", amount, TRIMMED)
            pattern = INTEGER_PATTERN if name == "calls" else NUMBER_PATTERN
            amount = SQL("CASE WHEN %s ~ %s THEN %s END", text, pattern, text)
        found[name] = amount
    return found


def checked_rows(cell, amounts, piece=None):
    """Each loaded row's line, period, number, department and amounts, and
    what is wrong with it, if anything (``reason``): the first amount that
    is not a plain number from 0 to MAX_AMOUNT is named. ``piece``: only the
    rows in these pages of the work table (see ``pieces``)."""
    first, end = piece or (0, None)
    return SQL(
        """
        SELECT line, period, number, extension_id, department_id, calls,
               minutes, cost,
               CASE WHEN period_reason IS NOT NULL THEN period_reason
                    WHEN number_reason IS NOT NULL THEN number_reason
                    -- NaN compares above every number.
                    WHEN NOT coalesce(calls BETWEEN 0 AND %(max)s
                                      AND minutes BETWEEN 0 AND %(max)s
                                      AND cost BETWEEN 0 AND %(max)s
                                      AND NOT plain_text ~ %(not_plain)s,
                                      false)
                    THEN CASE WHEN NOT coalesce(calls BETWEEN 0 AND %(max)s
                                       AND NOT calls_text ~ %(not_plain)s,
                                       false) THEN 'calls'
                              WHEN NOT coalesce(minutes BETWEEN 0 AND %(max)s
                                       AND NOT minutes_text ~ %(not_plain)s,
                                       false) THEN 'minutes'
                              ELSE 'cost'
                         END
                    ELSE department_reason
               END AS reason
          FROM (SELECT r.line, p.period, n.number, n.extension_id,
                       d.department_id,
                       p.reason AS period_reason,
                       n.reason AS number_reason,
                       d.reason AS department_reason,
                       (%(calls)s)::bigint AS calls,
                       (%(minutes)s)::double precision AS minutes,
                       (%(cost)s)::numeric AS cost,
                       concat(%(calls)s, %(minutes)s, %(cost)s) AS plain_text,
                       %(calls)s AS calls_text,
                       %(minutes)s AS minutes_text
                  FROM telephony_usage_raw r
                  JOIN telephony_usage_keys p
                    ON p.kind = 'period' AND p.raw = %(period_cell)s
                  JOIN telephony_usage_keys n
                    ON n.kind = 'number' AND n.raw = %(number_cell)s
                  JOIN telephony_usage_keys d
                    ON d.kind = 'department' AND d.raw = %(department_cell)s
                 WHERE r.ctid >= %(first)s::tid
                   AND (%(end)s::tid IS NULL OR r.ctid < %(end)s::tid)
                -- Read each amount once: without this fence PostgreSQL
                -- reads them again for the reason.
                OFFSET 0) checked
        """,
        period_cell=cell["period"],
        number_cell=cell["number"],
        department_cell=cell["department"],
        first=f"({first},0)",
        end=end and f"({end},0)",
        max=MAX_AMOUNT,
        not_plain=NOT_PLAIN,
        **amounts,
    )


def pieces(cr):
    """The work table's pages in pieces of STORE_PAGES, the last one open:
    the rows are stored a piece at a time, to show how far it is."""
    cr.execute(
        """SELECT pg_relation_size('telephony_usage_raw')
                  / current_setting('block_size')::int"""
    )
    starts = range(0, cr.fetchone()[0], STORE_PAGES)
    if not starts:
        # A file of no rows (its header alone).
        return [None]
    return list(zip(starts, [*starts[1:], None], strict=True))


def create_checked(cr, cell, amounts):
    """The work table of checked rows, to name the bad ones. An amount
    PostgreSQL cannot read raises ``psycopg2.DataError`` (expected: not
    logged)."""
    cr.execute(
        SQL(
            """CREATE TEMP TABLE telephony_usage_checked ON COMMIT DROP AS
               SELECT *, NULL::integer AS first_line FROM (%s) checked""",
            checked_rows(cell, amounts),
        ),
        log_exceptions=False,
    )


def bad_rows(cr, cell, limit):
    """Mark a number given twice for a month (the later rows are wrong);
    return the first ``limit`` bad rows as ``(line, reason, value)`` and
    how many there are."""
    cr.execute(
        """
        UPDATE telephony_usage_checked c
           SET reason = 'duplicate', first_line = twice.first_line
          FROM (SELECT period, number, min(line) AS first_line
                  FROM telephony_usage_checked
                 WHERE period IS NOT NULL AND number IS NOT NULL
                 GROUP BY period, number
                HAVING count(*) > 1) twice
         WHERE c.period = twice.period AND c.number = twice.number
           AND c.line > twice.first_line AND c.reason IS NULL
        """
    )
    cr.execute("SELECT count(*) FROM telephony_usage_checked WHERE reason IS NOT NULL")
    count = cr.fetchone()[0]
    if not count:
        return [], 0
    # The first bad rows, named with what they hold.
    cr.execute(
        SQL(
            """
            SELECT c.line, c.reason,
                   CASE c.reason
                        WHEN 'period' THEN btrim(%(period)s, %(trimmed)s)
                        WHEN 'calls' THEN btrim(%(calls)s, %(trimmed)s)
                        WHEN 'minutes' THEN btrim(%(minutes)s, %(trimmed)s)
                        WHEN 'cost' THEN btrim(%(cost)s, %(trimmed)s)
                        WHEN 'department'
                             THEN btrim(%(department)s, %(trimmed)s)
                        WHEN 'duplicate' THEN c.first_line::text
                        ELSE btrim(%(number)s, %(trimmed)s)
                   END
              FROM (SELECT * FROM telephony_usage_checked
                     WHERE reason IS NOT NULL
                     ORDER BY line LIMIT %(limit)s) c
              JOIN telephony_usage_raw r ON r.line = c.line
             ORDER BY c.line
            """,
            trimmed=TRIMMED,
            limit=limit,
            **cell,
        )
    )
    return cr.fetchall(), count


def replace(cr, company_id, rows, parts=(None,), progress=None):
    """Store the good rows in place of what the council has of the same
    month of the same number (a PBX export and a carrier export of one
    month each keep their own numbers); return how many were stored.
    ``rows``: the query of checked rows of a piece of the work table (None:
    all of it); each piece is stored by one INSERT, ``progress(done,
    pieces)`` called before it.

    A number twice in a month is refused by the table's unique index. Rows
    are deleted only when the file's months were imported before (reading
    the rows twice is the costly part)."""
    # Asked month by month (one probe of the unique index each): a single
    # query over all the months may read every row of them, dead ones of a
    # rolled-back import included.
    cr.execute(
        """SELECT 1 FROM telephony_usage_keys k,
                  LATERAL (SELECT 1 FROM telephony_usage u
                            WHERE u.company_id = %s AND u.period = k.period
                            LIMIT 1) imported
            WHERE k.kind = 'period'
            LIMIT 1""",
        (company_id,),
    )
    if cr.rowcount:
        cr.execute(
            SQL(
                """DELETE FROM telephony_usage u
                    USING (%s) i
                    WHERE u.company_id = %s AND u.period = i.period
                      AND u.number = i.number AND i.reason IS NULL""",
                rows(None),
                company_id,
            ),
            log_exceptions=False,
        )
    count = 0
    for done, piece in enumerate(parts):
        if progress:
            progress(done, len(parts))
        cr.execute(
            SQL(
                """
                INSERT INTO telephony_usage (company_id, period, number,
                       extension_id, department_id, calls, minutes, cost)
                -- 4.2.5: a row that names no department (a PBX's calls never
                -- do) is charged to its register entry's department.
                SELECT %s, i.period, i.number, i.extension_id,
                       coalesce(i.department_id, e.department_id),
                       i.calls, i.minutes, i.cost
                  FROM (%s) i
                  LEFT JOIN telephony_extension e ON e.id = i.extension_id
                 WHERE i.reason IS NULL
                """,
                company_id,
                rows(piece),
            ),
            log_exceptions=False,
        )
        count += cr.rowcount
    return count


def register(cr, company_id):
    """{number: (register entry, its department)} of the company's register
    (the entry ``store_keys`` gives a number)."""
    cr.execute(
        """SELECT number, id, department_id FROM telephony_extension
            WHERE company_id = %s""",
        (company_id,),
    )
    return {number: (id_, department) for number, id_, department in cr.fetchall()}


def copy_usage(cr, source):
    """COPY the rows of ``source`` (a ``usage_csv.PlainRows``) straight into
    ``telephony_usage``; return how many. PostgreSQL's COPY writes a page of
    rows at a time, where ``INSERT … SELECT`` writes them one by one. A
    number's month already stored, or twice in the file, is refused by the
    table's unique index (``psycopg2.errors.UniqueViolation``): the rows
    then go the way of ``replace``."""
    cr._obj.copy_expert(
        """COPY telephony_usage (company_id, period, number, extension_id,
                                  department_id, calls, minutes, cost)
           FROM STDIN""",
        source,
        size=65536,
    )
    return cr._obj.rowcount


def periods(cr):
    """The months of the file, in order."""
    cr.execute(
        """SELECT DISTINCT period FROM telephony_usage_keys
            WHERE kind = 'period' ORDER BY 1"""
    )
    return [row[0] for row in cr.fetchall()]


def drop_work_tables(cr):
    cr.execute(
        """DROP TABLE IF EXISTS telephony_usage_raw, telephony_usage_keys,
               telephony_usage_checked"""
    )


# === Call records read by PostgreSQL === #

# What Python's str.strip() takes off a cell (each character str.isspace()
# holds for): the same cell in SQL and in Python.
SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# Python's float() reads more ("1e3", "1_000", " 5."), and the cost's
# pattern any number of digits: what these conservative patterns do not
# match is read by Python (see ``load_calls``).
_DECIMAL = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"
_COST = r"^\+?([0-9]{1,9}(\.[0-9]{0,6})?|\.[0-9]{1,6})$"
_HMS = r"^[0-9]{1,6}:[0-5][0-9]:[0-5][0-9]$"
_ISO = (
    r"^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
)
_UNIX = r"^[0-9]{1,11}$"
# PostgreSQL's names of the encodings a profile reads.
PG_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "windows-1255": "WIN1255"}


def create_records(cr, width, first_line):
    """The work table of a file of calls as PostgreSQL reads it: each
    record's cells as text (c0, c1, …) and its line in the file (the records
    keep their order in COPY; the first is ``first_line``)."""
    cr.execute(
        SQL(
            """CREATE TEMP TABLE telephony_usage_records (
                   line integer GENERATED BY DEFAULT AS IDENTITY (START %s),
                   %s) ON COMMIT DROP""",
            first_line,
            SQL(", ").join(
                SQL("%s text", SQL.identifier(f"c{i}")) for i in range(width)
            ),
        )
    )


def copy_records(cr, width, data, delimiter, quotechar, encoding):
    """COPY a piece of a file of calls (whole lines of CSV) as it is: a
    record of another width or bytes that are not ``encoding`` raise
    ``psycopg2.DataError``."""
    columns = ", ".join(f"c{i}" for i in range(width))
    cr._obj.copy_expert(
        f"""COPY telephony_usage_records ({columns}) FROM STDIN
            WITH (FORMAT csv, DELIMITER {_literal(delimiter)},
                  QUOTE {_literal(quotechar)}, ENCODING '{PG_ENCODINGS[encoding]}')""",
        io.BytesIO(data),
        # Read at once: psycopg2 holds Python's lock for each read, which a
        # thread busy with Python code lets go of only every few milliseconds
        # (usage_share: 8 KB a read made the COPY three times as long).
        size=max(len(data), 1),
    )


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def normalise_numbers(cr, normal):
    """The work table of each distinct number of the totals per number as
    written (``load_calls``) in its normal form by the council's numbering
    (``normal``: the normal form, or ``ValueError``), None when it refuses
    the number (``number_keys``)."""
    cr.execute("SELECT DISTINCT raw FROM telephony_usage_written")
    numbers = {}
    for (raw,) in cr.fetchall():
        try:
            numbers[raw] = normal(raw)
        except ValueError:
            numbers[raw] = None
    number_keys(cr, numbers)


def number_keys(cr, numbers):
    """The work table of each number's normal form (None when the council's
    numbering refuses it); ``numbers``: {raw: normal or None}."""
    cr.execute(
        "CREATE TEMP TABLE telephony_usage_numbers (raw text PRIMARY KEY, number text)"
        " ON COMMIT DROP"
    )
    cr.execute(
        """INSERT INTO telephony_usage_numbers
           SELECT * FROM unnest(%s::text[], %s::text[])""",
        (list(numbers), list(numbers.values())),
    )
    cr.execute("ANALYZE telephony_usage_numbers")


def _cell(position):
    return SQL("r.%s", SQL.identifier(f"c{position}"))


def _stripped(cell):
    """A cell stripped as Python's ``str.strip()`` strips it. Most cells
    start and end with a printable ASCII character, which is no space: they
    are kept as they are, without the costly strip of every Unicode space
    (a third of the mapping's time when each cell was stripped)."""
    return SQL(
        """CASE WHEN ascii(%(c)s) BETWEEN 33 AND 126
                 AND ascii(right(%(c)s, 1)) BETWEEN 33 AND 126 THEN %(c)s
                ELSE btrim(coalesce(%(c)s, ''), %(spaces)s) END""",
        c=cell,
        spaces=SPACES,
    )


def _counted(index, filter_values):
    """A record that counts as a call (its disposition, direction…)."""
    if "filter" not in index:
        return SQL("true")
    return SQL("%s = ANY(%s)", _stripped(_cell(index["filter"])), list(filter_values))


def mapped_calls(index, layout):
    """The query of the records that count as calls (see ``create_records``)
    as ``usage_files.CallRows`` maps them: each one's line, number as
    written (stripped), start, call, talk time in seconds and cost;
    ``counted``: a call (a record with no talk time is left out when the
    profile counts talk only); ``good`` false: a record PostgreSQL cannot
    read surely as Python does (a value these patterns do not match; a
    number the numbering refuses makes a counted call not good either, see
    ``load_calls``). A start that has the shape of a date and time but is
    none (2026-02-30) raises ``psycopg2.DataError``: unsure too.

    Each cell is stripped once, in the innermost query, and each value read
    once, in the query around it (PostgreSQL computes an expression each
    time a query names it)."""
    duration = SQL("duration_text")
    if layout.duration_unit == "hms":
        duration_text = _stripped(_cell(index["duration"]))
        duration_ok = SQL("%s ~ %s", duration, _HMS)
        seconds = SQL(
            """split_part(%(d)s, ':', 1)::bigint * 3600
               + split_part(%(d)s, ':', 2)::int * 60
               + split_part(%(d)s, ':', 3)::int""",
            d=duration,
        )
    else:
        duration_text = SQL(
            "replace(%s, ',', '.')", _stripped(_cell(index["duration"]))
        )
        # Whole seconds, the most common, without a pattern (PostgreSQL's
        # patterns cost microseconds each).
        duration_ok = SQL(
            """CASE WHEN length(%(d)s) BETWEEN 1 AND 9
                         AND btrim(%(d)s, '0123456789') = '' THEN true
                    ELSE %(d)s ~ %(pattern)s END""",
            d=duration,
            pattern=_DECIMAL,
        )
        seconds = SQL("%s::double precision", duration)
        if layout.duration_unit == "minutes":
            seconds = SQL("%s * 60", seconds)
    start = SQL("start_text")
    if layout.datetime_format == "unix":
        start_text = _stripped(_cell(index["start"]))
        start_ok = SQL("%s ~ %s AND %s::bigint > 0", start, _UNIX, start)
        moment = SQL("to_timestamp(%s::double precision) AT TIME ZONE 'UTC'", start)
        same = SQL("true")
    else:
        # A date and time of the ISO shape is read by PostgreSQL, and kept
        # only if it reads back as written: what Python's fromisoformat
        # reads the same (not 24:00:00 or 23:59:60, which PostgreSQL takes
        # for the next day). A date that is none raises an error.
        start_text = SQL("replace(%s, '/', '-')", _stripped(_cell(index["start"])))
        start_ok = SQL(
            """(%(iso)s LIKE '____-__-__ __:__:__'
                OR %(iso)s LIKE '____-__-__T__:__:__')""",
            iso=start,
        )
        moment = SQL("%s::timestamp", start)
        same = SQL("start::text = replace(%s, 'T', ' ')", start)
    if "cost" in index:
        cost_text = SQL("replace(%s, ',', '')", _stripped(_cell(index["cost"])))
        cost_ok = SQL("cost_text ~ %s", _COST)
        cost = SQL("cost_text::numeric")
    else:
        cost_text, cost_ok, cost = SQL("NULL"), SQL("true"), SQL("NULL::numeric")
    call = _cell(index["call_id"]) if "call_id" in index else SQL("''")
    kept = SQL("seconds <> 0") if layout.talk_only else SQL("true")
    return SQL(
        """
        SELECT line, number, start, call, seconds, cost,
               seconds IS NOT NULL
               AND (NOT %(kept)s OR (start IS NOT NULL AND %(same)s
                                     AND cost_ok))
                   AS good,
               seconds IS NOT NULL AND %(kept)s AS counted
          FROM (SELECT line, number, call, seconds, cost_ok, cost, start_text,
                       -- The start is read as Python reads it: of a call.
                       CASE WHEN seconds IS NOT NULL AND %(kept)s
                                 AND %(start_ok)s
                            THEN %(moment)s END AS start
                  FROM (SELECT c.line, c.number, c.call, c.start_text,
                               CASE WHEN %(duration_ok)s THEN %(seconds)s END
                                   AS seconds,
                               %(cost_ok)s AS cost_ok,
                               CASE WHEN %(cost_ok)s THEN %(cost)s END AS cost
                          FROM (SELECT r.line, coalesce(%(call)s, '') AS call,
                                       %(number)s AS number,
                                       %(start_text)s AS start_text,
                                       %(duration_text)s AS duration_text,
                                       %(cost_text)s AS cost_text
                                  FROM telephony_usage_records r
                                 WHERE %(counted)s
                                OFFSET 0) c
                        OFFSET 0) cells
                OFFSET 0) read
        """,
        kept=kept,
        same=same,
        start_ok=start_ok,
        moment=moment,
        call=call,
        duration_ok=duration_ok,
        seconds=seconds,
        cost_ok=cost_ok,
        cost=cost,
        number=_stripped(_cell(index["number"])),
        start_text=start_text,
        duration_text=duration_text,
        cost_text=cost_text,
        counted=_counted(index, layout.filter_values),
    )


def load_calls(cr, index, layout, source_tz, council_tz, by_call, normal):
    """Read the records as ``mapped_calls`` maps them and total them per
    month and number as written (and call, ``by_call``), in one statement
    (``telephony_usage_written``); then read each distinct number by the
    council's numbering (``normal``, Python's: ``normalise_numbers``), and
    total the months per number in its normal form into the work table of
    ``group_calls``, as it totals the calls Python maps. The records are read
    once, and a number is read once, not once per record.

    Return how many records PostgreSQL could not read surely as Python does
    (a counted call of a number the numbering refuses included): then the
    caller loads nothing, and Python reads the file (the values as it reads
    them, or the bad rows named)."""
    call = ", call" if by_call else ""
    # The records sorted for their totals in memory, not on disk (a million
    # records: about 60 MB; a tenth of the statement's time on disk).
    cr.execute("SET LOCAL work_mem = '128MB'")
    cr.execute(
        SQL(
            f"""
            CREATE TEMP TABLE telephony_usage_written ON COMMIT DROP AS
            SELECT {_MONTH} AS month, number AS raw{call}, min(line) AS line,
                   count(*) AS calls, sum(seconds) AS seconds,
                   sum(cost) AS cost, count(*) FILTER (WHERE NOT good) AS bad,
                   -- Not good either when the numbering refuses the number.
                   count(*) FILTER (WHERE NOT good OR counted) AS bad_unnumbered
              FROM (%(calls)s) calls
             WHERE counted OR NOT good
             GROUP BY 1, number{call}
            """,
            calls=mapped_calls(index, layout),
            source=source_tz,
            council=council_tz,
        ),
        log_exceptions=False,
    )
    normalise_numbers(cr, normal)
    calls_count = SQL("count(DISTINCT w.call)" if by_call else "sum(w.calls)::bigint")
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE telephony_usage_months ON COMMIT DROP AS
            SELECT w.month, n.number, min(w.line) AS line, %s AS calls,
                   sum(w.seconds) AS seconds, sum(w.cost) AS cost,
                   sum(CASE WHEN n.number IS NULL THEN w.bad_unnumbered
                            ELSE w.bad END) AS bad
              FROM telephony_usage_written w
              LEFT JOIN telephony_usage_numbers n ON n.raw = w.raw
             GROUP BY w.month, n.number
            """,
            calls_count,
        )
    )
    cr.execute("SELECT coalesce(sum(bad), 0)::bigint FROM telephony_usage_months")
    return cr.fetchone()[0]
