"""Adversarial: the history holds a card's expiry, whatever odd files and clocks it meets.

Stored files of layout 2.2 and 2.3 with damaged, missing or impossible expiry fields; a file
from a newer release; cards unreadable at start and mended, removed while not running, added
with no file; the ledger's expiry against every place that shows one; the Reconfigure form;
and the card's own midnight, month ends, leap days and a roll forward after a long restart.
"""

from __future__ import annotations

import copy
from datetime import date
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.diagnostics import async_get_config_entry_diagnostics
from custom_components.simrenew.reconfigure_expiry import NOT_RUNNING
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.typing import UNDEFINED

from .conftest import CARD_DATA, HUB_OPTIONS, expiry_of, form_errors, move_to, restart
from .test_config_flow import with_changes

ENTRY_ID = "01JADVERSARYEXPIRYHOUSE00"
MUM = "01JADVERSARYEXPIRYCARDMUM"
DAD = "01JADVERSARYEXPIRYCARDDAD"
KEY = f"{DOMAIN}.{ENTRY_ID}"
NOW = "2026-11-22T04:00:00+00:00"
# The card was added expiring on 1 December; the history has it renewed to 30 May since.
ADDED_EXPIRY = "2026-12-01"
LEDGER_EXPIRY = "2027-05-30"
RENEWAL = {
    "kind": "renewal",
    "at": "2026-11-20T02:00:00+00:00",
    "source": "button",
    "date": "2026-11-20",
    "old_expiry": ADDED_EXPIRY,
    "new_expiry": LEDGER_EXPIRY,
    "amount": 50.0,
    "currency": "HKD",
    "channel": "other",
    "confirmed": True,
}
DATE = "date.mum_s_cmhk_expiry_date"
DAYS = "sensor.mum_s_cmhk_days_until_expiry"
STATUS = "sensor.mum_s_cmhk_status"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Two days after the renewal the file holds."""
    freezer.move_to(NOW)


@pytest.fixture(autouse=True)
def own_config_dir(hass: HomeAssistant, tmp_path: Path) -> None:
    """Keep the files written on disk (and copies set aside) in the test's own folder."""
    hass.config.config_dir = str(tmp_path)


def subentry(card_id: str, **changes: Any) -> ConfigSubentryData:
    """Return a card's subentry as stored, with a fixed id."""
    data = {**CARD_DATA, **changes}
    return {
        "subentry_type": SUBENTRY_CARD,
        "subentry_id": card_id,
        "data": data,
        "title": data["name"],
        "unique_id": None,
    }


def monthly_card(expiry_date: str, **changes: Any) -> ConfigSubentryData:
    """Return Mum's card renewed by the month from its expiry, added expiring `expiry_date`."""
    return subentry(
        MUM,
        **{
            "expiry_date": expiry_date,
            "renewal_period": 1,
            "renewal_period_unit": "months",
            "renewal_mode": "extend_expiry",
            **changes,
        },
    )


def auto_card(expiry_date: str = "2026-06-30", **changes: Any) -> ConfigSubentryData:
    """Return a self-renewing monthly card, added expiring 30 June 2026 unless said."""
    return monthly_card(expiry_date, auto_renew=True, **changes)


def october_roll() -> dict[str, Any]:
    """Return a self-renewal from 30 September to 31 October 2026, waiting for the carrier."""
    roll = {
        **RENEWAL,
        "source": "auto_renew",
        "channel": "auto_renew",
        "confirmed": False,
        "at": "2026-10-01T00:00:00+00:00",
        "date": "2026-10-01",
        "old_expiry": "2026-09-30",
        "new_expiry": "2026-10-31",
    }
    roll.pop("amount")
    return roll


async def calendar_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the household calendar's events from November 2026 to the end of 2027."""
    calendar = "calendar.sim_renew_calendar"
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": calendar,
            "start_date_time": "2026-11-01T00:00:00+00:00",
            "end_date_time": "2027-12-31T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[calendar]["events"]
    return events


async def subscribe_to_cards(client: Any) -> list[dict[str, Any]]:
    """Subscribe to the dashboard card's feed; return the cards of its first message."""
    await client.send_json({"id": 1, "type": "simrenew/subscribe_cards"})
    assert (await client.receive_json())["success"]
    return await next_cards(client)


async def next_cards(client: Any) -> list[dict[str, Any]]:
    """Return the cards of the feed's next message."""
    message = await client.receive_json()
    cards: list[dict[str, Any]] = message["event"]["cards"]
    return cards


def record(**fields: Any) -> dict[str, Any]:
    """Return Mum's record as a 2.3 file holds it after the renewal, with `fields` changed."""
    base: dict[str, Any] = {
        "added": "2026-06-01",
        "history": [copy.deepcopy(RENEWAL)],
        "balance": None,
        "last_activity": "2026-11-20",
        "reminders": {
            "deadline": "2027-06-29",
            "fired": [],
            "expired_for": None,
            "snoozed_until": None,
            "confirm": None,
        },
        "expiry": LEDGER_EXPIRY,
        "anchor_day": None,
    }
    for key, value in fields.items():
        if value is UNDEFINED:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def history_file(
    cards: dict[str, Any], minor: int = 3, major: int = 2, **extra: Any
) -> dict[str, Any]:
    """Return the household's history file as Home Assistant stores it."""
    return {
        "version": major,
        "minor_version": minor,
        "key": KEY,
        "data": {"cards": cards, **extra},
    }


def household(*subentries: ConfigSubentryData) -> MockConfigEntry:
    """Return the household's entry with these cards."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=list(subentries) or [subentry(MUM)],
    )


async def start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    stored: dict[str, Any] | None,
    *subentries: ConfigSubentryData,
) -> MockConfigEntry:
    """Start a household from a stored history file (none if `stored` is None)."""
    if stored is not None:
        hass_storage[KEY] = copy.deepcopy(stored)
        # The file on disk too: a damaged one is copied aside from there before it is rewritten.
        path = Path(hass.config.path(".storage", KEY))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored))
    entry = household(*subentries)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def shown(hass: HomeAssistant) -> tuple[str, str, str]:
    """Return Mum's expiry date entity, days left and status."""
    return (hass.states.get(DATE).state, hass.states.get(DAYS).state, hass.states.get(STATUS).state)


def kinds(entry: MockConfigEntry, card_id: str = MUM) -> list[tuple[str, str]]:
    """Return the kinds and sources of a card's history."""
    return [(e["kind"], e["source"]) for e in entry.runtime_data.records[card_id]["history"]]


def issues(hass: HomeAssistant) -> set[str]:
    """Return the translation keys of simrenew's repairs."""
    return {
        issue.translation_key or ""
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN
    }


# ---------------------------------------------------------------------------------------------
# A 2.3 file whose expiry differs from the card's settings: the ledger wins everywhere.
# ---------------------------------------------------------------------------------------------


async def test_ledger_expiry_shows_on_the_entities_not_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The date, days left and status are the history's; nothing is rewritten or adopted."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    assert shown(hass) == (LEDGER_EXPIRY, "189", "active")
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]
    assert entry.subentries[MUM].data["expiry_date"] == ADDED_EXPIRY
    assert not issues(hass)


async def test_ledger_expiry_in_list_cards(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """list_cards answers with the history's expiry and days."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    listed = await hass.services.async_call(
        DOMAIN, "list_cards", {}, blocking=True, return_response=True
    )
    assert listed is not None
    (card,) = listed["cards"]
    assert card["expiry_date"] == LEDGER_EXPIRY
    assert card["days_until_expiry"] == 189
    assert ADDED_EXPIRY not in json.dumps(listed)


async def test_ledger_expiry_in_the_dashboard_feed(
    hass: HomeAssistant, hass_storage: dict[str, Any], hass_ws_client: Any
) -> None:
    """The dashboard card's feed shows the history's expiry and days left."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    client = await hass_ws_client(hass)
    (card,) = await subscribe_to_cards(client)
    assert card["expiry_date"] == LEDGER_EXPIRY
    assert card["days_left"] == 189


async def test_ledger_expiry_in_the_calendar_and_to_do(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The household calendar has the card on the history's deadline, never the settings'."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    events = await calendar_events(hass)
    starts = {event["start"] for event in events}
    assert starts, events
    assert not any(start.startswith(ADDED_EXPIRY) for start in starts)
    assert any(start.startswith(LEDGER_EXPIRY) or start.startswith("2027-06") for start in starts)
    todo = await hass.services.async_call(
        "todo",
        "get_items",
        {"entity_id": "todo.sim_renew_renewals"},
        blocking=True,
        return_response=True,
    )
    assert todo is not None
    assert ADDED_EXPIRY not in json.dumps(todo)


async def test_diagnostics_show_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Support sees the expiry that counts, the history's; numbers stay redacted."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    result = await async_get_config_entry_diagnostics(hass, entry)
    card = result["cards"][MUM]
    assert card["days_until_expiry"] == 189
    assert card["data"]["phone_number"] == "**REDACTED**"
    assert "91234567" not in json.dumps(result)
    assert LEDGER_EXPIRY in json.dumps({k: v for k, v in card.items() if k != "history"})


async def test_diagnostics_never_show_the_stale_expiry_as_current(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """No field of the card's diagnostics other than its history claims the old expiry."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    result = await async_get_config_entry_diagnostics(hass, entry)
    card = result["cards"][MUM]
    outside = {k: v for k, v in card.items() if k != "history"}
    assert ADDED_EXPIRY not in json.dumps(outside), outside["data"]


async def test_ledger_expiry_in_the_renewed_event_and_after_a_correction(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """An event tells the history's expiry; set_expiry writes it there, not in the settings."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    events: list[Any] = []
    hass.bus.async_listen("simrenew_expiry_corrected", events.append)
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-15"}, blocking=True
    )
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-06-15"
    assert entry.subentries[MUM].data["expiry_date"] == ADDED_EXPIRY
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == "2027-06-15"
    assert kinds(entry)[-1] == ("correction", "action")
    assert entry.runtime_data.records[MUM]["history"][-1]["old_expiry"] == LEDGER_EXPIRY
    assert shown(hass)[0] == "2027-06-15"
    if events:
        assert events[-1].data["expiry_date"] == "2027-06-15"


async def test_undo_restores_the_ledger_expiry_not_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Undoing a renewal after a restart goes back to the history's expiry before it."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, "new_expiry": "2027-11-26"}, blocking=True
    )
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert shown(hass)[0] == LEDGER_EXPIRY


# ---------------------------------------------------------------------------------------------
# Damaged expiry fields.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["2027-02-30", "", "soon", 20270530, None, True, ["2027-05-30"], "2027-5-30", "20270530"],
)
async def test_a_damaged_expiry_is_taken_again_from_the_history_chain(
    hass: HomeAssistant, hass_storage: dict[str, Any], bad: Any
) -> None:
    """The record's unreadable expiry is set aside; the renewal's expiry stands, not the old."""
    entry = await start(hass, hass_storage, history_file({MUM: record(expiry=bad)}))
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert shown(hass)[0] == LEDGER_EXPIRY
    # No made-up correction back to the settings' expiry.
    assert kinds(entry) == [("renewal", "button")]
    assert "damaged_history" in issues(hass)
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == LEDGER_EXPIRY


async def test_a_missing_expiry_in_a_2_3_file_is_adopted_without_a_repair(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A 2.3 record with no expiry (never adopted) takes the history's last expiry."""
    entry = await start(
        hass, hass_storage, history_file({MUM: record(expiry=UNDEFINED, anchor_day=UNDEFINED)})
    )
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]


async def test_a_damaged_expiry_with_no_history_falls_back_to_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Nothing else to go on: the settings' expiry, and the damage reported."""
    entry = await start(
        hass, hass_storage, history_file({MUM: record(expiry="2027-02-30", history=[])})
    )
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    assert kinds(entry) == []
    assert "damaged_history" in issues(hass)


@pytest.mark.parametrize("bad", [0, 32, -1, True, False, "31", 31.0, [31]])
async def test_a_damaged_anchor_day_is_set_aside_and_the_expiry_kept(
    hass: HomeAssistant, hass_storage: dict[str, Any], bad: Any
) -> None:
    """An anchor day that cannot be a day of month goes; the recorded expiry stays."""
    entry = await start(hass, hass_storage, history_file({MUM: record(anchor_day=bad)}))
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert entry.runtime_data.configs[MUM].anchor_day is None
    assert "damaged_history" in issues(hass)
    saved = hass_storage[KEY]["data"]["cards"][MUM]
    assert saved["expiry"] == LEDGER_EXPIRY
    assert saved.get("anchor_day") is None


async def test_a_damaged_anchor_day_keeps_the_monthly_day_of_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The spare eSIM renews monthly on the 31st; a damaged anchor must not move it."""
    monthly = monthly_card("2026-11-30", anchor_day=31)
    stored = record(
        expiry="2027-02-28",
        anchor_day=32,
        history=[{**RENEWAL, "old_expiry": "2026-11-30", "new_expiry": "2027-02-28"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), monthly)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2027-03-31"


# ---------------------------------------------------------------------------------------------
# A 2.2 file with odd content, and files from a newer release.
# ---------------------------------------------------------------------------------------------


def old_record(**fields: Any) -> dict[str, Any]:
    """Return Mum's record as a 2.2 file held it: no expiry fields."""
    return record(expiry=UNDEFINED, anchor_day=UNDEFINED, **fields)


async def test_2_2_file_with_an_expiry_field_already_keeps_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A 2.2 record carrying an expiry (edited, or half-migrated) is not adopted over."""
    entry = await start(
        hass, hass_storage, history_file({MUM: record(expiry="2027-04-01")}, minor=2)
    )
    assert expiry_of(entry, MUM) == "2027-04-01"
    assert hass_storage[KEY]["minor_version"] == 3


async def test_2_2_file_whose_settings_missed_a_renewal_completes_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings lagging the history by two renewals take the last, with no correction."""
    second = {**RENEWAL, "at": "2026-11-21T02:00:00+00:00", "old_expiry": LEDGER_EXPIRY}
    second["new_expiry"] = "2027-11-26"
    entry = await start(
        hass,
        hass_storage,
        history_file({MUM: old_record(history=[copy.deepcopy(RENEWAL), second])}, minor=2),
    )
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert [k for k, _ in kinds(entry)] == ["renewal", "renewal"]


async def test_2_2_file_with_settings_changed_by_hand_records_the_correction_once(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings moved without a record: one correction now, none after a restart."""
    stored = history_file({MUM: old_record()}, minor=2)
    entry = await start(hass, hass_storage, stored, subentry(MUM, expiry_date="2027-03-03"))
    assert expiry_of(entry, MUM) == "2027-03-03"
    assert kinds(entry) == [("renewal", "button"), ("correction", "reconfigure")]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert kinds(entry) == [("renewal", "button"), ("correction", "reconfigure")]
    assert expiry_of(entry, MUM) == "2027-03-03"


async def test_2_2_file_with_a_damaged_history_entry_still_adopts(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A damaged renewal is set aside; what is left decides the expiry, and nothing is lost."""
    broken = {**RENEWAL, "new_expiry": "2027-02-30"}
    entry = await start(
        hass, hass_storage, history_file({MUM: old_record(history=[broken])}, minor=2)
    )
    # Only the settings are left to go on.
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    assert "damaged_history" in issues(hass)


async def test_a_newer_minor_layout_keeps_its_unknown_fields(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A 2.4 file's own fields survive a change and the ledger's expiry counts."""
    stored = history_file({MUM: record(future_field={"x": 1})}, minor=4, future_top=[1, 2])
    entry = await start(hass, hass_storage, stored)
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-15"}, blocking=True
    )
    saved = hass_storage[KEY]["data"]
    assert saved["future_top"] == [1, 2]
    assert saved["cards"][MUM]["future_field"] == {"x": 1}
    assert saved["cards"][MUM]["expiry"] == "2027-06-15"


async def test_a_newer_major_layout_is_set_aside_not_overwritten_silently(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A 3.x file cannot be read: it is reported, and the card starts from its settings."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}, major=3, minor=0))
    assert "unreadable_history" in issues(hass)
    assert expiry_of(entry, MUM) == ADDED_EXPIRY


# ---------------------------------------------------------------------------------------------
# Cards unreadable, mended, removed, added with no file.
# ---------------------------------------------------------------------------------------------


async def test_an_unreadable_card_keeps_its_record_and_gets_the_ledger_expiry_when_mended(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Unreadable at start, mended by hand: the history's expiry, not the settings'."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), broken, subentry(DAD, **DAD_FIELDS)
    )
    assert MUM not in entry.runtime_data.configs
    assert MUM in entry.runtime_data.records
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[MUM], data={**CARD_DATA, "expiry_date": ADDED_EXPIRY}
    )
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert hass.states.get(DATE).state == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]


async def test_an_unreadable_card_from_a_2_2_file_adopts_when_mended(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A 2.2 record of a card unreadable at start is adopted once it is mended."""
    broken = subentry(MUM, expiry_date=None)
    entry = await start(
        hass,
        hass_storage,
        history_file({MUM: old_record()}, minor=2),
        broken,
        subentry(DAD, **DAD_FIELDS),
    )
    assert "expiry" not in entry.runtime_data.records[MUM]
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[MUM], data={**CARD_DATA, "expiry_date": ADDED_EXPIRY}
    )
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]


async def test_a_card_removed_while_not_running_loses_its_record(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Its history goes at start; the other card's expiry is untouched."""
    dad = record(expiry="2027-02-10", history=[])
    entry = await start(
        hass,
        hass_storage,
        history_file({MUM: record(), DAD: dad}),
        subentry(DAD, **DAD_FIELDS),
    )
    assert set(entry.runtime_data.records) == {DAD}
    assert set(hass_storage[KEY]["data"]["cards"]) == {DAD}
    assert expiry_of(entry, DAD) == "2027-02-10"


async def test_a_card_added_while_the_history_file_is_missing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """No file: the card starts with its settings' expiry, recorded in a new 2.3 file."""
    entry = await start(hass, hass_storage, None, subentry(MUM))
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    saved = hass_storage[KEY]
    assert (saved["version"], saved["minor_version"]) == (2, 3)
    assert saved["data"]["cards"][MUM]["expiry"] == ADDED_EXPIRY
    hass.config_entries.async_add_subentry(
        entry,
        __import__("homeassistant.config_entries", fromlist=["ConfigSubentry"]).ConfigSubentry(
            data={**CARD_DATA, **DAD_FIELDS},
            subentry_type=SUBENTRY_CARD,
            title="Dad's csl",
            unique_id=None,
        ),
    )
    await hass.async_block_till_done()
    dad = next(card_id for card_id in entry.subentries if card_id != MUM)
    assert expiry_of(entry, dad) == "2027-01-10"
    assert hass_storage[KEY]["data"]["cards"][dad]["expiry"] == "2027-01-10"


DAD_FIELDS: dict[str, Any] = {
    "name": "Dad's csl",
    "phone_number": "+85261234567",
    "expiry_date": "2027-01-10",
    "renewal_period": None,
    "grace_days": 0,
}


# ---------------------------------------------------------------------------------------------
# The Reconfigure form.
# ---------------------------------------------------------------------------------------------


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Open Mum's Reconfigure form."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": MUM},
    )


def suggested_expiry(result: Any) -> Any:
    """Return the expiry the form shows."""
    (key,) = (key for key in result["data_schema"].schema if key == "expiry_date")
    return key.description["suggested_value"]


MUM_FORM: dict[str, Any] = {
    "name": "Mum's CMHK",
    "carrier": "CMHK",
    "phone_number": "+85291234567",
    "renewal_cost": 50.0,
}


async def test_reconfigure_shows_the_ledger_expiry_and_records_nothing_unchanged(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Left as shown (the history's), no correction; the settings keep their expiry."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == LEDGER_EXPIRY
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date=LEDGER_EXPIRY)
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert kinds(entry) == [("renewal", "button")]
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert entry.subentries[MUM].data["expiry_date"] == ADDED_EXPIRY
    assert shown(hass)[0] == LEDGER_EXPIRY


async def test_reconfigure_back_to_the_settings_expiry_is_a_correction(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Typing the settings' old expiry is a change from what is shown: recorded once."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    result = await reconfigure(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date=ADDED_EXPIRY)
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert kinds(entry) == [("renewal", "button"), ("correction", "reconfigure")]
    last = entry.runtime_data.records[MUM]["history"][-1]
    assert (last["old_expiry"], last["new_expiry"]) == (LEDGER_EXPIRY, ADDED_EXPIRY)
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    # A restart neither records it again nor takes another expiry.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(kinds(entry)) == 2
    assert shown(hass)[0] == ADDED_EXPIRY


async def test_reconfigure_changed_expiry_with_the_household_unloaded_changes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Refused with the translated error; the file and the settings stay as they were."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    file_before = copy.deepcopy(hass_storage[KEY])
    data_before = dict(entry.subentries[MUM].data)
    result = await reconfigure(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-08-08")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(expiry_date=NOT_RUNNING)
    assert hass_storage[KEY] == file_before
    assert dict(entry.subentries[MUM].data) == data_before


async def test_reconfigure_with_the_household_unloaded_shows_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The form must not offer a stale expiry as the card's current one."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == LEDGER_EXPIRY


# ---------------------------------------------------------------------------------------------
# Time: the card's midnight in another zone, month ends, leap days, a long restart.
# ---------------------------------------------------------------------------------------------


async def test_the_card_midnight_in_hong_kong_with_home_assistant_in_london_over_dst(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """London moves its clocks on 28 March 2027; the card's day ends at Hong Kong midnight."""
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2027-03-27T15:59:00+00:00")  # 23:59 in Hong Kong on the 27th
    stored = record(expiry="2027-03-28", history=[{**RENEWAL, "new_expiry": "2027-03-28"}])
    entry = await start(hass, hass_storage, history_file({MUM: stored}))
    assert shown(hass)[:2] == ("2027-03-28", "1")
    await move_to(hass, freezer, "2027-03-27T16:00:01+00:00")  # 00:00 on the 28th in HK
    assert shown(hass)[:2] == ("2027-03-28", "0")
    # London's clocks jump at 01:00 UTC; Hong Kong's day does not care.
    await move_to(hass, freezer, "2027-03-28T01:30:00+00:00")
    assert shown(hass)[:2] == ("2027-03-28", "0")
    await move_to(hass, freezer, "2027-03-28T16:00:01+00:00")
    assert hass.states.get(DAYS).state == "-1"
    assert hass.states.get(STATUS).state in {"in_grace", "grace", "expired", "grace_period"}
    assert expiry_of(entry, MUM) == "2027-03-28"


async def test_a_monthly_card_from_the_leap_day_keeps_its_day(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """A plan on the 29th renewed from 29 February 2028 goes to 29 March, then 29 April."""
    freezer.move_to("2028-02-20T04:00:00+00:00")
    monthly = monthly_card("2028-01-29")
    stored = record(
        expiry="2028-02-29",
        history=[{**RENEWAL, "old_expiry": "2028-01-29", "new_expiry": "2028-02-29"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), monthly)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2028-03-29"
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2028-04-29"


async def test_a_month_end_anchor_in_the_ledger_survives_february(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Ledger: 29 February 2028 keeping the 31st; the next renewal is 31 March."""
    freezer.move_to("2028-02-20T04:00:00+00:00")
    monthly = monthly_card("2028-01-31")
    stored = record(
        expiry="2028-02-29",
        anchor_day=31,
        history=[{**RENEWAL, "old_expiry": "2028-01-31", "new_expiry": "2028-02-29"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), monthly)
    assert shown(hass)[0] == "2028-02-29"
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2028-03-31"
    assert entry.runtime_data.records[MUM]["anchor_day"] is None


async def test_a_self_renewing_card_rolls_from_the_ledger_after_a_long_restart(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Down for three periods: one unconfirmed renewal each, from the history's expiry."""
    freezer.move_to("2027-01-05T04:00:00+00:00")
    auto = auto_card(anchor_day=31)
    stored = record(
        expiry="2026-09-30",
        anchor_day=31,
        history=[{**RENEWAL, "old_expiry": "2026-06-30", "new_expiry": "2026-09-30"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), auto)
    await hass.async_block_till_done()
    rolled = [
        (e["old_expiry"], e["new_expiry"])
        for e in entry.runtime_data.records[MUM]["history"]
        if e["source"] == "auto_renew"
    ]
    assert rolled == [
        ("2026-09-30", "2026-10-31"),
        ("2026-10-31", "2026-11-30"),
        ("2026-11-30", "2026-12-31"),
        ("2026-12-31", "2027-01-31"),
    ]
    assert expiry_of(entry, MUM) == "2027-01-31"
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == "2027-01-31"
    # A restart rolls nothing again.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(entry.runtime_data.records[MUM]["history"]) == 5


# ---------------------------------------------------------------------------------------------
# More places that show an expiry: events, reminders, repairs, the AI agents' tools.
# ---------------------------------------------------------------------------------------------


async def test_the_renewed_event_tells_the_ledger_expiry_before_and_after(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A renewal moves on from the history's expiry; its event says where it led."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    events: list[Any] = []
    hass.bus.async_listen("simrenew_renewed", events.append)
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, "new_expiry": "2027-11-26"}, blocking=True
    )
    await hass.async_block_till_done()
    (event,) = events
    assert event.data["expiry_date"] == "2027-11-26"
    last = entry.runtime_data.records[MUM]["history"][-1]
    assert last["old_expiry"] == LEDGER_EXPIRY


async def test_the_corrected_event_tells_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """set_expiry fires its event with the history's new expiry."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    events: list[Any] = []
    hass.bus.async_listen("simrenew_expiry_corrected", events.append)
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-15"}, blocking=True
    )
    await hass.async_block_till_done()
    (event,) = events
    assert event.data["expiry_date"] == "2027-06-15"
    assert ADDED_EXPIRY not in json.dumps(dict(event.data))


async def test_a_renewal_without_a_date_extends_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """An extend-expiry card renews from the history's expiry, not the settings'."""
    extending = subentry(MUM, renewal_mode="extend_expiry")
    entry = await start(hass, hass_storage, history_file({MUM: record()}), extending)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    # 30 May 2027 + 180 days.
    assert expiry_of(entry, MUM) == "2027-11-26"


async def reminders_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: str
) -> list[dict[str, Any]]:
    """Return every reminder event fired from now until `until`, a day at a time."""
    events: list[Any] = []
    hass.bus.async_listen("simrenew_reminder", events.append)
    await hass.async_block_till_done()
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        when = f"{day}T01:00:05+00:00"
        if when > until:
            break
        await move_to(hass, freezer, when)
    return [dict(event.data) for event in events]


async def test_reminders_follow_the_ledger_not_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings say 25 November (3 days); the history says May: no reminder goes out."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    near = subentry(MUM, expiry_date="2026-11-25")
    stored = record(history=[{**RENEWAL, "old_expiry": "2026-11-25"}])
    await start(hass, hass_storage, history_file({MUM: stored}), near)
    assert await reminders_until(hass, freezer, "2026-11-25T02:00:00+00:00") == []
    assert not persistent_notifications(hass)


async def test_reminders_go_out_for_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings say May; the history says 25 November: the reminder names 25 November."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    far = subentry(MUM, expiry_date=LEDGER_EXPIRY)
    stored = record(
        expiry="2026-11-25",
        history=[
            {
                "kind": "correction",
                "at": "2026-11-21T02:00:00+00:00",
                "source": "action",
                "old_expiry": LEDGER_EXPIRY,
                "new_expiry": "2026-11-25",
            }
        ],
        reminders={"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None},
    )
    await start(hass, hass_storage, history_file({MUM: stored}), far)
    sent = await reminders_until(hass, freezer, "2026-11-25T02:00:00+00:00")
    assert sent, "no reminder for a card expiring in three days"
    assert {event["expiry_date"] for event in sent} == {"2026-11-25"}
    texts = json.dumps(persistent_notifications(hass), default=str)
    assert "2027" not in texts


def persistent_notifications(hass: HomeAssistant) -> dict[str, Any]:
    """Return the persistent notifications shown now."""
    from homeassistant.components import persistent_notification  # noqa: PLC0415

    return dict(persistent_notification._async_get_or_create_notifications(hass))


async def test_the_lapsed_repair_follows_the_ledger(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings lapsed long ago, the history renewed: no repair. The reverse raises one."""
    lapsed_settings = subentry(MUM, expiry_date="2026-09-01", grace_days=0)
    stored = record(history=[{**RENEWAL, "old_expiry": "2026-09-01"}])
    entry = await start(hass, hass_storage, history_file({MUM: stored}), lapsed_settings)
    assert shown(hass)[0] == LEDGER_EXPIRY
    assert not {key for key in issues(hass) if key.startswith("card_")}
    # The history corrected back into the past: the card lapsed, whatever its settings say.
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2026-11-20"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "expired"
    assert "card_expired_no_grace" in issues(hass)
    assert expiry_of(entry, MUM) == "2026-11-20"


async def test_the_ai_agents_list_cards_tool_tells_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The ListCards tool answers with the history's expiry and days left."""
    llm_module = pytest.importorskip("homeassistant.helpers.llm")
    pytest.importorskip("homeassistant.components.llm")
    from homeassistant.components.homeassistant.exposed_entities import (  # noqa: PLC0415
        async_expose_entity,
    )
    from homeassistant.core import Context  # noqa: PLC0415
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(hass, "conversation", {})
    await start(hass, hass_storage, history_file({MUM: record()}))
    async_expose_entity(hass, "conversation", DAYS, True)
    await hass.async_block_till_done()
    context = llm_module.LLMContext(
        platform="test",
        context=Context(),
        language="en",
        assistant="conversation",
        device_id=None,
    )
    api = await llm_module.async_get_api(hass, llm_module.LLM_API_ASSIST, context)
    result = await api.async_call_tool(
        llm_module.ToolInput(tool_name="simrenew__ListCards", tool_args={})
    )
    (card,) = result.data["cards"]
    assert card["expiry_date"] == LEDGER_EXPIRY
    assert card["days_until_expiry"] == 189
    assert ADDED_EXPIRY not in json.dumps(result.data)


# ---------------------------------------------------------------------------------------------
# More odd files.
# ---------------------------------------------------------------------------------------------


async def test_a_2_3_expiry_unlike_both_history_and_settings_is_the_one_that_counts(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Once a record holds an expiry, nothing at start second-guesses it."""
    entry = await start(hass, hass_storage, history_file({MUM: record(expiry="2027-08-08")}))
    assert expiry_of(entry, MUM) == "2027-08-08"
    assert shown(hass)[0] == "2027-08-08"
    assert kinds(entry) == [("renewal", "button")]


@pytest.mark.parametrize("edge", ["1970-01-01", "2999-12-31"])
async def test_a_ledger_expiry_at_the_ends_of_the_readable_range(
    hass: HomeAssistant, hass_storage: dict[str, Any], edge: str
) -> None:
    """The earliest and latest days the file may hold show and can be corrected from."""
    entry = await start(hass, hass_storage, history_file({MUM: record(expiry=edge)}))
    assert hass.states.get(DATE).state == edge
    assert hass.states.get(STATUS).state in {"expired", "active"}
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-15"}, blocking=True
    )
    assert expiry_of(entry, MUM) == "2027-06-15"
    assert entry.runtime_data.records[MUM]["history"][-1]["old_expiry"] == edge


async def test_a_self_renewing_card_from_1970_rolls_to_today(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Fifty-six years of monthly self-renewals: today's expiry, in one write, no hang."""
    auto = auto_card()
    entry = await start(hass, hass_storage, history_file({MUM: record(expiry="1970-01-31")}), auto)
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2026-11-30"
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == "2026-11-30"
    assert shown(hass)[0] == "2026-11-30"


async def test_a_self_renewing_card_rolls_over_the_leap_day_keeping_the_31st(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """From 31 January 2028 after a long stop: 29 February, 31 March, 30 April."""
    freezer.move_to("2028-04-05T04:00:00+00:00")
    auto = auto_card(expiry_date="2027-12-31")
    stored = record(
        expiry="2028-01-31",
        history=[{**RENEWAL, "old_expiry": "2027-12-31", "new_expiry": "2028-01-31"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), auto)
    await hass.async_block_till_done()
    rolled = [
        e["new_expiry"]
        for e in entry.runtime_data.records[MUM]["history"]
        if e["source"] == "auto_renew"
    ]
    assert rolled == ["2028-02-29", "2028-03-31", "2028-04-30"]
    assert expiry_of(entry, MUM) == "2028-04-30"


async def test_a_self_renewing_card_rolls_at_the_card_midnight_not_home_assistant_s(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """HA in London, card in Hong Kong: it rolls at 16:00 UTC, when Hong Kong's day ends."""
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2027-03-30T15:00:00+00:00")  # 23:00 on the 30th in Hong Kong
    auto = auto_card(expiry_date="2027-02-28")
    stored = record(
        expiry="2027-03-30",
        history=[{**RENEWAL, "old_expiry": "2027-02-28", "new_expiry": "2027-03-30"}],
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), auto)
    assert expiry_of(entry, MUM) == "2027-03-30"
    await move_to(hass, freezer, "2027-03-30T15:59:59+00:00")
    assert expiry_of(entry, MUM) == "2027-03-30"
    await move_to(hass, freezer, "2027-03-30T16:00:05+00:00")
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-04-30"
    assert hass.states.get(DATE).state == "2027-04-30"


# ---------------------------------------------------------------------------------------------
# Adoption of 2.2 files for monthly cards, and settings edited by hand.
# ---------------------------------------------------------------------------------------------


async def test_2_2_completion_keeps_the_month_end_of_a_monthly_card(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings lag at 31 January; the history renewed to 28 February; next is 31 March."""
    freezer.move_to("2027-02-10T04:00:00+00:00")
    monthly = monthly_card("2027-01-31")
    renewal = {
        **RENEWAL,
        "at": "2027-01-30T02:00:00+00:00",
        "date": "2027-01-30",
        "old_expiry": "2027-01-31",
        "new_expiry": "2027-02-28",
    }
    stored = history_file({MUM: old_record(history=[renewal])}, minor=2)
    entry = await start(hass, hass_storage, stored, monthly)
    assert expiry_of(entry, MUM) == "2027-02-28"
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2027-03-31"


async def test_2_2_adoption_keeps_the_settings_month_end_when_they_agree(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings and history agree on 28 February with the 31st kept: 31 March next."""
    freezer.move_to("2027-02-10T04:00:00+00:00")
    monthly = monthly_card("2027-02-28", anchor_day=31)
    renewal = {**RENEWAL, "old_expiry": "2027-01-31", "new_expiry": "2027-02-28"}
    renewal["at"], renewal["date"] = "2027-01-30T02:00:00+00:00", "2027-01-30"
    stored = history_file({MUM: old_record(history=[renewal])}, minor=2)
    entry = await start(hass, hass_storage, stored, monthly)
    assert entry.runtime_data.records[MUM]["anchor_day"] == 31
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2027-03-31"


async def test_2_2_adoption_of_self_renewals_the_settings_missed(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Two unconfirmed self-renewals the settings missed: completed, still waiting."""
    auto = subentry(MUM, renewal_period=30, auto_renew=True, expiry_date="2026-10-01")
    steps = [("2026-10-01", "2026-10-31"), ("2026-10-31", "2026-11-30")]
    history = [
        {
            **RENEWAL,
            "source": "auto_renew",
            "channel": "auto_renew",
            "confirmed": False,
            "at": "2026-11-01T00:00:00+00:00",
            "date": "2026-10-02",
            "old_expiry": old,
            "new_expiry": new,
        }
        for old, new in steps
    ]
    for entry_ in history:
        entry_.pop("amount")
    reminders = {
        "deadline": "2026-10-01",
        "fired": [],
        "expired_for": None,
        "snoozed_until": None,
        "confirm": {
            "renewal": "2026-11-01T00:00:00+00:00",
            "due": "2026-11-02",
            "fired": False,
            "standing": "2026-10-01",
        },
    }
    stored = history_file({MUM: old_record(history=history, reminders=reminders)}, minor=2)
    entry = await start(hass, hass_storage, stored, auto)
    assert expiry_of(entry, MUM) == "2026-11-30"
    assert [k for k, _ in kinds(entry)] == ["renewal", "renewal"]
    # Still unconfirmed: the date entity shows what is recorded, the deadline what stands.
    assert entry.runtime_data.records[MUM]["reminders"]["confirm"]["standing"] == "2026-10-01"


async def test_reconfigure_unloaded_with_a_hand_edited_expiry_saves_as_shown(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings hold "2027-5-6" (readable); unloaded, the form left as shown must save."""
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), subentry(MUM, expiry_date="2027-5-6")
    )
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    result = await reconfigure(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date=suggested_expiry(result))
    )
    await hass.async_block_till_done()
    if result.get("reason") != "reconfigure_successful":
        # The same day written in full is the only other way to save the form.
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-05-06")
        )
        await hass.async_block_till_done()
    assert result.get("reason") == "reconfigure_successful", result.get("errors")
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == LEDGER_EXPIRY


# ---------------------------------------------------------------------------------------------
# A carrier's message and Assist read the history's expiry.
# ---------------------------------------------------------------------------------------------


async def read_message(hass: HomeAssistant, text: str) -> dict[str, Any]:
    """Call read_message and return its answer."""
    answer = await hass.services.async_call(
        DOMAIN, "read_message", {"message": text}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert answer is not None
    return dict(answer)


async def test_a_message_stating_the_ledger_expiry_changes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The carrier says 30 May 2027, as the history does: unchanged, not a correction."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    answer = await read_message(hass, "CMHK: number ****4567 is valid until 30/5/2027.")
    assert answer["outcome"] == "unchanged"
    assert answer["expiry_date"] == LEDGER_EXPIRY
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert [k for k, _ in kinds(entry)] == ["renewal", "message"]


async def test_a_message_stating_the_settings_expiry_corrects_the_ledger(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The carrier says 1 December 2026 (the settings' day): the history is corrected to it."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    answer = await read_message(hass, "CMHK: number ****4567 is valid until 1/12/2026.")
    assert answer["outcome"] != "unchanged"
    if answer["outcome"] == "corrected":
        assert expiry_of(entry, MUM) == ADDED_EXPIRY
        assert answer["expiry_date"] == ADDED_EXPIRY
        assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == ADDED_EXPIRY
    else:
        # Refused or doubted: the history's expiry stands.
        assert expiry_of(entry, MUM) == LEDGER_EXPIRY


async def test_assist_says_the_ledger_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    """Asked when Mum's CMHK expires, Assist answers from the history."""
    import shutil  # noqa: PLC0415

    from homeassistant.components import conversation  # noqa: PLC0415
    from homeassistant.components.homeassistant.exposed_entities import (  # noqa: PLC0415
        async_expose_entity,
    )
    from homeassistant.core import Context  # noqa: PLC0415
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    sentences = Path(__file__).parents[1] / "custom_sentences"
    shutil.copytree(sentences, tmp_path / "custom_sentences", dirs_exist_ok=True)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(hass, "conversation", {})
    await start(hass, hass_storage, history_file({MUM: record()}))
    async_expose_entity(hass, "conversation", DAYS, True)
    await hass.async_block_till_done()
    result = await conversation.async_converse(
        hass, "When does Mum's CMHK expire?", None, Context(), language="en"
    )
    speech = result.response.speech["plain"]["speech"]
    assert speech == "Mum's CMHK expires on 30 May 2027, in 189 days."


async def test_a_message_confirms_an_early_renewal_of_an_extend_expiry_card(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Tap renewed (unconfirmed) 30 May + 180 days; the carrier says 26/11/2027: confirmed."""
    extending = subentry(MUM, renewal_mode="extend_expiry")
    entry = await start(hass, hass_storage, history_file({MUM: record()}), extending)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert entry.runtime_data.records[MUM]["reminders"]["confirm"] is not None
    answer = await read_message(hass, "CMHK: number ****4567 is valid until 26/11/2027.")
    assert answer["outcome"] == "confirmed"
    assert entry.runtime_data.records[MUM]["reminders"]["confirm"] is None


# ---------------------------------------------------------------------------------------------
# No state anywhere tells the settings' expiry once the history's differs.
# ---------------------------------------------------------------------------------------------


def every_state(hass: HomeAssistant) -> str:
    """Return every entity's state and attributes as text."""
    return json.dumps(
        {
            state.entity_id: [state.state, dict(state.attributes)]
            for state in hass.states.async_all()
        },
        default=str,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_no_entity_tells_the_settings_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Every entity, even those users turn on, shows the history's expiry or nothing of it."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    text = every_state(hass)
    assert LEDGER_EXPIRY in text
    assert ADDED_EXPIRY not in text
    # Nor the day after it, which a sensor of the expiry's moment would show in UTC.
    assert "2026-11-30T16:00" not in text


async def test_calendar_events_are_on_the_ledger_days(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The card's events fall on the history's expiry and grace end, with words to match."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    events = await calendar_events(hass)
    starts = sorted(event["start"][:10] for event in events)
    assert LEDGER_EXPIRY in starts
    text = json.dumps(events)
    assert ADDED_EXPIRY not in text
    assert "1 Dec" not in text


async def test_the_dashboard_feed_follows_a_correction(
    hass: HomeAssistant, hass_storage: dict[str, Any], hass_ws_client: Any
) -> None:
    """A correction recorded while subscribed reaches the feed with the new expiry."""
    await start(hass, hass_storage, history_file({MUM: record()}))
    client = await hass_ws_client(hass)
    await subscribe_to_cards(client)
    await hass.services.async_call(
        DOMAIN, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-15"}, blocking=True
    )
    await hass.async_block_till_done()
    (card,) = await next_cards(client)
    assert card["expiry_date"] == "2027-06-15"
    assert card["days_left"] == 205


# ---------------------------------------------------------------------------------------------
# Self-renewal and the undone roll, against the history's expiry.
# ---------------------------------------------------------------------------------------------


def undone(roll_undone: str) -> dict[str, Any]:
    """Return a record at 31 October 2026 whose undone roll restored `roll_undone`."""
    return record(
        expiry="2026-10-31",
        history=[{**RENEWAL, "old_expiry": "2026-06-30", "new_expiry": "2026-10-31"}],
        reminders={
            "deadline": "2026-10-31",
            "fired": [],
            "expired_for": None,
            "snoozed_until": None,
            "roll_undone": roll_undone,
        },
    )


async def test_an_undone_roll_of_the_settings_expiry_does_not_stop_the_ledger_rolling(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The undone roll was from 30 June; the history stands at 31 October: it rolls on."""
    entry = await start(hass, hass_storage, history_file({MUM: undone("2026-06-30")}), auto_card())
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2026-11-30"


async def test_an_undone_roll_of_the_ledger_expiry_stops_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The undone roll restored 31 October, the history's: it does not roll again."""
    entry = await start(hass, hass_storage, history_file({MUM: undone("2026-10-31")}), auto_card())
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2026-10-31"
    assert [k for k, _ in kinds(entry)] == ["renewal"]


async def test_the_ledger_anchor_wins_over_the_settings_anchor(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Corrected to 28 February with no day kept: the settings' 31st does not come back."""
    freezer.move_to("2027-02-10T04:00:00+00:00")
    monthly = monthly_card("2027-01-31", anchor_day=31)
    correction = {
        "kind": "correction",
        "at": "2027-02-01T02:00:00+00:00",
        "source": "action",
        "old_expiry": "2027-01-31",
        "new_expiry": "2027-02-28",
    }
    stored = record(expiry="2027-02-28", anchor_day=None, history=[correction])
    entry = await start(hass, hass_storage, history_file({MUM: stored}), monthly)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    assert expiry_of(entry, MUM) == "2027-03-28"


async def test_a_renewal_dated_the_card_s_today_while_home_assistant_is_still_on_yesterday(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """00:30 on 28 March in Hong Kong, 16:30 on the 27th in London: the 28th is today."""
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2027-03-27T16:30:00+00:00")
    stored = record(expiry="2027-03-28", history=[{**RENEWAL, "new_expiry": "2027-03-28"}])
    entry = await start(hass, hass_storage, history_file({MUM: stored}))
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, "date": "2027-03-28"}, blocking=True
    )
    # 180 days from the renewal.
    assert expiry_of(entry, MUM) == "2027-09-24"
    assert entry.runtime_data.records[MUM]["last_activity"] == "2027-03-28"


async def test_a_card_in_london_over_its_own_dst_change_with_home_assistant_in_hong_kong(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """London's 28 March 2027 has 23 hours: the card's day ends at 23:00 UTC."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2027-03-27T23:30:00+00:00")  # 23:30 GMT on the 27th
    stored = record(expiry="2027-03-28", history=[{**RENEWAL, "new_expiry": "2027-03-28"}])
    card = subentry(MUM, time_zone="Europe/London", grace_days=0)
    await start(hass, hass_storage, history_file({MUM: stored}), card)
    assert hass.states.get(DAYS).state == "1"
    await move_to(hass, freezer, "2027-03-28T00:00:05+00:00")
    assert hass.states.get(DAYS).state == "0"
    await move_to(hass, freezer, "2027-03-28T22:59:00+00:00")  # 23:59 BST
    assert hass.states.get(STATUS).state != "expired"
    await move_to(hass, freezer, "2027-03-28T23:00:05+00:00")  # 00:00 BST on the 29th
    assert hass.states.get(DAYS).state == "-1"
    assert hass.states.get(STATUS).state == "expired"


async def test_2_2_settings_edited_by_hand_without_zeros_agree_with_the_history(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings "2027-5-30" are the history's 2027-05-30: no correction is made up."""
    entry = await start(
        hass,
        hass_storage,
        history_file({MUM: old_record()}, minor=2),
        subentry(MUM, expiry_date="2027-5-30"),
    )
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]


@pytest.mark.xfail(
    strict=True,
    reason="a missing history file is read as an empty one (store.async_load_safely returns no "
    "cards): every card of a household that ran since 2.3 silently falls back to the expiry it "
    "was added with, with no repair or log saying the history is gone",
)
async def test_a_lost_history_file_is_reported_not_silently_replaced(
    hass: HomeAssistant, hass_storage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Renewed since it was added, then its history file went: the user must be told."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    from custom_components.simrenew.ledger import forget_ledger  # noqa: PLC0415

    forget_ledger(hass, entry.entry_id)  # as after a restart
    del hass_storage[KEY]
    Path(hass.config.path(".storage", KEY)).unlink()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    told = issues(hass) or [
        r for r in caplog.records if r.levelname in {"WARNING", "ERROR"} and "histor" in r.message
    ]
    assert told


async def lapsed_household(hass: HomeAssistant, hass_storage: dict[str, Any]) -> MockConfigEntry:
    """Return a household whose history corrected the card to 10 November (settings: May)."""
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    assert await async_setup_component(hass, "repairs", {})
    correction = {
        "kind": "correction",
        "at": "2026-11-11T02:00:00+00:00",
        "source": "action",
        "old_expiry": LEDGER_EXPIRY,
        "new_expiry": "2026-11-10",
    }
    stored = record(expiry="2026-11-10", history=[correction])
    return await start(
        hass, hass_storage, history_file({MUM: stored}), subentry(MUM, expiry_date=LEDGER_EXPIRY)
    )


async def test_the_repair_of_a_lapsed_card_is_raised_and_fixed_from_the_ledger(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """In grace by the history: the repair names its days and suggests its expiry."""
    from homeassistant.components.repairs import repairs_flow_manager  # noqa: PLC0415

    entry = await lapsed_household(hass, hass_storage)
    assert hass.states.get(STATUS).state == "grace_period"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"lapsed_{MUM}")
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": "Mum's CMHK",
        "deadline": "10 Nov 2026",
        "grace_end": "10 Dec 2026",
    }
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{MUM}"})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "new_expiry"})
    suggested = {
        str(key): key.description for key in result["data_schema"].schema if key.description
    }
    assert "2027" not in json.dumps(suggested, default=str)
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2027-01-31"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-01-31"
    assert kinds(entry)[-1] == ("correction", "repair")
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"lapsed_{MUM}") is None


async def test_the_repair_s_renewal_renews_from_the_ledger(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The repair's "renewed" step previews and records from the history's 10 November."""
    from homeassistant.components.repairs import repairs_flow_manager  # noqa: PLC0415

    entry = await lapsed_household(hass, hass_storage)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{MUM}"})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "renewed"})
    placeholders = result["description_placeholders"]
    assert placeholders["old_expiry"] == "10 Nov 2026"
    assert placeholders["new_expiry"] == "21 May 2027"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-05-21"


async def todo_items(hass: HomeAssistant) -> list[tuple[str, str]]:
    """Return the renewals to-do list's (summary, due) pairs."""
    todo = "todo.sim_renew_renewals"
    items = await hass.services.async_call(
        "todo", "get_items", {"entity_id": todo}, blocking=True, return_response=True
    )
    assert items is not None
    return [(item["summary"], item.get("due")) for item in items[todo]["items"]]


async def test_the_to_do_list_is_due_by_the_ledger_and_ticking_renews_from_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Due on the history's 25 November though the settings say May; ticked, renewed once."""
    far = subentry(MUM, expiry_date=LEDGER_EXPIRY)
    correction = {
        "kind": "correction",
        "at": "2026-11-21T02:00:00+00:00",
        "source": "action",
        "old_expiry": LEDGER_EXPIRY,
        "new_expiry": "2026-11-25",
    }
    stored = record(expiry="2026-11-25", history=[correction])
    entry = await start(hass, hass_storage, history_file({MUM: stored}), far)
    assert await todo_items(hass) == [("Renew Mum's CMHK", "2026-11-25")]
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": "todo.sim_renew_renewals", "item": "Renew Mum's CMHK", "status": "completed"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert kinds(entry)[-1] == ("renewal", "todo")
    last = entry.runtime_data.records[MUM]["history"][-1]
    assert (last["old_expiry"], last["new_expiry"]) == ("2026-11-25", "2027-05-21")


async def test_the_to_do_list_is_empty_when_only_the_settings_are_due(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Settings say 25 November; the history renewed to May: nothing to do."""
    near = subentry(MUM, expiry_date="2026-11-25")
    stored = record(history=[{**RENEWAL, "old_expiry": "2026-11-25"}])
    await start(hass, hass_storage, history_file({MUM: stored}), near)
    assert await todo_items(hass) == []
    assert hass.states.get("todo.sim_renew_renewals").state == "0"


async def test_reconfigure_mends_a_card_whose_stored_expiry_is_unreadable(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The expiry was edited to "someday": typing a real one in Reconfigure mends the card."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), broken, subentry(DAD, **DAD_FIELDS)
    )
    assert MUM not in entry.runtime_data.configs
    result = await reconfigure(hass, entry)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date=LEDGER_EXPIRY)
    )
    await hass.async_block_till_done()
    assert result.get("reason") == "reconfigure_successful", result.get("errors")
    assert MUM in entry.runtime_data.configs
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert hass.states.get(DATE).state == LEDGER_EXPIRY


async def test_reconfigure_mends_an_unreadable_card_with_another_expiry_as_a_correction(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Typed unlike the history's: the mended card takes it, and the history says so once."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), broken, subentry(DAD, **DAD_FIELDS)
    )
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == LEDGER_EXPIRY
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-08-08")
    )
    await hass.async_block_till_done()
    assert result.get("reason") == "reconfigure_successful", result.get("errors")
    assert entry.subentries[MUM].data["expiry_date"] == "2027-08-08"
    assert expiry_of(entry, MUM) == "2027-08-08"
    assert kinds(entry) == [("renewal", "button"), ("correction", "reconfigure")]
    last = entry.runtime_data.records[MUM]["history"][-1]
    assert (last["old_expiry"], last["new_expiry"]) == (LEDGER_EXPIRY, "2027-08-08")
    assert hass.states.get(DATE).state == "2027-08-08"
    await restart(hass, entry)
    assert expiry_of(entry, MUM) == "2027-08-08"
    assert len(kinds(entry)) == 2


async def test_reconfigure_mending_a_card_whose_history_cannot_be_written_changes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The disk refuses: the form says the expiry was not recorded; the record keeps its own."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), broken, subentry(DAD, **DAD_FIELDS)
    )
    hub = entry.runtime_data
    result = await reconfigure(hass, entry)
    with patch.object(hub.ledger.store, "async_save", side_effect=OSError("disk full")):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-08-08")
        )
    assert result["errors"] == form_errors(expiry_date="expiry_not_recorded")
    assert hub.records[MUM]["expiry"] == LEDGER_EXPIRY
    assert entry.subentries[MUM].data["expiry_date"] == "someday"


async def test_reconfigure_mends_an_unreadable_card_that_never_had_a_history(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Unreadable since it was added: the mended card starts its history with the typed date."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(hass, hass_storage, None, broken, subentry(DAD, **DAD_FIELDS))
    assert MUM not in entry.runtime_data.records
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == "someday"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-08-08")
    )
    await hass.async_block_till_done()
    assert result.get("reason") == "reconfigure_successful", result.get("errors")
    assert expiry_of(entry, MUM) == "2027-08-08"
    assert kinds(entry) == []


async def test_reconfigure_mends_an_unreadable_card_while_the_household_is_off(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Off, the form shows the file's expiry; saved as shown, the card is readable again."""
    broken = subentry(MUM, expiry_date="someday")
    entry = await start(
        hass, hass_storage, history_file({MUM: record()}), broken, subentry(DAD, **DAD_FIELDS)
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == LEDGER_EXPIRY
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date=LEDGER_EXPIRY)
    )
    await hass.async_block_till_done()
    assert result.get("reason") == "reconfigure_successful", result.get("errors")
    assert entry.subentries[MUM].data["expiry_date"] == LEDGER_EXPIRY
    await restart(hass, entry)
    assert MUM in entry.runtime_data.configs
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == [("renewal", "button")]


@pytest.mark.parametrize("stored", [None, {"version": 9, "minor_version": 1, "key": KEY}])
async def test_reconfigure_with_the_household_off_and_no_readable_file_shows_the_settings(
    hass: HomeAssistant, hass_storage: dict[str, Any], stored: dict[str, Any] | None
) -> None:
    """No file, or one of a newer release: the form shows the settings' expiry, and writes none."""
    entry = await start(hass, hass_storage, history_file({MUM: record()}))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass_storage.pop(KEY)
    if stored is not None:
        hass_storage[KEY] = {**stored, "data": {"cards": {MUM: record()}}}
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == ADDED_EXPIRY
    assert hass_storage.get(KEY) == (
        None if stored is None else {**stored, "data": {"cards": {MUM: record()}}}
    )


@pytest.mark.parametrize("hand_edited", ["1950-06-01", "3500-01-01"])
async def test_a_hand_edited_settings_expiry_outside_the_file_s_range_is_not_written_as_damage(
    hass: HomeAssistant, hass_storage: dict[str, Any], hand_edited: str
) -> None:
    """The hub must not write an expiry into the history that it reads back as damaged."""
    entry = await start(hass, hass_storage, None, subentry(MUM, expiry_date=hand_edited))
    assert hass_storage[KEY]["data"]["cards"][MUM]["expiry"] == hand_edited
    path = Path(hass.config.path(".storage", KEY))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(hass_storage[KEY]))
    await restart(hass, entry)
    assert "damaged_history" not in issues(hass)


async def test_a_restart_after_several_periods_keeps_the_first_unconfirmed_roll_standing(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """One roll waited before the stop; two more periods pass: the first standing expiry stays."""
    freezer.move_to("2026-12-05T04:00:00+00:00")
    first = october_roll()
    stored = record(
        expiry="2026-10-31",
        history=[first],
        reminders={
            "deadline": "2026-09-30",
            "fired": [],
            "expired_for": None,
            "snoozed_until": None,
            "confirm": {
                "renewal": first["at"],
                "due": "2026-10-02",
                "fired": True,
                "standing": "2026-09-30",
            },
        },
    )
    entry = await start(hass, hass_storage, history_file({MUM: stored}), auto_card())
    await hass.async_block_till_done()
    rolled = [e["new_expiry"] for e in entry.runtime_data.records[MUM]["history"]]
    assert rolled == ["2026-10-31", "2026-11-30", "2026-12-31"]
    assert expiry_of(entry, MUM) == "2026-12-31"
    confirm = entry.runtime_data.records[MUM]["reminders"]["confirm"]
    assert confirm["standing"] == "2026-09-30"
    # Confirming settles every roll at once, at the history's expiry.
    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    history = entry.runtime_data.records[MUM]["history"]
    assert all(e.get("confirmed") for e in history)
    assert expiry_of(entry, MUM) == "2026-12-31"
    assert hass.states.get(STATUS).state == "active"


async def test_a_2_2_file_whose_settings_missed_an_undo_completes_it(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Renewed to May, undone to December; the settings still say May: December it is."""
    undo = {
        "kind": "undo",
        "at": "2026-11-21T02:00:00+00:00",
        "source": "button",
        "old_expiry": LEDGER_EXPIRY,
        "new_expiry": ADDED_EXPIRY,
    }
    stored = history_file({MUM: old_record(history=[copy.deepcopy(RENEWAL), undo])}, minor=2)
    entry = await start(hass, hass_storage, stored, subentry(MUM, expiry_date=LEDGER_EXPIRY))
    assert expiry_of(entry, MUM) == ADDED_EXPIRY
    assert [k for k, _ in kinds(entry)] == ["renewal", "undo"]


async def test_the_expired_event_fires_on_the_ledger_deadline_only(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings end today; the history ends tomorrow: no event tonight, one the night after."""
    near = subentry(MUM, expiry_date="2026-11-22", grace_days=0)
    correction = {
        "kind": "correction",
        "at": "2026-11-21T02:00:00+00:00",
        "source": "action",
        "old_expiry": "2026-11-22",
        "new_expiry": "2026-11-23",
    }
    stored = record(expiry="2026-11-23", history=[correction])
    await start(hass, hass_storage, history_file({MUM: stored}), near)
    expired: list[Any] = []
    hass.bus.async_listen("simrenew_expired", expired.append)
    await move_to(hass, freezer, "2026-11-22T16:00:05+00:00")  # 23 November in Hong Kong
    assert expired == []
    assert hass.states.get(DAYS).state == "0"
    await move_to(hass, freezer, "2026-11-23T16:00:05+00:00")  # 24 November
    assert len(expired) == 1
    assert expired[0].data["expiry_date"] == "2026-11-23"


async def test_a_damaged_expiry_and_a_damaged_old_entry_keep_the_last_recorded_expiry(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """1 Dec -> 30 May (damaged) -> 26 Nov 2027: the card expires on 26 November 2027."""
    damaged = {**RENEWAL, "amount": "fifty"}
    second = {
        **RENEWAL,
        "at": "2026-11-21T02:00:00+00:00",
        "old_expiry": LEDGER_EXPIRY,
        "new_expiry": "2027-11-26",
    }
    stored = record(expiry="2027-02-30", history=[damaged, second])
    entry = await start(hass, hass_storage, history_file({MUM: stored}))
    assert "damaged_history" in issues(hass)
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert [k for k, _ in kinds(entry)] == ["renewal"]


@pytest.mark.parametrize("history", [None, "lost", {"0": RENEWAL}, [None, 7, "x"]])
async def test_a_damaged_history_list_leaves_the_recorded_expiry_standing(
    hass: HomeAssistant, hass_storage: dict[str, Any], history: Any
) -> None:
    """The history's entries are unreadable, its expiry is not: the expiry stands."""
    entry = await start(hass, hass_storage, history_file({MUM: record(history=history)}))
    assert "damaged_history" in issues(hass)
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert kinds(entry) == []
    assert shown(hass)[0] == LEDGER_EXPIRY


async def test_a_2_2_self_renewing_card_lagging_its_history_rolls_on_without_repeating(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Settings at 30 Sep, one roll to 31 Oct recorded, stopped till December: two more rolls."""
    freezer.move_to("2026-12-05T04:00:00+00:00")
    first = october_roll()
    reminders = {
        "deadline": "2026-09-30",
        "fired": [],
        "expired_for": None,
        "snoozed_until": None,
        "confirm": {"renewal": first["at"], "due": "2026-10-02", "fired": True},
    }
    stored = history_file({MUM: old_record(history=[first], reminders=reminders)}, minor=2)
    entry = await start(hass, hass_storage, stored, auto_card(expiry_date="2026-09-30"))
    await hass.async_block_till_done()
    steps = [(e["old_expiry"], e["new_expiry"]) for e in entry.runtime_data.records[MUM]["history"]]
    assert steps == [
        ("2026-09-30", "2026-10-31"),
        ("2026-10-31", "2026-11-30"),
        ("2026-11-30", "2026-12-31"),
    ]
    assert expiry_of(entry, MUM) == "2026-12-31"
    # The standing expiry of a file without one is the first waiting renewal's old expiry.
    assert entry.runtime_data.ledger.standing_expiry(MUM) == date(2026, 9, 30)


YEARLY = {"name": "Yearly", "renewal_period": 12, "renewal_period_unit": "months"}


async def test_reconfigure_through_the_plan_question_records_the_expiry_once_at_the_end(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Two plans: the form asks which is the default first; the correction comes after, once."""
    card = subentry(MUM, plans=[{**YEARLY, "renewal_cost": 388.0}])
    entry = await start(hass, hass_storage, history_file({MUM: record()}), card)
    result = await reconfigure(hass, entry)
    assert suggested_expiry(result) == LEDGER_EXPIRY
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-06-15")
    )
    assert result.get("step_id") == "default_plan", result
    # Nothing recorded while the question is open: closing the form leaves all as it was.
    assert kinds(entry) == [("renewal", "button")]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"default_plan": "Yearly"}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert kinds(entry) == [("renewal", "button"), ("correction", "reconfigure")]
    assert expiry_of(entry, MUM) == "2027-06-15"
    assert entry.subentries[MUM].data["default_plan"] == "Yearly"
    assert entry.subentries[MUM].data["expiry_date"] == ADDED_EXPIRY


async def test_reconfigure_abandoned_at_the_plan_question_records_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The user closes the form at the plan question: no correction, no settings change."""
    card = subentry(MUM, plans=[{**YEARLY, "renewal_cost": 388.0}])
    entry = await start(hass, hass_storage, history_file({MUM: record()}), card)
    before = dict(entry.subentries[MUM].data)
    result = await reconfigure(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**MUM_FORM, expiry_date="2027-06-15")
    )
    assert result.get("step_id") == "default_plan"
    hass.config_entries.subentries.async_abort(result["flow_id"])
    await hass.async_block_till_done()
    assert kinds(entry) == [("renewal", "button")]
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
    assert dict(entry.subentries[MUM].data) == before


@pytest.mark.parametrize("anchor", [True, 0, 32, "31", 31.5, None, 31])
async def test_a_settings_anchor_day_of_any_shape_is_adopted_readably(
    hass: HomeAssistant, hass_storage: dict[str, Any], anchor: Any
) -> None:
    """Whatever the settings hold as the monthly day, the history gets one it reads back."""
    card = subentry(
        MUM,
        expiry_date=LEDGER_EXPIRY,
        anchor_day=anchor,
        renewal_period=1,
        renewal_period_unit="months",
    )
    entry = await start(hass, hass_storage, history_file({MUM: old_record()}, minor=2), card)
    saved = hass_storage[KEY]["data"]["cards"][MUM]
    assert saved["expiry"] == LEDGER_EXPIRY
    assert saved["anchor_day"] is None or (
        type(saved["anchor_day"]) is int and 1 <= saved["anchor_day"] <= 31
    )
    path = Path(hass.config.path(".storage", KEY))
    path.write_text(json.dumps(hass_storage[KEY]))
    await restart(hass, entry)
    assert "damaged_history" not in issues(hass)
    assert expiry_of(entry, MUM) == LEDGER_EXPIRY
