"""A renewal period as people type it, in English or Chinese; free of Home Assistant."""

from __future__ import annotations

import re
import unicodedata

from .model import PERIOD_LIMITS, Period, PeriodUnit

# What people type after the number, in English and Chinese, and how many of a unit each is.
# Abbreviations are the ones receipts and carriers' price lists use ("6 mths", "1 yr").
_UNIT_WORDS: dict[str, tuple[PeriodUnit, int]] = {
    **dict.fromkeys(("", "d", "day", "days", "_days", "日", "天"), (PeriodUnit.DAYS, 1)),
    **dict.fromkeys(
        (
            *("w", "wk", "wks", "week", "weeks"),
            *("週", "周", "星期", "個星期", "个星期", "個禮拜", "个礼拜", "禮拜", "礼拜"),
        ),
        (PeriodUnit.DAYS, 7),
    ),
    **dict.fromkeys(
        (
            *("m", "mo", "mos", "mth", "mths", "mon", "month", "months", "_months"),
            *("月", "個月", "个月"),
        ),
        (PeriodUnit.MONTHS, 1),
    ),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years", "年"), (PeriodUnit.MONTHS, 12)),
}
# "半年" is how Hong Kong and the mainland both say six months; "一年半" is eighteen.
_HALF_YEAR = "半年"
_AND_A_HALF_YEAR = "年半"

_DIGITS = {
    "零": 0,
    "\u3007": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A count in Chinese numerals up to 999 ("一百八十"), or digits; then the unit. The number
# and the unit may be apart; a hyphen joins them in "12-month".
_CHINESE_NUMBER = "[零\u3007一二兩两三四五六七八九十百]{1,7}"
_TYPED_PERIOD = re.compile(rf"(\d{{1,6}}|{_CHINESE_NUMBER})\s*-?\s*(\D*)")
# A typed answer often ends with a full stop or a comma, in either script (NFKC has already
# made full-width ones narrow).
_TRAILING = " \t\u3000.。,、;!"


def _chinese_number(text: str) -> int | None:
    """Return a count written in Chinese numerals from 1 to 999, or None.

    Takes the usual forms ("十二", "十八", "一百八十", "一百零五", "兩"), not a digit per
    place ("一八\u3007"), which is how years are written, not counts of days.
    """
    total = 0
    rest = text
    for marker, size in (("百", 100), ("十", 10)):
        head, found, tail = rest.partition(marker)
        if not found:
            continue
        if head in ("", "零", "\u3007"):
            # "十二" is twelve; "百" with nothing before it is not how a count is written.
            if size == 100 or head:
                return None
            digit = 1
        elif (digit := _DIGITS.get(head, -1)) < 1:
            return None
        total += digit * size
        rest = tail.removeprefix("零").removeprefix("\u3007") if size == 100 else tail
    if rest:
        if (digit := _DIGITS.get(rest, -1)) < 1:
            return None
        total += digit
    return total or None


def _count(text: str) -> int | None:
    """Return the number at the start of a typed period: digits or Chinese numerals."""
    return int(text) if text.isdigit() else _chinese_number(text)


def read_typed_period(value: str) -> Period | None:
    """Return the period a typed answer names, or None if it names none a card can have.

    Case, full-width characters, spaces anywhere between the parts ("6 個 月") and a final
    full stop ("180日。") change nothing. A bare number is days, as carriers mostly count.
    """
    # Only the end loses its punctuation: ".5 days" is no period, not five days.
    text = unicodedata.normalize("NFKC", value).casefold().strip().rstrip(_TRAILING)
    squeezed = "".join(text.split())
    if squeezed == _HALF_YEAR:
        return Period(length=6, unit=PeriodUnit.MONTHS)
    if (match := _TYPED_PERIOD.fullmatch(text)) is None:
        return None
    if (count := _count(match.group(1))) is None:
        return None
    unit_word = "".join(match.group(2).split()).removesuffix(".")
    if unit_word == _AND_A_HALF_YEAR:
        length, unit = count * 12 + 6, PeriodUnit.MONTHS
    elif (found := _UNIT_WORDS.get(unit_word)) is not None:
        length, unit = count * found[1], found[0]
    else:
        return None
    if not 0 < length <= PERIOD_LIMITS[unit]:
        return None
    return Period(length=length, unit=unit)
