"""Tests for the hub's lifecycle: devices, entities, subentries, reloads and timers."""

from __future__ import annotations

from datetime import date

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .conftest import device_of, move_to, past_product, setup_entry
from .test_config_flow import FORM_INPUT

ENTITY_KEYS = {
    "days_until_expiry",
    "valid_until",
    "number_kept_until",
    "expires_at",
    "status",
    "expiry_date",
    "renewal_due",
    "unconfirmed_renewal",
    "renew",
    "confirm_renewal",
    "undo_renewal",
    "balance",
    "last_renewed",
    "spent_last_365_days",
}


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def card_entities(
    entity_registry: er.EntityRegistry, entry: MockConfigEntry
) -> dict[str, set[str]]:
    """Return the unique-id suffixes of each card's entities, by subentry."""
    found: dict[str, set[str]] = {}
    for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        if entity.config_subentry_id is None:
            assert entity.unique_id.startswith(entry.entry_id)
            continue
        found.setdefault(entity.config_subentry_id, set()).add(
            entity.unique_id.removeprefix(f"{entity.config_subentry_id}_")
        )
    return found


async def test_setup_creates_a_device_per_card(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Each card is a device named after it, with all of its entities."""
    await setup_entry(hass, mock_entry)
    assert mock_entry.state is ConfigEntryState.LOADED
    (card_id,) = mock_entry.subentries
    device = device_of(hass, mock_entry, card_id)
    assert device is not None
    assert device.name == "Mum's CMHK"
    assert device.manufacturer == "CMHK"
    assert device.model == "Number-keeping SIM"
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    # 2026.9 gave each device one config entry and subentry; earlier releases keep a map.
    if hasattr(device, "config_subentry_id"):
        assert (device.config_entry_id, device.config_subentry_id) == (mock_entry.entry_id, card_id)
    else:
        assert device.config_entries_subentries == {mock_entry.entry_id: {card_id}}
    assert card_entities(entity_registry, mock_entry) == {card_id: ENTITY_KEYS}
    for entity in er.async_entries_for_device(entity_registry, device.id):
        assert "9123" not in entity.entity_id
        assert "4567" not in entity.entity_id

    days = hass.states.get("sensor.mum_s_cmhk_days_until_expiry")
    assert days.state == "9"
    # Shown as a duration in the user's language, while the state keeps the contract's unit.
    assert days.attributes["unit_of_measurement"] == "d"
    assert days.attributes["device_class"] == "duration"
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "expiring_soon"
    # Every validity on screen is a date; the instant, for time triggers, is hidden.
    valid = hass.states.get("sensor.mum_s_cmhk_valid_until")
    assert (valid.state, valid.attributes["device_class"]) == ("2026-12-01", "date")
    assert valid.attributes["ends_at"] == "2026-12-01T23:59:59+08:00"
    kept = hass.states.get("sensor.mum_s_cmhk_number_kept_until")
    # Its 30 days of grace keep the number until the end of December.
    assert (kept.state, kept.attributes["device_class"]) == ("2026-12-31", "date")
    # The instant, for time triggers, starts disabled: the device page would say "in 9 days".
    instant = entity_registry.async_get("sensor.mum_s_cmhk_expires_at")
    assert instant is not None
    assert instant.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.mum_s_cmhk_expires_at") is None
    assert entity_registry.async_get("sensor.mum_s_cmhk_valid_until").hidden_by is None
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2026-12-01"


async def test_days_after_expiry_stay_a_whole_number_of_days(
    hass: HomeAssistant, mock_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Past its expiry, a card counts negative whole days, still in "d" as a duration."""
    await setup_entry(hass, mock_entry)
    await move_to(hass, freezer, "2026-12-04T04:00:00+00:00")
    days = hass.states.get("sensor.mum_s_cmhk_days_until_expiry")
    assert days.state == "-3"
    assert (days.attributes["unit_of_measurement"], days.attributes["device_class"]) == (
        "d",
        "duration",
    )


async def test_official_page_change_reaches_the_device(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The device links the card's official page, also after the page is changed or removed."""
    await setup_entry(hass, mock_entry)
    (card_id,) = mock_entry.subentries
    assert device_of(hass, mock_entry, card_id).configuration_url is None
    subentry = mock_entry.subentries[card_id]
    url = "https://www.hk.chinamobile.com/en/prepaid"
    hass.config_entries.async_update_subentry(
        mock_entry, subentry, data={**subentry.data, "renewal_url": url}
    )
    await hass.async_block_till_done()
    assert device_of(hass, mock_entry, card_id).configuration_url == url
    current = mock_entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        mock_entry,
        current,
        data={key: value for key, value in current.data.items() if key != "renewal_url"},
    )
    await hass.async_block_till_done()
    assert device_of(hass, mock_entry, card_id).configuration_url is None


async def test_device_model_follows_the_language(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A card's model is written in Home Assistant's language, and follows it when it changes."""
    await hass.config.async_update(language="zh-Hant")
    await setup_entry(hass, mock_entry)
    (card_id,) = mock_entry.subentries
    device = device_of(hass, mock_entry, card_id)
    assert device is not None
    assert device.model == "保號卡"
    await hass.config.async_update(language="zh-Hans")
    await hass.async_block_till_done()
    assert device_of(hass, mock_entry, card_id).model == "保号卡"
    # A language without texts of its own falls back to English.
    await hass.config.async_update(language="de")
    await hass.async_block_till_done()
    assert device_of(hass, mock_entry, card_id).model == "Number-keeping SIM"
    # The hub's own device has no model, and keeps none.
    assert device_of(hass, mock_entry, mock_entry.entry_id).model is None


async def test_add_and_remove_card(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A card added later gets its device and entities; removing it takes them away."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()

    new_id = next(i for i, s in mock_entry.subentries.items() if s.title == "Dad's csl")
    assert device_of(hass, mock_entry, new_id) is not None
    assert len(card_entities(entity_registry, mock_entry)) == 2
    assert hass.states.get("sensor.dad_s_csl_days_until_expiry").state == "174"
    assert mock_entry.runtime_data.scheduler.next_wake is not None

    assert hass.config_entries.async_remove_subentry(mock_entry, new_id)
    await hass.async_block_till_done()
    assert device_of(hass, mock_entry, new_id) is None
    assert new_id not in card_entities(entity_registry, mock_entry)
    assert hass.states.get("sensor.dad_s_csl_days_until_expiry") is None
    assert hass.states.get("sensor.mum_s_cmhk_days_until_expiry").state == "9"
    assert set(mock_entry.runtime_data.cards) == set(mock_entry.subentries)


async def test_rename_card_updates_device(
    hass: HomeAssistant, mock_entry: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """Changing a card's name renames its device."""
    await setup_entry(hass, mock_entry)
    (card_id,) = mock_entry.subentries
    subentry = mock_entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        mock_entry, subentry, title="Mum's spare", data={**subentry.data, "name": "Mum's spare"}
    )
    await hass.async_block_till_done()
    device = device_of(hass, mock_entry, card_id)
    assert device is not None
    assert device.name == "Mum's spare"
    assert mock_entry.state is ConfigEntryState.LOADED


async def test_data_change_updates_without_reload(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A new expiry or new options update the same hub in place."""
    await setup_entry(hass, mock_entry)
    hub = mock_entry.runtime_data
    (card_id,) = mock_entry.subentries
    await hub.changes.async_set_expiry([card_id], date(2027, 1, 31), "reconfigure")
    await hass.async_block_till_done()
    assert mock_entry.runtime_data is hub
    assert hass.states.get("sensor.mum_s_cmhk_days_until_expiry").state == "70"
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "active"

    hass.config_entries.async_update_entry(
        mock_entry, options={"reminder_days": [90], "reminder_time": "09:00:00"}
    )
    await hass.async_block_till_done()
    assert mock_entry.runtime_data is hub
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "expiring_soon"


async def test_unload_and_reload_leave_no_timer(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Unloading cancels the hub's one timer; reloading arms exactly one again."""
    await setup_entry(hass, mock_entry)
    first_hub = mock_entry.runtime_data
    assert first_hub.scheduler.next_wake is not None

    assert await hass.config_entries.async_reload(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert first_hub.scheduler.next_wake is None
    assert mock_entry.runtime_data is not first_hub
    assert mock_entry.runtime_data.scheduler.next_wake is not None

    second_hub = mock_entry.runtime_data
    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_entry.state is ConfigEntryState.NOT_LOADED
    assert second_hub.scheduler.next_wake is None
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "unavailable"


async def test_hub_without_cards_arms_no_timer(hass: HomeAssistant) -> None:
    """A hub whose every card was removed loads, with no timer."""
    entry = MockConfigEntry(domain=DOMAIN, data={}, options={}, subentries_data=[])
    await setup_entry(hass, entry)
    assert entry.runtime_data.scheduler.next_wake is None
    assert entry.runtime_data.cards == {}


async def test_spending_starts_enabled_and_settings_are_config(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Spending is shown from the start; the expiry date is filed with the card's settings."""
    await setup_entry(hass, mock_entry)
    spent = entity_registry.async_get("sensor.mum_s_cmhk_spent_in_the_last_365_days")
    assert spent is not None
    assert spent.disabled_by is None
    state = hass.states.get("sensor.mum_s_cmhk_spent_in_the_last_365_days")
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == ("0.0", "HKD")
    expiry = entity_registry.async_get("date.mum_s_cmhk_expiry_date")
    assert expiry is not None
    assert expiry.entity_category is EntityCategory.CONFIG
