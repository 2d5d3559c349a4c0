"""Figures read from a card's history; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

SPENDING_WINDOW_DAYS = 365


def last_renewed(history: Iterable[Mapping[str, Any]]) -> datetime | None:
    """Return when the most recent renewal was recorded."""
    times = [datetime.fromisoformat(entry["at"]) for entry in history if entry["kind"] == "renewal"]
    return max(times, default=None)


def spent_in_window(history: Iterable[Mapping[str, Any]], currency: str, today: date) -> float:
    """Return what renewals dated in the last 365 days (today included) cost in `currency`."""
    first_day = today - timedelta(days=SPENDING_WINDOW_DAYS - 1)
    total = sum(
        float(entry.get("amount") or 0)
        for entry in history
        if entry["kind"] == "renewal"
        and entry.get("currency") == currency
        and first_day <= date.fromisoformat(entry["date"]) <= today
    )
    return round(total, 2)
