"""Tests for the history store: restarts, migration, unreadable or damaged files and removal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import copy
from datetime import date
import json
import logging
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch
from uuid import uuid4

from freezegun.api import FrozenDateTimeFactory
from hypothesis import HealthCheck, event, given, settings, strategies as st
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.history_file import check_history
from custom_components.simrenew.ledger import forget_ledger
from custom_components.simrenew.store import SimRenewStore
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import STORAGE_DIR, Store

from .conftest import CARD_DATA, card_subentry, setup_entry
from .history_samples import (
    BAD_ENTRIES,
    BAD_FIELDS,
    GOOD_HISTORY,
    SampleFile,
    damage_field,
    files,
    good_record,
    reset_field,
)

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / "simrenew" / "translations"
DAYS = "sensor.mum_s_cmhk_days_until_expiry"
SECOND_DAYS = "sensor.dad_s_csl_days_until_expiry"
ENTRY_TEXT = "renewed on 15 May"

# The harness keeps every Store in memory; these are the methods that use the disk, taken
# before any test replaces them.
DISK_LOAD = Store._async_load
DISK_WRITE = Store._async_write_data
DISK_REMOVE = Store.async_remove

# Each example sets a hub up and removes it again, so "ci" runs a few dozen, not thousands.
HUB_EXAMPLES = 50 if settings.get_current_profile_name() == "ci" else 10


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026 in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Keep each test's history files, and the copies made of them, in a folder of its own."""
    return hass_tmp_config_dir


@pytest.fixture
def history_on_disk() -> Iterator[None]:
    """Read and write the hub's history file on disk, as Home Assistant does outside tests."""
    with (
        patch.object(SimRenewStore, "_async_load", DISK_LOAD),
        patch.object(SimRenewStore, "_async_write_data", DISK_WRITE),
        patch.object(SimRenewStore, "async_remove", DISK_REMOVE),
    ):
        yield


def store_key(entry: MockConfigEntry) -> str:
    """Return the key of the hub's history file."""
    return f"{DOMAIN}.{entry.entry_id}"


def store_path(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    """Return where the hub's history file lives on disk."""
    return Path(hass.config.path(STORAGE_DIR, store_key(entry)))


@pytest.fixture
def disk_copy(hass: HomeAssistant, mock_entry: MockConfigEntry) -> Path:
    """Put a file where the history lives on disk."""
    path = store_path(hass, mock_entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("damaged history", encoding="utf-8")
    return path


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
        {"version": 2, "minor_version": 2, "key": "k", "data": {"renewals": {}}},
        {"version": 2, "minor_version": 2, "key": "k", "data": ["cards"]},
        {"version": 1, "minor_version": 1, "key": "k", "data": {"renewals": []}},
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


def store_file(
    hass_storage: dict[str, Any],
    path: Path,
    cards: object,
    *,
    minor_version: int = 2,
) -> bytes:
    """Store a history file both where the harness reads it and on disk; return its bytes."""
    envelope = {
        "version": 2,
        "minor_version": minor_version,
        "key": path.name,
        "data": {"cards": cards},
    }
    hass_storage[path.name] = copy.deepcopy(envelope)
    original = json.dumps(envelope, indent=1).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    return original


def damaged_issue(issue_registry: ir.IssueRegistry, path: Path) -> ir.IssueEntry:
    """Return the repair about a damaged history file, checking it names a copy aside."""
    assert issue_registry.async_get_issue(DOMAIN, f"unreadable_history_{path.name}") is None
    issue = issue_registry.async_get_issue(DOMAIN, f"damaged_history_{path.name}")
    assert issue is not None
    assert issue.translation_key == "damaged_history"
    assert issue.translation_placeholders is not None
    assert Path(issue.translation_placeholders["path"]).name.startswith(f"{path.name}.damaged.")
    return issue


@pytest.mark.parametrize(
    "bad", [entry for _, entry in BAD_ENTRIES], ids=[name for name, _ in BAD_ENTRIES]
)
async def test_damaged_entry_is_set_aside(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
    bad: object,
) -> None:
    """One bad entry is kept in a copy of the file; the card loads with every good entry."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = good_record()
    record["history"].insert(1, copy.deepcopy(bad))
    original = store_file(hass_storage, path, {card_id: record})
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(DAYS).state == "9"
    assert hass.states.get("sensor.mum_s_cmhk_balance").state == "7.0"
    assert hass.states.get("sensor.mum_s_cmhk_last_renewed").state == "2026-05-15T02:00:00+00:00"
    assert mock_entry.runtime_data.records[card_id]["history"] == GOOD_HISTORY
    issue = damaged_issue(issue_registry, path)
    assert issue.translation_placeholders == {
        "count": "1",
        "path": issue.translation_placeholders["path"],
    }
    assert Path(issue.translation_placeholders["path"]).read_bytes() == original
    # With the original safe in the copy, the file itself holds only what can be used.
    assert hass_storage[path.name]["data"]["cards"][card_id]["history"] == GOOD_HISTORY


@pytest.mark.parametrize(
    ("where", "stored", "reset"),
    [case[1:] for case in BAD_FIELDS],
    ids=[case[0] for case in BAD_FIELDS],
)
async def test_damaged_field_is_reset(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
    where: tuple[str, ...],
    stored: object,
    reset: object,
) -> None:
    """A bad field with a safe default is reset, reported like a bad entry, and the card loads."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = good_record()
    damage_field(record, where, stored)
    original = store_file(hass_storage, path, {card_id: record})
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DAYS).state == "9"
    loaded = mock_entry.runtime_data.records[card_id]
    expected = reset_field(good_record(), where, reset)
    # The hub re-arms reset reminders at once, so only the rest is compared exactly. A 2.2
    # file has no expiry in its records: the card's settings give it.
    adopted = {"expiry": "2026-12-01", "anchor_day": None}
    assert {**loaded, "reminders": None} == {**expected, **adopted, "reminders": None}
    assert loaded["reminders"]["deadline"] == "2026-12-01"
    issue = damaged_issue(issue_registry, path)
    assert issue.translation_placeholders["count"] == "1"
    assert Path(issue.translation_placeholders["path"]).read_bytes() == original


@pytest.mark.parametrize("damage", ["record_is_text", "history_is_text", "everything"])
async def test_damaged_records_leave_other_cards_alone(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
    damage: str,
) -> None:
    """A card whose whole record or history is damaged starts afresh; the other keeps its own."""
    entry = two_card_entry()
    mum, dad = entry.subentries
    path = store_path(hass, entry)
    damaged: dict[str, Any] = good_record()
    if damage == "record_is_text":
        damaged = "renewed"  # type: ignore[assignment]
        count = 1
    elif damage == "history_is_text":
        damaged["history"] = "renewed"
        count = 1
    else:
        damaged["history"] = [entry for _, entry in BAD_ENTRIES]
        damaged["last_activity"] = "yesterday"
        damaged["reminders"]["fired"] = "14"
        del damaged["balance"]
        count = len(BAD_ENTRIES) + 3
    original = store_file(hass_storage, path, {mum: good_record(), dad: damaged})
    await setup_entry(hass, entry)
    assert hass.states.get(DAYS).state == "9"
    assert hass.states.get(SECOND_DAYS).state == "9"
    records = entry.runtime_data.records
    assert records[mum]["history"] == GOOD_HISTORY
    assert records[dad]["history"] == []
    assert records[dad]["added"] == ("2026-11-22" if damage == "record_is_text" else "2026-01-01")
    issue = damaged_issue(issue_registry, path)
    assert issue.translation_placeholders["count"] == str(count)
    assert Path(issue.translation_placeholders["path"]).read_bytes() == original


def two_card_entry(*, fresh_ids: bool = False) -> MockConfigEntry:
    """Return a hub entry with Mum's and Dad's cards, not yet added to Home Assistant."""
    # Hypothesis seeds `random` alike for every example, so ids made from it repeat; fresh ids
    # come from the system's randomness instead.
    cards = [
        card_subentry(),
        card_subentry(CARD_DATA, name="Dad's csl", phone_number="+85298765432"),
    ]
    return MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[{**card, "subentry_id": uuid4().hex} for card in cards]
        if fresh_ids
        else cards,
        entry_id=uuid4().hex if fresh_ids else None,
    )


@pytest.mark.usefixtures("history_on_disk")
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param({"history": [ENTRY_TEXT]}, id="entry_is_text"),
        pytest.param({"history": 1}, id="history_is_a_number"),
        pytest.param({"last_activity": "yesterday"}, id="last_activity_not_a_date"),
    ],
)
async def test_older_damaged_history_is_copied_byte_for_byte(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    damage: dict[str, Any],
) -> None:
    """A damaged 2.1 file is copied as it was on disk, not as migration would rewrite it."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = {**good_record(), **damage}
    del record["reminders"]  # 2.1 had none
    envelope = {
        "version": 2,
        "minor_version": 1,
        "key": path.name,
        "data": {"cards": {card_id: record}},
    }
    # Spacing Home Assistant would never write, so any rewrite shows.
    original = json.dumps(envelope, indent=3, ensure_ascii=False).encode() + b"\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DAYS).state == "9"
    (issue,) = (issue for issue in issue_registry.issues.values() if issue.domain == DOMAIN)
    assert Path(issue.translation_placeholders["path"]).read_bytes() == original
    assert issue == damaged_issue(issue_registry, path)
    on_disk = json.loads(path.read_bytes())
    assert (on_disk["version"], on_disk["minor_version"]) == (2, 3)
    assert (
        on_disk["data"]["cards"][card_id]["history"]
        == mock_entry.runtime_data.records[card_id]["history"]
    )
    assert ENTRY_TEXT not in path.read_text("utf-8")


async def test_damaged_record_of_a_removed_card(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
    disk_copy: Path,
) -> None:
    """A damaged record of a card removed since is reported, and the file is not discarded."""
    card_id = next(iter(mock_entry.subentries))
    hass_storage[disk_copy.name] = {
        "version": 2,
        "minor_version": 1,
        "key": disk_copy.name,
        "data": {"cards": {"x": {"history": 1}, card_id: {**good_record(), "reminders": None}}},
    }
    await setup_entry(hass, mock_entry)
    assert mock_entry.runtime_data.records[card_id]["history"] == GOOD_HISTORY
    issue = damaged_issue(issue_registry, disk_copy)
    # History, balance, last activity and added of the removed card; the other's reminders.
    assert issue.translation_placeholders["count"] == "5"
    assert Path(issue.translation_placeholders["path"]).read_text("utf-8") == "damaged history"


@pytest.mark.usefixtures("history_on_disk")
async def test_history_that_is_not_json_is_left_to_home_assistant(
    hass: HomeAssistant, mock_entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """A file that is not JSON is renamed and reported by Home Assistant; the cards load."""
    path = store_path(hass, mock_entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    original = b'{"version": 2, "minor_version": 2, "key": "k", "data": {"amount": NaN}}'
    path.write_bytes(original)
    await setup_entry(hass, mock_entry)
    assert hass.states.get(DAYS).state == "9"
    assert not [issue for issue in issue_registry.issues.values() if issue.domain == DOMAIN]
    (renamed,) = path.parent.glob(f"{path.name}.corrupt.*")
    assert renamed.read_bytes() == original
    assert json.loads(path.read_bytes())["data"]["cards"].keys() == set(mock_entry.subentries)


@pytest.mark.usefixtures("history_on_disk")
async def test_older_intact_history_is_migrated_without_a_copy(
    hass: HomeAssistant, mock_entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """An intact 2.1 file is migrated in place, with no copy and no repair."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = good_record()
    del record["reminders"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "version": 2,
                "minor_version": 1,
                "key": path.name,
                "data": {"cards": {card_id: record}},
            }
        ),
        "utf-8",
    )
    await setup_entry(hass, mock_entry)
    assert mock_entry.runtime_data.records[card_id]["history"] == GOOD_HISTORY
    assert not issue_registry.issues
    assert [leftover.name for leftover in path.parent.glob(f"{path.name}*")] == [path.name]
    assert json.loads(path.read_bytes())["minor_version"] == 3


@pytest.mark.usefixtures("history_on_disk")
async def test_damaged_version_1_history(
    hass: HomeAssistant, mock_entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """A version 1 file keeps its good renewals; the bad ones are in a byte-exact copy."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    good = {
        "at": "2026-05-15T02:00:00+00:00",
        "date": "2026-05-15",
        "old_expiry": "2026-06-01",
        "new_expiry": "2026-12-01",
        "amount": "50",
        "currency": "HKD",
    }
    renewals = [good, {**good, "amount": "abc"}, "renewed", {"date": "2026-05-15"}]
    original = json.dumps(
        {"version": 1, "key": path.name, "data": {"renewals": {card_id: renewals, "gone": 1}}}
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    await setup_entry(hass, mock_entry)
    record = mock_entry.runtime_data.records[card_id]
    assert record["added"] == "2026-05-15"
    assert record["history"] == [
        {**good, "kind": "renewal", "source": "action", "amount": 50.0},
    ]
    issue = damaged_issue(issue_registry, path)
    # Three renewals, and the renewals of a card removed since.
    assert issue.translation_placeholders["count"] == "4"
    assert Path(issue.translation_placeholders["path"]).read_bytes() == original
    assert json.loads(path.read_bytes())["version"] == 2


async def test_damaged_history_that_cannot_be_copied_is_never_overwritten(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
) -> None:
    """Without a copy aside, the cards still load what is good but nothing is written."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = good_record()
    record["history"].append("renewed")
    store_file(hass_storage, path, {card_id: record})
    stored = copy.deepcopy(hass_storage[path.name])
    with patch("custom_components.simrenew.store.os.fsync", side_effect=OSError(28, "No space")):
        await setup_entry(hass, mock_entry)
    assert mock_entry.runtime_data.records[card_id]["history"] == GOOD_HISTORY
    issue = issue_registry.async_get_issue(DOMAIN, f"damaged_history_{path.name}")
    assert issue is not None
    assert issue.translation_placeholders["path"] == str(path)
    # No half-written copy is left behind to be mistaken for the original.
    assert [leftover.name for leftover in path.parent.glob(f"{path.name}*")] == [path.name]
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
    await hass.async_block_till_done()
    assert hass_storage[path.name] == stored


async def test_second_copy_in_the_same_second_gets_its_own_name(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
) -> None:
    """A copy never replaces an earlier one, even when both are made in the same second."""
    card_id = next(iter(mock_entry.subentries))
    path = store_path(hass, mock_entry)
    record = good_record()
    record["history"].append("renewed")
    first = store_file(hass_storage, path, {card_id: record})
    await setup_entry(hass, mock_entry)
    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    # A reload keeps the history in memory; only a restart reads the file again.
    forget_ledger(hass, mock_entry.entry_id)
    record["history"].append("renewed again")
    second = store_file(hass_storage, path, {card_id: record})
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    issue = damaged_issue(issue_registry, path)
    kept = Path(issue.translation_placeholders["path"])
    assert kept.name.endswith(".2")
    assert kept.read_bytes() == second
    assert Path(str(kept).removesuffix(".2")).read_bytes() == first


async def test_history_the_disk_cannot_read_before_loading_retries_setup(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A disk error while reading the file's bytes retries setup and leaves the file alone."""
    with patch(
        "custom_components.simrenew.store._read_bytes",
        side_effect=PermissionError(13, "Permission denied"),
    ):
        mock_entry.add_to_hass(hass)
        assert not await hass.config_entries.async_setup(mock_entry.entry_id)
    assert mock_entry.state is ConfigEntryState.SETUP_RETRY
    assert "PermissionError" in str(mock_entry.reason)
    assert store_key(mock_entry) not in hass_storage


def is_subsequence(part: Sequence[object], whole: Sequence[object]) -> bool:
    """Return whether `part` appears in `whole`, in the same order."""
    rest = iter(whole)
    return all(any(item == candidate for candidate in rest) for item in part)


def expected_outcome(original: bytes) -> tuple[str, int]:
    """Return what loading the file should report: nothing, unreadable, damaged or corrupt."""
    try:
        envelope = orjson.loads(original)
    except orjson.JSONDecodeError:
        return "corrupt", 0
    content = envelope["data"]
    if content is None:
        return "nothing", 0
    if (
        envelope["minor_version"] == 1
        and isinstance(content, dict)
        and isinstance(content.get("cards"), dict)
    ):
        for record in content["cards"].values():
            if isinstance(record, dict):
                record.setdefault(
                    "reminders",
                    {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None},
                )
    checked = check_history(content, added_default=date(2026, 11, 21))
    if checked is None:
        return "unreadable", 0
    return ("damaged", checked.set_aside) if checked.set_aside else ("nothing", 0)


@pytest.mark.usefixtures("history_on_disk")
@settings(
    max_examples=HUB_EXAMPLES,
    # One hub per example: each is set up in the shared Home Assistant and removed after.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sample=files(slots=2),
    minor_version=st.sampled_from([1, 2]),
    indent=st.sampled_from([None, 2, 4]),
)
async def test_any_history_file_loads(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
    sample: SampleFile,
    minor_version: int,
    indent: int | None,
) -> None:
    """Whatever the file holds, the hub sets up, every card has a state and nothing is lost."""
    entry = two_card_entry(fresh_ids=True)
    card_ids = list(entry.subentries)
    path = store_path(hass, entry)
    envelope = {
        "version": 2,
        "minor_version": minor_version,
        "key": path.name,
        "data": sample.content(card_ids),
    }
    original = json.dumps(envelope, indent=indent).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    outcome, count = expected_outcome(original)
    event(outcome)
    logged = len(caplog.records)

    try:
        await setup_entry(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get(DAYS).state == "9"
        assert hass.states.get(SECOND_DAYS).state == "9"
        records = entry.runtime_data.records
        assert records.keys() == set(card_ids)
        if outcome != "corrupt":
            for card_id, must_keep in sample.must_keep(card_ids).items():
                assert is_subsequence(
                    orjson.loads(json.dumps(must_keep)), records[card_id]["history"]
                )

        ours = {
            issue_id: issue
            for (domain, issue_id), issue in issue_registry.issues.items()
            if domain == DOMAIN and issue_id.endswith(path.name)
        }
        corrupt = [
            issue_id
            for domain, issue_id in issue_registry.issues
            if domain == "homeassistant" and issue_id.startswith(f"storage_corruption_{path.name}")
        ]
        assert bool(corrupt) == (outcome == "corrupt")
        if outcome in ("unreadable", "damaged"):
            issue = ours[f"{outcome}_history_{path.name}"]
            assert Path(issue.translation_placeholders["path"]).read_bytes() == original
            if outcome == "damaged":
                assert issue.translation_placeholders["count"] == str(count)
        else:
            assert not ours
        unexpected = [
            record.getMessage()
            for record in caplog.records[logged:]
            if record.levelno >= logging.ERROR
            and "history file" not in record.getMessage()
            # Home Assistant's own words for a file that is not JSON, which it renames aside.
            and "Unrecoverable error decoding storage" not in record.getMessage()
            and "Could not parse JSON content" not in record.getMessage()
        ]
        assert not unexpected
    finally:
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
    assert not path.exists()


@pytest.mark.parametrize(
    ("key", "placeholders"),
    [("unreadable_history", {"path"}), ("damaged_history", {"path", "count"})],
)
@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
def test_history_repairs_are_translated(key: str, placeholders: set[str], language: str) -> None:
    """Each repair the store raises has a title and a description with what it fills in."""
    strings = json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8"))["issues"][key]
    assert strings["title"]
    assert set(re.findall(r"\{(\w+)\}", strings["description"])) == placeholders
