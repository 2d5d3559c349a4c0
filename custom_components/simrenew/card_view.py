"""One card as the entities see it: its settings, today's state and its recorded figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .card_config import CardConfig
from .model import CardState
from .store import BalanceRecord


@dataclass(frozen=True, slots=True, eq=True)
class CardView:
    """A card's settings, its state at the last refresh, and what was recorded about it."""

    card_id: str
    config: CardConfig
    state: CardState
    last_renewed: datetime | None
    balance: BalanceRecord | None
    spent_last_365_days: float
    spent_by_currency: dict[str, float]
    # A renewal recorded without the carrier's stated expiry, not yet confirmed.
    unconfirmed: bool = False
    # The day the card was added, in its zone: nothing about it happened before.
    added: date | None = None

    @property
    def grace_end(self) -> date:
        """Return the last day on which a top-up still saves the number."""
        return self.state.deadline + timedelta(days=self.config.grace_days)
