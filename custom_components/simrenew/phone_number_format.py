"""Phone numbers in E.164 form, however people write them; free of Home Assistant."""

from __future__ import annotations

import re
import unicodedata

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"[0-9]+")


def normalize_phone_number(raw: str) -> str:
    """Return the number in E.164 form ("+" and 8 to 15 digits), or raise ValueError.

    Hong Kong numbers (8 digits) and mainland mobile numbers (11 digits starting with 1)
    may be written without their country code; every other number starts with "+".
    """
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    digits = compact.removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        raise ValueError("not a phone number")
    if not compact.startswith("+"):
        digits = _with_country_code(digits)
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise ValueError("not a phone number")
    return f"+{digits}"


def _with_country_code(digits: str) -> str:
    """Return a number written without "+" with its country code, or raise ValueError."""
    if len(digits) == 8:
        return f"852{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"86{digits}"
    if (len(digits) == 11 and digits.startswith("852")) or (
        len(digits) == 13 and digits.startswith("86")
    ):
        return digits
    raise ValueError("a number without + must be a Hong Kong or mainland China number")


def same_phone_number(stored: object, number: str) -> bool:
    """Return whether a stored number, however it was written, is `number` in E.164."""
    if not isinstance(stored, str):
        return False
    try:
        return normalize_phone_number(stored) == number
    except ValueError:
        return stored == number
