"""The household's history file: renewals, corrections, balance and activity per card."""

from __future__ import annotations

from datetime import datetime
import shutil
from typing import Any, NotRequired, TypedDict, cast, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 2
STORAGE_MINOR_VERSION = 2


class HistoryEntry(TypedDict):
    """One thing that happened to a card: a renewal, a correction, activity or balance."""

    kind: str
    at: str
    source: str
    date: NotRequired[str]
    old_expiry: NotRequired[str]
    new_expiry: NotRequired[str]
    amount: NotRequired[float]
    currency: NotRequired[str]
    channel: NotRequired[str]
    payment_method: NotRequired[str]
    reference: NotRequired[str]


class BalanceRecord(TypedDict):
    """The last known balance of a card."""

    amount: float
    currency: str
    as_of: str


class ReminderRecord(TypedDict):
    """Which reminders went out for the card's current deadline."""

    deadline: str | None
    fired: list[int]
    expired_for: str | None
    snoozed_until: str | None


class CardRecord(TypedDict):
    """Everything stored about one card besides its settings."""

    added: str
    history: list[HistoryEntry]
    balance: BalanceRecord | None
    last_activity: str | None
    reminders: ReminderRecord


def empty_reminders() -> ReminderRecord:
    """Return the reminder state of a card for which nothing went out yet."""
    return {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None}


class StoreData(TypedDict):
    """The whole file."""

    cards: dict[str, CardRecord]


def empty_record(added: str) -> CardRecord:
    """Return the record of a card with nothing recorded yet."""
    return {
        "added": added,
        "history": [],
        "balance": None,
        "last_activity": None,
        "reminders": empty_reminders(),
    }


def _is_valid(data: object) -> bool:
    """Return whether loaded data has the shape this version writes."""
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
        return False
    return all(
        isinstance(record, dict)
        and isinstance(record.get("history"), list)
        and isinstance(record.get("added"), str)
        and isinstance(record.get("reminders"), dict)
        for record in data["cards"].values()
    )


class HistoryUnavailableError(Exception):
    """The history file exists but the disk would not give it up."""


class SimRenewStore(Store[StoreData]):
    """A versioned store that can read every older layout."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Name the file after the hub's entry."""
        super().__init__(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )

    @override
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> StoreData:
        """Bring an older layout up to date, keeping every entry."""
        if old_major_version == 1:
            # Version 1 kept renewals only, as {"renewals": {card_id: [entry, ...]}}.
            cards: dict[str, CardRecord] = {}
            for card_id, renewals in old_data.get("renewals", {}).items():
                history: list[HistoryEntry] = []
                for old in renewals:
                    entry: HistoryEntry = {
                        "kind": "renewal",
                        "at": old["at"],
                        "source": old.get("source", "action"),
                    }
                    for key in ("date", "old_expiry", "new_expiry", "currency", "reference"):
                        if key in old:
                            entry[key] = old[key]
                    if "amount" in old:
                        entry["amount"] = float(old["amount"])
                    history.append(entry)
                added = min((entry["at"][:10] for entry in history), default="1970-01-01")
                cards[card_id] = {**empty_record(added), "history": history}
            return {"cards": cards}
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError("history was written by a newer version of SIM Renew")
        data = cast(StoreData, old_data)
        if old_minor_version < 2:
            # 2.2 remembers which reminders went out; older files had none.
            for record in data["cards"].values():
                record.setdefault("reminders", empty_reminders())
        return data

    async def async_load_safely(self, now: datetime) -> StoreData:
        """Load the history; an unreadable file is kept aside and reported, never dropped."""
        try:
            data = await self.async_load()
        except HomeAssistantError as err:
            if isinstance(err.__cause__, OSError):
                # The disk, not the content, failed: try again later rather than set it aside.
                raise HistoryUnavailableError(type(err.__cause__).__name__) from err
            LOGGER.error("History file %s could not be read: %s", self.key, type(err).__name__)
            data = None
            await self._async_keep_aside(now)
        except (
            AttributeError,
            KeyError,
            NotImplementedError,
            TypeError,
            ValueError,
        ) as err:
            LOGGER.error("History file %s could not be read: %s", self.key, type(err).__name__)
            data = None
            await self._async_keep_aside(now)
        else:
            if data is not None and not _is_valid(data):
                LOGGER.error("History file %s has an unexpected layout", self.key)
                data = None
                await self._async_keep_aside(now)
        return data if data is not None else {"cards": {}}

    async def _async_keep_aside(self, now: datetime) -> None:
        """Copy the unreadable file next to itself and raise a repair issue about it."""
        aside = f"{self.path}.unreadable.{now.strftime('%Y%m%dT%H%M%S')}"
        try:
            await self.hass.async_add_executor_job(shutil.copy2, self.path, aside)
        except OSError:
            # Without a copy, writing would destroy the only one: leave the file alone.
            LOGGER.error("History file %s could not be copied; it is left untouched", self.key)
            self.make_read_only()
            aside = self.path
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"unreadable_history_{self.key}",
            is_fixable=False,
            is_persistent=True,
            severity=ir.IssueSeverity.ERROR,
            translation_key="unreadable_history",
            translation_placeholders={"path": aside},
        )
