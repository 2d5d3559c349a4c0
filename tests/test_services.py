"""Tests for the actions: every path, every refusal, and concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)

from .conftest import card_subentry, device_of, expiry_of, setup_entry

DAYS = "sensor.mum_s_cmhk_days_until_expiry"
BUTTON = "button.mum_s_cmhk_renew"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.fixture
async def hub_entry(hass: HomeAssistant, mock_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the loaded hub with Mum's card (expires 2026-12-01, 180 days, 30 grace)."""
    await setup_entry(hass, mock_entry)
    return mock_entry


def card_id(entry: MockConfigEntry) -> str:
    """Return the id of the entry's first card."""
    return next(iter(entry.subentries))


def history(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return the first card's history."""
    return entry.runtime_data.records[card_id(entry)]["history"]  # type: ignore[return-value]


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call a simrenew action and wait for its effects."""
    result = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )
    await hass.async_block_till_done()
    return result


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_renew_by_entity_moves_expiry_and_records_receipt(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """A renewal applies the card's rule, keeps the receipt and fires an event."""
    events: list[Event] = async_capture_events(hass, "simrenew_renewed")
    response = await call(
        hass,
        "renew",
        {
            "entity_id": DAYS,
            "amount": 48,
            "channel": "app",
            "payment_method": "Alipay",
            "reference": "TX-1",
        },
        response=True,
    )
    # from_renewal: max(2026-12-01, 2026-11-22 + 180 days) = 2027-05-21
    assert response == {
        "cards": [
            {
                "card_id": card_id(hub_entry),
                "name": "Mum's CMHK",
                "old_expiry": "2026-12-01",
                "new_expiry": "2027-05-21",
                "plan": "180 days",
            }
        ]
    }
    assert expiry_of(hub_entry, card_id(hub_entry)) == "2027-05-21"
    assert hass.states.get(DAYS).state == "180"
    # Until the carrier's expiry is confirmed, the old deadline (9 days away) still stands.
    assert hass.states.get("binary_sensor.mum_s_cmhk_renewal_due").state == "on"
    assert hass.states.get("sensor.mum_s_cmhk_status").attributes["deadline"] == "2026-12-01"
    assert hass.states.get("sensor.mum_s_cmhk_last_renewed").state == "2026-11-22T04:00:00+00:00"
    assert hass.states.get("sensor.mum_s_cmhk_spent_in_the_last_365_days").state == "48.0"
    (entry,) = history(hub_entry)
    assert entry == {
        "kind": "renewal",
        "at": "2026-11-22T04:00:00+00:00",
        "source": "action",
        "date": "2026-11-22",
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-21",
        "amount": 48.0,
        "currency": "HKD",
        "channel": "app",
        "payment_method": "Alipay",
        "reference": "TX-1",
        "confirmed": False,
        "plan": "180 days",
    }
    (event,) = events
    device = device_of(hass, hub_entry, card_id(hub_entry))
    assert device is not None
    assert event.data == {
        "card_id": card_id(hub_entry),
        "device_id": device.id,
        "name": "Mum's CMHK",
        "expiry_date": "2027-05-21",
        "days_until_expiry": 180,
        "recorded_expiry": "2027-05-21",
        "deadline": "2026-12-01",
        "days_until_deadline": 9,
        "status": "expiring_soon",
        "deadline_reason": "expiry",
        # The standing deadline's grace: 30 days after 1 December.
        "grace_end": "2026-12-31",
        "unconfirmed": True,
        "renewal_url": None,
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-21",
        "amount": 48.0,
        "currency": "HKD",
        "channel": "app",
        "confirmed": False,
        "plan": "180 days",
    }
    # Confirmed, only the new expiry counts.
    await call(hass, "confirm_renewal", {"entity_id": DAYS})
    assert hass.states.get("binary_sensor.mum_s_cmhk_renewal_due").state == "off"
    assert hass.states.get("sensor.mum_s_cmhk_status").attributes["deadline"] == "2027-05-21"


async def test_renew_by_device_with_stated_expiry(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """The carrier's stated expiry wins; a past renewal date is accepted from the day added."""
    device = device_of(hass, hub_entry, card_id(hub_entry))
    assert device is not None
    await call(
        hass,
        "renew",
        {"device_id": device.id, "new_expiry": "2027-06-30", "currency": "hkd"},
    )
    assert expiry_of(hub_entry, card_id(hub_entry)) == "2027-06-30"
    (entry,) = history(hub_entry)
    assert entry["amount"] == 50.0  # the plan's cost
    assert entry["currency"] == "HKD"
    assert "reference" not in entry


async def test_button_renews_with_plan_defaults(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """The button records one period at the plan's cost, channel other, source button."""
    await hass.services.async_call("button", "press", {"entity_id": BUTTON}, blocking=True)
    await hass.async_block_till_done()
    (entry,) = history(hub_entry)
    assert entry["source"] == "button"
    assert entry["channel"] == "other"
    assert entry["amount"] == 50.0
    assert entry["new_expiry"] == "2027-05-21"


async def test_renew_modes(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """extend_expiry adds to the old expiry; reset counts from the renewal, even if shorter."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[
            card_subentry(
                name="Yearly",
                phone_number="+85290000001",
                expiry_date="2027-01-31",
                renewal_period=1,
                renewal_period_unit="months",
                renewal_mode="extend_expiry",
            ),
            card_subentry(
                name="Reset",
                phone_number="+85290000002",
                expiry_date="2027-12-31",
                renewal_period=30,
                renewal_mode="reset",
            ),
        ],
    )
    await setup_entry(hass, entry)
    response = await call(
        hass,
        "renew",
        {"entity_id": ["sensor.yearly_status", "sensor.reset_status"]},
        response=True,
    )
    assert [(c["name"], c["new_expiry"]) for c in response["cards"]] == [
        ("Yearly", "2027-02-28"),
        ("Reset", "2026-12-22"),
    ]


async def test_set_expiry_balance_and_activity(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """Corrections, balance and activity are recorded and shown."""
    await call(
        hass, "set_expiry", {"entity_id": DAYS, "expiry_date": "2027-03-01", "reference": "app"}
    )
    assert hass.states.get(DAYS).state == "99"
    await call(
        hass,
        "set_balance",
        {"entity_id": DAYS, "amount": 12.5, "as_of": "2026-11-22T10:00:00+08:00"},
    )
    balance = hass.states.get("sensor.mum_s_cmhk_balance")
    assert balance.state == "12.5"
    assert balance.attributes["unit_of_measurement"] == "HKD"
    await call(hass, "set_balance", {"entity_id": DAYS, "amount": 3, "currency": "cny"})
    balance = hass.states.get("sensor.mum_s_cmhk_balance")
    assert balance.state == "3.0"
    assert balance.attributes["unit_of_measurement"] == "CNY"

    await call(hass, "record_activity", {"entity_id": DAYS})
    await call(hass, "record_activity", {"entity_id": DAYS, "date": "2026-11-22"})
    assert hub_entry.runtime_data.records[card_id(hub_entry)]["last_activity"] == "2026-11-22"
    kinds = [(e["kind"], e["source"]) for e in history(hub_entry)]
    assert kinds == [
        ("correction", "action"),
        ("balance", "action"),
        ("balance", "action"),
        ("activity", "action"),
        ("activity", "action"),
    ]
    assert history(hub_entry)[0]["old_expiry"] == "2026-12-01"


async def test_activity_interval_sets_deadline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Recorded activity plus the interval can make the deadline earlier than expiry."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7]},
        subentries_data=[card_subentry(expiry_date="2027-06-01", activity_interval_days=5)],
    )
    await setup_entry(hass, entry)
    # Until a first use is recorded, the interval counts from the day the card was added.
    status = hass.states.get("sensor.mum_s_cmhk_status")
    assert status.state == "expiring_soon"
    assert status.attributes["deadline_reason"] == "activity"
    assert status.attributes["deadline"] == "2026-11-27"
    freezer.move_to("2026-11-25T04:00:00+00:00")
    await call(hass, "record_activity", {"entity_id": DAYS})
    listed = await call(hass, "list_cards", {}, response=True)
    assert listed["cards"][0]["deadline"] == "2026-11-30"
    assert listed["cards"][0]["deadline_reason"] == "activity"
    assert listed["cards"][0]["expiry_date"] == "2027-06-01"


async def test_list_cards_soonest_first(hass: HomeAssistant) -> None:
    """list_cards returns every card, soonest deadline first, without phone numbers."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[
            card_subentry(name="Later", phone_number="+85290000001", expiry_date="2027-03-01"),
            card_subentry(name="Sooner", phone_number="+85290000002", expiry_date="2026-11-25"),
        ],
    )
    await setup_entry(hass, entry)
    await call(hass, "set_balance", {"entity_id": "sensor.later_status", "amount": 20})
    listed = await call(hass, "list_cards", {}, response=True)
    assert [card["name"] for card in listed["cards"]] == ["Sooner", "Later"]
    sooner, later = listed["cards"]
    assert sooner["days_until_expiry"] == 3
    assert sooner["status"] == "expiring_soon"
    assert sooner["balance"] is None
    assert later["balance"] == 20.0
    assert later["balance_currency"] == "HKD"
    assert "9000000" not in str(listed)


BAD_CALLS = [
    ("renew", {"date": "2026-11-23"}, "date_in_future"),
    # Added on 22 November with a 180-day period: a renewal from 26 May on may be recorded.
    ("renew", {"date": "2026-05-25"}, "date_before_card"),
    ("renew", {"amount": -1}, "invalid_amount"),
    ("renew", {"currency": "XYZ"}, "invalid_currency"),
    ("renew", {"new_expiry": "2019-01-01"}, "expiry_out_of_range"),
    ("set_expiry", {"expiry_date": "2019-01-01"}, "expiry_out_of_range"),
    ("set_balance", {"amount": -3}, "invalid_amount"),
    ("set_balance", {"amount": 3, "currency": "DOGE"}, "invalid_currency"),
    ("set_balance", {"amount": 3, "as_of": "2026-11-23T10:00:00+08:00"}, "date_in_future"),
    ("record_activity", {"date": "2026-12-01"}, "date_in_future"),
    ("record_activity", {"date": "2025-01-01"}, "date_before_card"),
]


@pytest.mark.parametrize(("service", "data", "key"), BAD_CALLS)
async def test_bad_input_changes_nothing(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Bad input raises a translated error and changes neither settings nor history."""
    before = dict(hub_entry.subentries[card_id(hub_entry)].data)
    record = dict(hub_entry.runtime_data.records[card_id(hub_entry)])
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, {"entity_id": DAYS, **data})
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert "91234567" not in str(err.value.translation_placeholders)
    assert dict(hub_entry.subentries[card_id(hub_entry)].data) == before
    assert history(hub_entry) == []
    assert hub_entry.runtime_data.records[card_id(hub_entry)] == record


async def test_renew_without_period_needs_new_expiry(hass: HomeAssistant) -> None:
    """A card without a renewal period cannot guess its new expiry."""
    data = card_subentry()
    del data["data"]["renewal_period"]  # type: ignore[misc]
    entry = MockConfigEntry(domain=DOMAIN, data={}, options={}, subentries_data=[data])
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "renew", {"entity_id": DAYS})
    assert err.value.translation_key == "no_renewal_period"
    await call(hass, "renew", {"entity_id": DAYS, "new_expiry": "2027-01-10"})
    assert hass.states.get(DAYS).state == "49"


async def test_targets_that_are_not_cards(
    hass: HomeAssistant, hub_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Unknown targets, other integrations' targets, the hub and no target are refused.

    Errors name a target by its entity id or device name, never by a raw id; the household's
    own device and entities are named as the user sees them, and said to be the household's.
    """
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device_registry = dr.async_get(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}, name="Router"
    )
    unnamed = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "z")}
    )
    device_registry.async_update_device(unnamed.id, name=None)
    entity_registry.async_get_or_create("sensor", "other", "y", config_entry=other)
    hub_device = device_of(hass, hub_entry, hub_entry.entry_id)
    assert hub_device is not None
    cases = [
        ({"entity_id": "sensor.nothing_here"}, "unknown_target", "sensor.nothing_here"),
        ({"device_id": "no-such-device"}, "target_not_found", None),
        ({"device_id": device.id}, "not_a_card", "Router"),
        ({"device_id": unnamed.id}, "device_not_a_card", None),
        ({"device_id": hub_device.id}, "household_target", "SIM Renew"),
        ({"entity_id": "sensor.other_y"}, "not_a_card", "sensor.other_y"),
        ({"entity_id": "calendar.sim_renew_calendar"}, "household_target", "SIM Renew Calendar"),
        ({"entity_id": "todo.sim_renew_renewals"}, "household_target", "SIM Renew Renewals"),
        (
            {"entity_id": ["sensor.sim_renew_next_deadline"]},
            "household_target",
            "SIM Renew Next deadline",
        ),
        ({}, "no_card_targeted", None),
        ({"entity_id": "none", "device_id": "none"}, "no_card_targeted", None),
        ({"area_id": "nowhere"}, "no_card_targeted", None),
    ]
    for target, key, shown in cases:
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "renew", target)
        assert err.value.translation_key == key, target
        placeholders = err.value.translation_placeholders or {}
        if shown is not None:
            assert placeholders == {"target": shown}
        for raw in (device.id, unnamed.id, hub_device.id, hub_entry.entry_id, card_id(hub_entry)):
            assert raw not in str(placeholders)
    assert history(hub_entry) == []


async def test_household_target_without_state_or_name(
    hass: HomeAssistant, hub_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """A household entity with no state is named from the registry; a nameless hub by no name."""
    calendar = "calendar.sim_renew_calendar"
    entity_registry.async_update_entity(calendar, name="Family SIM calendar")
    await hass.async_block_till_done()
    hass.states.async_remove(calendar)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "renew", {"entity_id": calendar})
    assert err.value.translation_key == "household_target"
    assert err.value.translation_placeholders == {"target": "Family SIM calendar"}
    hub_device = device_of(hass, hub_entry, hub_entry.entry_id)
    assert hub_device is not None
    dr.async_get(hass).async_update_device(hub_device.id, name=None)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "renew", {"device_id": hub_device.id})
    assert err.value.translation_key == "household_target_unnamed"
    assert err.value.translation_placeholders is None
    assert history(hub_entry) == []


async def test_areas_floors_and_labels_target_cards(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    area_registry: ar.AreaRegistry,
    floor_registry: fr.FloorRegistry,
    label_registry: lr.LabelRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """An area, a floor or a label reaches the cards in it; other things there are left alone."""
    floor = floor_registry.async_create("Upstairs")
    area = area_registry.async_create("Study", floor_id=floor.floor_id)
    label = label_registry.async_create("Phones")
    card_device = device_of(hass, hub_entry, card_id(hub_entry))
    hub_device = device_of(hass, hub_entry, hub_entry.entry_id)
    assert card_device is not None
    assert hub_device is not None
    device_registry = dr.async_get(hass)
    for device in (card_device, hub_device):
        device_registry.async_update_device(device.id, area_id=area.id)
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    lamp = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "lamp")}, name="Lamp"
    )
    device_registry.async_update_device(lamp.id, area_id=area.id)
    entity_registry.async_update_entity(DAYS, labels={label.label_id})

    for target in (
        {"area_id": area.id},
        {"floor_id": floor.floor_id},
        {"label_id": [label.label_id]},
        {"area_id": area.id, "entity_id": DAYS, "device_id": card_device.id},
    ):
        await call(hass, "record_activity", target)
    assert [entry["kind"] for entry in history(hub_entry)] == ["activity"] * 4


async def test_card_of_unloaded_hub(hass: HomeAssistant, hub_entry: MockConfigEntry) -> None:
    """A card whose hub is not running is refused with its own message."""
    assert await hass.config_entries.async_unload(hub_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "renew", {"entity_id": DAYS})
    assert err.value.translation_key == "hub_not_loaded"
    assert err.value.translation_placeholders is None


async def test_entity_id_all_targets_every_card(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """`entity_id: all` targets every card, as it does for Home Assistant's own actions."""
    await call(hass, "record_activity", {"entity_id": "all"})
    assert [entry["kind"] for entry in history(hub_entry)] == ["activity"]


async def test_cards_of_two_households_are_refused(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """One call changes the cards of one household, so that it can be all-or-nothing."""
    second = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[card_subentry(name="Travel", phone_number="+85290000009")],
    )
    await setup_entry(hass, second)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "renew", {"entity_id": [DAYS, "sensor.travel_status"]})
    assert err.value.translation_key == "several_households"
    assert history(hub_entry) == []


async def test_concurrent_renewals_all_count(
    hass: HomeAssistant, hub_entry: MockConfigEntry
) -> None:
    """Five renewals at once serialize: each extends the one before it."""
    subentry = hub_entry.subentries[card_id(hub_entry)]
    hass.config_entries.async_update_subentry(
        hub_entry, subentry, data={**subentry.data, "renewal_mode": "extend_expiry"}
    )
    await hass.async_block_till_done()
    await asyncio.gather(
        *(
            hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
            for _ in range(5)
        )
    )
    await hass.async_block_till_done()
    entries = history(hub_entry)
    assert len(entries) == 5
    assert [e["new_expiry"] for e in entries] == [
        "2027-05-30",
        "2027-11-26",
        "2028-05-24",
        "2028-11-20",
        "2029-05-19",
    ]
    assert expiry_of(hub_entry, card_id(hub_entry)) == "2029-05-19"
