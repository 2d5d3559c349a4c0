"""Dates written as people write them in each language; free of Home Assistant."""

from __future__ import annotations

from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def written_date(day: date, language: str) -> str:
    """Return a date with its year as people write it: 26 Nov 2026, or 2026年11月26日."""
    if language.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def spoken_date(day: date, language: str, today: date) -> str:
    """Return a date as people write it in the language: 26 Nov 2026, or 11月26日."""
    # Chinese readers take a date without a year as this year's, so the year appears only
    # when it is another one.
    if language.startswith("zh") and day.year == today.year:
        return f"{day.month}月{day.day}日"
    return written_date(day, language)


def written_days(days: tuple[int, ...] | list[int], language: str) -> str:
    """Return reminder days as a list people read in the language: 14, 7, 3 or 14、7、3."""
    return ("、" if language.startswith("zh") else ", ").join(str(day) for day in days)


def plural_form(count: int) -> str:
    """Return the form a count takes in English, "one" (1 day) or "other" (0 days, 3 days).

    Home Assistant fills its texts in without plural rules, so the code picks the form; Chinese
    writes both alike (1日, 3日).
    """
    return "one" if count == 1 else "other"


FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def said_date(day: date, language: str, today: date) -> str:
    """Return a date as people say it aloud: 28 October, or 10月28日; the year only if another."""
    if language.startswith("zh"):
        return spoken_date(day, language, today)
    said = f"{day.day} {FULL_MONTHS[day.month - 1]}"
    return said if day.year == today.year else f"{said} {day.year}"
