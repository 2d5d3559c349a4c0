"""The expiry a carrier message states: dates its expiry words name; free of Home Assistant.

Dates are read as carriers write them (2027-10-28, 2027年10月28日, 10月28日, 28/10/2027), each
with its possible readings; every pattern is a plain regular expression without nested
repetition, so a message reads in time linear in its length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
import re

from .message_sentences import near

# Two-digit years are 20YY, so a four-digit year outside this century is no expiry either.
MIN_YEAR = 2000
MAX_YEAR = 2099
# How far (in characters) expiry words may stand before the date they name.
EXPIRY_REACH = 40
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


def expiry_named(text: str, received: date) -> tuple[re.Match[str], tuple[date, ...]] | None:
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
            if index == len(dates) or not near(text, word.end(), starts[index], EXPIRY_REACH):
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
