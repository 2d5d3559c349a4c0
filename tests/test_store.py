"""Tests for the history store: restarts, migration, unreadable files and removal."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.store import SimRenewStore
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import STORAGE_DIR

from .conftest import setup_entry

DAYS = "sensor.mum_s_cmhk_days_until_expiry"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026 in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def store_key(entry: MockConfigEntry) -> str:
    """Return the key of the hub's history file."""
    return f"{DOMAIN}.{entry.entry_id}"


def store_path(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    """Return where the hub's history file lives on disk."""
    return Path(hass.config.path(STORAGE_DIR, store_key(entry)))


@pytest.fixture
def disk_copy(hass: HomeAssistant, mock_entry: MockConfigEntry) -> Generator[Path]:
    """Put a file where the history lives on disk, and clean up every copy after."""
    path = store_path(hass, mock_entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("damaged history", encoding="utf-8")
    yield path
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()


async def test_history_survives_restart(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """What is recorded is on disk at once and back after a restart."""
    await setup_entry(hass, mock_entry)
    card_id = next(iter(mock_entry.subentries))
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": DAYS, "reference": "R1"}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "set_balance", {"entity_id": DAYS, "amount": 7}, blocking=True
    )
    await hass.async_block_till_done()
    on_disk = hass_storage[store_key(mock_entry)]
    assert on_disk["version"] == 2
    before = mock_entry.runtime_data.records[card_id]
    assert on_disk["data"]["cards"][card_id] == before

    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.runtime_data.records[card_id] == before
    assert hass.states.get("sensor.mum_s_cmhk_balance").state == "7.0"
    assert hass.states.get("sensor.mum_s_cmhk_last_renewed").state == "2026-11-22T04:00:00+00:00"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_migrates_version_1(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A version 1 file (renewals only) is read without losing an entry."""
    card_id = next(iter(mock_entry.subentries))
    old = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{mock_entry.entry_id}",
        "data": {
            "renewals": {
                card_id: [
                    {
                        "at": "2026-05-15T02:00:00+00:00",
                        "date": "2026-05-15",
                        "old_expiry": "2026-06-01",
                        "new_expiry": "2026-12-01",
                        "amount": "50",
                        "currency": "HKD",
                        "reference": "OLD-1",
                    }
                ]
            }
        },
    }
    hass_storage[store_key(mock_entry)] = old
    await setup_entry(hass, mock_entry)
    record = mock_entry.runtime_data.records[card_id]
    assert record["added"] == "2026-05-15"
    assert record["history"] == [
        {
            "kind": "renewal",
            "at": "2026-05-15T02:00:00+00:00",
            "source": "action",
            "date": "2026-05-15",
            "old_expiry": "2026-06-01",
            "new_expiry": "2026-12-01",
            "amount": 50.0,
            "currency": "HKD",
            "reference": "OLD-1",
        }
    ]
    assert hass.states.get("sensor.mum_s_cmhk_spent_in_the_last_365_days").state == "50.0"
    assert hass_storage[store_key(mock_entry)]["version"] == 2


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 2, "minor_version": 1, "key": "k", "data": {"cards": []}},
        {"version": 2, "minor_version": 1, "key": "k", "data": {"cards": {"x": {"history": 1}}}},
        {"version": 9, "minor_version": 1, "key": "k", "data": {}},
        {"no": "version"},
    ],
)
async def test_unreadable_history_is_kept_and_reported(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
    disk_copy: Path,
    stored: dict[str, Any],
) -> None:
    """An unreadable file is copied aside, a repair says where, and the cards still load."""
    hass_storage[store_key(mock_entry)] = stored
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DAYS).state == "9"
    issue = issue_registry.async_get_issue(DOMAIN, f"unreadable_history_{store_key(mock_entry)}")
    assert issue is not None
    assert issue.translation_key == "unreadable_history"
    kept = Path(issue.translation_placeholders["path"])
    assert kept != disk_copy
    assert kept.name.startswith(f"{disk_copy.name}.unreadable.")
    assert kept.read_text("utf-8") == "damaged history"
    assert not mock_entry.runtime_data.store._read_only


async def test_history_that_cannot_be_copied_is_never_overwritten(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
) -> None:
    """Without a copy aside, the store stops writing so the only copy survives."""
    bad = {"version": 2, "minor_version": 1, "key": "k", "data": {"cards": []}}
    hass_storage[store_key(mock_entry)] = bad
    await setup_entry(hass, mock_entry)
    issue = issue_registry.async_get_issue(DOMAIN, f"unreadable_history_{store_key(mock_entry)}")
    assert issue is not None
    assert issue.translation_placeholders["path"] == str(store_path(hass, mock_entry))
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
    await hass.async_block_till_done()
    assert hass_storage[store_key(mock_entry)] == bad
    assert hass.states.get(DAYS).state == "180"


async def test_removing_card_and_hub_removes_history(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A removed card's history goes with it; a removed hub takes its file."""
    await setup_entry(hass, mock_entry)
    card_id = next(iter(mock_entry.subentries))
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
    await hass.async_block_till_done()
    assert card_id in hass_storage[store_key(mock_entry)]["data"]["cards"]

    assert hass.config_entries.async_remove_subentry(mock_entry, card_id)
    await hass.async_block_till_done()
    assert hass_storage[store_key(mock_entry)]["data"]["cards"] == {}

    await hass.config_entries.async_remove(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(mock_entry) not in hass_storage


async def test_history_of_cards_removed_while_stopped_is_dropped(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A record whose card no longer exists is removed at start; the others are kept."""
    card_id = next(iter(mock_entry.subentries))
    kept = {
        "added": "2026-01-01",
        "history": [],
        "balance": None,
        "last_activity": "2026-11-01",
        "reminders": {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None},
    }
    hass_storage[store_key(mock_entry)] = {
        "version": 2,
        "minor_version": 2,
        "key": store_key(mock_entry),
        "data": {"cards": {card_id: kept, "gone": {**kept, "added": "2025-01-01"}}},
    }
    await setup_entry(hass, mock_entry)
    cards = hass_storage[store_key(mock_entry)]["data"]["cards"]
    assert set(cards) == {card_id}
    assert cards[card_id]["added"] == "2026-01-01"
    assert cards[card_id]["last_activity"] == "2026-11-01"


async def test_history_the_disk_cannot_read_retries_setup(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A read error from the disk leaves the file alone and sets the hub up again later."""
    failure = HomeAssistantError("Error while loading")
    failure.__cause__ = PermissionError(13, "Permission denied")
    with patch.object(SimRenewStore, "async_load", side_effect=failure):
        mock_entry.add_to_hass(hass)
        assert not await hass.config_entries.async_setup(mock_entry.entry_id)
    assert mock_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_entry.reason is not None
    assert "PermissionError" in mock_entry.reason
    assert store_key(mock_entry) not in hass_storage
