"""One card as the entities see it: its settings, today's state and its recorded figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .card_config import CardConfig
from .history import Receipt
from .model import CardState
from .records import BalanceRecord


def renews_itself(config: CardConfig, standing_expiry: date | None, roll_undone: bool) -> bool:
    """Return whether a card is left to renew itself this cycle: reminded least, never due.

    A roll-forward nobody confirmed, or one undone, leaves the card as exposed as any other.
    """
    return (
        config.auto_renew
        # Without a period it cannot roll forward, so it needs every reminder.
        and config.period is not None
        and standing_expiry is None
        and not roll_undone
    )


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
    # While a renewal waits for the carrier's word, the expiry it replaced still stands (when
    # earlier than the recorded one): the state, reminders and household views count from it.
    standing_expiry: date | None = None
    # An automatic renewal of this cycle was undone: the card counts as not renewed.
    roll_undone: bool = False
    # The latest renewals' receipts, newest first.
    receipts: tuple[Receipt, ...] = ()

    @property
    def recorded_expiry(self) -> date | None:
        """Return the expiry a waiting renewal recorded, while an earlier one still stands."""
        return None if self.standing_expiry is None else self.config.expiry_date

    @property
    def self_renewing(self) -> bool:
        """Return whether the card is left to renew itself this cycle: reminded least, no grace."""
        return renews_itself(self.config, self.standing_expiry, self.roll_undone)

    @property
    def grace_end(self) -> date:
        """Return the last day on which a top-up still saves the number."""
        return self.state.deadline + timedelta(days=self.config.grace_days)
