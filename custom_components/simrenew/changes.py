"""The household's changes, as the hub holds them: renewals, corrections, balance, use, snoozes.

Each change is checked for every targeted card before anything is written, written to the
history in one write with what it moves (the expiry among it), and announced; all under the
household's lock and to the end.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .change_writer import ChangeHost, ChangeWriter, invalid_input
from .const import LOGGER
from .record_changes import (
    MAX_SNOOZE_DAYS,
    async_record_activity,
    async_set_balance,
    async_set_expiry,
    async_snooze,
)
from .records import HistoryEntry
from .renewal import Renewal
from .renewal_changes import Moved, async_confirm, async_renew, async_roll_forward, async_undo

__all__ = ["MAX_SNOOZE_DAYS", "CardChanges", "invalid_input"]


class CardChanges:
    """What users, buttons, messages and the clock change about a household's cards."""

    def __init__(self, host: ChangeHost) -> None:
        """Change the cards of the household `host`."""
        self.host = host
        self.writer = ChangeWriter(host)
        # Self-renewing cards whose renewals are being recorded: each once at a time.
        self._rolling: set[str] = set()

    def preview_renewal(self, card_id: str, renewal: Renewal) -> HistoryEntry:
        """Return the history entry the renewal would write now, writing nothing."""
        return self.writer.plan_renewal(card_id, renewal, dt_util.utcnow().isoformat())

    async def async_renew(self, card_ids: list[str], renewal: Renewal) -> Moved:
        """Renew every card or none; return each card with its old and new expiry."""
        return await self.writer.exclusive(partial(async_renew, self.writer, card_ids, renewal))

    async def async_confirm_renewal(
        self, card_ids: list[str], expiry: date | None, *, pending_only: bool = False
    ) -> None:
        """Confirm each card's last renewal; a different date from the carrier corrects it.

        With `pending_only`, a card with no renewal waiting for confirmation is refused: a
        button press that confirms nothing would read as a confirmation that happened.
        """
        await self.writer.exclusive(
            partial(async_confirm, self.writer, card_ids, expiry, pending_only)
        )

    async def async_undo_renewal(self, card_ids: list[str]) -> Moved:
        """Take back each card's last renewal and restore the expiry it replaced."""
        return await self.writer.exclusive(partial(async_undo, self.writer, card_ids))

    async def async_set_expiry(
        self, card_ids: list[str], expiry: date, source: str, reference: str | None = None
    ) -> None:
        """Record a correction of the expiry date of every card, or of none."""
        await self.writer.exclusive(
            partial(async_set_expiry, self.writer, card_ids, expiry, source, reference)
        )

    async def async_set_balance(
        self, card_ids: list[str], amount: float, currency: str | None, as_of: datetime | None
    ) -> None:
        """Record the balance of every card, or of none, as the carrier shows it."""
        await self.writer.exclusive(
            partial(async_set_balance, self.writer, card_ids, amount, currency, as_of)
        )

    async def async_record_activity(self, card_ids: list[str], day: date | None) -> None:
        """Record a chargeable use of every card, or of none; it restarts the activity interval."""
        await self.writer.exclusive(partial(async_record_activity, self.writer, card_ids, day))

    async def async_snooze(self, card_ids: list[str], days: int) -> date:
        """Remind about every card again in `days` days, at the reminder time."""
        return await self.writer.exclusive(partial(async_snooze, self.writer, card_ids, days))

    def schedule_roll_forward(self, card_id: str) -> None:
        """Record, once, the renewal a self-renewing card made at the end of its expiry day."""
        if card_id in self._rolling or self.host.stopped:
            return
        self._rolling.add(card_id)
        self.host.entry.async_create_background_task(
            self.host.hass,
            self.writer.exclusive(partial(self._roll_forward, card_id)),
            "simrenew roll",
        )

    async def _roll_forward(self, card_id: str) -> None:
        """Record the card's own renewals; a card removed meanwhile has none to record."""
        try:
            await async_roll_forward(self.writer, card_id)
        except ServiceValidationError:
            LOGGER.warning("Card %s could not roll forward; it was removed", card_id)
        except (HomeAssistantError, OSError) as err:
            # Nothing was recorded; the next refresh, at the latest the next day, tries again.
            LOGGER.warning(
                "Card %s could not roll forward; its history was not written (%s)",
                card_id,
                type(err).__name__,
            )
        finally:
            self._rolling.discard(card_id)
