"""What is recorded about a household's cards, shared by every start of its hub.

A reload replaces the hub but not its ledger, so calls that were waiting on the old hub record
into the same history, under the same lock, as the new hub reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any, cast

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.hass_dict import HassKey

from .card_config import CardConfig
from .change_rules import standing_expiry
from .const import DOMAIN, LOGGER
from .history import RenewalFigures
from .records import CardRecord, HistoryEntry, StoreData, holds_expiry
from .store import SimRenewStore

_ABSENT = object()
LEDGERS: HassKey[dict[str, Ledger]] = HassKey(f"{DOMAIN}_ledgers")


class Ledger:
    """The history file of one household, in memory, and the lock every write takes."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Name the household's file; nothing is read until `async_load`."""
        self.store = SimRenewStore(hass, entry_id)
        self.records: dict[str, CardRecord] = {}
        self.lock = asyncio.Lock()
        # Set when the household is deleted: nothing may write its file again.
        self.removed = False
        self._figures: dict[str, RenewalFigures] = {}
        # Top-level data a newer release wrote beside the cards, kept as it was.
        self._extra: dict[str, Any] = {}

    async def async_load(self, now: datetime) -> None:
        """Read the file, setting aside what cannot be read."""
        data = await self.store.async_load_safely(now)
        self.records = dict(data["cards"])
        self._extra = {key: value for key, value in data.items() if key != "cards"}

    async def async_save(self) -> None:
        """Write the file now, unless the household was deleted."""
        if not self.removed:
            data = {**self._extra, "cards": self.records}
            await self.store.async_save(cast(StoreData, data))

    async def async_save_in_turn(self) -> None:
        """Write the file once no change is being written.

        A change's entries are in memory while its own write runs; written by anyone else
        then, they would reach the disk even if that write failed and memory took them back.
        """
        async with self.lock:
            try:
                await self.async_save()
            except (HomeAssistantError, OSError) as err:
                # Only what was sent or seen: memory keeps it, and the next write takes it.
                LOGGER.warning("The history could not be written (%s)", type(err).__name__)

    async def async_append(
        self,
        entries: list[tuple[str, HistoryEntry]],
        fields: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Add entries to their cards' histories, set fields of their records, and write once.

        `fields` maps a card to record fields to set with the entries (its balance, say).
        """
        changes = fields or {}
        records = cast(dict[str, dict[str, Any]], self.records)
        # A field the record did not have before is taken out again if the write fails.
        before = {
            card_id: {key: records[card_id].get(key, _ABSENT) for key in set_}
            for card_id, set_ in changes.items()
        }
        for card_id, set_ in changes.items():
            records[card_id].update(set_)
        for card_id, entry in entries:
            self.records[card_id]["history"].append(entry)
            if (figures := self._figures.get(card_id)) is not None:
                figures.add(entry)
        try:
            await self.async_save()
        except BaseException:
            # Not on disk, so not recorded: memory must not claim otherwise.
            for card_id, entry in reversed(entries):
                history = self.records[card_id]["history"]
                if history and history[-1] is entry:
                    history.pop()
                self._figures.pop(card_id, None)
            for card_id, old in before.items():
                for key, value in old.items():
                    if value is _ABSENT:
                        records[card_id].pop(key, None)
                    else:
                        records[card_id][key] = value
            raise

    @property
    def seen_messages(self) -> dict[str, str]:
        """Return, per message source, a digest of the last message read from it."""
        seen = self._extra.setdefault("seen_messages", {})
        if not isinstance(seen, dict):
            seen = self._extra["seen_messages"] = {}
        return seen

    def figures(self, card_id: str) -> RenewalFigures:
        """Return the card's renewal figures, read from its history once and then kept."""
        if (figures := self._figures.get(card_id)) is None:
            figures = self._figures[card_id] = RenewalFigures.of(self.records[card_id]["history"])
        return figures

    def forget_figures(self, card_id: str) -> None:
        """Drop a card's figures, to be read again from its history when next needed."""
        self._figures.pop(card_id, None)

    def with_recorded_expiry(self, card_id: str, config: CardConfig) -> CardConfig:
        """Return the card's settings with the expiry its history holds, the one that counts.

        A card whose record has none yet (not adopted, or never started), or only half of it
        (its monthly day set aside), keeps its settings' until they are adopted.
        """
        record = self.records.get(card_id)
        if record is None or not holds_expiry(record):
            return config
        expiry = date.fromisoformat(record["expiry"])
        anchor_day = record.get("anchor_day")
        if config.expiry_date == expiry and config.anchor_day == anchor_day:
            return config
        return replace(config, expiry_date=expiry, anchor_day=anchor_day)

    def standing_expiry(self, card_id: str) -> date | None:
        """Return the expiry that stands while a renewal waits for confirmation, if one waits."""
        return standing_expiry(self.records[card_id])

    def roll_undone(self, card_id: str, expiry: date) -> bool:
        """Return whether an undone automatic renewal restored this expiry: no rolling from it."""
        return self.records[card_id]["reminders"].get("roll_undone") == expiry.isoformat()


async def async_get_ledger(hass: HomeAssistant, entry_id: str, now: datetime) -> Ledger:
    """Return the household's ledger, reading its file on first use."""
    ledgers = hass.data.setdefault(LEDGERS, {})
    if (ledger := ledgers.get(entry_id)) is None:
        ledger = Ledger(hass, entry_id)
        await ledger.async_load(now)
        ledgers[entry_id] = ledger
    return ledger


def forget_ledger(hass: HomeAssistant, entry_id: str) -> None:
    """Drop a household's ledger from memory; the file is read again on next use."""
    hass.data.get(LEDGERS, {}).pop(entry_id, None)


async def async_remove_ledger(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a household's history: after any change under way, and before any that waits."""
    ledger = hass.data.get(LEDGERS, {}).pop(entry_id, None)
    if ledger is None:
        await SimRenewStore(hass, entry_id).async_remove()
        return
    ledger.removed = True
    await ledger.store.async_remove()
    if ledger.lock.locked():
        # A write already under way could land after the removal: remove again once it ends.
        async def remove_after_writes() -> None:
            async with ledger.lock:
                await ledger.store.async_remove()

        hass.async_create_background_task(remove_after_writes(), "simrenew remove history")
