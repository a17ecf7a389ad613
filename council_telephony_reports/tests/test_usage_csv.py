from odoo.tests import BaseCase

from ..tools.usage_csv import RowError, iter_rows, parse_period, read_header


class TestUsageCsv(BaseCase):
    """The file's header, separator and rows, without the ORM (the rows'
    content is checked in SQL: see test_usage_import)."""

    def test_header_in_any_order_with_bom_and_semicolons(self):
        data = (
            "\ufeffNumber;Period;Department;Calls;Minutes;Cost;Note\n"
            "2101;2026-10;מחלקת חינוך;134;412,5;38,90;x\n"
        ).encode()
        header = read_header(data)
        self.assertEqual(header.delimiter, ";")
        self.assertEqual(header.width, 7)
        self.assertEqual(header.index["period"], 1)
        self.assertEqual(header.index["number"], 0)
        self.assertEqual(header.body.read(7), b"Number;")
        comma = read_header(
            b'period,number,department,calls,minutes,cost\n2026-10,1,,"1,0",2,3\n'
        )
        self.assertEqual(comma.delimiter, ",")

    def test_rows_by_line_blank_rows_skipped_and_wrong_widths_named(self):
        header = read_header(
            b"period,number,department,calls,minutes,cost\n"
            b"2026-10,2101,,1,1,1\n"
            b"\n"
            b"2026-10,2101,,1\n"
            b'2026-10,2102,"Hall, east",1,1,1\n'
        )
        self.assertEqual(
            list(iter_rows(header)),
            [
                (2, ["2026-10", "2101", "", "1", "1", "1"]),
                RowError(4, "columns", "4"),
                (5, ["2026-10", "2102", "Hall, east", "1", "1", "1"]),
            ],
        )

    def test_header_and_encoding(self):
        self.assertEqual(read_header(b"number,calls\n1,2\n").reason, "header")
        self.assertEqual(read_header("a,b\n".encode("utf-16")).reason, "encoding")
        latin = read_header(
            "period,number,department,calls,minutes,cost\n2026-10,1,É,1,1,1\n".encode(
                "latin-1"
            )
        )
        self.assertEqual(list(iter_rows(latin)), [RowError(0, "encoding", "")])

    def test_separator_from_the_header_and_line_ends_of_any_system(self):
        # The cells may hold more of the other separator than the header.
        header = read_header(
            b"period,number,department,calls,minutes,cost\r"
            b'2026-10,2101,"a;b;c;d;e;f;g",1,1,1\r'
        )
        self.assertEqual((header.delimiter, header.width), (",", 6))
        self.assertEqual(
            list(iter_rows(header)),
            [(2, ["2026-10", "2101", "a;b;c;d;e;f;g", "1", "1", "1"])],
        )

    def test_a_row_csv_cannot_read_and_the_year_zero(self):
        header = read_header(
            b"period,number,department,calls,minutes,cost\n"
            + b"2026-10,2101,"
            + b"x" * 200000
            + b",1,1,1\n"
            b"2026-10,2102,,1,1,1\n"
        )
        self.assertEqual(
            list(iter_rows(header)),
            [
                RowError(2, "unreadable", ""),
                (3, ["2026-10", "2102", "", "1", "1", "1"]),
            ],
        )
        self.assertIsNone(parse_period("0000-05"))
        self.assertEqual(str(parse_period("2026-05")), "2026-05-01")
