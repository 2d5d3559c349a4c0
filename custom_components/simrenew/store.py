"""The household's history file: renewals, corrections, balance and activity per card."""

from __future__ import annotations

from datetime import datetime, timedelta
import os
from pathlib import Path
from typing import Any, cast, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .history_file import check_history, is_intact
from .records import StoreData, empty_record, empty_reminders

STORAGE_VERSION = 2
# 2.3 keeps each card's current expiry in its record; 2.2 files are read as they are and the hub
# adopts the expiry from the card's settings (see expiry_adoption.py).
STORAGE_MINOR_VERSION = 3


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
        """Bring an older layout up to date, keeping every entry; a damaged one is not saved."""
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError("history was written by a newer version of SIM Renew")
        content = _from_version_1(old_data) if old_major_version == 1 else old_data
        if old_major_version == STORAGE_VERSION and old_minor_version < 2:
            # 2.2 remembers which reminders went out; older files had none.
            for record in _records(content):
                record.setdefault("reminders", empty_reminders())
        if not is_intact(content):
            # Home Assistant writes what this returns over the file before the hub sees it.
            raise _DamagedHistoryError(content)
        return cast(StoreData, content)

    async def async_load_safely(self, now: datetime) -> StoreData:
        """Load the history; what is damaged is kept aside in a copy and reported, never dropped."""
        original = await self._async_read_original()
        try:
            loaded: object = await self.async_load()
        except _DamagedHistoryError as err:
            loaded = err.content
        except HomeAssistantError as err:
            if isinstance(err.__cause__, OSError):
                # The disk, not the content, failed: try again later rather than set it aside.
                raise HistoryUnavailableError(type(err.__cause__).__name__) from err
            return await self._async_set_aside_all(original, now, type(err).__name__)
        except (
            AttributeError,
            KeyError,
            NotImplementedError,
            TypeError,
            ValueError,
        ) as err:
            return await self._async_set_aside_all(original, now, type(err).__name__)
        if loaded is None:
            return {"cards": {}}
        # Yesterday in UTC is not after today in any time zone, so no renewal is refused.
        checked = check_history(loaded, added_default=(now - timedelta(days=1)).date())
        if checked is None:
            return await self._async_set_aside_all(original, now, "unexpected layout")
        # What a newer release keeps beside the cards is carried along, not dropped on save.
        content = cast(dict[str, Any], loaded)
        extra = {key: value for key, value in content.items() if key != "cards"}
        data = cast(StoreData, {**extra, "cards": checked.cards})
        if checked.set_aside:
            LOGGER.error(
                "The history file had %d damaged entries or fields; they were set aside",
                checked.set_aside,
            )
            if await self._async_keep_aside(
                original, now, "damaged", "damaged_history", count=str(checked.set_aside)
            ):
                await self.async_save(data)
        return data

    async def _async_read_original(self) -> bytes | None:
        """Return the file as it is on disk, before loading can rewrite it; None if absent."""
        try:
            return await self.hass.async_add_executor_job(_read_bytes, self.path)
        except OSError as err:
            raise HistoryUnavailableError(type(err).__name__) from err

    async def _async_set_aside_all(
        self, original: bytes | None, now: datetime, reason: str
    ) -> StoreData:
        """Keep an unreadable file aside and start from an empty history."""
        LOGGER.error("The history file could not be read: %s", reason)
        if await self._async_keep_aside(original, now, "unreadable", "unreadable_history"):
            await self.async_save({"cards": {}})
        return {"cards": {}}

    async def _async_keep_aside(
        self,
        original: bytes | None,
        now: datetime,
        label: str,
        issue: str,
        **placeholders: str,
    ) -> bool:
        """Copy the file as it was next to itself and raise a repair; return whether it was."""
        aside: str | None = None
        if original is not None:
            name = f"{self.path}.{label}.{now.strftime('%Y%m%dT%H%M%S')}"
            try:
                aside = await self.hass.async_add_executor_job(_write_copy, name, original)
            except OSError:
                aside = None
        if aside is None:
            # Without a copy, writing would destroy the only one: leave the file alone.
            LOGGER.error("The history file could not be copied; it is left untouched")
            self.make_read_only()
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{issue}_{self.key}",
            is_fixable=False,
            is_persistent=True,
            severity=ir.IssueSeverity.ERROR,
            translation_key=issue,
            translation_placeholders={**placeholders, "path": aside or self.path},
        )
        return aside is not None


class _DamagedHistoryError(Exception):
    """An older file with damage in it, which must not be written back migrated."""

    def __init__(self, content: object) -> None:
        """Carry the migrated content to the loader."""
        super().__init__("damaged history")
        self.content = content


def _records(content: object) -> list[dict[str, Any]]:
    """Return the card records of the file's content that are dicts."""
    if not isinstance(content, dict) or not isinstance(cards := content.get("cards"), dict):
        return []
    return [record for record in cards.values() if isinstance(record, dict)]


def _from_version_1(old_data: object) -> object:
    """Return a version 1 file (renewals only) in today's layout; damaged parts pass through."""
    if not isinstance(old_data, dict) or not isinstance(
        renewals := old_data.get("renewals", {}), dict
    ):
        return old_data
    cards: dict[str, Any] = {}
    for card_id, old_entries in renewals.items():
        if not isinstance(old_entries, list):
            cards[card_id] = {**empty_record("1970-01-01"), "history": old_entries}
            continue
        history = [_renewal_from_version_1(old) for old in old_entries]
        added = min(
            (
                entry["at"][:10]
                for entry in history
                if isinstance(entry, dict) and isinstance(entry.get("at"), str)
            ),
            default="1970-01-01",
        )
        cards[card_id] = {**empty_record(added), "history": history}
    return {"cards": cards}


def _renewal_from_version_1(old: object) -> object:
    """Return a version 1 renewal as a history entry, or unchanged if it cannot be one."""
    if not isinstance(old, dict) or "at" not in old:
        return old
    entry = {"kind": "renewal", "at": old["at"], "source": old.get("source", "action")}
    for key in ("date", "old_expiry", "new_expiry", "currency", "reference"):
        if key in old:
            entry[key] = old[key]
    if "amount" in old:
        try:
            entry["amount"] = float(old["amount"])
        except TypeError, ValueError, OverflowError:
            entry["amount"] = old["amount"]
    return entry


def _read_bytes(path: str) -> bytes | None:
    """Return a file's bytes, or None if there is no file."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def _write_copy(name: str, content: bytes) -> str:
    """Write `content` to a new file called `name`, or a numbered variant; return its path."""
    for attempt in range(1, 100):
        path = name if attempt == 1 else f"{name}.{attempt}"
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
                file.flush()
                # The file is rewritten once this returns, so the copy must reach the disk.
                os.fsync(file.fileno())
        except OSError:
            Path(path).unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(name)
