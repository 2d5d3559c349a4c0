"""What a carrier's message states: its expiry, balance, amount and number; free of HA.

No carrier publishes the text of its top-up confirmation, so nothing here depends on one wording:
the reader looks for the words carriers use for an expiry ("valid until", 有效期至, 到期日 ...)
and takes the date they name, in any of the forms carriers write (day first with slashes, year
first, Chinese), and for balance and top-up words with an amount. Verification codes come from
the same senders and are never read as anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
import math
import re
import unicodedata

MAX_MESSAGE_LENGTH = 2000
# An expiry word names the first date that starts within this many characters after it.
NAMING_REACH = 30
# A balance or top-up word names the first amount within this many characters after it.
AMOUNT_REACH = 24
MONEY_LIMIT = 1_000_000
FIRST_YEAR, LAST_YEAR = 2000, 2199


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageReading:
    """What one message states."""

    # False for anything a carrier would not send about validity or balance (a code, say).
    carrier_like: bool
    # () no expiry; (d,) one reading; (day first, month first) for a slash date read both ways.
    expiry_readings: tuple[date, ...]
    # The expiry's date text as written (with its time of day, if any), nothing else.
    expiry_text: str | None
    balance: float | None
    balance_currency: str | None
    amount: float | None
    amount_currency: str | None
    # Numbers that may be the card's: whole ones (8 digits or more) and masked tails (4 or more).
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

_VERIFICATION = re.compile(
    r"验证码|驗證碼|校验码|校驗碼|动态码|動態碼|动态密码|動態密碼|(?<![a-z])otp(?![a-z])"
    r"|verification code|one-time password|one time password|security code|passcode"
)
_EXPIRY_WORDS = re.compile(
    r"valid until|valid till|valid thru|valid through|valid to(?![a-z])|validity"
    r"|expiry date|expiration date|date of expiry|expiry|expires on|expire on|expires|expiring on"
    r"|有效期至|有效期為|有效期为|有效期到|有效期|有效日期|有效至|到期日|到期|使用期限|屆滿|届满"
)
_BALANCE_WORDS = re.compile(
    r"remaining balance|account balance|balance|remaining value|stored value|credit left"
    r"|餘額|余额|結餘|结余|儲值額|储值额|剩餘|剩余|可用餘額|可用余额"
)
_TOP_UP_WORDS = re.compile(
    r"topped up|top-up|top up|topup|recharged|recharge|reloaded|paid"
    r"|充值|增值|儲值|储值|繳費|缴费|付款|入數"
)
_TIME = r"(?:\s*(?:at|於|于)?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATES = re.compile(
    # Chinese, with a year; then without one; year first; day first with slashes.
    rf"(?P<cy>\d{{4}})\s*年\s*(?P<cm>\d{{1,2}})\s*月\s*(?P<cd>\d{{1,2}})\s*[日号號]?{_TIME}"
    rf"|(?<![\d年])(?P<nm>\d{{1,2}})\s*月\s*(?P<nd>\d{{1,2}})\s*[日号號]{_TIME}"
    rf"|(?<![\d/.\-])(?P<iy>\d{{4}})(?P<sep>[-/.])(?P<im>\d{{1,2}})(?P=sep)(?P<id>\d{{1,2}})"
    rf"(?![\d/.\-]\d){_TIME}"
    rf"|(?<![\d/])(?P<sd>\d{{1,2}})/(?P<sm>\d{{1,2}})/(?P<sy>\d{{4}}|\d{{2}})(?![\d/]){_TIME}"
)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCY_BEFORE = (
    r"HK\$|HKD|港幣|港币|港元|RMB|CNY|人民幣|人民币|MOP\$?|澳門元|澳门元|澳門幣|澳门币|¥|\$"
)
_CURRENCY_AFTER = r"港元|港幣|港币|HKD|RMB|CNY|人民幣|人民币|MOP|澳門元|澳门元|元|蚊"
_AMOUNT = re.compile(
    rf"(?P<before>{_CURRENCY_BEFORE})\s*(?P<a>{_NUMBER})"
    rf"|(?<![\d.,])(?P<b>{_NUMBER})\s*(?P<after>{_CURRENCY_AFTER})",
    re.IGNORECASE,
)
_MASKED = re.compile(r"(?:[*xX•·]{2,}|尾[号號]\s*|ending(?: in)?\s*)(\d{4,})")
_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)\+?\d[\d \-]{6,18}\d(?!\d|\.\d)")
_CODES = {
    "hk$": "HKD",
    "hkd": "HKD",
    "港幣": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "蚊": "HKD",
    "rmb": "CNY",
    "cny": "CNY",
    "人民幣": "CNY",
    "人民币": "CNY",
    "¥": "CNY",
    # Mainland messages write 元 on its own; Hong Kong ones HK$ or 港幣.
    "元": "CNY",
    "mop": "MOP",
    "mop$": "MOP",
    "澳門元": "MOP",
    "澳门元": "MOP",
    "澳門幣": "MOP",
    "澳门币": "MOP",
}


@dataclass(frozen=True, slots=True)
class _Found:
    """A date or an amount found in the text, with where it is."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Date(_Found):
    readings: tuple[date, ...]
    text: str


@dataclass(frozen=True, slots=True)
class _Amount(_Found):
    value: float
    currency: str | None


def normalised(text: str) -> str:
    """Return the text as the reader sees it: full-width forms folded, cut to the longest."""
    return unicodedata.normalize("NFKC", text[:MAX_MESSAGE_LENGTH])


def _lowered(text: str) -> str:
    """Return the text in lower case, each character kept in its place."""
    # A character whose lower case is longer (İ) would shift every index after it.
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _day(year: int, month: int, day: int) -> date | None:
    """Return the date, or None for one that does not exist or that no card could have."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_such_day(month: int, day: int, received: date) -> date | None:
    """Return the first day of that month and day on or after the day the message came."""
    for year in range(received.year, received.year + 9):
        found = _day(year, month, day)
        if found is not None and found >= received:
            return found
    return None


def _readings(match: re.Match[str], received: date) -> tuple[date, ...]:
    """Return what a date match may mean: one reading, or two for a slash date read both ways."""
    group = match.group
    if group("cy") is not None:
        found = _day(int(group("cy")), int(group("cm")), int(group("cd")))
        return () if found is None else (found,)
    if group("nm") is not None:
        found = _next_such_day(int(group("nm")), int(group("nd")), received)
        return () if found is None else (found,)
    if group("iy") is not None:
        found = _day(int(group("iy")), int(group("im")), int(group("id")))
        return () if found is None else (found,)
    year = int(group("sy"))
    year += 2000 if year < 100 else 0
    first, second = int(group("sd")), int(group("sm"))
    # Carriers here write the day first; a date whose first part cannot be a day reads once.
    day_first, month_first = _day(year, second, first), _day(year, first, second)
    if day_first is not None and month_first is not None and day_first != month_first:
        return (day_first, month_first)
    found = day_first or month_first
    return () if found is None else (found,)


def _dates(text: str, received: date) -> list[_Date]:
    """Return every date in the text that exists, in order."""
    return [
        _Date(match.start(), match.end(), readings, match.group(0).strip())
        for match in _DATES.finditer(text)
        if (readings := _readings(match, received))
    ]


def _amounts(text: str, taken: list[_Found]) -> list[_Amount]:
    """Return every sum of money in the text outside the dates, in order."""
    found: list[_Amount] = []
    for match in _AMOUNT.finditer(text):
        if any(item.start < match.end() and match.start() < item.end for item in taken):
            continue
        number = match.group("a") or match.group("b")
        # A sum too large to be one is still no phone number: it stays, to be left out later.
        value = float(number.replace(",", ""))
        mark = (match.group("before") or match.group("after") or "").lower()
        found.append(_Amount(match.start(), match.end(), value, _CODES.get(mark)))
    return found


def _named[T: _Found](words: re.Pattern[str], lowered: str, items: list[T], reach: int) -> T | None:
    """Return the first item that starts soon after one of the words, if any."""
    for word in words.finditer(lowered):
        for item in items:
            if word.end() <= item.start <= word.end() + reach:
                return item
    return None


def _number_hints(text: str, taken: list[_Found]) -> tuple[str, ...]:
    """Return the masked tails and whole numbers the text has outside its dates and sums."""
    hints = [match.group(1) for match in _MASKED.finditer(text)]
    for match in _DIGITS.finditer(text):
        if any(item.start < match.end() and match.start() < item.end for item in taken):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        if 8 <= len(digits) <= 15:
            hints.append(digits)
    return tuple(dict.fromkeys(hints))


def read_message(text: str, received: date) -> MessageReading:
    """Return what a message states; `received` dates a day written without its year."""
    shown = normalised(text)
    lowered = _lowered(shown)
    if _VERIFICATION.search(lowered):
        return NOTHING
    dates = _dates(shown, received)
    sums = _amounts(shown, list(dates))
    amounts = [a for a in sums if math.isfinite(a.value) and 0 <= a.value <= MONEY_LIMIT]
    expiry = _named(_EXPIRY_WORDS, lowered, dates, NAMING_REACH)
    balance = _named(_BALANCE_WORDS, lowered, amounts, AMOUNT_REACH)
    paid = _named(_TOP_UP_WORDS, lowered, [a for a in amounts if a is not balance], AMOUNT_REACH)
    return MessageReading(
        carrier_like=expiry is not None or balance is not None or paid is not None,
        expiry_readings=() if expiry is None else expiry.readings,
        expiry_text=None if expiry is None else expiry.text,
        balance=None if balance is None else balance.value,
        balance_currency=None if balance is None else balance.currency,
        amount=None if paid is None else paid.value,
        amount_currency=None if paid is None else paid.currency,
        number_hints=_number_hints(shown, [*dates, *sums]),
    )


def _digits(number: str) -> str:
    """Return a number's digits alone."""
    return "".join(char for char in unicodedata.normalize("NFKC", number) if char.isdigit())


def matches_number(reading: MessageReading, e164: str) -> bool:
    """Return whether the message names this number, in full or by the tail carriers show."""
    number = _digits(e164)
    if len(number) < 4:
        return False
    return any(
        number.endswith(hint) or (len(hint) >= 8 and hint.endswith(number))
        for hint in reading.number_hints
    )


def _folded(text: str) -> str:
    """Return text folded for comparison: full-width forms and case alike."""
    return unicodedata.normalize("NFKC", text).casefold()


def mentions_carrier(carrier: str | None, text: str, sender: str | None) -> bool:
    """Return whether the card's carrier or product appears in the sender or the text."""
    if carrier is None or len(name := _folded(carrier).strip()) < 2:
        return False
    # A Latin name must stand as a word: "csl" is not in "cslx" nor "3" in "3HK".
    pattern = re.escape(name)
    if name.isascii():
        pattern = rf"(?<![a-z0-9]){pattern}(?![a-z0-9])"
    haystack = f"{_folded(sender or '')}\n{_folded(text[:MAX_MESSAGE_LENGTH])}"
    return re.search(pattern, haystack) is not None


def choose_expiry(readings: tuple[date, ...], expected: Collection[date]) -> date | None:
    """Return the expiry a message means: its one reading, or the one reading expected."""
    if len(readings) == 1:
        return readings[0]
    hits = [reading for reading in readings if reading in expected]
    return hits[0] if len(hits) == 1 else None
