"""Renewal periods typed the way people write them: Chinese numerals, spaces, abbreviations."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.simrenew.model import PERIOD_LIMITS, Period, PeriodUnit
from custom_components.simrenew.plans import parse_period

DAYS = PeriodUnit.DAYS
MONTHS = PeriodUnit.MONTHS


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("三個月", Period(length=3, unit=MONTHS)),
        ("三个月", Period(length=3, unit=MONTHS)),
        ("半年", Period(length=6, unit=MONTHS)),
        ("半 年。", Period(length=6, unit=MONTHS)),
        ("一年", Period(length=12, unit=MONTHS)),
        ("一年半", Period(length=18, unit=MONTHS)),
        ("十二個月", Period(length=12, unit=MONTHS)),
        ("十八個月", Period(length=18, unit=MONTHS)),
        ("兩個月", Period(length=2, unit=MONTHS)),
        ("两个月", Period(length=2, unit=MONTHS)),
        ("三十日", Period(length=30, unit=DAYS)),
        ("九十天", Period(length=90, unit=DAYS)),
        ("一百八十日", Period(length=180, unit=DAYS)),
        ("三百六十五天", Period(length=365, unit=DAYS)),
        ("一百零五日", Period(length=105, unit=DAYS)),
        ("兩個禮拜", Period(length=14, unit=DAYS)),
        ("6 個 月", Period(length=6, unit=MONTHS)),
        ("6 个 月", Period(length=6, unit=MONTHS)),
        ("180日。", Period(length=180, unit=DAYS)),
        ("１８０日．", Period(length=180, unit=DAYS)),
        ("6 months.", Period(length=6, unit=MONTHS)),
        ("6 mths", Period(length=6, unit=MONTHS)),
        ("6 mth", Period(length=6, unit=MONTHS)),
        ("6 mos", Period(length=6, unit=MONTHS)),
        ("180 d", Period(length=180, unit=DAYS)),
        ("1 yr", Period(length=12, unit=MONTHS)),
        ("2 yrs", Period(length=24, unit=MONTHS)),
        ("12-month", Period(length=12, unit=MONTHS)),
        ("2 wks", Period(length=14, unit=DAYS)),
    ],
)
def test_periods_people_type(typed: str, period: Period) -> None:
    """Chinese numerals, spaces between the parts, a final full stop and abbreviations."""
    assert parse_period(typed) == period


@pytest.mark.parametrize(
    "typed",
    [
        ".5 days",  # not five days: only the end loses its punctuation
        "1 2 days",  # two numbers, not twelve
        "零日",
        "百日",
        "一八〇日",  # digit by digit is how years are written
        "十十日",
        "十一百日",  # hundreds are counted in one digit
        "二十年",  # beyond 120 months
        "半個月",  # fifteen days, or a month's half: not sure enough to store
        "年",
        "個月",
        "三個半月",
        "6 months 3 days",
        "6 mths!!x",
    ],
)
def test_what_is_still_no_period(typed: str) -> None:
    """What cannot be read surely is refused, and gets the form's translated error."""
    assert parse_period(typed) is None


_CHINESE_DIGITS = "一二三四五六七八九"


def _in_chinese(number: int, *, two: str) -> str:
    """Write 1 to 999 in Chinese numerals, as a person would, by an independent route."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words = ""
    if hundreds:
        words += (two if hundreds == 2 else _CHINESE_DIGITS[hundreds - 1]) + "百"
        if rest and tens == 0:
            words += "零"
    if tens:
        words += ("" if tens == 1 and not hundreds else _CHINESE_DIGITS[tens - 1]) + "十"
    if ones:
        words += two if ones == 2 and not tens and not hundreds else _CHINESE_DIGITS[ones - 1]
    return words


_UNITS = {
    DAYS: ["日", "天", "day", "days", "d"],
    MONTHS: ["個月", "个月", "month", "months", "mth", "mths", "mos", "mo"],
}
_GAPS = st.sampled_from(["", " ", "  ", "\u3000", "\t"])
_ENDS = st.sampled_from(["", ".", "。", "．", "，", "!", " 。"])


@st.composite
def _typed_periods(draw: st.DrawFn) -> tuple[Period, str]:
    """Return a period and one way a person might type it."""
    unit = draw(st.sampled_from([DAYS, MONTHS]))
    length = draw(st.integers(min_value=1, max_value=min(999, PERIOD_LIMITS[unit])))
    if draw(st.booleans()):
        number = _in_chinese(length, two=draw(st.sampled_from(["二", "兩", "两"])))
    else:
        number = str(length)
    unit_word = draw(st.sampled_from(_UNITS[unit]))
    # Spaces may fall between any two characters of a Chinese unit word, as a phone types it.
    spaced = "".join(char + draw(_GAPS) for char in unit_word[:-1]) + unit_word[-1]
    if not unit_word.isascii():
        unit_word = spaced
    typed = draw(_GAPS) + number + draw(_GAPS) + unit_word + draw(_ENDS) + draw(_GAPS)
    if draw(st.booleans()):
        typed = typed.upper()
    return Period(length=length, unit=unit), typed


@settings(max_examples=500)
@given(_typed_periods())
def test_a_period_reads_back_however_it_is_typed(case: tuple[Period, str]) -> None:
    """Numerals, spacing, case and a final full stop never change what period is read."""
    period, typed = case
    assert parse_period(typed) == period


@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789 .。,-_",
                *"零\u3007一二兩两三四五六七八九十百半",
                *"日天週周月個个年",
                *"dmywks",
                *("mths", "mos", "yr", "\u3000", "\u200b"),
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_any_text_is_a_period_a_card_can_have_or_none(text: str) -> None:
    """No typed text crashes the reader or gives a period outside what a card can have."""
    period = parse_period(text)
    if period is not None:
        assert 0 < period.length <= PERIOD_LIMITS[period.unit]


@given(st.text(max_size=30))
def test_any_unicode_text_is_read_or_refused(text: str) -> None:
    """Any text at all is read as a period within limits, or refused; never an exception."""
    period = parse_period(text)
    assert period is None or 0 < period.length <= PERIOD_LIMITS[period.unit]
