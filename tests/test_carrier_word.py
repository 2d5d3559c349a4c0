"""The carrier's word: no tap or undo silences a real deadline, and carrier messages settle it."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .conftest import HUB_OPTIONS, card_subentry, expiry_of, move_to, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
# A Hong Kong card that expires on 6 May 2027, with 30 days of grace.
MAY_CARD: dict[str, Any] = {"expiry_date": "2027-05-06", "grace_days": 30}


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in a Hong Kong home on the morning of 1 May 2027."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2027-05-01T02:00:00+00:00")


async def hub(hass: HomeAssistant, **changes: Any) -> MockConfigEntry:
    """Return a loaded hub with Mum's card."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(**{**MAY_CARD, **changes})],
    )
    await setup_entry(hass, entry)
    return entry


def only_card(entry: MockConfigEntry) -> str:
    """Return the hub's only card."""
    return next(iter(entry.subentries))


def history(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return the card's history."""
    records: dict[str, Any] = entry.runtime_data.records
    return list(records[only_card(entry)]["history"])


def deadline_reminders(events: list[Event]) -> list[dict[str, Any]]:
    """Return the deadline and grace reminders fired, oldest first."""
    return [event.data for event in events if event.data["kind"] in ("deadline", "grace")]


async def press_renewed(hass: HomeAssistant) -> None:
    """Record a renewal with one tap, as the phone's or the device page's button does."""
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()


async def test_an_unconfirmed_tap_leaves_the_old_deadline_and_its_grace_reminding(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, issue_registry: ir.IssueRegistry
) -> None:
    """Renewed on 1 May by a tap that never reached the carrier: 3, 5, 6 May and grace remind."""
    entry = await hub(hass)
    events = async_capture_events(hass, "simrenew_reminder")
    lost = async_capture_events(hass, "simrenew_expired")
    await press_renewed(hass)
    # 1 May + 180 days, recorded; the days left follow the recorded expiry, the deadline not.
    assert expiry_of(entry, only_card(entry)) == "2027-10-28"
    assert hass.states.get("sensor.mum_s_cmhk_days_until_expiry").state == "180"
    status = hass.states.get(STATUS)
    assert status.state == "expiring_soon"
    assert status.attributes["deadline"] == "2027-05-06"
    assert status.attributes["recorded_expiry"] == "2027-10-28"
    assert hass.states.get("binary_sensor.mum_s_cmhk_renewal_due").state == "on"

    await move_to(hass, freezer, "2027-05-02T01:00:00+00:00")
    assert [event.data["kind"] for event in events] == ["confirm"]
    for day, stage in (("03", 3), ("05", 1), ("06", 0)):
        await move_to(hass, freezer, f"2027-05-{day}T01:00:00+00:00")
        reminder = deadline_reminders(events)[-1]
        assert reminder["stage"] == stage
        assert reminder["kind"] == "deadline"
        assert reminder["deadline"] == "2027-05-06"
        assert reminder["unconfirmed"] is True
        assert reminder["recorded_expiry"] == "2027-10-28"
    # The confirm request came again each morning (4 May, skipped here, is asked once on 5 May).
    assert [event.data["kind"] for event in events].count("confirm") == 4

    # Past the old deadline: the grace period's reminders, and a repair that offers the ways out.
    await move_to(hass, freezer, "2027-05-07T01:00:00+00:00")
    grace = deadline_reminders(events)[-1]
    assert (grace["kind"], grace["stage"], grace["grace_end"]) == ("grace", -1, "2027-06-05")
    assert grace["unconfirmed"] is True
    assert hass.states.get(STATUS).state == "grace_period"
    (issue,) = [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
    assert issue.translation_key == "card_in_grace_unconfirmed"
    await move_to(hass, freezer, "2027-06-05T01:00:00+00:00")
    assert deadline_reminders(events)[-1]["stage"] == -30
    assert lost == []
    # Nobody confirmed and nobody topped up: the number is lost, and it says so.
    await move_to(hass, freezer, "2027-06-05T16:00:00+00:00")
    (expired,) = lost
    assert expired.data["unconfirmed"] is True
    assert hass.states.get(STATUS).state == "expired"


async def test_confirming_on_the_second_day_leaves_only_the_new_expiry(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Confirmed on 2 May, nothing about 6 May comes again."""
    await hub(hass)
    events = async_capture_events(hass, "simrenew_reminder")
    await press_renewed(hass)
    await move_to(hass, freezer, "2027-05-02T01:00:00+00:00")
    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "active"
    assert hass.states.get(STATUS).attributes["recorded_expiry"] is None
    await move_to(hass, freezer, "2027-05-07T01:00:00+00:00")
    assert [event.data["kind"] for event in events] == ["confirm"]


async def test_a_second_tap_keeps_the_first_deadline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two unconfirmed taps: the deadline before either of them stands; one undo keeps it."""
    entry = await hub(hass, renewal_mode="extend_expiry")
    await press_renewed(hass)
    await press_renewed(hass)
    status = hass.states.get(STATUS)
    assert status.attributes["deadline"] == "2027-05-06"
    assert status.attributes["recorded_expiry"] == "2028-04-30"
    await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    status = hass.states.get(STATUS)
    assert status.attributes["deadline"] == "2027-05-06"
    assert status.attributes["recorded_expiry"] == "2027-11-02"
    assert status.attributes["unconfirmed"] is True
    await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    status = hass.states.get(STATUS)
    assert status.attributes["unconfirmed"] is False
    assert status.attributes["recorded_expiry"] is None
    assert expiry_of(entry, only_card(entry)) == "2027-05-06"


async def test_an_undone_automatic_renewal_stays_undone(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The payment failed and the roll-forward is taken back: the card does not roll again."""
    entry = await hub(
        hass,
        auto_renew=True,
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="extend_expiry",
        grace_days=5,
    )
    card_id = only_card(entry)
    events = async_capture_events(hass, "simrenew_reminder")
    await move_to(hass, freezer, "2027-05-06T16:00:00+00:00")
    assert expiry_of(entry, card_id) == "2027-06-06"
    await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert expiry_of(entry, card_id) == "2027-05-06"
    # A day later it has still not renewed itself again: it counts as not renewed.
    await move_to(hass, freezer, "2027-05-08T01:00:00+00:00")
    await hass.async_block_till_done()
    assert expiry_of(entry, card_id) == "2027-05-06"
    assert [entry["kind"] for entry in history(entry)] == ["undo"]
    assert hass.states.get(STATUS).state == "grace_period"
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    grace = deadline_reminders(events)[-1]
    assert (grace["kind"], grace["stage"]) == ("grace", -2)
    # Renewed by hand, it renews itself again at the end of the new expiry.
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, "new_expiry": "2027-06-06"}, blocking=True
    )
    await move_to(hass, freezer, "2027-06-06T16:00:00+00:00")
    assert expiry_of(entry, card_id) == "2027-07-06"
