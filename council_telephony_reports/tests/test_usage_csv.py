from datetime import date

from odoo.tests import BaseCase

from ..tools.usage_csv import parse


def numbers(text):
    if not text.isdigit():
        raise ValueError("number_characters")
    return text


class TestUsageCsv(BaseCase):
    """The CSV rules, without the ORM."""

    def test_utf8_with_bom_hebrew_and_semicolons(self):
        data = (
            "\ufeffperiod;number;department;calls;minutes;cost\n"
            "2026-10;2101;מחלקת חינוך;134;412.5;38.90\n"
            "\n"
            "2026-10;2205;;0;12,5;1024,50\n"
        ).encode()
        rows, errors = parse(data, numbers)
        self.assertFalse(errors)
        self.assertEqual(rows[0].department, "מחלקת חינוך")
        self.assertEqual(rows[0].period, date(2026, 10, 1))
        self.assertEqual(rows[1].line, 4)
        self.assertEqual(rows[1].cost, 1024.5)
        self.assertEqual(rows[1].minutes, 12.5)
        comma_file = (
            b"period,number,department,calls,minutes,cost\n"
            b'2026-10,2205,,1,2,"1,024.50"\n'
        )
        self.assertEqual(parse(comma_file, numbers)[0][0].cost, 1024.5)

    def test_every_bad_row_is_named(self):
        data = (
            b"period,number,department,calls,minutes,cost\n"
            b"2026-13,2101,,1,1,1\n"
            b"2026-10,21a,,1,1,1\n"
            b"2026-10,2101,,-1,1,1\n"
            b"2026-10,2101,,1\n"
            b"2026-10,2101,,1,1,1\n"
        )
        rows, errors = parse(data, numbers)
        self.assertEqual(
            [(e.line, e.reason) for e in errors],
            [(2, "period"), (3, "number_characters"), (4, "amount"), (5, "columns")],
        )
        self.assertEqual([r.line for r in rows], [6])

    def test_header_and_encoding(self):
        self.assertEqual(parse(b"number,calls\n1,2\n", numbers)[1][0].reason, "header")
        self.assertEqual(
            parse("a,b\n".encode("utf-16"), numbers)[1][0].reason, "encoding"
        )
