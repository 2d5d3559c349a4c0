"""Dates, wall times, counts and reminder days as settings hold them; free of Home Assistant.

A value stored by an older release or edited by hand reads as None (or is left out) rather
than as an error, so that it cannot stop a card or the household's reminders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
import math
import re

from .model import MAX_REMINDER_DAYS

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_iso_date(value: object) -> date | None:
    """Return a date written exactly as YYYY-MM-DD, or None for anything else."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time_of_day(value: object) -> time | None:
    """Return a wall time written as H:MM or HH:MM[:SS], or None for anything else."""
    if not isinstance(value, str) or not (match := _TIME_OF_DAY.fullmatch(value.strip())):
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def stored_count(value: object) -> int | None:
    """Return a stored count as int, or None if it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def stored_reminder_days(values: object) -> tuple[int, ...]:
    """Return stored reminder days from latest to earliest, leaving out any that is not one."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return ()
    days = {stored_count(value) for value in values}
    return tuple(
        sorted(
            (day for day in days if day is not None and 0 <= day <= MAX_REMINDER_DAYS),
            reverse=True,
        )
    )
