"""A household stored before 2.3 moves its cards' expiry into the history with nothing lost.

The stored files (tests/fixtures/household_2_2.json) are what a release before 2.3 wrote: the
card's settings held its current expiry, and the history followed them a moment later.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant

from .conftest import HUB_OPTIONS, expiry_of

STORED = json.loads((Path(__file__).parent / "fixtures" / "household_2_2.json").read_text())
MUM, DAD, SPARE = STORED["subentries"]
KEY = STORED["history"]["key"]


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Two days after the last change the file holds."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def stored_entry() -> MockConfigEntry:
    """Return the household's entry as it was stored, its cards with their expiry."""
    subentries: list[ConfigSubentryData] = [
        {
            "subentry_type": SUBENTRY_CARD,
            "subentry_id": card_id,
            "data": data,
            "title": data["name"],
            "unique_id": None,
        }
        for card_id, data in copy.deepcopy(STORED["subentries"]).items()
    ]
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=STORED["entry_id"],
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=subentries,
    )


async def start(hass: HomeAssistant, hass_storage: dict[str, Any]) -> MockConfigEntry:
    """Load the stored household as a release from 2.3 on finds it."""
    hass_storage[KEY] = copy.deepcopy(STORED["history"])
    entry = stored_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def stored_record(card_id: str) -> dict[str, Any]:
    """Return a card's record as the old file held it."""
    record: dict[str, Any] = copy.deepcopy(STORED["history"]["data"]["cards"][card_id])
    return record


async def test_every_card_takes_its_expiry_into_the_history_with_nothing_lost(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Each record gains its card's expiry; every entry, balance and reminder stays as it was."""
    entry = await start(hass, hass_storage)
    records = entry.runtime_data.records
    # Settings and history agreed: the expiry is the settings'.
    assert expiry_of(entry, MUM) == "2027-05-30"
    # The history's correction never reached the settings: it is completed, not lost.
    assert expiry_of(entry, DAD) == "2027-02-10"
    # The settings were changed without a record: that change is recorded now.
    assert expiry_of(entry, SPARE) == "2027-02-28"
    assert records[SPARE]["anchor_day"] == 31
    for card_id in (MUM, DAD):
        kept = {key: value for key, value in records[card_id].items() if key != "reminders"}
        assert kept == {
            **{k: v for k, v in stored_record(card_id).items() if k != "reminders"},
            "expiry": expiry_of(entry, card_id),
            "anchor_day": None,
        }
    old, (correction,) = (records[SPARE]["history"][:1], records[SPARE]["history"][1:])
    assert old == stored_record(SPARE)["history"]
    assert correction == {
        "kind": "correction",
        "at": "2026-11-22T04:00:00+00:00",
        "source": "reconfigure",
        "old_expiry": "2026-11-30",
        "new_expiry": "2027-02-28",
    }
    assert records[MUM]["balance"] == stored_record(MUM)["balance"]
    # The entities show the history's expiry.
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2027-05-30"
    assert hass.states.get("date.dad_s_csl_expiry_date").state == "2027-02-10"
    assert hass.states.get("date.spare_esim_expiry_date").state == "2027-02-28"
    # Saved in the new layout, and the settings are as the user left them.
    saved = hass_storage[KEY]
    assert (saved["version"], saved["minor_version"]) == (2, 3)
    assert {card_id: saved["data"]["cards"][card_id]["expiry"] for card_id in (MUM, DAD)} == {
        MUM: "2027-05-30",
        DAD: "2027-02-10",
    }
    assert {
        card_id: (sub.data["expiry_date"], sub.data.get("anchor_day"))
        for card_id, sub in entry.subentries.items()
    } == {
        card_id: (data["expiry_date"], data.get("anchor_day"))
        for card_id, data in STORED["subentries"].items()
    }


async def test_after_the_move_a_renewal_writes_only_the_history_and_survives_a_restart(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """No renewal touches the card's settings, so none reloads the hub; a restart keeps it."""
    entry = await start(hass, hass_storage)
    hub = entry.runtime_data
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": "sensor.mum_s_cmhk_days_until_expiry", "new_expiry": "2027-11-26"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is hub
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert entry.subentries[MUM].data["expiry_date"] == "2027-05-30"
    history = copy.deepcopy(hub.records[MUM]["history"])

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert expiry_of(entry, MUM) == "2027-11-26"
    assert entry.runtime_data.records[MUM]["history"] == history
    # Adopted once: the settings' old expiry does not come back as a correction.
    assert [e["kind"] for e in entry.runtime_data.records[SPARE]["history"]] == [
        "renewal",
        "correction",
    ]
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2027-11-26"
