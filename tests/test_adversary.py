"""Attacks on the promise that nothing entered or recorded is lost, and no reminder is missed.

Each test names one way to lose or corrupt what a user recorded, or to miss or delay a reminder.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.simrenew.card_form_data import nest_data
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.ledger import Ledger
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import HUB_OPTIONS, card_subentry, expiry_of, setup_entry

MUM = "sensor.mum_s_cmhk_days_until_expiry"
TODO = "todo.sim_renew_renewals"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def hub_entry(*cards: dict[str, Any], **options: Any) -> MockConfigEntry:
    """Return a hub entry with the given cards (changes to CARD_DATA)."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, **options},
        subentries_data=[card_subentry(**changes) for changes in (cards or ({},))],
    )


def only_card(entry: MockConfigEntry) -> str:
    """Return the id of the entry's only card."""
    (card_id,) = entry.subentries
    return card_id


def stored_file(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Return the history file as written."""
    return hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]


# --- The expiry a user recorded is undone or never applied ------------------------------------


async def test_restart_after_two_quick_renewals_keeps_the_latest_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Two renewals on disk, neither expiry saved in the card's settings before a restart.

    The config entries file is written with a delay, so a crash can lose both expiry moves. The
    history says 2026-12-01 -> A -> B; the hub must finish the chain at B, not write a bogus
    correction back to 2026-12-01.
    """
    entry = hub_entry(renewal_mode="extend_expiry")
    card = only_card(entry)
    first = {
        "kind": "renewal",
        "at": "2026-11-21T04:00:00+00:00",
        "source": "button",
        "date": "2026-11-21",
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-30",
        "currency": "HKD",
        "channel": "other",
        "amount": 50.0,
    }
    second = {
        **first,
        "at": "2026-11-21T04:00:01+00:00",
        "old_expiry": "2027-05-30",
        "new_expiry": "2027-11-26",
    }
    hass_storage[f"{DOMAIN}.{entry.entry_id}"] = {
        "version": 2,
        "minor_version": 2,
        "key": f"{DOMAIN}.{entry.entry_id}",
        "data": {
            "cards": {
                card: {
                    "added": "2026-11-01",
                    "history": [first, second],
                    "balance": None,
                    "last_activity": None,
                    "reminders": {
                        "deadline": None,
                        "fired": [],
                        "expired_for": None,
                        "snoozed_until": None,
                    },
                }
            }
        },
    }
    await setup_entry(hass, entry)
    assert expiry_of(entry, card) == "2027-11-26"
    kinds = [item["kind"] for item in entry.runtime_data.records[card]["history"]]
    assert kinds == ["renewal", "renewal"]


async def test_a_card_form_opened_before_a_renewal_does_not_undo_it(
    hass: HomeAssistant,
) -> None:
    """Editing only the cost in a form opened before a renewal must keep the renewed expiry."""
    entry = hub_entry()
    await setup_entry(hass, entry)
    card = only_card(entry)
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card},
    )
    assert form["type"] is FlowResultType.FORM
    # What the form showed when it was opened, as the frontend sends it back.
    shown = nest_data(entry.subentries[card].data)
    # Meanwhile someone else taps Renew on their phone.
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    await hass.async_block_till_done()
    renewed = expiry_of(entry, card)
    assert renewed == "2027-05-21"
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {**shown, "renewal_cost": 48.0}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert expiry_of(entry, card) == renewed


async def test_a_reconfigured_expiry_waits_its_turn_behind_a_renewal_and_both_are_recorded(
    hass: HomeAssistant,
) -> None:
    """A correction made in the card form while a renewal holds the lock waits its turn.

    Both are in the history in the order they ran, and the chain of expiries has no gap.
    """
    entry = hub_entry()
    await setup_entry(hass, entry)
    card = only_card(entry)
    ledger: Ledger = entry.runtime_data.ledger
    await ledger.lock.acquire()
    renewal = asyncio.ensure_future(
        hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    )
    while not ledger.lock._waiters:  # the renewal is queued on the lock
        await asyncio.sleep(0)
    # The card form records its expiry through the same lock: it waits its turn.
    typed = asyncio.ensure_future(
        entry.runtime_data.changes.async_set_expiry([card], date(2027, 6, 30), "reconfigure")
    )
    while len(ledger.lock._waiters or ()) < 2:
        await asyncio.sleep(0)
    ledger.lock.release()
    await renewal
    await typed
    await hass.async_block_till_done()
    history = entry.runtime_data.records[card]["history"]
    chain = [(item["old_expiry"], item["new_expiry"]) for item in history]
    assert chain == [("2026-12-01", "2027-05-21"), ("2027-05-21", "2027-06-30")]
    assert expiry_of(entry, card) == "2027-06-30"


# --- One renewal recorded twice ---------------------------------------------------------------


async def test_a_stale_repair_fix_does_not_renew_a_card_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A fix opened while the card was in grace, submitted after it was renewed, adds nothing.

    On an extend_expiry card a second renewal pushes the expiry a whole period past what the
    carrier shows, so every reminder for the real expiry would come a period too late.
    """
    entry = hub_entry(
        {"expiry_date": "2026-11-20", "renewal_mode": "extend_expiry", "renewal_period": 30}
    )
    await setup_entry(hass, entry)
    card = only_card(entry)
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{card}"})
    flow = await manager.async_configure(flow["flow_id"], {"next_step_id": "renewed"})
    assert flow["type"] is FlowResultType.FORM
    # Renewed from another phone meanwhile: the issue is gone.
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    await hass.async_block_till_done()
    # A lapsed monthly pack extended counts from the renewal day (22 Nov): 22 Dec.
    renewed = expiry_of(entry, card)
    assert renewed == "2026-12-22"
    result = await manager.async_configure(flow["flow_id"], {})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "renewed_meanwhile"
    assert expiry_of(entry, card) == renewed


async def test_a_renewal_called_while_the_hub_restarts_is_not_refused(
    hass: HomeAssistant,
) -> None:
    """A renewal called while the hub reloads (a notification button, an automation) is kept.

    The new hub waits for the household's lock while an earlier renewal is written; a call in
    that window is refused as "unknown target", and a renewal tapped on a phone is lost.
    """
    entry = hub_entry()
    await setup_entry(hass, entry)
    card = only_card(entry)
    ledger: Ledger = entry.runtime_data.ledger
    await ledger.lock.acquire()  # an earlier change is being written
    reload = asyncio.ensure_future(hass.config_entries.async_reload(entry.entry_id))
    for _ in range(5):
        await asyncio.sleep(0)
    call = asyncio.ensure_future(
        hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    )
    for _ in range(5):
        await asyncio.sleep(0)
    ledger.lock.release()
    await reload
    await call
    await hass.async_block_till_done()
    renewals = [i for i in entry.runtime_data.records[card]["history"] if i["kind"] == "renewal"]
    assert len(renewals) == 1


# --- Memory claims what the disk does not hold -------------------------------------------------


@pytest.mark.parametrize(
    ("service", "data", "field"),
    [
        ("set_balance", {"amount": 12.5}, "balance"),
        ("record_activity", {}, "last_activity"),
    ],
)
async def test_a_change_that_could_not_be_written_is_not_kept_in_memory(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    service: str,
    data: dict[str, Any],
    field: str,
) -> None:
    """A failed write reports an error; the change must not show up, nor be saved later."""
    entry = hub_entry({"activity_interval_days": 30})
    await setup_entry(hass, entry)
    card = only_card(entry)
    ledger: Ledger = entry.runtime_data.ledger
    with (
        patch.object(ledger.store, "async_save", side_effect=HomeAssistantError("disk full")),
        pytest.raises(HomeAssistantError),
    ):
        await hass.services.async_call(DOMAIN, service, {"entity_id": MUM, **data}, blocking=True)
    assert entry.runtime_data.records[card][field] is None
    # The next write of the file (here: a reminder going out) must not save it either.
    freezer.move_to("2026-11-23T01:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert stored_file(hass_storage, entry)["cards"][card][field] is None


# --- Personal data outliving the household -----------------------------------------------------


async def test_removing_the_hub_while_a_call_waits_leaves_no_history_behind(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Deleting the household deletes its history; a call that waited must not write it back."""
    entry = hub_entry()
    await setup_entry(hass, entry)
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": MUM, "reference": "receipt 91234567"}, blocking=True
    )
    key = f"{DOMAIN}.{entry.entry_id}"
    assert key in hass_storage
    ledger: Ledger = entry.runtime_data.ledger
    await ledger.lock.acquire()
    waiting = asyncio.ensure_future(
        hass.services.async_call(
            DOMAIN, "set_balance", {"entity_id": MUM, "amount": 3}, blocking=True
        )
    )
    await asyncio.sleep(0)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
    ledger.lock.release()
    await asyncio.gather(waiting, return_exceptions=True)
    await hass.async_block_till_done()
    assert key not in hass_storage


# --- Reminders late or in the wrong language ---------------------------------------------------


async def test_a_change_of_home_assistant_time_zone_moves_the_next_reminder(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Reminders go out at the reminder time in Home Assistant's zone, also after it changes."""
    await hass.config.async_set_time_zone("UTC")
    entry = hub_entry({"expiry_date": "2026-11-30"}, reminder_days=[7])
    await setup_entry(hass, entry)
    reminders = async_capture_events(hass, "simrenew_reminder")
    # The card's midnight passes; the next wake is 09:00 UTC on 23 November.
    freezer.move_to("2026-11-22T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    # The household moves Home Assistant to Hong Kong: 09:00 is now 01:00 UTC.
    await hass.config.async_update(time_zone="Asia/Hong_Kong")
    await hass.async_block_till_done()
    freezer.move_to("2026-11-23T01:00:30+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert [event.data["stage"] for event in reminders] == [7]
    assert reminders[0].data["late"] is False


async def test_the_day_before_and_the_last_day_each_get_their_reminder_across_dst(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Home Assistant in London, a Hong Kong card ending on the day British clocks go back.

    At 16:30 London the Hong Kong day has ended in winter but not in summer, so the last-day
    reminder moves a day earlier and lands on the same instant as the day-before reminder. Only
    one is sent, on the day before; the card's real last day gets no reminder at all.
    """
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2027-10-29T04:00:00+00:00")
    entry = hub_entry(
        {"expiry_date": "2027-10-31", "grace_days": 0},
        reminder_days=[1, 0],
        reminder_time="16:30:00",
    )
    await setup_entry(hass, entry)
    reminders = async_capture_events(hass, "simrenew_reminder")
    moment = dt_util.parse_datetime("2027-10-29T04:00:00+00:00")
    end = dt_util.parse_datetime("2027-10-31T16:00:00+00:00")  # the card stops working
    assert moment is not None
    assert end is not None
    while moment < end:
        moment += timedelta(minutes=30)
        freezer.move_to(moment)
        async_fire_time_changed(hass, moment)
        await hass.async_block_till_done()
    # One reminder on each of the card's last two days, in the card's own calendar.
    card_days = [
        event.time_fired.astimezone(ZoneInfo("Asia/Hong_Kong")).date().isoformat()
        for event in reminders
    ]
    assert card_days == ["2027-10-30", "2027-10-31"]


async def test_the_household_texts_follow_a_change_of_language(hass: HomeAssistant) -> None:
    """After Home Assistant's language changes, the to-do list is in the new language."""
    entry = hub_entry({"expiry_date": "2026-11-25"})
    await setup_entry(hass, entry)
    before = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert before is not None
    (english,) = [item["summary"] for item in before[TODO]["items"]]
    await hass.config.async_update(language="zh-Hant")
    await hass.async_block_till_done()
    after = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert after is not None
    (chinese,) = [item["summary"] for item in after[TODO]["items"]]
    assert chinese != english


# --- The auto-renew contract --------------------------------------------------------------------


async def test_an_auto_renew_card_confirmed_never_expires(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An auto-renew card rolls forward at the end of its day; once confirmed, never expired.

    Unconfirmed, a card without grace counts as lost from the old deadline: the automatic
    payment may have failed, and only the carrier can say it did not.
    """
    entry = hub_entry({"expiry_date": "2026-11-22", "grace_days": 0, "auto_renew": True})
    await setup_entry(hass, entry)
    card = only_card(entry)
    expired = async_capture_events(hass, "simrenew_expired")
    freezer.move_to("2026-11-22T15:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": "sensor.mum_s_cmhk_status", "new_expiry": "2027-05-21"},
        blocking=True,
    )
    freezer.move_to("2027-05-21T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert expiry_of(entry, card) > "2027-05-21"
    (lost,) = expired
    assert lost.data["unconfirmed"] is True
    await hass.services.async_call(
        DOMAIN, "confirm_renewal", {"entity_id": "sensor.mum_s_cmhk_status"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "active"
    freezer.move_to("2027-06-21T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert len(expired) == 1
