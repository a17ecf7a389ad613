import re

from hypothesis import given
from hypothesis import strategies as st

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase

from ..tools.numbering import EXTENSION, LINE, NumberError, parse_number
from .common import TelephonyCase, properties

REASONS = {"empty", "characters", "extension_length", "line_invalid"}
SEPARATORS = " -().\u200e\u200f"
ASCII_DIGITS = "0123456789"
# The same digits in other scripts: Arabic-Indic, Persian, Devanagari, full width.
SCRIPT_ZEROS = ("\u0660", "\u06f0", "\u0966", "\uff10")

councils = st.tuples(st.integers(1, 6), st.integers(0, 3)).map(
    lambda pair: (pair[0], pair[0] + pair[1])
)


def _digits_only(text):
    return re.sub(r"\D", "", text)


@st.composite
def spaced(draw, text):
    """``text`` with separators typed anywhere between its characters."""
    return "".join(
        draw(st.text(alphabet=SEPARATORS, max_size=2)) + char for char in text
    ) + draw(st.text(alphabet=SEPARATORS, max_size=2))


@st.composite
def israeli_like(draw):
    """A number shaped like an Israeli line: an area or mobile prefix and
    seven digits. phonenumbers decides whether it is a real one."""
    prefix = draw(
        st.sampled_from(["02", "03", "04", "08", "09", "050", "052", "054", "072"])
    )
    return prefix + draw(st.text(alphabet=ASCII_DIGITS, min_size=7, max_size=7))


# What people type in a number field: anything at all, number-like text,
# digits of any script mixed with spaces and dashes, and plausible numbers.
typed = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=ASCII_DIGITS + "+" + SEPARATORS, max_size=20),
    st.text(alphabet=st.characters(categories=["Nd", "Zs", "Pd"]), max_size=15),
    st.text(alphabet="23456789", min_size=2, max_size=5),
    israeli_like(),
)


class TestNumberingProperties(BaseCase):
    """The council's numbering (tools/numbering.py) over generated input:
    every input is either a number in one normal form or a named refusal."""

    @properties(300)
    @given(typed, councils)
    def test_any_input_is_a_number_or_a_named_refusal(self, raw, council):
        try:
            kind, number = parse_number(raw, *council)
        except NumberError as error:
            self.assertIn(error.reason, REASONS)
            return
        # Normalized: plain digits for an extension, a formatted line.
        self.assertEqual(kind == EXTENSION, number.isascii() and number.isdigit())
        self.assertEqual(kind == LINE, not number.isdigit())
        self.assertTrue(number.isascii())
        # The normal form is a fixed point: stored numbers parse to themselves.
        self.assertEqual(parse_number(number, *council), (kind, number))

    @properties(150)
    @given(st.data(), st.text(alphabet=ASCII_DIGITS, min_size=1, max_size=12))
    def test_separators_do_not_change_a_number(self, data, digits):
        raw = data.draw(spaced(data.draw(st.sampled_from(["", "+"])) + digits))
        plain = raw.translate({ord(char): None for char in SEPARATORS})
        self.assertEqual(self._parsed(raw), self._parsed(plain))

    @properties(150)
    @given(st.data(), councils)
    def test_extensions_of_the_councils_length(self, data, council):
        low, high = council
        length = data.draw(st.integers(low, high))
        digits = data.draw(st.sampled_from("23456789")) + data.draw(
            st.text(alphabet=ASCII_DIGITS, min_size=length - 1, max_size=length - 1)
        )
        self.assertEqual(parse_number(digits, low, high), (EXTENSION, digits))
        shorter, longer = digits[: low - 1], digits + "1" * (high + 1 - len(digits))
        for wrong in filter(None, (shorter, longer)):
            with self.assertRaises(NumberError) as caught:
                parse_number(wrong, low, high)
            self.assertEqual(caught.exception.reason, "extension_length", wrong)

    @properties(150)
    @given(
        st.text(alphabet=ASCII_DIGITS, min_size=2, max_size=10),
        st.characters().filter(
            lambda c: not (c.isdecimal() or c == "+" or re.match(r"[\s\-().]", c))
            and c not in SEPARATORS
        ),
        st.integers(1, 9),
    )
    def test_a_foreign_character_is_refused(self, digits, char, where):
        raw = digits[:where] + char + digits[where:]
        with self.assertRaises(NumberError) as caught:
            parse_number(raw)
        self.assertEqual(caught.exception.reason, "characters")

    @properties(150)
    @given(st.text(alphabet=ASCII_DIGITS, min_size=1, max_size=12))
    def test_digits_of_any_script_are_the_same_number(self, digits):
        expected = self._parsed(digits)
        for zero in SCRIPT_ZEROS:
            typed_elsewhere = "".join(chr(ord(zero) + int(d)) for d in digits)
            self.assertEqual(self._parsed(typed_elsewhere), expected, zero)

    @properties(150)
    @given(israeli_like())
    def test_lines_keep_their_digits_in_any_notation(self, national):
        parsed = self._parsed(national)
        self.assertIn(parsed[0], (LINE, "line_invalid"))
        if parsed[0] == LINE:
            self.assertEqual(_digits_only(parsed[1]), national)
        self.assertEqual(self._parsed("+972" + national[1:]), parsed)
        self.assertEqual(self._parsed("+972-" + national[1:]), parsed)

    @staticmethod
    def _parsed(raw):
        """``(kind, number)``, or ``(reason, None)`` for a refusal."""
        try:
            return parse_number(raw)
        except NumberError as error:
            return error.reason, None


class TestNumberFieldProperties(TelephonyCase):
    """The register and the ticket store what the numbering accepts, in its
    normal form, and refuse the rest with a clear message, recording
    nothing."""

    def _expected(self, raw):
        company = self.env.company
        low = company.telephony_extension_min_digits
        high = company.telephony_extension_max_digits
        try:
            return parse_number(raw, low, high)[1], None
        except NumberError as error:
            return None, error

    def _assert_refusal(self, message, raw, error):
        if error.reason == "empty":
            self.assertEqual(message, "Enter an extension or a line number.")
        else:
            self.assertTrue(message.startswith(raw), message)

    @properties(40)
    @given(typed.filter(bool))
    def test_the_register_keeps_valid_numbers_only(self, raw):
        number, error = self._expected(raw)
        register = self.env["telephony.extension"]
        if number and register.find_by_number(number):
            return  # already in the register: the unique constraint's case
        with self._rolled_back():
            before = register.search_count([])
            if error:
                with self.assertRaises(ValidationError) as caught:
                    register.create({"number": raw})
                self._assert_refusal(caught.exception.args[0], raw, error)
                self.assertEqual(register.search_count([]), before)
            else:
                self.assertEqual(register.create({"number": raw}).number, number)

    @properties(25)
    @given(typed.filter(bool))
    def test_tickets_keep_valid_numbers_only(self, raw):
        number, error = self._expected(raw)
        tickets = self.env["helpdesk.ticket"]
        with self._rolled_back():
            before = tickets.search_count([])
            if error:
                with self.assertRaises(ValidationError) as caught:
                    self._ticket(self.cat_pbx, telephony_number=raw)
                self._assert_refusal(caught.exception.args[0], raw, error)
                self.assertEqual(tickets.search_count([]), before)
            else:
                ticket = self._ticket(self.cat_pbx, telephony_number=raw)
                self.assertEqual(ticket.telephony_number, number)
