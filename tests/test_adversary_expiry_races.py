"""Adversarial: one truth for a card's expiry, under races, failed writes and undo chains.

Every change writes its entry and the card's new expiry in one ledger write. These tests
interleave changes, reloads, restarts and removals, make writes fail, and check after each
that the ledger, memory, entities, events and the reminder schedule agree.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
import copy
from datetime import date, timedelta
import gc
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.reminder_keeper import reminder_plan
from custom_components.simrenew.renewal import Renewal
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .conftest import (
    DAD_CARD,
    HUB_OPTIONS,
    card_subentry,
    expiry_of,
    move_to,
    restart,
    setup_entry,
)
from .test_config_flow import _start_reconfigure, with_changes
from .test_reminders import run_until

NOW = "2026-11-22T04:00:00+00:00"  # 12:00 in Hong Kong
DATE_ENTITY = "date.mum_s_cmhk_expiry_date"
STATUS = "sensor.mum_s_cmhk_status"
EVENTS = (
    "simrenew_renewed",
    "simrenew_expiry_corrected",
    "simrenew_renewal_confirmed",
    "simrenew_renewal_undone",
)

# A self-renewing monthly card that reaches its expiry on 30 November 2026.
AUTO = {
    "auto_renew": True,
    "renewal_period": 1,
    "renewal_period_unit": "months",
    "renewal_mode": "extend_expiry",
    "grace_days": 5,
    "expiry_date": "2026-11-30",
}


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Ten days before Mum's card expires (1 December 2026)."""
    freezer.move_to(NOW)


def household(*cards: dict[str, Any]) -> MockConfigEntry:
    """Return a household entry with the given cards (Mum's by default)."""
    subentries = [card_subentry(**card) for card in cards] or [card_subentry()]
    return MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=subentries,
    )


async def started(hass: HomeAssistant, *cards: dict[str, Any]) -> MockConfigEntry:
    """Set up a household and return it."""
    entry = household(*cards)
    await setup_entry(hass, entry)
    return entry


def only_card(entry: MockConfigEntry) -> str:
    """Return the id of the household's only card."""
    (card_id,) = entry.subentries
    return card_id


def card_named(entry: MockConfigEntry, name: str) -> str:
    """Return the id of a card by its name."""
    return next(cid for cid, sub in entry.subentries.items() if sub.data["name"] == name)


def d(value: str) -> date:
    """Return a date from ISO text."""
    return date.fromisoformat(value)


def tap(new_expiry: str | None = None, **fields: Any) -> Renewal:
    """Return a renewal from the action, stating the new expiry or not."""
    return Renewal(
        source="action", new_expiry=None if new_expiry is None else d(new_expiry), **fields
    )


def capture(hass: HomeAssistant) -> dict[str, list[Any]]:
    """Capture every change event."""
    return {name: async_capture_events(hass, name) for name in EVENTS}


def fired(events: dict[str, list[Any]]) -> int:
    """Return how many change events fired."""
    return sum(len(v) for v in events.values())


def stored_expiry(hass_storage: dict[str, Any], entry: MockConfigEntry, card_id: str) -> str:
    """Return the card's expiry as written to disk."""
    expiry: str = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["cards"][card_id]["expiry"]
    return expiry


def assert_one_truth(
    hass: HomeAssistant, entry: MockConfigEntry, card_id: str, expected: str | None = None
) -> None:
    """Check that memory, views, entities and reminders follow the ledger's expiry."""
    hub = entry.runtime_data
    expiry = expiry_of(entry, card_id)
    if expected is not None:
        assert expiry == expected
    assert hub.configs[card_id].expiry_date.isoformat() == expiry
    view = hub.cards[card_id]
    assert view.config.expiry_date.isoformat() == expiry
    for registered in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if registered.domain == "date" and registered.config_subentry_id == card_id:
            state = hass.states.get(registered.entity_id)
            assert state is not None
            assert state.state == expiry
    # The reminders are armed for the deadline the view computes from the ledger.
    record = hub.records[card_id]["reminders"]
    assert record["deadline"] == view.state.deadline.isoformat()
    plan = reminder_plan(view, hub.reminder_days(view.config), hub.options.reminder_time)
    _, next_reminder = plan.scan(record["fired"], dt_util.utcnow())
    wake = hub.scheduler.next_wake
    if next_reminder is not None:
        assert wake is not None
        assert wake <= next_reminder


def assert_disk_matches(hass_storage: dict[str, Any], entry: MockConfigEntry, card_id: str) -> None:
    """Check that what memory holds of the card is what the disk holds."""
    on_disk = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["cards"][card_id]
    in_memory = entry.runtime_data.records[card_id]
    assert on_disk["expiry"] == in_memory["expiry"]
    assert on_disk.get("anchor_day") == in_memory.get("anchor_day")
    assert on_disk["history"] == in_memory["history"]


async def reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Reload the household."""
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


def failing_saves(entry: MockConfigEntry) -> Any:
    """Patch the household's file so every write raises OSError."""
    return patch.object(
        entry.runtime_data.ledger.store, "async_save", side_effect=OSError("disk full")
    )


@contextmanager
def loop_exceptions() -> Iterator[list[BaseException]]:
    """Collect what reaches the event loop's exception handler instead of failing the test."""
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    caught: list[BaseException] = []

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        caught.append(context.get("exception") or Exception(context["message"]))

    loop.set_exception_handler(handler)
    try:
        yield caught
    finally:
        gc.collect()
        loop.set_exception_handler(previous)


# --- races ---------------------------------------------------------------------------------


async def test_renew_and_set_expiry_gathered_end_on_the_last_written(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Two changes at once: serialised by the lock; the last entry's expiry is the card's."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await asyncio.gather(
        changes.async_renew([card_id], tap("2027-06-01")),
        changes.async_set_expiry([card_id], d("2027-03-03"), "action"),
        changes.async_renew([card_id], tap("2027-09-09")),
    )
    await hass.async_block_till_done()
    history = entry.runtime_data.records[card_id]["history"]
    assert [e["new_expiry"] for e in history] == ["2027-06-01", "2027-03-03", "2027-09-09"]
    # Each entry starts from the one before: none read a stale expiry.
    assert [e["old_expiry"] for e in history] == ["2026-12-01", "2027-06-01", "2027-03-03"]
    assert_one_truth(hass, entry, card_id, "2027-09-09")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_renew_gathered_with_a_reload_lands_in_the_new_hub(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A renewal racing a reload is recorded once and shown by the hub that replaced the old."""
    entry = await started(hass)
    card_id = only_card(entry)
    old_hub = entry.runtime_data
    await asyncio.gather(
        old_hub.changes.async_renew([card_id], tap("2027-06-01")),
        hass.config_entries.async_reload(entry.entry_id),
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is not old_hub
    assert len(entry.runtime_data.records[card_id]["history"]) == 1
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_save_held_open_across_a_reload_is_seen_by_the_new_hub(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The write is slow; the reload starts meanwhile and must wait for it, then show it."""
    entry = await started(hass)
    card_id = only_card(entry)
    old_hub = entry.runtime_data
    store = old_hub.ledger.store
    real_save = store.async_save
    release = asyncio.Event()

    async def slow_save(data: Any) -> None:
        await release.wait()
        await real_save(data)

    with patch.object(store, "async_save", side_effect=slow_save):
        renewing = hass.async_create_task(old_hub.changes.async_renew([card_id], tap("2027-06-01")))
        await asyncio.sleep(0)
        reloading = hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))
        for _ in range(20):
            await asyncio.sleep(0)
        release.set()
        await renewing
        assert await reloading
    await hass.async_block_till_done()
    assert entry.runtime_data is not old_hub
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_change_waiting_on_the_lock_while_the_household_is_removed_writes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Deleted while a renewal waits: it is refused and no file comes back."""
    entry = await started(hass)
    card_id = only_card(entry)
    hub = entry.runtime_data
    key = f"{DOMAIN}.{entry.entry_id}"
    await hub.ledger.lock.acquire()
    waiting = hass.async_create_task(hub.changes.async_renew([card_id], tap("2027-06-01")))
    await asyncio.sleep(0)
    removing = hass.async_create_task(hass.config_entries.async_remove(entry.entry_id))
    for _ in range(20):
        await asyncio.sleep(0)
    hub.ledger.lock.release()
    with pytest.raises(ServiceValidationError) as err:
        await waiting
    assert err.value.translation_key == "card_removed"
    await removing
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_a_change_waiting_while_its_card_is_removed_is_refused(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """One card deleted while a change to it waits: refused, and the other card untouched."""
    entry = await started(hass, {}, DAD_CARD)
    mum, dad = card_named(entry, "Mum's CMHK"), card_named(entry, "Dad's csl")
    hub = entry.runtime_data
    await hub.ledger.lock.acquire()
    waiting = hass.async_create_task(hub.changes.async_set_expiry([mum], d("2027-01-05"), "action"))
    await asyncio.sleep(0)
    assert hass.config_entries.async_remove_subentry(entry, mum)
    hub.ledger.lock.release()
    with pytest.raises(ServiceValidationError):
        await waiting
    await hass.async_block_till_done()
    live = entry.runtime_data
    assert mum not in live.records
    assert mum not in hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["cards"]
    assert_one_truth(hass, entry, dad, "2027-01-10")


async def test_two_households_at_once_keep_their_own_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Changes to two households in one gather never cross."""
    first = await started(hass)
    second = household({"phone_number": "+85291234568"})
    await setup_entry(hass, second)
    a, b = only_card(first), only_card(second)
    await asyncio.gather(
        first.runtime_data.changes.async_renew([a], tap("2027-06-01")),
        second.runtime_data.changes.async_set_expiry([b], d("2027-02-02"), "action"),
        hass.config_entries.async_reload(first.entry_id),
        second.runtime_data.changes.async_renew([b], tap("2027-08-08")),
    )
    await hass.async_block_till_done()
    assert_one_truth(hass, first, a, "2027-06-01")
    assert_one_truth(hass, second, b, "2027-08-08")
    assert_disk_matches(hass_storage, first, a)
    assert_disk_matches(hass_storage, second, b)


async def test_restart_while_a_change_is_under_way_keeps_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant stops mid-change and starts from the same storage: the change stands."""
    entry = await started(hass)
    card_id = only_card(entry)
    hub = entry.runtime_data
    await asyncio.gather(
        hub.changes.async_renew([card_id], tap("2027-06-01")),
        restart(hass, entry),
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is not hub
    assert_one_truth(hass, entry, card_id)
    # Whichever came first, the disk and the running hub agree, and the renewal is on disk.
    assert stored_expiry(hass_storage, entry, card_id) == expiry_of(entry, card_id)
    assert expiry_of(entry, card_id) == "2027-06-01"


async def test_a_change_on_the_old_hub_after_a_reload_shows_in_the_new_one(
    hass: HomeAssistant,
) -> None:
    """A caller holding the replaced hub still records into the shared ledger and is shown."""
    entry = await started(hass)
    card_id = only_card(entry)
    old_hub = entry.runtime_data
    await reload(hass, entry)
    await old_hub.changes.async_set_expiry([card_id], d("2027-04-04"), "action")
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2027-04-04")
    assert hass.states.get(DATE_ENTITY).state == "2027-04-04"


# --- Reconfigure ---------------------------------------------------------------------------


async def test_reconfigure_opened_before_a_renewal_keeps_the_renewal_when_unchanged(
    hass: HomeAssistant,
) -> None:
    """The form showed 1 Dec; a renewal lands; saving the form with 1 Dec corrects nothing."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    await entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2026-12-01")
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert [e["kind"] for e in entry.runtime_data.records[card_id]["history"]] == ["renewal"]
    assert_one_truth(hass, entry, card_id, "2027-06-01")


async def test_reconfigure_submitted_alongside_a_renewal(hass: HomeAssistant) -> None:
    """A correction from the form and a renewal gathered: the later write is the expiry."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    flow, _ = await asyncio.gather(
        hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-02-02")
        ),
        entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01")),
    )
    await hass.async_block_till_done()
    assert flow["type"] is FlowResultType.ABORT
    history = entry.runtime_data.records[card_id]["history"]
    assert {e["kind"] for e in history} == {"renewal", "correction"}
    assert_one_truth(hass, entry, card_id, history[-1]["new_expiry"])
    # The settings keep the expiry the card was added with.
    assert entry.subentries[card_id].data["expiry_date"] == "2026-12-01"


async def test_reconfigure_whose_correction_cannot_be_written_changes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The disk refuses the correction: settings, ledger, entities and events stay as they were."""
    entry = await started(hass)
    card_id = only_card(entry)
    events = capture(hass)
    before_data = dict(entry.subentries[card_id].data)
    before_record = copy.deepcopy(entry.runtime_data.records[card_id])
    result = await _start_reconfigure(hass, entry, card_id)
    with failing_saves(entry):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-02-02")
        )
    await hass.async_block_till_done()
    assert result["errors"] == {"expiry_date": "expiry_not_recorded"}
    assert dict(entry.subentries[card_id].data) == before_data
    assert entry.runtime_data.records[card_id] == before_record
    assert fired(events) == 0
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    # The next change still works.
    await entry.runtime_data.changes.async_set_expiry([card_id], d("2027-02-02"), "action")
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2027-02-02")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_reconfigure_whose_correction_cannot_be_written_says_so_on_the_form(
    hass: HomeAssistant,
) -> None:
    """A disk that refuses the correction shows the form again with the expiry's error."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    with failing_saves(entry):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-02-02")
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"]["expiry_date"] == "expiry_not_recorded"


async def test_reconfigure_during_a_reload_never_loses_the_correction(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The form is saved while the household reloads: recorded, or refused; never half."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    flow, _ = await asyncio.gather(
        hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-02-02")
        ),
        hass.config_entries.async_reload(entry.entry_id),
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    history = entry.runtime_data.records[card_id]["history"]
    if flow["type"] is FlowResultType.ABORT:
        assert [e["new_expiry"] for e in history] == ["2027-02-02"]
        assert_one_truth(hass, entry, card_id, "2027-02-02")
    else:
        assert flow["errors"]["expiry_date"] in {"household_not_running", "expiry_not_recorded"}
        assert history == []
        assert_one_truth(hass, entry, card_id, "2026-12-01")
    assert_disk_matches(hass_storage, entry, card_id)


# --- failed writes -------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["renew", "set_expiry", "confirm", "undo"])
async def test_a_failed_write_leaves_everything_as_it_was(
    hass: HomeAssistant, hass_storage: dict[str, Any], change: str
) -> None:
    """The disk refuses: memory, entities, reminders and events are as before; next works."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    # An unconfirmed tap first, so confirm and undo have something to act on.
    await changes.async_renew([card_id], tap())
    await hass.async_block_till_done()
    before_record = copy.deepcopy(entry.runtime_data.records[card_id])
    before_expiry = expiry_of(entry, card_id)
    before_state = hass.states.get(STATUS)
    before_wake = entry.runtime_data.scheduler.next_wake
    events = capture(hass)
    attempts = {
        "renew": lambda: changes.async_renew([card_id], tap("2027-09-09")),
        "set_expiry": lambda: changes.async_set_expiry([card_id], d("2027-03-03"), "action"),
        "confirm": lambda: changes.async_confirm_renewal([card_id], d("2027-05-20")),
        "undo": lambda: changes.async_undo_renewal([card_id]),
    }
    with failing_saves(entry), pytest.raises(OSError, match="disk full"):
        await attempts[change]()
    await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id] == before_record
    assert expiry_of(entry, card_id) == before_expiry
    assert hass.states.get(STATUS).state == before_state.state
    assert hass.states.get(STATUS).attributes == before_state.attributes
    assert entry.runtime_data.scheduler.next_wake == before_wake
    assert fired(events) == 0
    assert_one_truth(hass, entry, card_id, before_expiry)
    assert_disk_matches(hass_storage, entry, card_id)
    # The same change goes through once the disk is back.
    await attempts[change]()
    await hass.async_block_till_done()
    assert fired(events) >= 1
    assert_one_truth(hass, entry, card_id)
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_write_of_two_cards_moves_neither(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Both cards renewed in one call; the write fails: both keep their expiry."""
    entry = await started(hass, {}, DAD_CARD)
    mum, dad = card_named(entry, "Mum's CMHK"), card_named(entry, "Dad's csl")
    changes = entry.runtime_data.changes
    with failing_saves(entry), pytest.raises(OSError, match="disk full"):
        await changes.async_renew([mum, dad], tap("2027-09-09"))
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, mum, "2026-12-01")
    assert_one_truth(hass, entry, dad, "2027-01-10")
    await changes.async_renew([mum, dad], tap("2027-09-09"))
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, mum, "2027-09-09")
    assert_one_truth(hass, entry, dad, "2027-09-09")
    assert_disk_matches(hass_storage, entry, mum)
    assert_disk_matches(hass_storage, entry, dad)


async def test_a_failed_roll_forward_is_tried_again_and_every_card_rolls(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Two self-renewing cards reach their expiry; the first write fails; both end rolled."""
    entry = await started(hass, AUTO, {**DAD_CARD, **AUTO})
    mum, dad = card_named(entry, "Mum's CMHK"), card_named(entry, "Dad's csl")
    store = entry.runtime_data.ledger.store
    real_save = store.async_save
    calls = {"n": 0}

    async def first_fails(data: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        await real_save(data)

    with loop_exceptions(), patch.object(store, "async_save", side_effect=first_fails):
        await move_to(hass, freezer, "2026-11-30T16:00:01+00:00")
        await hass.async_block_till_done()
        # Later in the day, the hub looks again (its next wake, or any refresh).
        entry.runtime_data.async_refresh(dt_util.utcnow())
        await hass.async_block_till_done()
    for card_id in (mum, dad):
        assert_one_truth(hass, entry, card_id, "2026-12-30")
        assert len(entry.runtime_data.records[card_id]["history"]) == 1
        assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_roll_forward_retries_by_itself(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A self-renewing card whose roll could not be written is rolled at its next wake."""
    entry = await started(hass, AUTO)
    card_id = only_card(entry)
    with loop_exceptions(), failing_saves(entry):
        await move_to(hass, freezer, "2026-11-30T16:00:01+00:00")
        await hass.async_block_till_done()
    assert expiry_of(entry, card_id) == "2026-11-30"
    # The disk is back; the next day starts (the hub's timer wakes at least daily).
    await move_to(hass, freezer, "2026-12-01T16:00:01+00:00")
    assert_one_truth(hass, entry, card_id, "2026-12-30")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_roll_forward_is_logged_not_left_unhandled(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The disk refusing a self-renewal is the hub's to report, not an unretrieved task error."""
    entry = await started(hass, AUTO)
    with loop_exceptions() as caught:
        with failing_saves(entry):
            await move_to(hass, freezer, "2026-11-30T16:00:01+00:00")
            await hass.async_block_till_done()
        assert expiry_of(entry, only_card(entry)) == "2026-11-30"
        gc.collect()
    assert caught == []


# --- undo chains ---------------------------------------------------------------------------


async def test_undo_after_a_reconfigure_correction_is_refused(hass: HomeAssistant) -> None:
    """Renewed, then corrected in the form: the renewal no longer set the expiry."""
    entry = await started(hass)
    card_id = only_card(entry)
    await entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
    result = await _start_reconfigure(hass, entry, card_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-06-05")
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await entry.runtime_data.changes.async_undo_renewal([card_id])
    assert err.value.translation_key == "nothing_to_undo"
    assert_one_truth(hass, entry, card_id, "2027-06-05")


async def test_undo_after_a_confirmation_restores_the_expiry_before_the_renewal(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A tap, confirmed as is: undoing it goes back to 1 December, and nothing waits."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap())
    renewed = expiry_of(entry, card_id)
    assert renewed != "2026-12-01"
    await changes.async_confirm_renewal([card_id], None)
    await changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    assert entry.runtime_data.records[card_id]["reminders"].get("confirm") is None
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    assert_disk_matches(hass_storage, entry, card_id)
    # Confirming after the undo has nothing to confirm when only pending ones count.
    with pytest.raises(ServiceValidationError):
        await changes.async_confirm_renewal([card_id], None, pending_only=True)
    assert_one_truth(hass, entry, card_id, "2026-12-01")


async def test_undo_after_a_correcting_confirmation_is_refused(hass: HomeAssistant) -> None:
    """A tap confirmed with a different date is a correction: no renewal to take back."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap())
    await changes.async_confirm_renewal([card_id], d("2027-05-25"))
    assert_one_truth(hass, entry, card_id, "2027-05-25")
    with pytest.raises(ServiceValidationError) as err:
        await changes.async_undo_renewal([card_id])
    assert err.value.translation_key == "nothing_to_undo"
    assert_one_truth(hass, entry, card_id, "2027-05-25")


async def test_confirm_after_undo_confirms_nothing_and_moves_nothing(
    hass: HomeAssistant,
) -> None:
    """An unconfirmed tap undone; a confirmation then must not bring the renewal back."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap())
    await changes.async_undo_renewal([card_id])
    events = capture(hass)
    with suppress(ServiceValidationError):
        await changes.async_confirm_renewal([card_id], None)
    await hass.async_block_till_done()
    assert not events["simrenew_renewal_confirmed"]
    assert_one_truth(hass, entry, card_id, "2026-12-01")


async def test_double_undo_walks_back_two_renewals_and_then_stops(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Two renewals, two undos: back to the start; a third is refused."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap("2027-06-01"))
    await changes.async_renew([card_id], tap("2027-12-01"))
    await changes.async_undo_renewal([card_id])
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    await changes.async_undo_renewal([card_id])
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    with pytest.raises(ServiceValidationError):
        await changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_two_undos_gathered_take_back_two_renewals(hass: HomeAssistant) -> None:
    """Two undos at once are serialised: each takes back one renewal."""
    entry = await started(hass)
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap("2027-06-01"))
    await changes.async_renew([card_id], tap("2027-12-01"))
    moved = await asyncio.gather(
        changes.async_undo_renewal([card_id]), changes.async_undo_renewal([card_id])
    )
    assert [m[0][1:] for m in moved] == [
        (d("2027-12-01"), d("2027-06-01")),
        (d("2027-06-01"), d("2026-12-01")),
    ]
    assert_one_truth(hass, entry, card_id, "2026-12-01")


async def test_undo_across_a_restart(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    """Renewed, Home Assistant restarted from storage, then undone: back to 1 December."""
    entry = await started(hass)
    card_id = only_card(entry)
    await entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
    await hass.async_block_till_done()
    await restart(hass, entry)
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    await entry.runtime_data.changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    await restart(hass, entry)
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_renewal_starts_from_the_ledger_not_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings say 1 Dec, the ledger 1 Mar: extending adds the period to 1 Mar."""
    entry = await started(hass, {"renewal_mode": "extend_expiry"})
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_set_expiry([card_id], d("2027-03-01"), "action")
    await restart(hass, entry)
    assert entry.subentries[card_id].data["expiry_date"] == "2026-12-01"
    changes = entry.runtime_data.changes
    (moved,) = await changes.async_renew([card_id], tap())
    assert moved[1] == d("2027-03-01")
    assert moved[2] == d("2027-03-01") + timedelta(days=180)
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, (d("2027-03-01") + timedelta(days=180)).isoformat())
    assert_disk_matches(hass_storage, entry, card_id)


# --- the reminder follows the ledger to its real deadline ----------------------------------


async def test_after_undo_the_old_deadline_is_reminded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Renewed then undone: the reminder of 1 December's deadline still goes out."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    entry = await started(hass, {"grace_days": 0})
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap("2027-06-01"))
    await changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    reminders = async_capture_events(hass, "simrenew_reminder")
    # 7 days before 1 December, at 09:00 in Hong Kong.
    await run_until(hass, freezer, entry, "2026-11-24T02:00:00+00:00")
    assert reminders, "no reminder for the restored deadline"
    assert reminders[-1].data["expiry_date"] == "2026-12-01"
    assert_one_truth(hass, entry, card_id, "2026-12-01")


async def test_a_correction_to_an_earlier_day_is_reminded_on_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Corrected from 1 December to 25 November: the reminder for the 25th goes out."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    entry = await started(hass, {"grace_days": 0})
    card_id = only_card(entry)
    await entry.runtime_data.changes.async_set_expiry([card_id], d("2026-11-25"), "action")
    await hass.async_block_till_done()
    reminders = async_capture_events(hass, "simrenew_reminder")
    await run_until(hass, freezer, entry, "2026-11-24T02:00:00+00:00")
    assert [e.data["expiry_date"] for e in reminders] == ["2026-11-25"]
    assert_one_truth(hass, entry, card_id, "2026-11-25")


async def test_a_failed_correction_keeps_the_old_deadlines_reminder(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The disk refused moving the expiry later: the real deadline's reminder still goes out."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    entry = await started(hass, {"grace_days": 0})
    card_id = only_card(entry)
    with failing_saves(entry), pytest.raises(OSError, match="disk full"):
        await entry.runtime_data.changes.async_set_expiry([card_id], d("2027-06-01"), "action")
    await hass.async_block_till_done()
    reminders = async_capture_events(hass, "simrenew_reminder")
    await run_until(hass, freezer, entry, "2026-11-24T02:00:00+00:00")
    assert [e.data["expiry_date"] for e in reminders] == ["2026-12-01"]


# --- property-based ------------------------------------------------------------------------

TODAY = date(2026, 11, 22)
PERIOD = timedelta(days=180)

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("renew"), st.integers(min_value=1, max_value=400)),
        st.tuples(st.just("set"), st.integers(min_value=-300, max_value=400)),
        st.tuples(st.just("undo"), st.just(0)),
        st.tuples(st.just("tap"), st.just(0)),
        st.tuples(st.just("confirm"), st.just(0)),
        st.tuples(st.just("reload"), st.just(0)),
        st.tuples(st.just("restart"), st.just(0)),
        st.tuples(st.just("gather"), st.integers(min_value=1, max_value=400)),
        st.tuples(st.just("fail_renew"), st.integers(min_value=1, max_value=400)),
    ),
    min_size=1,
    max_size=8,
)


class ExpiryModel:
    """What the expiry should be: renewals and corrections push, an undo pops a renewal.

    An undo takes back the last change only when it is a renewal that set the current expiry
    (undone renewals leave the history, so a second undo reaches the one before).
    """

    def __init__(self) -> None:
        """Start at the card's expiry as added."""
        self.expiry = date(2026, 12, 1)
        self.trail: list[tuple[str, date, date]] = []

    def push(self, kind: str, new: date) -> None:
        """Record a change to `new`."""
        self.trail.append((kind, self.expiry, new))
        self.expiry = new

    def can_undo(self) -> bool:
        """Return whether an undo takes something back."""
        return (
            bool(self.trail) and self.trail[-1][0] == "renewal" and self.trail[-1][2] == self.expiry
        )

    def undo(self) -> None:
        """Take back the last renewal."""
        self.expiry = self.trail.pop()[1]


async def apply(
    hass: HomeAssistant, entry: MockConfigEntry, model: ExpiryModel, action: str, days: int
) -> None:
    """Apply one action to the household and to the model."""
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    later = max(model.expiry, TODAY) + timedelta(days=days)
    if action == "renew":
        await changes.async_renew([card_id], Renewal(source="action", new_expiry=later))
        model.push("renewal", later)
    elif action == "tap":
        # From the renewal day in this card's mode; topping up early never shortens validity.
        await changes.async_renew([card_id], Renewal(source="action"))
        model.push("renewal", max(model.expiry, TODAY + PERIOD))
    elif action == "set":
        await changes.async_set_expiry([card_id], TODAY + timedelta(days=days), "action")
        model.push("correction", TODAY + timedelta(days=days))
    elif action == "undo":
        if model.can_undo():
            await changes.async_undo_renewal([card_id])
            model.undo()
        else:
            with pytest.raises(ServiceValidationError):
                await changes.async_undo_renewal([card_id])
    elif action == "confirm":
        # Confirming as is never moves the expiry.
        await changes.async_confirm_renewal([card_id], None)
    elif action == "reload":
        await reload(hass, entry)
    elif action == "restart":
        await restart(hass, entry)
    elif action == "gather":
        # A renewal and a correction at once: the lock takes them in the order called.
        corrected = TODAY + timedelta(days=days // 2)
        await asyncio.gather(
            changes.async_renew([card_id], Renewal(source="action", new_expiry=later)),
            changes.async_set_expiry([card_id], corrected, "action"),
        )
        model.push("renewal", later)
        model.push("correction", corrected)
    elif action == "fail_renew":
        with failing_saves(entry), pytest.raises(OSError, match="disk full"):
            await changes.async_renew([card_id], Renewal(source="action", new_expiry=later))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
async def test_a_sequence_of_changes_follows_a_simple_model(
    hass: HomeAssistant, actions: list[tuple[str, int]]
) -> None:
    """After every step the expiry is the model's; the disk, memory and reminders agree."""
    entry = household()
    await setup_entry(hass, entry)
    card_id = only_card(entry)
    model = ExpiryModel()
    try:
        for action, days in actions:
            await apply(hass, entry, model, action, days)
            await hass.async_block_till_done()
            assert expiry_of(entry, card_id) == model.expiry.isoformat()
            assert_one_truth(hass, entry, card_id)
    finally:
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()


# --- second round --------------------------------------------------------------------------


async def test_a_cancelled_caller_still_gets_its_change_recorded_whole(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The caller goes away while the write is slow: the change completes and is shown."""
    entry = await started(hass)
    card_id = only_card(entry)
    store = entry.runtime_data.ledger.store
    real_save = store.async_save
    release = asyncio.Event()

    async def slow_save(data: Any) -> None:
        await release.wait()
        await real_save(data)

    renewed = async_capture_events(hass, "simrenew_renewed")
    with patch.object(store, "async_save", side_effect=slow_save):
        caller = hass.async_create_task(
            entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
        )
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        release.set()
        await hass.async_block_till_done()
    assert len(renewed) == 1
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_write_while_a_reload_waits_leaves_the_new_hub_on_the_old_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The disk refuses while a reload waits on the lock: the new hub shows 1 December."""
    entry = await started(hass)
    card_id = only_card(entry)
    old_hub = entry.runtime_data
    store = old_hub.ledger.store
    release = asyncio.Event()

    async def failing_slow_save(data: Any) -> None:
        await release.wait()
        raise OSError("disk full")

    with patch.object(store, "async_save", side_effect=failing_slow_save):
        renewing = hass.async_create_task(old_hub.changes.async_renew([card_id], tap("2027-06-01")))
        await asyncio.sleep(0)
        reloading = hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))
        for _ in range(20):
            await asyncio.sleep(0)
        release.set()
        with pytest.raises(OSError, match="disk full"):
            await renewing
        # The new hub's start may need to write too; with the disk still failing it may fail.
        with suppress(OSError):
            await reloading
    await hass.async_block_till_done()
    if entry.state is not ConfigEntryState.LOADED:
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id]["history"] == []
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    await entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
    assert_one_truth(hass, entry, card_id, "2027-06-01")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_roll_of_several_periods_writes_none_of_them(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Down for two months: three periods roll in one write; it fails; none is recorded.

    Until the roll is written the card's view shows where it renewed itself to, unconfirmed,
    with the ledger's expiry standing: the deadline and reminders count from that.
    """
    entry = await started(hass, AUTO)
    card_id = only_card(entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to("2027-02-10T04:00:00+00:00")
    with loop_exceptions():
        with patch(
            "custom_components.simrenew.store.SimRenewStore.async_save",
            side_effect=OSError("disk full"),
        ):
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            hub = entry.runtime_data
            assert hub.records[card_id]["history"] == []
            assert expiry_of(entry, card_id) == "2026-11-30"
            view = hub.cards[card_id]
            assert view.standing_expiry == d("2026-11-30")
            assert view.unconfirmed is True
            # The standing expiry's grace (5 days) ended long ago: the card counts as lost.
            assert view.state.deadline <= d("2026-12-05")
            assert hub.records[card_id]["reminders"]["deadline"] == view.state.deadline.isoformat()
            assert await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
        await asyncio.sleep(0)
        await hass.async_block_till_done()
    # The disk is back: the next start rolls all three periods at once.
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    history = entry.runtime_data.records[card_id]["history"]
    assert [e["new_expiry"] for e in history] == ["2026-12-30", "2027-01-30", "2027-02-28"]
    assert_one_truth(hass, entry, card_id, "2027-02-28")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_roll_forward_waiting_while_its_card_is_removed_records_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The card renews itself at midnight but is deleted while the roll waits on the lock."""
    entry = await started(hass, AUTO, DAD_CARD)
    mum, dad = card_named(entry, "Mum's CMHK"), card_named(entry, "Dad's csl")
    hub = entry.runtime_data
    await hub.ledger.lock.acquire()
    # Not `move_to`: waiting for every task would wait for the ones queued on the lock held.
    freezer.move_to("2026-11-30T16:00:01+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    for _ in range(10):
        await asyncio.sleep(0)
    assert hub.ledger.lock.locked()
    assert hass.config_entries.async_remove_subentry(entry, mum)
    hub.ledger.lock.release()
    await hass.async_block_till_done()
    live = entry.runtime_data
    assert mum not in live.records
    assert mum not in hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["cards"]
    assert_one_truth(hass, entry, dad, "2027-01-10")


async def test_reconfigure_with_a_new_name_and_expiry_keeps_the_correction_through_the_reload(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A new name rebuilds the devices by a reload; the corrected expiry survives it."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        with_changes(name="Mum's new CMHK", phone_number="+85291234567", expiry_date="2027-02-02"),
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert entry.subentries[card_id].data["expiry_date"] == "2026-12-01"
    assert entry.subentries[card_id].data["name"] == "Mum's new CMHK"
    assert_one_truth(hass, entry, card_id, "2027-02-02")
    await restart(hass, entry)
    assert_one_truth(hass, entry, card_id, "2027-02-02")
    assert_disk_matches(hass_storage, entry, card_id)


async def test_reconfigure_opened_before_a_correction_and_saved_with_its_own_date(
    hass: HomeAssistant,
) -> None:
    """The form showed 1 Dec; an action set 1 Mar; the user typed 2 Feb: 2 Feb is recorded."""
    entry = await started(hass)
    card_id = only_card(entry)
    result = await _start_reconfigure(hass, entry, card_id)
    await entry.runtime_data.changes.async_set_expiry([card_id], d("2027-03-01"), "action")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-02-02")
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    history = entry.runtime_data.records[card_id]["history"]
    assert [(e["old_expiry"], e["new_expiry"]) for e in history] == [
        ("2026-12-01", "2027-03-01"),
        ("2027-03-01", "2027-02-02"),
    ]
    assert_one_truth(hass, entry, card_id, "2027-02-02")


async def test_reconfigure_after_a_reload_shows_and_keeps_the_ledgers_expiry(
    hass: HomeAssistant,
) -> None:
    """Renewed, reloaded, then the form opened: it shows the ledger's expiry, not the settings'."""
    entry = await started(hass)
    card_id = only_card(entry)
    await entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
    await reload(hass, entry)
    result = await _start_reconfigure(hass, entry, card_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["expiry_date"] == {"suggested_value": "2027-06-01"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2027-06-01")
    )
    await hass.async_block_till_done()
    assert [e["kind"] for e in entry.runtime_data.records[card_id]["history"]] == ["renewal"]
    assert_one_truth(hass, entry, card_id, "2027-06-01")


async def test_an_undone_roll_forward_does_not_roll_again_after_a_restart(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The card renewed itself; the user took it back; a restart must not roll it again."""
    entry = await started(hass, AUTO)
    card_id = only_card(entry)
    await move_to(hass, freezer, "2026-11-30T16:00:01+00:00")
    assert expiry_of(entry, card_id) == "2026-12-30"
    await entry.runtime_data.changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, "2026-11-30")
    await restart(hass, entry)
    await move_to(hass, freezer, "2026-12-01T04:00:00+00:00")
    assert_one_truth(hass, entry, card_id, "2026-11-30")
    assert [e["kind"] for e in entry.runtime_data.records[card_id]["history"]] == ["undo"]
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_multi_card_change_refused_for_one_writes_nothing_for_the_other(
    hass: HomeAssistant,
) -> None:
    """One card's expiry is out of range: neither card moves, no event fires."""
    entry = await started(hass, {}, DAD_CARD)
    mum, dad = card_named(entry, "Mum's CMHK"), card_named(entry, "Dad's csl")
    events = capture(hass)
    with pytest.raises(ServiceValidationError):
        # Dad's card has no renewal period: a tap without a date is refused for it.
        await entry.runtime_data.changes.async_renew([mum, dad], tap())
    await hass.async_block_till_done()
    assert fired(events) == 0
    assert_one_truth(hass, entry, mum, "2026-12-01")
    assert_one_truth(hass, entry, dad, "2027-01-10")


async def test_undo_of_a_tap_after_a_correction_was_waiting_restores_the_right_question(
    hass: HomeAssistant,
) -> None:
    """Two unconfirmed taps, the last undone: the first still waits for the carrier's word."""
    entry = await started(hass, {"renewal_mode": "extend_expiry"})
    card_id = only_card(entry)
    changes = entry.runtime_data.changes
    await changes.async_renew([card_id], tap())
    first = expiry_of(entry, card_id)
    await changes.async_renew([card_id], tap())
    await changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert_one_truth(hass, entry, card_id, first)
    confirm = entry.runtime_data.records[card_id]["reminders"]["confirm"]
    assert confirm is not None
    assert hass.states.get(STATUS).attributes["unconfirmed"] is True
    # Confirming now settles the first tap, at its own expiry.
    await changes.async_confirm_renewal([card_id], None, pending_only=True)
    assert_one_truth(hass, entry, card_id, first)
    assert entry.runtime_data.records[card_id]["reminders"]["confirm"] is None


# --- third round: writes outside the lock ---------------------------------------------------


async def test_a_failed_snooze_leaves_the_reminders_as_they_were(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The disk refuses a snooze: memory must not claim one the file does not hold."""
    entry = await started(hass)
    card_id = only_card(entry)
    before = copy.deepcopy(entry.runtime_data.records[card_id]["reminders"])
    with failing_saves(entry), pytest.raises(OSError, match="disk full"):
        await entry.runtime_data.changes.async_snooze([card_id], 2)
    await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id]["reminders"] == before
    assert_disk_matches(hass_storage, entry, card_id)


async def test_a_failed_renewal_never_reaches_the_disk_through_a_midnight_refresh(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The renewal's write is slow and then fails; midnight strikes while it hangs.

    The midnight refresh sees the renewal in memory and saves the reminders it re-armed for
    the new deadline. When the renewal's own write fails and memory is put back, the file must
    not hold a renewal that memory, the entities and the events say never happened.
    """
    entry = await started(hass)
    card_id = only_card(entry)
    store = entry.runtime_data.ledger.store
    real_save = store.async_save
    release = asyncio.Event()
    calls = {"n": 0}

    async def first_hangs_then_fails(data: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            await release.wait()
            raise OSError("disk full")
        await real_save(data)

    events = capture(hass)
    with patch.object(store, "async_save", side_effect=first_hangs_then_fails):
        renewing = hass.async_create_task(
            entry.runtime_data.changes.async_renew([card_id], tap("2027-06-01"))
        )
        await asyncio.sleep(0)
        # Midnight in Hong Kong: the hub's timer refreshes every card (not waiting for the
        # renewal, which hangs).
        freezer.move_to("2026-11-22T16:00:01+00:00")
        async_fire_time_changed(hass, dt_util.utcnow())
        for _ in range(20):
            await asyncio.sleep(0)
        release.set()
        with pytest.raises(OSError, match="disk full"):
            await renewing
        await hass.async_block_till_done()
    assert fired(events) == 0
    assert expiry_of(entry, card_id) == "2026-12-01"
    assert stored_expiry(hass_storage, entry, card_id) == "2026-12-01"
    assert_disk_matches(hass_storage, entry, card_id)
    assert_one_truth(hass, entry, card_id, "2026-12-01")


async def test_an_unconfirmed_tap_undone_after_a_restart_asks_nothing_more(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A tap waiting for the carrier, a restart, then an undo: back to 1 Dec, nothing waits."""
    entry = await started(hass)
    card_id = only_card(entry)
    await entry.runtime_data.changes.async_renew([card_id], tap())
    await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id]["reminders"]["confirm"] is not None
    await restart(hass, entry)
    assert entry.runtime_data.records[card_id]["reminders"]["confirm"] is not None
    await entry.runtime_data.changes.async_undo_renewal([card_id])
    await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id]["reminders"]["confirm"] is None
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    await restart(hass, entry)
    assert_one_truth(hass, entry, card_id, "2026-12-01")
    assert_disk_matches(hass_storage, entry, card_id)
