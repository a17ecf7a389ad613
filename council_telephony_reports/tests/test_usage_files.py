import codecs
import csv
import io
from unittest.mock import patch

from odoo.tests import BaseCase

from ..tools import usage_files
from ..tools.usage_csv import RowError

ASTERISK = (
    '"","4101","0529876543","from-internal","""כהן, משה"" <4101>","SIP/4101-1",'
    '"SIP/trunk-2","Dial","SIP/trunk/0529876543,60","2026-10-05 09:00:00",'
    '"2026-10-05 09:00:05","2026-10-05 09:02:05",125,120,"ANSWERED",'
    '"DOCUMENTATION"\n'
)


class TestUsageFiles(BaseCase):
    """The files of the PBXs and carriers read without the ORM (C18): the
    encoding, the format a file looks like, the values, and rows streamed to
    COPY a piece at a time."""

    def test_encoding_utf8_with_or_without_bom_else_windows_1255(self):
        hebrew = "מנוי;תאריך\n"
        self.assertEqual(
            usage_files.detect_encoding(codecs.BOM_UTF8 + hebrew.encode()),
            "utf-8-sig",
        )
        self.assertEqual(usage_files.detect_encoding(hebrew.encode()), "utf-8")
        self.assertEqual(
            usage_files.detect_encoding(hebrew.encode("windows-1255")), "windows-1255"
        )

    def test_rows_of_a_windows_1255_file_with_quoted_delimiters(self):
        layout = usage_files.Layout(delimiter=";", header=True, skip_lines=1)
        data = 'פירוט שיחות\nמנוי;יעד\n4101;"ת""א; מרכז"\n\n4102;חיפה\n'
        header, rows = usage_files.read_rows(
            io.BytesIO(data.encode("windows-1255")), layout
        )
        self.assertEqual(header, ["מנוי", "יעד"])
        self.assertEqual(
            list(rows), [(3, ["4101", 'ת"א; מרכז']), (5, ["4102", "חיפה"])]
        )

    def test_the_format_a_file_looks_like(self):
        def looks(text):
            stream = io.BytesIO(text.encode())
            return usage_files.looks_like(usage_files.first_rows(stream, "csv"))

        self.assertEqual(looks(ASTERISK), "asterisk")
        self.assertEqual(
            looks("calldate,clid,src,dst,billsec,disposition\n"), "freepbx"
        )
        self.assertEqual(
            looks("cdrRecordType,dateTimeOrigination,callingPartyNumber\n"), "cucm"
        )
        avaya = "2026/10/12 10:00:00,00:02:00,00:00:04,4101,O" + ",x" * 20 + "\n"
        self.assertEqual(looks(avaya), "avaya")
        self.assertEqual(
            looks("period,number,department,calls,minutes,cost\n"), "council"
        )
        self.assertIsNone(looks("מנוי,תאריך,משך\n"))

    def test_values(self):
        self.assertEqual(usage_files.parse_duration("01:02:03", "hms"), 3723)
        self.assertEqual(usage_files.parse_duration("2,5", "minutes"), 150)
        self.assertIsNone(usage_files.parse_duration("-1", "seconds"))
        self.assertIsNone(usage_files.parse_datetime("", "%Y-%m-%d %H:%M:%S"))
        self.assertEqual(
            str(usage_files.parse_datetime("2026/10/31 23:50:00", "%Y/%m/%d %H:%M:%S")),
            "2026-10-31 23:50:00",
        )
        self.assertEqual(
            str(usage_files.parse_datetime("1793483400", usage_files.UNIX)),
            "2026-10-31 21:50:00",
        )
        self.assertIsNone(usage_files.parse_datetime("0", usage_files.UNIX))
        self.assertEqual(usage_files.parse_amount("1,024.50"), 1024.5)
        self.assertIsNone(usage_files.parse_amount("1e3"))

    def test_rows_go_to_copy_a_piece_at_a_time_in_bounded_memory(self):
        layout = usage_files.Layout(
            header=False,
            columns={"number": "2", "start": "10", "duration": "14", "filter": "15"},
            filter_values=("ANSWERED",),
        )
        count = 30_000

        def rows():
            for n in range(count):
                text = ASTERISK.replace("4101", str(4000 + n % 900))
                yield n + 1, next(csv.reader([text]))

        index = usage_files.column_index(layout, None)
        mapper = usage_files.CallRows(layout, index, None, lambda raw: raw)
        source = usage_files.CopySource(rows(), mapper, 10_000, 5)
        pieces, biggest = [], 0
        while source.next_piece():
            size = 0
            while data := source.read(8192):
                self.assertLessEqual(len(data), 8192)
                biggest = max(biggest, len(source._buffer))
                size += data.count(b"\n")
            pieces.append(size)
        self.assertEqual(pieces, [10_000, 10_000, 10_000, 0])
        self.assertLess(biggest, 64 * 1024)
        self.assertEqual(source.error_count, 0)

    def test_a_bad_value_is_named_by_line_column_and_value(self):
        layout = usage_files.Layout(
            columns={"number": "src", "start": "calldate", "duration": "billsec"}
        )
        header = ["calldate", "src", "billsec"]
        index = usage_files.column_index(layout, header)
        mapper = usage_files.CallRows(layout, index, header, lambda raw: raw)
        self.assertEqual(
            mapper.map(7, ["2026-10-05 09:00:00", "4101", "abc"]),
            RowError(7, "duration", "abc", "billsec"),
        )
        self.assertEqual(
            usage_files.column_index(layout, ["calldate", "dst"]),
            RowError(1, "header", "src, billsec"),
        )

    def test_a_file_is_read_in_pieces_as_csv_reads_it_whole(self):
        """Read a piece of a few bytes at a time, a file gives the records
        and line numbers csv gives reading it at once: line ends \\r\\n, \\n
        or \\r alone cut by a piece, a record over two lines, a line longer
        than a piece, blank lines, a last line with no line end."""
        text = (
            '\ufeffמספר,שם\r\n4101,"כהן,\r\nמשה"\r\n\r\n4102,לוי\r4103,'
            + "א" * 40
            + '\n,\n 4104 ,"""ציטוט"""\n4105,סוף'
        )
        expected = []
        reader = csv.reader(io.StringIO(text[1:], newline=""))
        line = 1
        for cells in reader:
            if "".join(cells).strip():
                expected.append((line, cells))
            line = reader.line_num + 1
        layout = usage_files.Layout(header=False)
        for size in (1, 2, 3, 5, 8, 13, 64, 1024):
            with patch.object(usage_files, "CSV_PIECE", size):
                rows = usage_files.read_rows(io.BytesIO(text.encode()), layout)[1]
                self.assertEqual(list(rows), expected, size)

    def test_bytes_not_of_the_encoding_are_named_by_their_line(self):
        data = "4101,כהן\n4102,לוי\n4103,".encode() + b"\xff\n4104,x\n"
        layout = usage_files.Layout(header=False, encoding="utf-8")
        for size in (4, 1024):
            with patch.object(usage_files, "CSV_PIECE", size):
                rows = list(usage_files.read_rows(io.BytesIO(data), layout)[1])
            self.assertEqual(rows[-1], RowError(3, "not_encoding", "utf-8"), size)
            self.assertEqual([row[0] for row in rows[:-1]], [1, 2][: len(rows) - 1])
        # A character cut short at the end of the file.
        rows = list(usage_files.read_rows(io.BytesIO(data[:10]), layout)[1])
        self.assertEqual(rows[-1], RowError(1, "not_encoding", "utf-8"))
