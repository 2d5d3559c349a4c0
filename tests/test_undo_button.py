"""The undo button beside Renew: it takes back what undo_renewal takes back, and only that."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN, EVENT_UNDONE
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import HUB_OPTIONS, card_subentry, expiry_of, setup_entry

MUM = "mum_s_cmhk"
SPARE = "mum_s_spare"
UNDO = f"button.{MUM}_undo_renewal"
# What differs between two cards that lived the same life: who they are and when.
OWN_FIELDS = ("at", "card_id", "device_id", "name")


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong on 22 November 2026 at noon."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def household(hass: HomeAssistant) -> MockConfigEntry:
    """Return a loaded hub with Mum's card and a spare card set up the same way."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(), card_subentry(name="Mum's spare")],
    )
    await setup_entry(hass, entry)
    return entry


def card_of(entry: MockConfigEntry, title: str) -> str:
    """Return the id of the card with this title."""
    return next(sid for sid, sub in entry.subentries.items() if sub.title == title)


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and let what it changed settle."""
    await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)
    await hass.async_block_till_done()


def without_own_fields(value: Any) -> Any:
    """Return a record or event with the fields that name the card or the instant left out."""
    if isinstance(value, dict):
        return {k: without_own_fields(v) for k, v in value.items() if k not in OWN_FIELDS}
    if isinstance(value, list):
        return [without_own_fields(item) for item in value]
    return value


async def test_the_undo_button_does_what_the_action_does(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two cards renewed twice alike, one undone by the button and one by the action, agree."""
    entry = await household(hass)
    mum, spare = card_of(entry, "Mum's CMHK"), card_of(entry, "Mum's spare")
    undone = async_capture_events(hass, EVENT_UNDONE)
    for _ in range(2):
        await press(hass, f"button.{MUM}_renew")
        await press(hass, f"button.{SPARE}_renew")
        freezer.tick(60)
    assert hass.states.get(f"binary_sensor.{MUM}_renewal_to_confirm").state == "on"
    for _ in range(2):
        await press(hass, UNDO)
        await hass.services.async_call(
            DOMAIN, "undo_renewal", {"entity_id": f"sensor.{SPARE}_status"}, blocking=True
        )
        await hass.async_block_till_done()

    records = entry.runtime_data.records
    assert [e["kind"] for e in records[mum]["history"]] == ["undo", "undo"]
    assert without_own_fields(records[mum]) == without_own_fields(records[spare])
    assert expiry_of(entry, mum) == "2026-12-01"
    assert expiry_of(entry, spare) == "2026-12-01"
    assert [event.data["card_id"] for event in undone] == [mum, spare, mum, spare]
    assert without_own_fields(undone[0].data) == without_own_fields(undone[1].data)
    assert without_own_fields(undone[2].data) == without_own_fields(undone[3].data)
    for name in ("status", "valid_until", "last_renewed"):
        mine, theirs = (hass.states.get(f"sensor.{card}_{name}") for card in (MUM, SPARE))
        assert mine is not None
        assert theirs is not None
        assert mine.state == theirs.state
        assert {**mine.attributes, "friendly_name": ""} == {
            **theirs.attributes,
            "friendly_name": "",
        }
    assert hass.states.get(f"binary_sensor.{MUM}_renewal_to_confirm").state == "off"


async def test_the_undo_button_says_when_nothing_is_left_and_changes_nothing(
    hass: HomeAssistant,
) -> None:
    """With no renewal behind the expiry, a press is refused as the action refuses it."""
    entry = await household(hass)
    mum = card_of(entry, "Mum's CMHK")
    records = entry.runtime_data.records

    async def refused() -> None:
        before = (list(records[mum]["history"]), dict(entry.subentries[mum].data))
        with pytest.raises(ServiceValidationError) as err:
            await press(hass, UNDO)
        assert err.value.translation_domain == DOMAIN
        assert err.value.translation_key == "nothing_to_undo"
        assert err.value.translation_placeholders == {"name": "Mum's CMHK"}
        assert (records[mum]["history"], dict(entry.subentries[mum].data)) == before

    await refused()
    await press(hass, f"button.{MUM}_renew")
    # Confirmed, the renewal still set the expiry: it can still be taken back.
    await press(hass, f"button.{MUM}_confirm_renewal")
    await press(hass, UNDO)
    assert expiry_of(entry, mum) == "2026-12-01"
    await refused()
    await press(hass, f"button.{MUM}_renew")
    # A date set by hand is not a renewal: there is nothing to undo behind it.
    await hass.services.async_call(
        "date",
        "set_value",
        {"entity_id": f"date.{MUM}_expiry_date", "date": "2027-06-01"},
        blocking=True,
    )
    await hass.async_block_till_done()
    await refused()
    spare = card_of(entry, "Mum's spare")
    assert records[spare]["history"] == []


async def test_the_undo_button_never_comes_and_goes(hass: HomeAssistant) -> None:
    """Renewals, confirmations and undos leave the button available: the logbook stays quiet.

    A button that went unavailable whenever nothing could be undone would write a line into
    the card's logbook each time it went and came back.
    """
    await household(hass)
    assert hass.states.get(UNDO).state == "unknown"
    written = async_capture_events(hass, EVENT_STATE_CHANGED)

    def changes() -> list[Event]:
        return [event for event in written if event.data["entity_id"] == UNDO]

    await press(hass, f"button.{MUM}_renew")
    await press(hass, f"button.{MUM}_confirm_renewal")
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": f"sensor.{MUM}_status"}, blocking=True
    )
    await hass.async_block_till_done()
    await press(hass, f"button.{MUM}_renew")
    await hass.services.async_call(
        DOMAIN,
        "set_expiry",
        {"entity_id": f"sensor.{MUM}_status", "expiry_date": "2027-06-01"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert changes() == []
    with pytest.raises(ServiceValidationError):
        await press(hass, UNDO)
    await hass.async_block_till_done()
    # Only the press itself is written, as for any button.
    (pressed,) = changes()
    assert pressed.data["new_state"].state not in (STATE_UNAVAILABLE, "unknown")
