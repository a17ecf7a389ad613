"""Work of a large import shared between Python and PostgreSQL, each on a
processor of its own (issue 15: within 1.5x of a typed COPY).

- **A file of calls**: Python reads a file of calls at one processor's pace
  (``CallTotals``), and PostgreSQL reads CSV at its own. ``SqlShare`` gives
  the file's last part to PostgreSQL, on a connection of its own, in a
  thread that waits on it: the records are copied and totalled per month and
  number as the SQL way totals a whole file (``usage_sql.load_calls``), and
  only the monthly rows come back. Python meanwhile totals the first part.
  The part is PostgreSQL's only where a record starts, as Python reads the
  file from its start (``MARK``); when it is not, or PostgreSQL cannot read
  the part surely as Python does (``months`` None), Python reads the whole
  file, and nothing of the share counts.
- **Rows mapped for a COPY** (``usage_csv.PlainRows``): ``Ahead`` maps them
  in a thread of its own while the COPY sends what is mapped. Sent by the
  caller alone, Python waited for PostgreSQL to take each piece before
  mapping the next, and PostgreSQL for Python: the two times added up.
"""

import logging
import queue
import threading

import psycopg2

from . import usage_files, usage_sql

_logger = logging.getLogger(__name__)

# The share of the bytes PostgreSQL reads, so that both parts end about
# together (bench/usage_import.py, on two processors: at 0.38 Python's part
# ended last, at 0.45 PostgreSQL's, 1.5 s after it).
SQL_SHARE = 0.40
# Smaller files are read by Python alone: the share would save less than a
# second connection costs.
MIN_BYTES = 8 * 1024 * 1024
# PostgreSQL reads its part in COPYs of this many bytes (whole lines).
PIECE = 4 * 1024 * 1024


def split_at(stream, size):
    """The byte PostgreSQL's share of the file starts at: the start of the
    first line after ``1 - SQL_SHARE`` of it, or None when there is none."""
    stream.seek(int(size * (1 - SQL_SHARE)))
    piece = stream.read(usage_files.HEAD_BYTES)
    stream.seek(0)
    end = piece.find(b"\n")
    start = int(size * (1 - SQL_SHARE)) + end + 1
    if end < 0 or start >= size:
        return None
    return start


# The line after Python's part, as its reader reads it: a record of its
# own when the part ends where a record does (none of these characters is
# space, as a blank line would be).
MARK = "\x7fusage-share\x7f"


class Head:
    """The first ``end`` bytes of ``stream`` (a file), then the line of
    ``MARK``: the file as Python's part reads it."""

    def __init__(self, stream, end):
        self.stream = stream
        self.end = end
        # Any encoding the share reads (usage_sql.PG_ENCODINGS) writes ASCII
        # as ASCII.
        self.mark = (MARK + "\n").encode("ascii")
        self.position = 0

    def seek(self, position):
        self.position = position
        return position

    def tell(self):
        return self.position

    def _bytes(self, size=-1):
        left = self.end + len(self.mark) - self.position
        size = left if size < 0 else min(size, left)
        data = b""
        if self.position < self.end:
            self.stream.seek(self.position)
            data = self.stream.read(min(size, self.end - self.position))
        if len(data) < size:
            at = self.position + len(data) - self.end
            data += self.mark[at : at + size - len(data)]
        self.position += len(data)
        return data

    # What the reader of the rows reads by (``read`` is a method of Odoo's
    # models to pylint-odoo).
    read = _bytes


class SqlShare(threading.Thread):
    """The calls from byte ``start`` of the file at ``path`` totalled by
    PostgreSQL per month and number, on the connection ``connect`` opens
    (see the module). ``months``: afterwards, the monthly rows as lines of
    COPY's text format for ``usage_sql.add_months`` (their first lines
    counted from the part's start), or None when PostgreSQL could not read
    them surely as Python does."""

    def __init__(self, connect, path, start, width, read):
        super().__init__(name="usage-import-share", daemon=True)
        self.connect = connect
        self.path = path
        self.start_byte = start
        self.width = width
        # (index, layout, source time zone, council time zone, encoding,
        # numbering): how the records are read (usage_sql.load_calls).
        self.read = read
        self.months = None
        self._connection = None
        self._stopped = threading.Event()

    def run(self):
        index, layout, source_tz, council_tz, encoding, normal = self.read
        try:
            with self.connect() as cr:
                self._connection = cr._cnx
                try:
                    usage_sql.create_records(cr, self.width, 1)
                    with open(self.path, "rb") as stream:
                        stream.seek(self.start_byte)
                        for piece, _done in usage_files.line_pieces(stream, PIECE):
                            if self._stopped.is_set():
                                return
                            usage_sql.copy_records(
                                cr,
                                self.width,
                                piece,
                                layout.delimiter,
                                layout.quotechar,
                                encoding,
                            )
                    unsure = usage_sql.load_calls(
                        cr, index, layout, source_tz, council_tz, False, normal
                    )
                    if not unsure:
                        self.months = usage_sql.months_out(cr)
                finally:
                    cr.rollback()
        except psycopg2.Error as error:
            # Not read surely (a record of another width, bytes not of the
            # encoding, a date that is none), or stopped (``stop``).
            _logger.info("Usage import: PostgreSQL's part not read (%s)", error.pgcode)
            self.months = None
        except Exception:
            _logger.exception("Usage import: PostgreSQL's part stopped")
            self.months = None

    def stop(self):
        """Stop PostgreSQL's work, when Python needs no more of it."""
        self._stopped.set()
        connection = self._connection
        if connection is not None and self.is_alive():
            connection.cancel()
        self.join()

    def result(self):
        """Wait for the share; its monthly rows, or None."""
        self.join()
        return self.months


class Ahead:
    """The pieces of ``rows`` (``usage_csv.PlainRows``: ``next_piece`` and
    ``read``) mapped in a thread of its own, up to ``depth`` reads ahead of
    the COPY that sends them (see the module), and read as ``rows`` is. The
    thread runs no query: ``rows`` maps without one. ``close`` waits for the
    thread (then ``rows`` tells what it found: ``unsure``, its keys)."""

    _END = object()

    def __init__(self, rows, depth=8):
        self._queue = queue.Queue(depth)
        self._stopped = threading.Event()
        self._next = None
        self._ended = False
        self._thread = threading.Thread(
            target=self._map, args=(rows,), name="usage-import-ahead", daemon=True
        )
        self._thread.start()

    def _put(self, item):
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _map(self, rows):
        try:
            while rows.next_piece():
                while True:
                    data = rows.read()
                    if not self._put(data):
                        return
                    if not data:
                        break
            self._put(self._END)
        except Exception as error:  # noqa: BLE001 - raised by the caller
            self._put(error)

    def _get(self):
        if self._ended:
            return self._END
        item = self._queue.get()
        if isinstance(item, Exception):
            raise item
        self._ended = item is self._END
        return item

    def next_piece(self):
        """Whether there are rows left for one more COPY."""
        self._next = self._get()
        return self._next is not self._END

    def _piece(self, _size=-1):
        """The next piece mapped; nothing at the end of a COPY's rows."""
        data, self._next = self._next, None
        if data is None:
            data = self._get()
        return b"" if data is self._END else data

    # What copy_expert reads by.
    read = _piece

    def close(self):
        """Stop the thread (when the caller stops reading) and wait for it."""
        self._stopped.set()
        self._thread.join()
