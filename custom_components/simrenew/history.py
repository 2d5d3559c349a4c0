"""Figures read from a card's history, kept up to date entry by entry; free of Home Assistant."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

SPENDING_WINDOW_DAYS = 365
# Enough to find the last top-up or two, as few as keeps a card's state small.
RECEIPTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Receipt:
    """What one renewal cost, and how and where it was paid."""

    date: str
    amount: float | None
    currency: str | None
    channel: str | None
    payment_method: str | None

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Receipt:
        """Return the receipt of a renewal entry; files of version 1 name no channel."""
        amount = entry.get("amount")
        return cls(
            date=entry["date"],
            amount=None if amount is None else float(amount),
            currency=entry.get("currency"),
            channel=entry.get("channel"),
            payment_method=entry.get("payment_method"),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the receipt as plain data."""
        return {
            "date": self.date,
            "amount": self.amount,
            "currency": self.currency,
            "channel": self.channel,
            "payment_method": self.payment_method,
        }


@dataclass(slots=True)
class RenewalFigures:
    """When a card was last renewed, what its renewals cost and their receipts, by renewal date."""

    last_renewed: datetime | None = None
    # Renewal dates in order, and what each cost in which currency and its receipt, at the same
    # index; renewals of one day keep the order they were recorded in.
    _days: list[str] = field(default_factory=list)
    _costs: list[tuple[str, float]] = field(default_factory=list)
    _receipts: list[Receipt] = field(default_factory=list)

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
        self._receipts.insert(index, Receipt.of(entry))

    def receipts(self) -> tuple[Receipt, ...]:
        """Return the receipts of the latest renewals by renewal date, newest first."""
        return tuple(reversed(self._receipts[-RECEIPTS_SHOWN:]))

    def spent(self, today: date) -> dict[str, float]:
        """Return what renewals dated in the last 365 days (today included) cost, by currency."""
        first_day = (today - timedelta(days=SPENDING_WINDOW_DAYS - 1)).isoformat()
        start = bisect_left(self._days, first_day)
        end = bisect_right(self._days, today.isoformat())
        totals: dict[str, float] = {}
        for currency, amount in self._costs[start:end]:
            totals[currency] = totals.get(currency, 0.0) + amount
        return {currency: round(total, 2) for currency, total in sorted(totals.items())}
