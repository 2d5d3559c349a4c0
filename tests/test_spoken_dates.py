"""Dates in the integration's texts read as people write them, in every language."""

from __future__ import annotations

from datetime import date, timedelta
import re

from hypothesis import given, strategies as st

from custom_components.simrenew.spoken_dates import spoken_date

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CHINESE_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    offset=st.integers(min_value=-800, max_value=800),
    language=st.sampled_from(["zh-Hant", "zh-Hans", "zh"]),
)
def test_chinese_dates_read_back_and_name_only_another_year(
    day: date, offset: int, language: str
) -> None:
    """11月26日 this year, 2027年5月21日 otherwise: never an ISO date, and always the same day."""
    today = day + timedelta(days=offset)
    text = spoken_date(day, language, today)
    match = CHINESE_DATE.fullmatch(text)
    assert match is not None, text
    year, month, dom = match.groups()
    assert (year is None) == (day.year == today.year)
    assert date(int(year or today.year), int(month), int(dom)) == day


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    offset=st.integers(min_value=-800, max_value=800),
)
def test_english_dates_read_back(day: date, offset: int) -> None:
    """English dates keep their year, in the order people in Hong Kong write them: 26 Nov 2026."""
    text = spoken_date(day, "en", day + timedelta(days=offset))
    dom, month, year = text.split(" ")
    assert date(int(year), MONTHS.index(month) + 1, int(dom)) == day
