"""The expiry in a card's Reconfigure form: shown as the household has it, changed as it records.

A card's expiry lives in the household's history. The form shows the household's expiry
(read from its file while it is not running), and an expiry the user changed is recorded as
the household's correction before the other settings are saved; those never carry an expiry
of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.storage import Store

from .const import CONF_ANCHOR_DAY, CONF_EXPIRY_DATE, DOMAIN
from .entry_reading import read_card
from .history_file import is_day
from .store import STORAGE_MINOR_VERSION, STORAGE_VERSION

if TYPE_CHECKING:
    from .hub import SimRenewConfigEntry, SimRenewHub

# A changed expiry waits for the household: only it can record the correction.
NOT_RUNNING = "household_not_running"
# The reasons a correction is refused for that the card form has words of its own for.
CORRECTION_ERRORS = frozenset({"expiry_out_of_range", "card_removed", "card_unreadable"})
# Any other reason: the form still says that the expiry was not recorded.
NOT_RECORDED = "expiry_not_recorded"


def _running(entry: ConfigEntry) -> SimRenewConfigEntry | None:
    """Return the household's entry while it runs, else None."""
    if entry.state is not ConfigEntryState.LOADED:
        return None
    return cast("SimRenewConfigEntry", entry)


async def async_shown_expiry(
    hass: HomeAssistant, entry: ConfigEntry, subentry: ConfigSubentry
) -> str | None:
    """Return the expiry the form shows: the household's, from its history file if it is off.

    Only a file that cannot be read leaves the card's stored one, the expiry it was added with.
    """
    if (running := _running(entry)) is not None:
        # The history's, also for a card whose settings cannot be read.
        record = running.runtime_data.records.get(subentry.subentry_id)
        return _record_expiry(record) or subentry.data.get(CONF_EXPIRY_DATE)
    # Read only: a form neither migrates nor writes the household's file.
    store: Store[dict[str, Any]] = Store(
        hass,
        STORAGE_VERSION,
        f"{DOMAIN}.{entry.entry_id}",
        minor_version=STORAGE_MINOR_VERSION,
        read_only=True,
    )
    try:
        content = await store.async_load()
    except HomeAssistantError, NotImplementedError, OSError, ValueError:
        content = None
    cards = content.get("cards") if isinstance(content, dict) else None
    record = cards.get(subentry.subentry_id) if isinstance(cards, dict) else None
    return _record_expiry(record) or subentry.data.get(CONF_EXPIRY_DATE)


def _record_expiry(record: object) -> str | None:
    """Return the expiry a card's record holds, if it holds a readable one."""
    expiry = record.get("expiry") if isinstance(record, dict) else None
    return expiry if is_day(expiry) else None


async def async_correct_expiry(entry: ConfigEntry, card_id: str, typed: str) -> str | None:
    """Record the typed expiry as the household's correction; return the form's error, if any.

    `typed` passed the form's checks, so it is a date in ISO form.
    """
    if (running := _running(entry)) is None:
        return NOT_RUNNING
    hub = running.runtime_data
    if card_id in hub.unreadable:
        try:
            return await _async_release_expiry(hub, card_id)
        except HomeAssistantError, OSError:
            return NOT_RECORDED
    try:
        await hub.changes.async_set_expiry([card_id], date.fromisoformat(typed), "reconfigure")
    except ServiceValidationError as err:
        return err.translation_key if err.translation_key in CORRECTION_ERRORS else NOT_RECORDED
    except HomeAssistantError, OSError:
        # The history could not be written: nothing changed, and the form says so.
        return NOT_RECORDED
    return None


async def _async_release_expiry(hub: SimRenewHub, card_id: str) -> str | None:
    """Let the settings of a card being mended name its expiry; return the form's error, if any.

    A card whose settings cannot be read has no household to record a correction for it. Its
    record gives up its expiry instead: the reload the mended settings bring adopts the typed
    one, recording the correction there, as for a file written before 2.3.
    """
    async with hub.ledger.lock:
        if (record := hub.records.get(card_id)) is None:
            return None  # Never readable, so never recorded: the reload starts its history.
        kept = {key: record[key] for key in ("expiry", "anchor_day") if key in record}
        for key in kept:
            del record[key]
        try:
            await hub.ledger.async_save()
        except BaseException:
            # Not on disk: the record keeps its expiry, and the form says it was not recorded.
            record.update(kept)  # type: ignore[typeddict-item]
            raise
    return None


def mends_card(entry: ConfigEntry, subentry: ConfigSubentry) -> bool:
    """Return whether the card's stored settings cannot be read, so the form's mend them."""
    if (running := _running(entry)) is not None:
        return subentry.subentry_id in running.runtime_data.unreadable
    # Without the disk: a zone not loaded reads as unreadable, and then the form saves only
    # the expiry it showed, the household's.
    return read_card(subentry) is None


def with_stored_expiry(
    data: Mapping[str, Any], stored: Mapping[str, Any], *, mended: bool = False
) -> dict[str, Any]:
    """Return the form's data with the expiry and the monthly plan's day the card has stored.

    The settings keep the expiry the card was added with; the history holds the one in force.
    Settings being `mended` (unreadable until now) take the form's.
    """
    if mended:
        return dict(data)
    kept = {key: value for key, value in data.items() if key != CONF_ANCHOR_DAY}
    for key in (CONF_EXPIRY_DATE, CONF_ANCHOR_DAY):
        if key in stored:
            kept[key] = stored[key]
    return kept
