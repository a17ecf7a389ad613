from odoo.tests import BaseCase

from ..tools.numbering import EXTENSION, LINE, NumberError, parse_number


class TestNumbering(BaseCase):
    """The council's numbering rules, without the ORM."""

    def test_extensions(self):
        self.assertEqual(parse_number("2101"), (EXTENSION, "2101"))
        self.assertEqual(parse_number(" 21 01 "), (EXTENSION, "2101"))
        self.assertEqual(parse_number("123", 3, 4), (EXTENSION, "123"))

    def test_lines_are_normalized_to_national_format(self):
        for raw in ("089123456", "08-9123456", "08 912 3456", "+972 8-912-3456"):
            self.assertEqual(parse_number(raw), (LINE, "08-912-3456"), raw)
        self.assertEqual(parse_number("02-1234567"), (LINE, "02-123-4567"))
        self.assertEqual(parse_number("1-800-123-456"), (LINE, "1-800-123-456"))

    def test_bad_numbers_name_their_reason(self):
        cases = {
            "": "empty",
            "  ": "empty",
            "21a1": "characters",
            "ext. 21": "characters",
            "12": "extension_length",
            "123456": "extension_length",
            "0312345678": "line_invalid",
            "0891": "line_invalid",
        }
        for raw, reason in cases.items():
            with self.assertRaises(NumberError, msg=raw) as caught:
                parse_number(raw)
            self.assertEqual(caught.exception.reason, reason, raw)

    def test_extension_length_is_the_councils(self):
        self.assertEqual(parse_number("21010", 5, 5), (EXTENSION, "21010"))
        with self.assertRaises(NumberError):
            parse_number("2101", 5, 5)
