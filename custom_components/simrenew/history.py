"""Figures read from a card's history, kept up to date entry by entry; free of Home Assistant."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

SPENDING_WINDOW_DAYS = 365


@dataclass(slots=True)
class RenewalFigures:
    """When a card was last renewed and what its renewals cost, by renewal date."""

    last_renewed: datetime | None = None
    # Renewal dates in order, and what each cost in which currency, at the same index.
    _days: list[str] = field(default_factory=list)
    _costs: list[tuple[str, float]] = field(default_factory=list)

    @classmethod
    def of(cls, history: Iterable[Mapping[str, Any]]) -> RenewalFigures:
        """Return the figures of a whole history."""
        figures = cls()
        for entry in history:
            figures.add(entry)
        return figures

    def add(self, entry: Mapping[str, Any]) -> None:
        """Take one more history entry into account."""
        if entry["kind"] != "renewal":
            return
        at = datetime.fromisoformat(entry["at"])
        if self.last_renewed is None or at > self.last_renewed:
            self.last_renewed = at
        day = entry["date"]
        index = bisect_right(self._days, day)
        self._days.insert(index, day)
        self._costs.insert(index, (entry.get("currency", ""), float(entry.get("amount") or 0)))

    def spent(self, today: date) -> dict[str, float]:
        """Return what renewals dated in the last 365 days (today included) cost, by currency."""
        first_day = (today - timedelta(days=SPENDING_WINDOW_DAYS - 1)).isoformat()
        start = bisect_left(self._days, first_day)
        end = bisect_right(self._days, today.isoformat())
        totals: dict[str, float] = {}
        for currency, amount in self._costs[start:end]:
            totals[currency] = totals.get(currency, 0.0) + amount
        return {currency: round(total, 2) for currency, total in sorted(totals.items())}
