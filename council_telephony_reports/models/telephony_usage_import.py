import codecs
import csv
import io
import itertools
import logging
import os
import tempfile

import psycopg2
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models, sql_db
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from odoo.addons.council_telephony.tools import numbering

from ..tools import usage_csv, usage_files, usage_share, usage_sql

_logger = logging.getLogger(__name__)

SHOWN_ERRORS = 100
# A cell is quoted in a message up to this length (a file may hold a cell of
# any length: PostgreSQL reads it).
SHOWN_VALUE = 60
# The file goes to PostgreSQL in pieces of this size, to show how far it is.
PROGRESS_BYTES = 4 * 1024 * 1024
# A file of calls is totalled by Python (see ``_total_calls_in_python``) up
# to this many totals of a month and a number (about 30 MB), and shows how
# far it is every so many records.
MAX_TOTALS = 100_000
PROGRESS_ROWS = 200_000
# Numbers not in the register are listed in the result, up to this many.
SHOWN_NUMBERS = 30
# The states of an import the job has still to run.
TO_RUN = ("queued", "reading", "checking", "storing")
# Written by the import itself, never by a user (issue 13, item 7): set at
# creation, then by the job.
FIXED_FIELDS = {
    "state",
    "user_id",
    "company_id",
    "progress",
    "row_count",
    "error_count",
    "periods",
    "result",
    "finished_at",
}
# The class of the advisory locks that keep an import to one job at a time.
RUN_LOCK = 4_250_018


def _months(periods):
    """Months as the result names them: runs of consecutive months as one
    range ("01/2020–02/2024, 06/2024")."""
    runs = []
    for period in periods:
        if runs and runs[-1][1] + relativedelta(months=1) == period:
            runs[-1][1] = period
        else:
            runs.append([period, period])
    return ", ".join(
        first.strftime("%m/%Y")
        + ("" if first == last else "–" + last.strftime("%m/%Y"))
        for first, last in runs
    )


class TelephonyUsageImport(models.Model):
    """C18: a monthly usage file of the PBX or the carrier, imported in the
    background. The rows are loaded by PostgreSQL ``COPY`` and checked in SQL:
    one bad row and nothing is imported, and every bad row is named by its
    line. A number's month imported again replaces the earlier import.

    The import runs as a scheduled job woken when the manager presses Import.
    Its rows are stored in one transaction, the job's; the record's step and
    progress are written by a second one, so that the manager sees them while
    the job runs, and so is the result, once the job's transaction has
    committed (under Odoo's repeatable-read isolation the job cannot write a
    row another transaction changed meanwhile). An import interrupted before
    its result was written runs again: it replaces what it stored."""

    _name = "telephony.usage.import"
    _description = "Usage import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    # Set by the upload (the form's file field), kept as sent.
    name = fields.Char(string="File name")
    file = fields.Binary(attachment=True)
    profile_id = fields.Many2one(
        comodel_name="telephony.usage.import.profile",
        # Not required in the table: the imports made before profiles have
        # none (this system's layout), and need no migration.
        ondelete="restrict",
        default=lambda self: self.env.ref(
            "council_telephony_reports.usage_import_profile_council",
            raise_if_not_found=False,
        ),
        help="How the file is read: the PBX's or the carrier's format.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Imported by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    state = fields.Selection(
        string="Status",
        selection=[
            ("draft", "New"),
            ("queued", "Waiting"),
            ("reading", "Reading the file"),
            ("checking", "Checking the rows"),
            ("storing", "Storing the rows"),
            ("done", "Imported"),
            ("failed", "Nothing imported"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    progress = fields.Integer(readonly=True)
    row_count = fields.Integer(string="Rows imported", readonly=True)
    error_count = fields.Integer(string="Bad rows", readonly=True)
    periods = fields.Char(string="Months", readonly=True)
    result = fields.Text(readonly=True)
    finished_at = fields.Datetime(string="Finished at", readonly=True)

    # === CRUD === #

    @api.model_create_multi
    def create(self, vals_list):
        """An import is new, and the user's own, when it is made; its
        company is one of the user's (the record rule)."""
        for vals in vals_list:
            vals.update(state="draft", user_id=self.env.uid)
            for name in FIXED_FIELDS - {"state", "user_id", "company_id"}:
                vals.pop(name, None)
        return super().create(vals_list)

    def write(self, vals):
        """Issue 13, item 7: the state, author, company and result of an
        import are the import's own (only the job writes them, as the
        superuser); its file and profile cannot change once it is sent."""
        if not self.env.su:
            if FIXED_FIELDS & vals.keys():
                raise UserError(
                    self.env._(
                        "The status, author, company and result of an import are "
                        "set by the import itself."
                    )
                )
            if {"file", "name", "profile_id"} & vals.keys() and any(
                record.state != "draft" for record in self
            ):
                raise UserError(self.env._("This file was already sent to import."))
        return super().write(vals)

    # === Actions === #

    def action_import(self):
        """Queue the import and wake the job that runs it."""
        for record in self:
            if not record.file:
                raise UserError(self.env._("Choose the file to import."))
            if not record.profile_id:
                raise UserError(self.env._("Choose the profile of the file."))
            if record.state != "draft":
                raise UserError(self.env._("This file was already sent to import."))
        self.check_access("write")
        self.sudo().write({"state": "queued", "progress": 0})
        self.env.ref("council_telephony_reports.ir_cron_usage_import").sudo()._trigger()

    # === The job === #

    @api.model
    def _cron_run_imports(self):
        """Run the oldest waiting import; if more wait, the scheduler runs
        the job again at once. An import found midway was interrupted: its
        rows, written in one transaction, were never stored, so it starts
        again."""
        waiting = self.search([("state", "in", TO_RUN)], order="id")
        for record in waiting:
            lock = record._lock_run()
            if lock:
                record.with_company(record.company_id)._run(lock)
                break
        self.env["ir.cron"]._notify_progress(
            done=1 if waiting else 0, remaining=max(len(waiting) - 1, 0)
        )

    def _lock_run(self):
        """Issue 13, item 7: one job at a time runs an import (the scheduler
        and a manual run of the job, or two workers). Return the cursor that
        holds the import's lock until its result is written, or None when
        another job holds it or has finished the import meanwhile.

        Not a row lock (FOR UPDATE SKIP LOCKED): the progress and the result
        are written to the import's row by other transactions while the job
        runs, and a row lock would stop them. An advisory lock of a
        connection of its own outlives the job's commit, until the result is
        written; the state is read once the lock is held, by a transaction
        of its own, so that an import finished meanwhile is not run again."""
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (RUN_LOCK, self.id))
            if cr.fetchone()[0]:
                with self.env.registry.cursor() as check:
                    check.execute(
                        "SELECT state FROM telephony_usage_import WHERE id = %s",
                        (self.id,),
                    )
                    row = check.fetchone()
                if row and row[0] in TO_RUN:
                    return cr
                cr.execute("SELECT pg_advisory_unlock(%s, %s)", (RUN_LOCK, self.id))
        except Exception:
            cr.close()
            raise
        cr.close()
        return None

    def _unlock_run(self, cr):
        """Let go of the import's lock (a session's advisory lock is let go
        of at once, whatever its transaction becomes)."""
        if cr.closed:
            return
        try:
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (RUN_LOCK, self.id))
        finally:
            cr.close()

    def _run(self, lock):
        """Import the file in the job's transaction; write the result once
        it has committed, then let go of the import's lock (see _lock_run)."""
        self.ensure_one()
        self.env.cr.postrollback.add(lambda: self._unlock_run(lock))
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("res_field", "=", "file"),
            ],
            limit=1,
        )
        outcome = self.with_context(lang=self.user_id.lang or self.env.lang)
        try:
            with self.env.cr.savepoint(), self._open(attachment) as stream:
                values = outcome._import_rows(stream)
        except Exception:
            _logger.exception("Usage import %s stopped", self.id)
            values = {
                "state": "failed",
                "result": outcome.env._(
                    "The import stopped on an unexpected error: nothing was "
                    "imported. The server log has the details."
                ),
            }
        self.env.cr.postcommit.add(lambda: self._finish(values, lock))

    @api.model
    def _open(self, attachment):
        """The uploaded file, read as a stream from the file store (an
        attachment kept in the database is read whole)."""
        if attachment.store_fname:
            return open(attachment._full_path(attachment.store_fname), "rb")  # noqa: SIM115
        return io.BytesIO(attachment.raw or b"")

    def _finish(self, values, lock):
        """Write the result and tell the manager who imported the file."""
        try:
            self._write_result(values)
        finally:
            self._unlock_run(lock)

    def _write_result(self, values):
        with self.env.registry.cursor() as cr:
            record = self.with_env(self.env(cr=cr, su=True))
            record.write(dict(values, progress=100, finished_at=fields.Datetime.now()))
            record.message_post(
                body=Markup("<br/>").join(values["result"].split("\n")),
                partner_ids=record.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _import_rows(self, stream):
        """Read, check and store the file's rows; return the import's
        result (its state, counts and message). A file in another known
        format than the profile's is refused at once.

        The file is loaded into a work table of monthly rows: as it is, by
        ``COPY``, in this system's own layout; read by the profile, a piece
        at a time, otherwise (a file of calls is totalled per number and
        month in SQL). Then each row is checked and stored."""
        # An import sent before profiles is of this system's layout.
        profile = self.profile_id or self.env.ref(
            "council_telephony_reports.usage_import_profile_council"
        )
        first_rows = usage_files.first_rows(stream, profile.file_type)
        looks = usage_files.looks_like(first_rows)
        if looks and looks != profile.preset:
            return self._wrong_format(looks)
        if profile.preset != "council" or profile.file_type != "csv":
            return self._import_by_profile(stream)
        header = usage_csv.read_header(stream)
        if isinstance(header, usage_csv.RowError):
            return self._failure([header], 1)
        self._report_progress("reading", 0)
        count = self._store_plain(header)
        if count is not None:
            return self._imported(count)
        file_errors, total = self._copy_rows(header)
        encoding = [error for error in file_errors if error.reason == "encoding"]
        if encoding:
            return self._failure(encoding, 1)
        return self._check_and_store(header, file_errors, total)

    def _import_by_profile(self, stream):
        """Load the file as the profile reads it into the work table of
        monthly rows; a file of calls is totalled there per number and month
        in the council's time zone, priced by the vendor's contract when it
        has no cost (4.2.5). A value the profile cannot read stops the import
        before anything is checked."""
        profile = self.profile_id
        layout = profile._layout()
        size = max(stream.seek(0, io.SEEK_END), 1)
        # The header alone: each way below reads the rows from the start.
        header = usage_files.read_rows(stream, layout)[0]
        if isinstance(header, usage_csv.RowError):
            return self._failure([header], 1)
        index = usage_files.column_index(layout, header)
        if isinstance(index, usage_csv.RowError):
            return self._failure([index], 1)
        self._report_progress("reading", 0)
        cr = self.env.cr
        usage_sql.create_raw(cr)
        if layout.kind == "calls":
            usage_sql.create_calls(cr)
            mapper = usage_files.CallRows(layout, index, header, self._numbering())
            table = "telephony_usage_calls"
        else:
            mapper = usage_files.TotalRows(layout, index, header)
            table = "telephony_usage_raw"
        council_tz = self.company_id._telephony_tz().zone
        by_call = "call_id" in index
        totalled = None
        if layout.kind == "calls":
            totalled = self._total_calls_in_python(
                stream, size, layout, mapper, council_tz
            )
            if totalled is None:
                header, rows = usage_files.read_rows(stream, layout)
                totalled = self._load_calls_in_sql(
                    stream, layout, index, next(rows, None), council_tz
                )
        if not totalled:
            stream.seek(0)
            header, rows = usage_files.read_rows(stream, layout)
            source = usage_files.CopySource(
                rows, mapper, usage_sql.COPY_ROWS, SHOWN_ERRORS
            )
            while source.next_piece():
                usage_sql.copy_rows(cr, table, source)
                self._report_progress("reading", 40 * min(stream.tell(), size) // size)
            if source.error_count:
                return self._failure(source.errors, source.error_count)
            if layout.kind == "calls":
                usage_sql.group_calls(
                    cr, usage_sql.stored_calls(), profile.tz, council_tz, by_call
                )
        if layout.kind == "calls":
            months = usage_sql.months_without_cost(cr)
            prices = self._minute_prices(months)
            unpriced = [
                usage_csv.RowError(0, "price", month.strftime("%m/%Y"))
                for month in months
                if month not in prices
            ]
            if unpriced:
                return self._failure(unpriced[:SHOWN_ERRORS], len(unpriced))
            total = usage_sql.total_calls(cr, prices)
            usage_sql.drop(cr)
        else:
            total = usage_sql.count_raw(cr)
        count = self._store_raw()
        if count is not None:
            return self._imported(count)
        columns = {name: i for i, name in enumerate(usage_csv.COLUMNS)}
        header = usage_csv.Header(None, ",", len(columns), columns)
        return self._check_and_store(header, [], total)

    def _total_calls_in_python(
        self, stream, size, layout, calls, council_tz, shared=True
    ):
        """The calls totalled per month and number by Python as it reads
        them (``usage_files.CallTotals``: a million calls are read once, and
        only their monthly totals are stored), into the work table of
        monthly rows of calls, when the file's times are the council's and
        each record is one call. The last part of a large file is read by
        PostgreSQL meanwhile (``_share_with_sql``; not when ``shared`` is
        false). Return True when they are, False at a bad row (the checking
        way then names it), or None, having totalled nothing, when the file
        is not one for this way or has more numbers and months than it keeps
        (PostgreSQL then totals them)."""
        if self.profile_id.tz != council_tz or "call_id" in calls.index:
            return None
        share = shared and self._share_with_sql(stream, size, layout, calls, council_tz)
        totals = usage_files.CallTotals(calls, MAX_TOTALS)
        part, part_size = stream, size
        if share:
            # Python's part: the file up to PostgreSQL's, then the mark.
            part = usage_share.Head(stream, share.start_byte)
            part_size = share.start_byte
            totals.stop = [usage_share.MARK]
        try:
            rows = usage_files.read_rows(part, layout)[1]
            while totals.add(itertools.islice(rows, PROGRESS_ROWS)):
                if totals.bad and share:
                    # Perhaps the record cut where PostgreSQL's part starts.
                    break
                if totals.bad:
                    return False
                if totals.full:
                    _logger.info("Usage import %s: the calls totalled in SQL", self.id)
                    return None
                self._report_progress(
                    "reading", 40 * min(part.tell(), part_size) // part_size
                )
            months = share.result() if share and not totals.bad else None
        finally:
            if share:
                share.stop()
        if share and not (months and totals.after and not totals.bad):
            # PostgreSQL's part did not start where a record does (a record
            # over lines cut there), or was not read surely, or Python's has
            # a bad row: Python reads the whole file (which names it).
            _logger.info("Usage import %s: the calls read by Python alone", self.id)
            return self._total_calls_in_python(
                stream, size, layout, calls, council_tz, shared=False
            )
        data = totals.lines()
        if data is None:
            return False
        usage_sql.copy_months(self.env.cr, data)
        if share:
            usage_sql.add_months(self.env.cr, months, totals.after[0] - 1)
            _logger.info(
                "Usage import %s: the calls from line %s read by PostgreSQL",
                self.id,
                totals.after[0],
            )
        return True

    def _share_with_sql(self, stream, size, layout, calls, council_tz):
        """Start PostgreSQL reading the last part of a large file of calls
        (``usage_share.SqlShare``) on a connection of its own, or None when
        the file is small, kept in the database, or one PostgreSQL cannot
        read surely as Python does."""
        encoding = self._sql_encoding(stream, layout)
        path = getattr(stream, "name", None)
        if (
            encoding is None
            or size < usage_share.MIN_BYTES
            or (os.cpu_count() or 1) < 2
            or not (isinstance(path, str) and os.path.isfile(path))
            or set(usage_share.MARK) & set(layout.delimiter + layout.quotechar)
        ):
            return None
        start = usage_share.split_at(stream, size)
        rows = usage_files.read_rows(stream, layout)[1]
        first = next(rows, None)
        if (
            start is None
            or not isinstance(first, tuple)
            or isinstance(first, usage_csv.RowError)
        ):
            return None
        share = usage_share.SqlShare(
            sql_db.db_connect(self.env.cr.dbname).cursor,
            path,
            start,
            # COPY takes records of the first one's width only.
            len(first[1]),
            (
                calls.index,
                layout,
                self.profile_id.tz,
                council_tz,
                encoding,
                self._numbering(),
            ),
        )
        share.start()
        return share

    def _sql_encoding(self, stream, layout):
        """The encoding in which PostgreSQL reads the file's records surely
        as Python does, or None when it cannot: a spreadsheet, a date and
        time in another format, a delimiter or quote it does not take, an
        encoding it does not read."""
        if (
            layout.file_type != "csv"
            or layout.datetime_format
            not in usage_files.ISO_FORMATS | {usage_files.UNIX}
            or len(layout.delimiter) != 1
            or len(layout.quotechar) != 1
            or not (layout.delimiter + layout.quotechar).isascii()
        ):
            return None
        stream.seek(0)
        head = stream.read(usage_files.HEAD_BYTES)
        stream.seek(0)
        encoding = layout.encoding
        if encoding == "auto":
            encoding = usage_files.detect_encoding(head)
        return encoding if encoding in usage_sql.PG_ENCODINGS else None

    def _load_calls_in_sql(self, stream, layout, index, first, council_tz):
        """The calls of a CSV file read by PostgreSQL, as Python reads them
        (``usage_files.CallRows``), and totalled per month and number: the
        file goes to COPY as it is, and the records are mapped and totalled
        in one statement (``usage_sql.load_calls``); only each distinct
        number is read by Python, by the council's numbering. Return False,
        having loaded nothing, when PostgreSQL cannot read the file surely
        as Python does (see ``_sql_encoding``; a record of another width, a
        value or a number it does not take): Python then reads it, and names
        the bad rows. ``first``: the first record as Python reads it."""
        before = layout.skip_lines + layout.header + layout.skip_after_header
        encoding = self._sql_encoding(stream, layout)
        if (
            not isinstance(first, tuple)
            or isinstance(first, usage_csv.RowError)
            # No blank line or record over several lines before it.
            or first[0] != before + 1
            or encoding is None
        ):
            return False
        head = stream.read(3)
        stream.seek(3 if head.startswith(codecs.BOM_UTF8) else 0)
        # The lines before the records, skipped as Python skips them (lines
        # that end in \n).
        for _line in range(before):
            if b"\r" in stream.readline().rstrip(b"\r\n"):
                return False
        # The width of the first record: COPY takes no other.
        width = len(first[1])
        cr = self.env.cr
        start = stream.tell()
        size = max(stream.seek(0, io.SEEK_END) - start, 1)
        stream.seek(start)
        savepoint = cr.savepoint(flush=False)
        try:
            usage_sql.create_records(cr, width, before + 1)
            # A piece of whole lines at a time, to show how far it is.
            for piece, done in usage_files.line_pieces(stream, PROGRESS_BYTES):
                if piece:
                    usage_sql.copy_records(
                        cr,
                        width,
                        piece,
                        layout.delimiter,
                        layout.quotechar,
                        encoding,
                    )
                self._report_progress("reading", 35 * done // size)
            unsure = usage_sql.load_calls(
                cr,
                index,
                layout,
                self.profile_id.tz,
                council_tz,
                "call_id" in index,
                self._numbering(),
            )
        except psycopg2.DataError:
            unsure = True
        if unsure:
            _logger.info("Usage import %s: the calls read by Python", self.id)
            savepoint.close(rollback=True)
            return False
        savepoint.close(rollback=False)
        return True

    def _numbering(self):
        """The council's numbering as a function of a number: its normal
        form, or NumberError (a ValueError) with the reason. Read before the
        rows go to COPY: no query can run while they do."""
        low = self.company_id.telephony_extension_min_digits
        high = self.company_id.telephony_extension_max_digits
        return lambda raw: numbering.parse_number(raw, low, high)[1]

    def _minute_prices(self, months):
        """The price of a minute of talk in each month: the profile's item
        of the unit prices of its vendor's contract in force that month."""
        profile = self.profile_id
        contracts = self.env["telephony.contract"].sudo()
        prices = {}
        if not (profile.vendor_id and profile.price_item):
            return prices
        for month in months:
            contract = contracts._for_vendor_on(
                profile.vendor_id, month, self.company_id
            ) or contracts._for_vendor_on(
                profile.vendor_id,
                month + relativedelta(months=1, days=-1),
                self.company_id,
            )
            price = contract.price_ids.filtered(
                lambda p: p.name.strip() == profile.price_item.strip()
            )[:1]
            if price:
                prices[month] = price.price
        return prices

    def _check_and_store(self, header, file_errors, total):
        """Check the loaded monthly rows and store them.

        A good file is stored by one INSERT that checks each row as it reads
        it: if it stores fewer rows than the file has, or a number twice for
        a month, it is undone and the rows are checked one step at a time,
        to name the bad ones."""
        self._report_progress("checking", 40)
        cr = self.env.cr
        # Grouping a million rows: in memory, not on disk.
        cr.execute("SET LOCAL work_mem = '128MB'")
        usage_sql.analyze_raw(cr)
        cell = usage_sql.cells(header.index)
        self._check_keys(cell)
        if not file_errors and usage_sql.keys_are_good(cr):
            amounts = usage_sql.amounts(cell, header.delimiter)
            with cr.savepoint(flush=False) as savepoint:
                try:
                    count = self._replace(
                        lambda piece: usage_sql.checked_rows(cell, amounts, piece),
                        usage_sql.pieces(cr),
                    )
                except (psycopg2.DataError, psycopg2.errors.UniqueViolation):
                    count = None
                if count == total:
                    return self._imported(count)
                savepoint.close()
        errors, count = self._check_rows(header, cell, file_errors)
        if count:
            usage_sql.drop_work_tables(cr)
            return self._failure(errors, count)
        return self._imported(
            self._replace(lambda piece: SQL("SELECT * FROM telephony_usage_checked"))
        )

    def _report_progress(self, state, progress):
        """Show how far the import is. Written and committed by a second
        transaction: the import's own commits only at the end. Best effort: a
        row locked by someone else is not waited for."""
        self.flush_recordset()
        try:
            with self.env.registry.cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = '1s'")
                cr.execute(
                    """UPDATE telephony_usage_import SET state = %s, progress = %s
                        WHERE id = %s""",
                    (state, progress, self.id),
                )
        except psycopg2.errors.LockNotAvailable:
            _logger.info("Usage import %s: progress not shown", self.id)

    # === Steps === #

    def _copy_rows(self, header):
        """Load the rows into a work table, one text column per column of
        the file and the line number. The file goes to ``COPY`` as it is; a
        file ``COPY`` cannot read as a table (rows of other widths, blank
        lines, bytes that are not UTF-8) is read again row by row. Return the
        rows that cannot be loaded, as errors, and how many rows were."""
        cr = self.env.cr
        columns = usage_sql.create_raw_columns(cr, header.width)
        body = header.body
        start = body.tell()
        size = max(body.seek(0, io.SEEK_END) - start, 1)
        try:
            with cr.savepoint(flush=False):
                body.seek(start)
                total, first, rest = 0, True, b""
                while True:
                    # Read a piece at a time, cut after its last whole line
                    # (the rest goes with the next), to show how far it is.
                    chunk = body.read(PROGRESS_BYTES)
                    data = rest + chunk
                    if not data:
                        break
                    end = data.rfind(b"\n") + 1 if chunk else len(data)
                    if not end:
                        rest = data
                        continue
                    piece, rest = data[:end], data[end:]
                    total += usage_sql.copy_csv(
                        cr, columns, piece, first, header.delimiter
                    )
                    first = False
                    done = body.tell() - start - len(rest)
                    self._report_progress("reading", 40 * done // size)
            return [], total
        except psycopg2.DataError:
            _logger.info("Usage import %s: reading row by row", self.id)
        body.seek(start)
        errors, rows = [], io.StringIO()
        writer = csv.writer(rows)
        for item in usage_csv.iter_rows(header):
            if isinstance(item, usage_csv.RowError):
                errors.append(item)
            else:
                writer.writerow([item[0], *item[1]])
        count = usage_sql.copy_lines(cr, columns, rows.getvalue().encode())
        return errors, count + len(errors)

    def _check_rows(self, header, cell, file_errors):
        """Check every loaded row in SQL: the period, the number, the
        department (each distinct value once, in ``_check_keys``), the amounts
        and a number given twice for a month. Return the first bad rows
        (``file_errors`` included) and how many there are."""
        cr = self.env.cr
        # A row PostgreSQL cannot read makes the whole statement fail: then
        # each amount is matched first.
        try:
            with cr.savepoint(flush=False):
                usage_sql.create_checked(
                    cr, cell, usage_sql.amounts(cell, header.delimiter)
                )
        except psycopg2.DataError:
            usage_sql.create_checked(
                cr, cell, usage_sql.amounts(cell, header.delimiter, matched=True)
            )
        rows, count = usage_sql.bad_rows(cr, cell, SHOWN_ERRORS)
        errors = [usage_csv.RowError(*row) for row in rows]
        errors = sorted(errors + file_errors)[:SHOWN_ERRORS]
        count += len(file_errors)
        return errors, count

    def _check_keys(self, cell):
        """Each distinct period, number and department of the file, checked
        once (``_key_row``)."""
        cr = self.env.cr
        distinct = usage_sql.distinct_keys(cr, cell)
        departments = usage_sql.departments(cr, self.company_id.id)
        normal = self._numbering()
        keys = io.StringIO()
        writer = csv.writer(keys)
        # GROUPING() tells which column a row is the distinct value of.
        for period, number, department, grouping in distinct:
            if grouping == 0b011:
                row = self._key_row("period", period, departments, normal)
            elif grouping == 0b101:
                row = self._key_row("number", number, departments, normal)
            else:
                row = self._key_row("department", department, departments, normal)
            writer.writerow(row)
        usage_sql.store_keys(cr, keys.getvalue().encode(), self.company_id.id)

    @api.model
    def _key_row(self, kind, raw, departments, normal):
        """A period, number or department of the file checked, as
        ``usage_sql.store_keys`` takes it (kind, raw, month, number,
        department, reason): the month; the number by the council's
        numbering (extensions of the PBX, Israeli lines: ``normal``, see
        ``_numbering``) in its normal form; the department by its name in
        any of its languages (``departments``: ``usage_sql.departments``).
        Runs no query."""
        if kind == "period":
            month = usage_csv.parse_period(raw.strip())
            if month:
                return ["period", raw, month, "", "", ""]
            return ["period", raw, "", "", "", "period"]
        if kind == "number":
            try:
                return ["number", raw, "", normal(raw.strip()), "", ""]
            except numbering.NumberError as error:
                return ["number", raw, "", "", "", f"number_{error.reason}"]
        name = raw.strip()
        known = departments.get(name) if name else ""
        if known is None:
            return ["department", raw, "", "", "", "department"]
        return ["department", raw, "", "", known or "", ""]

    def _store_plain(self, header):
        """Store a good file of this system's layout as it is read, with no
        work table: each row mapped by Python as the checks in SQL read it
        (``usage_csv.PlainRows``, each distinct key checked once by
        ``_key_row``) and written by one ``COPY`` into ``telephony_usage``.
        Return how many rows were stored, or None, having stored nothing and
        put the file back where it was, when a row is not surely read so,
        or a number's month was imported before or is twice in the file
        (the table's unique index): the rows are then checked and stored the
        slow way, which replaces the month and names the bad rows."""
        cr = self.env.cr
        company = self.company_id
        departments = usage_sql.departments(cr, company.id)
        entries = usage_sql.register(cr, company.id)
        normal = self._numbering()
        keys = []

        # Called while the rows go to COPY: no query may run.
        def key(kind, raw):
            row = self._key_row(kind, raw, departments, normal)
            keys.append(row)
            if row[5]:
                return None
            if kind == "period":
                return row[2].isoformat()
            if kind == "number":
                return (row[3], *entries.get(row[3], (None, None)))
            return str(row[4])

        start = header.body.tell()
        size = max(header.body.seek(0, io.SEEK_END) - start, 1)
        header.body.seek(start)
        usage = self.env["telephony.usage"]
        usage.flush_model()
        rows = usage_csv.PlainRows(header, company.id, key)
        # Mapped by a thread of its own while the COPY sends them.
        ahead = usage_share.Ahead(rows)
        with cr.savepoint(flush=False) as savepoint:
            count = 0
            try:
                while ahead.next_piece():
                    count += usage_sql.copy_usage(cr, ahead)
                    self._report_progress("storing", 99 * rows.done // size)
            except (psycopg2.DataError, psycopg2.errors.UniqueViolation):
                count = None
            finally:
                ahead.close()
            if count is None or rows.unsure:
                _logger.info("Usage import %s: the rows checked the slow way", self.id)
                savepoint.close(rollback=True)
                header.body.seek(start)
                return None
            data = io.StringIO()
            csv.writer(data).writerows(keys)
            usage_sql.store_keys(cr, data.getvalue().encode(), company.id)
        usage.invalidate_model()
        return count

    def _store_raw(self):
        """Store the work table of monthly rows as a good file of this
        system's layout is stored (``_store_plain``: by one ``COPY``, with
        no checking statement), written out as such a file, in memory up to
        a size and on disk beyond. Return None, having stored nothing, when
        a row is not surely read so: the rows are then checked the slow
        way, which names the bad ones."""
        with tempfile.SpooledTemporaryFile(max_size=PROGRESS_BYTES) as data:
            usage_sql.copy_raw_out(self.env.cr, data)
            data.seek(0)
            return self._store_plain(usage_csv.read_header(data))

    def _replace(self, rows, pieces=(None,)):
        """Store the good rows in place of what the council has of the same
        month of the same number (a PBX export and a carrier export of one
        month each keep their own numbers); return how many were stored.
        ``rows``: the query of checked rows of a piece of the work table
        (None: all of it); each piece is stored by one INSERT.

        A number twice in a month is refused by the table's unique index.
        Rows are deleted only when the file's months were imported before
        (reading the rows twice is the costly part)."""
        usage = self.env["telephony.usage"]
        usage.flush_model()
        count = usage_sql.replace(
            self.env.cr,
            self.company_id.id,
            rows,
            pieces,
            lambda done, total: self._report_progress(
                "storing", 45 + 54 * done // total
            ),
        )
        usage.invalidate_model()
        return count

    def _imported(self, count):
        periods = _months(usage_sql.periods(self.env.cr))
        result = self.env._(
            "%(count)s usage rows imported for %(periods)s.",
            count=formatLang(self.env, count, digits=0),
            periods=self._left_to_right(periods),
        )
        # 4.2.5: a number not in the register is imported, and named.
        numbers, unregistered = usage_sql.unregistered(self.env.cr, SHOWN_NUMBERS)
        if unregistered:
            shown = ", ".join(self._left_to_right(number) for number in numbers)
            if unregistered > len(numbers):
                shown += " …"
            result += "\n" + self.env._(
                "Not in the register (%(count)s): %(numbers)s",
                count=formatLang(self.env, unregistered, digits=0),
                numbers=shown,
            )
        usage_sql.drop_work_tables(self.env.cr)
        return {
            "state": "done",
            "row_count": count,
            "error_count": 0,
            "periods": periods,
            "result": result,
        }

    # === Messages === #

    def _shown(self, value):
        """A value of the file as the result quotes it: cut when long."""
        if len(value) > SHOWN_VALUE:
            value = f"{value[:SHOWN_VALUE]}…"
        return self._left_to_right(value)

    def _left_to_right(self, text):
        """In a right-to-left language, ``text`` ("-7.50", "08-912-3456",
        "01/2020–02/2024") is kept left to right by Unicode isolates."""
        if self.env["res.lang"]._get_data(code=self.env.lang).direction == "rtl":
            return f"\u2066{text}\u2069"
        return text

    def _wrong_format(self, looks):
        """A file in another known format than the profile's."""
        profiles = self.env["telephony.usage.import.profile"]
        labels = dict(profiles._fields["preset"]._description_selection(self.env))
        profile = profiles.search([("preset", "=", looks)], limit=1)
        return {
            "state": "failed",
            "row_count": 0,
            "error_count": 0,
            "result": self.env._(
                "Nothing was imported: this looks like a file of %(format)s, not "
                "of %(profile)s. Choose the profile %(other)s and import it again.",
                format=labels[looks],
                profile=self.profile_id.display_name,
                other=profile.display_name or labels[looks],
            ),
        }

    def _failure(self, errors, count):
        reasons = {
            "encoding": self.env._("the file is not UTF-8 text"),
            "header": self.env._("the header lacks the columns: %s"),
            "columns": self.env._("wrong number of columns (%s)"),
            "period": self.env._("the period %s is not a month written YYYY-MM"),
            "number_empty": self.env._("no extension or line number"),
            "number_characters": self.env._("%s is not a phone number"),
            "number_extension_length": self.env._("%s is not a council extension"),
            "number_line_invalid": self.env._("%s is not a valid Israeli line number"),
            "calls": self.env._(
                "the calls (%s) must be a whole number from 0 to 1,000,000,000"
            ),
            "minutes": self.env._(
                "the minutes (%s) must be a number from 0 to 1,000,000,000"
            ),
            "cost": self.env._(
                "the cost (%s) must be a number from 0 to 1,000,000,000"
            ),
            "unreadable": self.env._("the line cannot be read as CSV"),
            "department": self.env._("no department is named %s"),
            "duplicate": self.env._("the same number and month as line %s"),
            "not_encoding": self.env._("the file is not %s text"),
            "xlsx": self.env._("the file is not an XLSX spreadsheet"),
            "start": self.env._(
                "%(value)s is not a date and time written %(format)s",
                value="%s",
                format=self._left_to_right(self.profile_id.datetime_format or ""),
            ),
            "start_empty": self.env._("no date and time"),
            "duration": self.env._(
                "%(value)s is not a talk time in %(unit)s",
                value="%s",
                unit=dict(
                    self.profile_id._fields["duration_unit"]._description_selection(
                        self.env
                    )
                ).get(self.profile_id.duration_unit, ""),
            ),
            "amount": self.env._(
                "the cost (%s) must be a number from 0 to 1,000,000,000"
            ),
            "price": self.env._(
                "the file gives no cost, and the contract of %(vendor)s in force "
                "in %(month)s has no unit price %(item)s",
                vendor=self.profile_id.vendor_id.display_name or "—",
                month="%s",
                item=self.profile_id.price_item or "—",
            ),
        }
        lines = []
        for error in errors:
            reason = reasons[error.reason].replace("%s", self._shown(error.value))
            if error.reason == "price":
                lines.append(reason)
            elif error.column:
                lines.append(
                    self.env._(
                        "Line %(line)s, column %(column)s: %(reason)s",
                        line=error.line,
                        column=error.column,
                        reason=reason,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Line %(line)s: %(reason)s", line=error.line, reason=reason
                    )
                )
        if count > len(errors):
            lines.append(
                self.env._(
                    "… and %(count)s more.",
                    count=formatLang(self.env, count - len(errors), digits=0),
                )
            )
        return {
            "state": "failed",
            "row_count": 0,
            "error_count": count,
            "result": "\n".join(
                [
                    self.env._(
                        "Nothing was imported. Correct these rows and import again:"
                    )
                ]
                + lines
            ),
        }
