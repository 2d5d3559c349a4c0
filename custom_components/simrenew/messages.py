"""Carrier messages: the expiry, balance, amount and number that one SMS or notification states.

Pure and free of Home Assistant. No carrier publishes the exact text of its top-up
confirmation, so nothing here depends on one wording: the reader looks for dates named by
expiry words, money named by balance or top-up words, and numbers that may be the card's, in
English, Traditional and Simplified Chinese. Every pattern is a plain regular expression without
nested repetition, so a message reads in time linear in its length.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
import re
import unicodedata

from .message_dates import expiry_named
from .message_money import balance_and_amount

MAX_MESSAGE_LENGTH = 2000

# Full numbers have at least this many digits; shorter hints are masked tails.
FULL_NUMBER_DIGITS = 8
MIN_TAIL_DIGITS = 4
# A full number may differ from the card's only by a country code of up to three digits.
COUNTRY_CODE_DIGITS = 3

_VERIFICATION = re.compile(
    r"验证码|驗證碼|校驗碼|校验码|\bOTP\b|verification\s+code|one[- ]time\s+pass(?:word|code)",
    re.IGNORECASE,
)

_FULL_NUMBER = re.compile(
    r"(?<![0-9])(?:\+[0-9]{1,3}[ -]?)?(?:[0-9]{3}[ -])?[0-9]{4}[ -][0-9]{4}(?![0-9])"
    r"|(?<![0-9])\+?[0-9]{8,15}(?![0-9])"
)
_MASKED_TAIL = re.compile(
    r"(?:[*x\u00d7•●]{2,}|尾[號号][為为是:]?\s?|ending\s+(?:in\s+|with\s+)?)([0-9]{4,15})(?![0-9])",
    re.IGNORECASE,
)
_NOT_DIGIT = re.compile(r"[^0-9]")


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageReading:
    """What one carrier message states about a card."""

    carrier_like: bool
    expiry_readings: tuple[date, ...]
    expiry_text: str | None
    balance: float | None
    balance_currency: str | None
    amount: float | None
    amount_currency: str | None
    number_hints: tuple[str, ...]


NOTHING = MessageReading(
    carrier_like=False,
    expiry_readings=(),
    expiry_text=None,
    balance=None,
    balance_currency=None,
    amount=None,
    amount_currency=None,
    number_hints=(),
)


def read_message(text: str, received: date) -> MessageReading:
    """Return what a carrier message states; a message no carrier would send reads as nothing."""
    if isinstance(received, datetime):
        # A datetime would refuse to compare with the dates read.
        received = received.date()
    # Full-width digits and punctuation read as ASCII; a few characters expand, hence the cut.
    text = unicodedata.normalize("NFKC", text[:MAX_MESSAGE_LENGTH])[:MAX_MESSAGE_LENGTH]
    # A verification code arrives from the same senders with numbers and a validity of its own.
    if _VERIFICATION.search(text):
        return NOTHING
    expiry = expiry_named(text, received)
    balance, amount = balance_and_amount(text)
    if expiry is None and balance is None and amount is None:
        return NOTHING
    return MessageReading(
        carrier_like=True,
        expiry_readings=expiry[1] if expiry else (),
        expiry_text=expiry[0].group() if expiry else None,
        balance=balance.value if balance else None,
        balance_currency=balance.currency if balance else None,
        amount=amount.value if amount else None,
        amount_currency=amount.currency if amount else None,
        number_hints=_number_hints(text),
    )


def _number_hints(text: str) -> tuple[str, ...]:
    """Return the full numbers and masked tails in the text that may be the card's number."""
    full = (_NOT_DIGIT.sub("", match.group()) for match in _FULL_NUMBER.finditer(text))
    tails = (match.group(1) for match in _MASKED_TAIL.finditer(text))
    hints = [hint for hint in full if len(hint) >= FULL_NUMBER_DIGITS]
    return tuple(dict.fromkeys([*hints, *tails]))


def matches_number(reading: MessageReading, e164: str) -> bool:
    """Return whether a number the message names is the card's number, or its masked tail."""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", e164))
    if len(digits) < MIN_TAIL_DIGITS:
        return False
    for hint in reading.number_hints:
        if len(hint) < FULL_NUMBER_DIGITS:
            if len(hint) >= MIN_TAIL_DIGITS and digits.endswith(hint):
                return True
            continue
        shorter, longer = sorted((hint, digits), key=len)
        if longer.endswith(shorter) and len(longer) - len(shorter) <= COUNTRY_CODE_DIGITS:
            return True
    return False


def _folded(text: str) -> str:
    """Return text as compared for names: NFKC, case-folded, its spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text[:MAX_MESSAGE_LENGTH]).casefold().split())


def mentions_carrier(carrier: str | None, text: str, sender: str | None) -> bool:
    """Return whether the card's carrier (two characters or more) appears in sender or text."""
    name = _folded(carrier or "")
    if len(name) < 2:
        return False
    # A Latin name must stand as a word: "CU" is no mention in "customer", nor "csl" in "cslx".
    pattern = re.escape(name)
    if name.isascii():
        pattern = rf"(?<![a-z0-9]){pattern}(?![a-z0-9])"
    return re.search(pattern, f"{_folded(sender or '')}\n{_folded(text)}") is not None


def choose_expiry(readings: tuple[date, ...], expected: Collection[date]) -> date | None:
    """Return the expiry a message means: its one reading, or the one reading that is expected."""
    if len(readings) == 1:
        return readings[0]
    chosen = [reading for reading in readings if reading in expected]
    return chosen[0] if len(chosen) == 1 else None
