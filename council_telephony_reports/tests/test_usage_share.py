import io
from unittest.mock import patch

from odoo.tests import BaseCase

from ..tools import usage_csv, usage_share

HEADER = "period,number,department,calls,minutes,cost\n"


def stored_key(kind, raw):
    """Keys as the import stores them, for a file with no bad key."""
    if kind == "period":
        return f"{raw}-01"
    if kind == "number":
        return (raw, None, None)
    return ""


def copies(rows):
    """What each COPY of ``rows`` sends, as ``usage_sql.copy_usage`` reads
    it: the pieces up to the empty read that ends it."""
    sent = []
    while rows.next_piece():
        pieces = []
        while piece := rows.read(65536):
            pieces.append(piece)
        sent.append(b"".join(pieces))
    return sent


class TestUsageShare(BaseCase):
    """Issue 15: the rows of a large import mapped by a thread of their own
    while the COPY sends them (``Ahead``), and the part of a file of calls
    Python reads before PostgreSQL's (``Head``)."""

    def _rows(self, text, key=stored_key):
        header = usage_csv.read_header(io.BytesIO(text.encode()))
        return usage_csv.PlainRows(header, 1, key, limit=4096)

    def setUp(self):
        super().setUp()
        # Pieces of a kilobyte: a file of a few hundred kilobytes makes many
        # COPYs, each of many pieces.
        self.enterContext(patch.object(usage_csv, "PLAIN_PIECE", 1024))
        self.text = HEADER + "".join(
            f"2026-{1 + n % 12:02d},{4000 + n % 900},,{n},{n}.5,{n % 97}.25\n"
            for n in range(6000)
        )

    def test_ahead_sends_what_the_rows_send_in_the_same_copies(self):
        alone = copies(self._rows(self.text))
        ahead = usage_share.Ahead(self._rows(self.text), depth=2)
        try:
            sent = copies(ahead)
        finally:
            ahead.close()
        self.assertGreater(len(alone), 10)
        self.assertEqual(sent, alone)
        self.assertEqual(b"".join(sent).count(b"\n"), 6000)

    def test_ahead_stopped_by_the_copy_lets_its_thread_go(self):
        # A COPY refused (a month imported before) stops reading at once.
        ahead = usage_share.Ahead(self._rows(self.text), depth=1)
        self.assertTrue(ahead.next_piece())
        self.assertTrue(ahead.read())
        ahead.close()
        self.assertFalse(ahead._thread.is_alive())

    def test_ahead_gives_the_caller_an_error_of_the_mapping(self):
        def key(kind, raw):
            if raw == "4321":
                raise ValueError("no such number")
            return stored_key(kind, raw)

        ahead = usage_share.Ahead(
            self._rows(HEADER + "2026-01,4000,,1,1,1\n2026-01,4321,,1,1,1\n", key)
        )
        try:
            with self.assertRaisesRegex(ValueError, "no such number"):
                copies(ahead)
        finally:
            ahead.close()

    def test_ahead_of_rows_not_surely_read_ends_as_they_do(self):
        rows = self._rows(HEADER + "2026-01,4000,,1,1,1\n2026-01,4001,,x,1,1\n")
        ahead = usage_share.Ahead(rows)
        try:
            self.assertEqual(copies(ahead), [b""])
        finally:
            ahead.close()
        self.assertTrue(rows.unsure)

    def test_the_head_is_the_file_up_to_the_share_then_the_mark(self):
        data = '4101,2026-10-05\r\n"כהן,\nמשה",x\n4102,2026-10-06\n'.encode()
        end = data.index(b"4102")
        for size in (1, 2, 3, 7, 64, -1):
            head = usage_share.Head(io.BytesIO(data), end)
            head.seek(0)
            read = b""
            while chunk := head.read(size):
                read += chunk
                if size < 0:
                    break
            self.assertEqual(read, data[:end] + b"\x7fusage-share\x7f\n", size)
            self.assertEqual(head.tell(), len(read))
