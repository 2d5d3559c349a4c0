"""Carrier messages: the expiry, balance, amount and number that one SMS or notification states.

Pure and free of Home Assistant. No carrier publishes the exact text of its top-up
confirmation, so nothing here depends on one wording: the reader looks for dates named by
expiry words, money named by balance or top-up words, and numbers that may be the card's, in
English, Traditional and Simplified Chinese. Every pattern is a plain regular expression without
nested repetition, so a message reads in time linear in its length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
import math
import re
import unicodedata

MAX_MESSAGE_LENGTH = 2000

# Two-digit years are 20YY, so a four-digit year outside this century is no expiry either.
MIN_YEAR = 2000
MAX_YEAR = 2099
# How far (in characters) words may stand before the date or money they name.
EXPIRY_REACH = 40
MONEY_REACH = 40
MONEY_MAX = 1_000_000
# Full numbers have at least this many digits; shorter hints are masked tails.
FULL_NUMBER_DIGITS = 8
MIN_TAIL_DIGITS = 4
# A full number may differ from the card's only by a country code of up to three digits.
COUNTRY_CODE_DIGITS = 3
# A year-less date falls within this many years of the day it was received (29 Feb: 8).
YEARLESS_SEARCH_YEARS = 9

_TIME = r"(?:\s{0,2}(?:at\s+)?(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?![0-9]))?"
_DATE = re.compile(
    r"(?:(?<![0-9])(?P<ymd_y>[0-9]{4})(?P<sep>[-/.])(?P<ymd_m>[0-9]{1,2})(?P=sep)"
    r"(?P<ymd_d>[0-9]{1,2})(?![0-9])"
    r"|(?<![0-9])(?P<cjk_y>[0-9]{4})\s?年\s?(?P<cjk_m>[0-9]{1,2})\s?月\s?(?P<cjk_d>[0-9]{1,2})"
    r"\s?[日号號]"
    # A month and day right after a year that was not read (12027年) belong to no date.
    r"|(?<![0-9年])(?<!年\s)(?P<md_m>[0-9]{1,2})\s?月\s?(?P<md_d>[0-9]{1,2})\s?[日号號]"
    r"|(?<![0-9/])(?P<dmy_d>[0-9]{1,2})/(?P<dmy_m>[0-9]{1,2})/(?P<dmy_y>[0-9]{4}|[0-9]{2})"
    r"(?![0-9]|/[0-9]))" + _TIME,
    re.IGNORECASE,
)
_EXPIRY_WORD = re.compile(
    r"\b(?:valid\s+until|valid\s+till|valid\s+to|validity|expiry\s+date|expiry|expires?"
    r"(?:\s+on)?)\b|有效期至|有效期為|有效期为|有效日期|有效期|到期日|使用期限"
    # Chinese also writes these after the date: 2027年10月28日到期.
    r"|(?P<after>到期|屆滿|届满)",
    re.IGNORECASE,
)
# What marks an expiry as the one that now holds: "new expiry", 新有效期.
_NEW = re.compile(r"\bnew\b|新", re.IGNORECASE)
# A date that ends a range (2027年5月1日至2027年10月28日) is the one the range runs to.
_RANGE = re.compile(r"\s{0,2}(?:至|到|~|-|\u2013|to|until|till)\s{0,2}", re.IGNORECASE)
# Words name only what stands in their own sentence; a decimal point ends none.
_STOP = re.compile(r"[。!?;]|\.(?![0-9])")
_VERIFICATION = re.compile(
    r"验证码|驗證碼|校驗碼|校验码|\bOTP\b|verification\s+code|one[- ]time\s+pass(?:word|code)",
    re.IGNORECASE,
)

_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_PREFIX = (
    r"HK\$|(?<![A-Z])HKD|(?<![A-Z])MOP\$?|(?<![A-Z])RMB|(?<![A-Z])CNY|港幣|港币|人民幣|人民币"
    r"|澳門幣|澳门币|葡幣|葡币|¥|(?<![A-Z])\$"
)
_SUFFIX = (
    r"港元|港幣|港币|澳門元|澳门元|澳門幣|澳门币|葡幣|葡币|人民幣|人民币|元"
    r"|(?:HKD|MOP|RMB|CNY)(?![A-Z])"
)
# A minus sign before money makes it a debt, which no balance or top-up here is.
_MONEY = re.compile(
    rf"(?<![-\u2212])(?P<pre>{_PREFIX})\s?(?P<pre_num>{_NUMBER})(?:\s?(?P<pre_suf>{_SUFFIX}))?"
    rf"|(?<![0-9\u2212-])(?<![0-9][.,])(?P<num>{_NUMBER})\s?(?P<suf>{_SUFFIX})",
    re.IGNORECASE,
)
_MONEY_WORD = re.compile(
    r"(?P<balance>\b(?:remaining\s+balance|remaining\s+value|stored\s+value|balance)\b"
    r"|餘額|余额|結餘|结余|儲值額|储值额|剩餘|剩余)"
    r"|(?P<amount>\b(?:top[- ]?up|topped[- ]up|recharged?|paid)\b"
    r"|充值|增值|儲值|储值|缴费|繳費|付款)",
    re.IGNORECASE,
)
_CURRENCIES = {
    "HK$": "HKD",
    "HKD": "HKD",
    "港元": "HKD",
    "港幣": "HKD",
    "港币": "HKD",
    "RMB": "CNY",
    "CNY": "CNY",
    "人民幣": "CNY",
    "人民币": "CNY",
    "MOP": "MOP",
    "MOP$": "MOP",
    "澳門元": "MOP",
    "澳门元": "MOP",
    "澳門幣": "MOP",
    "澳门币": "MOP",
    "葡幣": "MOP",
    "葡币": "MOP",
}
# Characters only Simplified Chinese writes; with no word of Hong Kong or Macau beside them,
# a message comes from the mainland, where 元 and ¥ are renminbi.
_SIMPLIFIED = re.compile(
    r"[于为余额号届结储缴验币国话费码门务请时动电应发过这个业还账单联讯续办订购实经间内优]"
)
_HONG_KONG_OR_MACAU = re.compile(r"港|澳|HK|MOP|Macau|Hong\s*Kong", re.IGNORECASE)

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


@dataclass(frozen=True, slots=True)
class _Money:
    """A sum of money in the text: where it stands, its value, and how its currency is known."""

    start: int
    end: int
    value: float
    currency: str | None


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
    expiry = _expiry(text, received)
    balance, amount = _balance_and_amount(text)
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


def _day(year: int, month: int, day: int) -> tuple[date, ...]:
    """Return the date as one reading, or none when it is no date of the years read."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return ()
    try:
        return (date(year, month, day),)
    except ValueError:
        return ()


def _readings(match: re.Match[str], received: date) -> tuple[date, ...]:
    """Return the dates a date match may mean: none, one, or day-first then month-first."""
    group = match.group
    if year := group("ymd_y"):
        return _day(int(year), int(group("ymd_m")), int(group("ymd_d")))
    if year := group("cjk_y"):
        return _day(int(year), int(group("cjk_m")), int(group("cjk_d")))
    if month := group("md_m"):
        return _next_day(int(month), int(group("md_d")), received)
    day, month, year = int(group("dmy_d")), int(group("dmy_m")), int(group("dmy_y"))
    if len(group("dmy_y")) == 2:
        year += 2000
    readings = _day(year, month, day)
    # Carriers write the day first; a date that also reads month first is offered both ways.
    if readings and day <= 12 and day != month:
        return (*readings, date(year, day, month))
    return readings


def _next_day(month: int, day: int, received: date) -> tuple[date, ...]:
    """Return the first day with this month and day on or after the day the text arrived."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ()
    for year in range(received.year, received.year + YEARLESS_SEARCH_YEARS):
        readings = _day(year, month, day)
        if readings and readings[0] >= received:
            return readings
    return ()


def _near(text: str, end: int, start: int, reach: int) -> bool:
    """Return whether what starts at `start` follows `end` closely, in the same sentence."""
    return 0 <= start - end <= reach and _STOP.search(text, end, start) is None


def _expiry(text: str, received: date) -> tuple[re.Match[str], tuple[date, ...]] | None:
    """Return the date the first expiry words name, with its readings, if any does."""
    dates = list(_DATE.finditer(text))
    starts = [match.start() for match in dates]
    ends = [match.end() for match in dates]
    named: list[tuple[re.Match[str], tuple[date, ...], bool]] = []
    for word in _EXPIRY_WORD.finditer(text):
        index = -1
        if word.group("after"):
            before = bisect_right(ends, word.start()) - 1
            if before >= 0 and not text[ends[before] : word.start()].strip():
                index = before
        if index < 0:
            index = bisect_left(starts, word.end())
            if index == len(dates) or not _near(text, word.end(), starts[index], EXPIRY_REACH):
                continue
        # The first date after the words is theirs; when it is no date, they name none.
        if readings := _readings(dates[index], received):
            found = _range_end(text, dates, index, received) or (dates[index], readings)
            new = _NEW.search(text, max(0, word.start() - 8), word.start()) is not None
            named.append((*found, new))
    return _one_expiry(named)


def _one_expiry(
    named: list[tuple[re.Match[str], tuple[date, ...], bool]],
) -> tuple[re.Match[str], tuple[date, ...]] | None:
    """Return the expiry of a message whose expiry words may name several dates.

    "Previous expiry 6/5, new expiry 28/10": the one called new is the expiry. Several dates
    with none called new are read together, so that the message reads two ways (and changes
    nothing) unless only one of them is an expiry the card could have.
    """
    if not named:
        return None
    readings = tuple(dict.fromkeys(r for _, found, _ in named for r in found))
    if len(readings) == len(named[0][1]):
        return named[0][0], named[0][1]
    if news := [(match, found) for match, found, new in named if new]:
        return news[-1]
    return named[0][0], readings


def _range_end(
    text: str, dates: list[re.Match[str]], index: int, received: date
) -> tuple[re.Match[str], tuple[date, ...]] | None:
    """Return the date a range starting at dates[index] runs to, if it is one."""
    if index + 1 == len(dates):
        return None
    last = dates[index + 1]
    if not _RANGE.fullmatch(text, dates[index].end(), last.start()):
        return None
    readings = _readings(last, received)
    return (last, readings) if readings else None


def _balance_and_amount(text: str) -> tuple[_Money | None, _Money | None]:
    """Return the balance and the amount topped up: the first money their words name."""
    sums = _sums(text)
    words = list(_MONEY_WORD.finditer(text))
    word_ends = [word.end() for word in words]
    named: dict[str, _Money | None] = {}
    previous_end = 0
    for money in sums:
        # The closest words before the money name it, unless other money came between.
        index = bisect_right(word_ends, money.start) - 1
        if index >= 0 and words[index].start() >= previous_end:
            word = words[index]
            kind = word.lastgroup or ""
            if kind not in named and _near(text, word.end(), money.start, MONEY_REACH):
                in_range = math.isfinite(money.value) and 0 <= money.value <= MONEY_MAX
                named[kind] = money if in_range else None
        previous_end = money.end
    return named.get("balance"), named.get("amount")


def _sums(text: str) -> list[_Money]:
    """Return every sum of money in the text, its currency resolved from the message."""
    found: list[tuple[re.Match[str], float, str]] = []
    for match in _MONEY.finditer(text):
        number = match.group("pre_num") or match.group("num")
        # Too many digits read as infinity, and are dropped with the other sums out of range.
        value = float(number.replace(",", ""))
        # The unit that names a currency wins: 港幣50元 is in Hong Kong dollars.
        units = [match.group(name) for name in ("pre", "pre_suf", "suf") if match.group(name)]
        codes = [_CURRENCIES[unit.upper()] for unit in units if unit.upper() in _CURRENCIES]
        found.append((match, value, codes[0] if codes else units[-1]))
    stated = {unit for _, _, unit in found if unit in _CURRENCIES.values()}
    # A bare $ or 元 takes the one currency the rest of the message states.
    context = stated.pop() if len(stated) == 1 else None
    mainland = bool(_SIMPLIFIED.search(text)) and not _HONG_KONG_OR_MACAU.search(text)
    return [
        _Money(match.start(), match.end(), value, _currency(unit, context, mainland=mainland))
        for match, value, unit in found
    ]


def _currency(unit: str, context: str | None, *, mainland: bool) -> str | None:
    """Return the ISO 4217 code of a unit, given the message's stated currency and origin."""
    if unit in _CURRENCIES.values():
        return unit
    if unit == "元":
        return "CNY" if mainland else context
    if unit == "¥":
        return "CNY" if mainland or context == "CNY" else None
    # A bare $ is a dollar: the Hong Kong or Macau one the message states, if it states one.
    return context if context in {"HKD", "MOP"} else None


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
