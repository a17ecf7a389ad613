"""The council's numbering: internal PBX extensions and carrier lines.

Plain Python, no ORM, so the rules are unit-tested on their own. Errors carry a
reason code; the models turn it into a translated message.
"""

import re
import unicodedata

import phonenumbers

EXTENSION = "extension"
LINE = "line"

_SEPARATORS = re.compile(r"[\s\-().\u200e\u200f]")


class NumberError(ValueError):
    """An invalid number. ``reason`` is one of: empty, characters,
    extension_length, line_invalid."""

    def __init__(self, reason, number=""):
        super().__init__(reason)
        self.reason = reason
        self.number = number


def parse_number(raw, min_digits=3, max_digits=4):
    """Return ``(kind, normalized)`` for an extension or an Israeli line number.

    A short run of digits is an extension of the council's PBX, which has
    between ``min_digits`` and ``max_digits`` digits. Anything that starts like
    a telephone number (0, +, 1-800) is a carrier line and must be a valid
    Israeli number; it is normalized to the national format (08-912-3456).
    """
    text = _ascii_digits(_SEPARATORS.sub("", raw or ""))
    if not text:
        raise NumberError("empty", raw)
    if not re.fullmatch(r"\+?[0-9]+", text):
        raise NumberError("characters", raw)
    # 1-800 and 1-700 numbers have ten digits.
    if text[0] in "0+" or (text[0] == "1" and len(text) >= 10):
        try:
            parsed = phonenumbers.parse(text, "IL")
        except phonenumbers.NumberParseException as error:
            raise NumberError("line_invalid", raw) from error
        if not phonenumbers.is_valid_number_for_region(parsed, "IL"):
            raise NumberError("line_invalid", raw)
        national = phonenumbers.PhoneNumberFormat.NATIONAL
        return LINE, phonenumbers.format_number(parsed, national)
    if not min_digits <= len(text) <= max_digits:
        raise NumberError("extension_length", raw)
    return EXTENSION, text


def _ascii_digits(text):
    """Digits typed on another keyboard (Arabic-Indic ٢١٠١, full-width ２１０１)
    are the same digits: stored as 0-9, so that the number is found however
    it was typed."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text
    )
