"""How a change reaches the disk: under the household's lock, in one write, then announced.

The changes themselves are worked out by the rules (change_rules.py, undo_rules.py); this is
the Home Assistant side they share.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .card_view import CardView
from .change_checks import ChangeRefusedError
from .change_rules import mark_confirmed, plan_renewal
from .const import DOMAIN
from .hub_options import HubOptions
from .ledger import Ledger
from .model import local_today
from .notifications import ReminderNotifier
from .receipts import recorded_event
from .records import CardRecord, HistoryEntry
from .renewal import Renewal
from .zones import loaded_zone


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


@contextmanager
def refusals_translated() -> Iterator[None]:
    """Raise what the rules refuse as the translated error the user sees."""
    try:
        yield
    except ChangeRefusedError as err:
        raise invalid_input(err.key, **err.placeholders) from err


class ChangeHost(Protocol):
    """What changes read of the household that holds the cards."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    ledger: Ledger
    options: HubOptions
    cards: dict[str, CardView]
    notifier: ReminderNotifier
    stopped: bool

    def reminder_days(self, config: CardConfig) -> tuple[int, ...]:
        """Return the card's own reminder days, or the household's."""

    def card_view(self, card_id: str, config: CardConfig, now: datetime) -> CardView:
        """Return a card's view at `now`."""

    def event_base(self, view: CardView) -> dict[str, Any]:
        """Return the fields every simrenew event carries."""

    def async_refresh(self, now: datetime) -> None:
        """Recompute the cards and tell the entities."""


class ChangeWriter:
    """Checks, writes and announces the household's changes for the rules."""

    def __init__(self, host: ChangeHost) -> None:
        """Serve the household `host`."""
        self.host = host

    @property
    def records(self) -> dict[str, CardRecord]:
        """Return what is recorded per card."""
        return self.host.ledger.records

    async def exclusive[T](self, work: Callable[[], Awaitable[T]]) -> T:
        """Run a change under the household's lock, to the end even if the caller goes away.

        A change is checked, written to the history, then applied; a cancelled caller must not
        leave it half done.
        """

        async def locked() -> T:
            async with self.host.ledger.lock:
                with refusals_translated():
                    return await work()

        return await asyncio.shield(locked())

    def current(self, card_id: str) -> tuple[CardConfig, date]:
        """Return the card's settings as stored now, with its recorded expiry, and its today."""
        subentry = self.host.entry.subentries.get(card_id)
        if subentry is None or card_id not in self.records or self.host.ledger.removed:
            raise invalid_input("card_removed")
        try:
            config = CardConfig.from_data(subentry.data, loaded_zone)
        except (KeyError, TypeError, ValueError) as err:
            raise invalid_input("card_unreadable", name=subentry.title) from err
        config = self.host.ledger.with_recorded_expiry(card_id, config)
        return config, local_today(dt_util.utcnow(), config.time_zone)

    def plan_renewal(self, card_id: str, renewal: Renewal, at: str) -> HistoryEntry:
        """Check one card's renewal and return its history entry, changing nothing."""
        config, today = self.current(card_id)
        added = date.fromisoformat(self.records[card_id]["added"])
        with refusals_translated():
            return plan_renewal(
                config, added, renewal, today=today, at=at, currencies=ACTIVE_CURRENCIES
            )

    async def async_write(
        self,
        entries: list[tuple[str, HistoryEntry]],
        fields: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Write entries and record fields in one write: all of it reaches the disk, or none."""
        try:
            await self.host.ledger.async_append(entries, fields)
        except BaseException:
            # A refresh while the write ran may have shown what memory held then.
            self.refresh()
            raise

    async def async_write_settling(
        self,
        entries: list[tuple[str, HistoryEntry]],
        settle: list[str],
        fields: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> list[str]:
        """Write entries, and mark the renewals waiting on these cards confirmed, together.

        Return the cards on which one waited. A write that fails leaves nothing confirmed in
        memory either: the file and memory never disagree.
        """
        flipped: list[HistoryEntry] = []
        written: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (fields or {}).items()}
        settled: list[str] = []
        for card_id in dict.fromkeys(settle):
            record = self.records[card_id]
            if record["reminders"].get("confirm") is None:
                continue
            flipped += mark_confirmed(record["history"])
            written.setdefault(card_id, {})["reminders"] = {
                **record["reminders"],
                "confirm": None,
            }
            settled.append(card_id)
        try:
            await self.async_write(entries, written)
        except BaseException:
            for entry in flipped:
                entry["confirmed"] = False
            self.refresh()
            raise
        for card_id in settled:
            # What the card's notification asked is answered; a card with nothing waiting
            # keeps its reminder, since a correction may leave it as due as before.
            self.host.notifier.dismiss(card_id)
        return settled

    def fire(
        self, card_id: str, event_type: str, fields: dict[str, Any], expiry: str | None = None
    ) -> None:
        """Tell automations and the logbook of a change, with the card's state after it.

        `expiry` is the one the change led to, when later changes written with it moved on.
        """
        if (subentry := self.host.entry.subentries.get(card_id)) is None:
            return
        if card_id not in self.records:
            return
        config = CardConfig.from_data(subentry.data, loaded_zone)
        config = self.host.ledger.with_recorded_expiry(card_id, config)
        if expiry is not None:
            config = replace(config, expiry_date=date.fromisoformat(expiry))
        view = self.host.card_view(card_id, config, dt_util.utcnow())
        self.host.hass.bus.async_fire(event_type, {**self.host.event_base(view), **fields})

    def announce(self, recorded: list[tuple[str, HistoryEntry]]) -> None:
        """Fire the event of each history entry written, in the order written."""
        for card_id, entry in recorded:
            if (event := recorded_event(entry)) is not None:
                self.fire(card_id, *event, expiry=entry.get("new_expiry"))

    def refresh(self) -> None:
        """Show what was written: every entity that reads a changed card is told."""
        self.host.async_refresh(dt_util.utcnow())
