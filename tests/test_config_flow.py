"""Tests for the hub flow, the card subentry flows and the options flow."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_form import ADVANCED_FIELDS
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from .conftest import setup_entry

NOW = "2026-11-22T04:00:00+00:00"

FORM_INPUT: dict[str, Any] = {
    "name": "  Dad's csl ",
    "carrier": "csl",
    "card_type": "number_keeping",
    "phone_number": "+852 6123-4567",
    "expiry_date": "2027-05-15",
    "renewal_period": "180_days",
    "renewal_mode": "from_renewal",
    "renewal_cost": 48.0,
    "currency": "HKD",
    "advanced": {
        "time_zone": "Asia/Hong_Kong",
        "grace_days": 30.0,
        "activity_interval_days": 0.0,
        "renewal_url": "https://www.hkcsl.com/en/prepaid/",
        "auto_renew": False,
    },
}

STORED: dict[str, Any] = {
    "name": "Dad's csl",
    "carrier": "csl",
    "card_type": "number_keeping",
    "phone_number": "+85261234567",
    "expiry_date": "2027-05-15",
    "renewal_period": 180,
    "renewal_period_unit": "days",
    "renewal_mode": "from_renewal",
    "renewal_cost": 48.0,
    "currency": "HKD",
    "default_plan": "180 days",
    "time_zone": "Asia/Hong_Kong",
    "grace_days": 30,
    "activity_interval_days": 0,
    "renewal_url": "https://www.hkcsl.com/en/prepaid/",
    "auto_renew": False,
}


def with_changes(**changes: Any) -> dict[str, Any]:
    """Return the form input with some main or advanced fields changed."""
    advanced_keys = ADVANCED_FIELDS
    user_input = {**FORM_INPUT, "advanced": dict(FORM_INPUT["advanced"])}
    for key, value in changes.items():
        target = user_input["advanced"] if key in advanced_keys else user_input
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return user_input


BAD_INPUT = [
    ({"reminder_days": ["soon"]}, "reminder_days", "invalid_reminder_days"),
    ({"reminder_days": ["400"]}, "reminder_days", "invalid_reminder_days"),
    ({"name": "   "}, "name", "name_required"),
    ({"phone_number": "call me"}, "phone_number", "invalid_phone_number"),
    ({"phone_number": "+1234"}, "phone_number", "invalid_phone_number"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "invalid_time_zone"),
    ({"expiry_date": "2020-01-01"}, "expiry_date", "expiry_out_of_range"),
    ({"expiry_date": "2080-01-01"}, "expiry_date", "expiry_out_of_range"),
    ({"renewal_period": "0_days"}, "renewal_period", "invalid_period"),
    ({"renewal_period": "-30"}, "renewal_period", "invalid_period"),
    ({"renewal_period": "soon"}, "renewal_period", "invalid_period"),
    ({"grace_days": -1.0}, "grace_days", "invalid_days"),
    ({"activity_interval_days": 99999.0}, "activity_interval_days", "invalid_days"),
    ({"renewal_cost": -5.0}, "renewal_cost", "invalid_cost"),
    ({"renewal_url": "http://phish.example/top-up"}, "renewal_url", "invalid_url"),
    ({"renewal_url": "https://"}, "renewal_url", "invalid_url"),
    ({"renewal_url": "https://[bad"}, "renewal_url", "invalid_url"),
    ({"renewal_period": "nan"}, "renewal_period", "invalid_period"),
    ({"renewal_period": "inf days"}, "renewal_period", "invalid_period"),
    ({"renewal_period": "1.5"}, "renewal_period", "invalid_period"),
    ({"renewal_period": "3660_months"}, "renewal_period", "invalid_period"),
    ({"time_zone": "/etc/localtime"}, "time_zone", "invalid_time_zone"),
    ({"time_zone": "../etc"}, "time_zone", "invalid_time_zone"),
    ({"time_zone": "Asia/../Asia/Hong_Kong"}, "time_zone", "invalid_time_zone"),
    ({"time_zone": "Asia/" + "H" * 300}, "time_zone", "invalid_time_zone"),
    ({"time_zone": "Asia/Hong_Kong\x00"}, "time_zone", "invalid_time_zone"),
    ({"expiry_date": "2027-5-15"}, "expiry_date", "invalid_date"),
    ({"name": "Dad\x00"}, "name", "invalid_characters"),
    ({"name": "D" * 65}, "name", "too_long"),
    ({"phone_number": "123456789"}, "phone_number", "invalid_phone_number"),
    ({"renewal_url": "https://a.example/" + "x" * 2000}, "renewal_url", "invalid_url"),
    ({"renewal_url": "https://a.example/\u200b"}, "renewal_url", "invalid_url"),
]


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today so that expiry checks are repeatable."""
    freezer.move_to(NOW)


async def test_user_flow_creates_hub_with_first_card(hass: HomeAssistant) -> None:
    """One form creates the hub, its options and its first card."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "SIM Renew"
    entry = result["result"]
    assert entry.data == {}
    assert entry.options == {"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"}
    (subentry,) = entry.subentries.values()
    assert subentry.subentry_type == SUBENTRY_CARD
    assert subentry.title == "Dad's csl"
    assert dict(subentry.data) == STORED


async def test_user_flow_minimal_card(hass: HomeAssistant) -> None:
    """Only a name and an expiry date are needed; blanks are not stored."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Travel eSIM", "expiry_date": "2026-12-31", "phone_number": " ", "advanced": {}},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert dict(subentry.data) == {
        "name": "Travel eSIM",
        "expiry_date": "2026-12-31",
        "card_type": "number_keeping",
        "renewal_mode": "from_renewal",
        "currency": "HKD",
        "time_zone": "Asia/Hong_Kong",
        "grace_days": 0,
        "activity_interval_days": 0,
        "auto_renew": False,
    }


@pytest.mark.parametrize(("days", "stored"), [(["30", " 2", "30"], [30, 2]), ([], None)])
async def test_card_reminder_days(
    hass: HomeAssistant, days: list[str], stored: list[int] | None
) -> None:
    """A card's own reminder days are stored as whole numbers; none means the household's."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(reminder_days=days)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert subentry.data.get("reminder_days") == stored


@pytest.mark.parametrize(("changes", "field", "error"), BAD_INPUT)
async def test_user_flow_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    """Bad input shows an error on its field, keeps the answers and creates nothing."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_single_hub(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """A household has one hub; more cards come from "Add card"."""
    mock_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_add_card(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """The hub's "Add card" flow adds a second card."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.subentries.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Dad's csl"
    assert len(mock_entry.subentries) == 2
    added = next(s for s in mock_entry.subentries.values() if s.title == "Dad's csl")
    assert dict(added.data) == STORED


@pytest.mark.parametrize(("changes", "field", "error"), BAD_INPUT)
async def test_add_card_errors(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    changes: dict[str, Any],
    field: str,
    error: str,
) -> None:
    """Bad input in "Add card" shows its error and adds nothing."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert len(mock_entry.subentries) == 1


async def test_add_card_name_in_use(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """Two cards cannot share a name, whatever its case."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(name="MUM'S cmhk")
    )
    assert result["errors"] == {"name": "name_in_use"}
    assert len(mock_entry.subentries) == 1


async def test_add_card_duplicate_number_aborts(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The same phone number, however written, is the same card."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+852 9123 4567")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(mock_entry.subentries) == 1


async def _start_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str
) -> dict[str, Any]:
    """Open the reconfigure form of a card."""
    return await hass.config_entries.subentries.async_init(  # type: ignore[return-value]
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )


async def test_reconfigure_card(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """Reconfigure shows what is stored and saves the changes."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"name": "Mum's CMHK"}
    schema = result["data_schema"].schema
    suggested = {str(key): key.description for key in schema}
    assert suggested["expiry_date"] == {"suggested_value": "2026-12-01"}
    assert suggested["phone_number"] == {"suggested_value": "+85291234567"}

    new_input = with_changes(name="Mum's old CMHK", phone_number="+85291234567")
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], new_input)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    subentry = mock_entry.subentries[subentry_id]
    assert subentry.title == "Mum's old CMHK"
    assert subentry.data["expiry_date"] == "2027-05-15"
    assert subentry.data["phone_number"] == "+85291234567"
    (correction,) = mock_entry.runtime_data.records[subentry_id]["history"]
    assert correction["source"] == "reconfigure"
    assert correction["old_expiry"] == "2026-12-01"
    assert correction["new_expiry"] == "2027-05-15"


async def test_reconfigure_errors_and_duplicates(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Reconfigure refuses bad input and another card's number, changing nothing."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    await hass.config_entries.subentries.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    first_id = next(i for i, s in mock_entry.subentries.items() if s.title == "Mum's CMHK")
    before = dict(mock_entry.subentries[first_id].data)

    result = await _start_reconfigure(hass, mock_entry, first_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        with_changes(name="Mum's CMHK", phone_number="+85291234567", time_zone="Nowhere/Land"),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"time_zone": "invalid_time_zone"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(name="Mum's CMHK", phone_number="+852-6123-4567")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert dict(mock_entry.subentries[first_id].data) == before


@pytest.mark.parametrize(("changes", "field", "error"), BAD_INPUT)
async def test_reconfigure_errors(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    changes: dict[str, Any],
    field: str,
    error: str,
) -> None:
    """Bad input in a card's Reconfigure form shows its error and changes nothing."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    before = dict(mock_entry.subentries[subentry_id].data)
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert dict(mock_entry.subentries[subentry_id].data) == before
    assert mock_entry.runtime_data.records[subentry_id]["history"] == []


async def test_options_flow(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """Reminder days are stored as sorted whole numbers, with the time as given."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["reminder_days"] == {"suggested_value": ["14", "7", "3", "1", "0"]}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"reminder_days": ["3", "30", "10", "3"], "reminder_time": "20:30:00"},
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_entry.options == {
        "reminder_days": [30, 10, 3],
        "reminder_time": "20:30:00",
        "persistent_notification": True,
        "notify_targets": [],
    }


@pytest.mark.parametrize("days", [[], ["soon"], ["-1"], ["400"]])
async def test_options_flow_errors(
    hass: HomeAssistant, mock_entry: MockConfigEntry, days: list[str]
) -> None:
    """Reminder days must be whole numbers from 0 to 365; nothing changes otherwise."""
    await setup_entry(hass, mock_entry)
    before = dict(mock_entry.options)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"reminder_days": days, "reminder_time": "08:00:00"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"reminder_days": "invalid_reminder_days"}
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["reminder_time"] == {"suggested_value": "08:00:00"}
    assert dict(mock_entry.options) == before


async def test_options_store_notify_targets_by_entity_id(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """A notify entity picked by its registry id is stored by entity id, once; others refused."""
    await setup_entry(hass, mock_entry)
    phone = entity_registry.async_get_or_create("notify", "mobile_app", "pixel")
    lamp = entity_registry.async_get_or_create("light", "hue", "lamp")
    before = dict(mock_entry.options)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "reminder_days": ["7"],
            "reminder_time": "08:00:00",
            "notify_targets": [phone.id, lamp.id],
        },
    )
    assert result["errors"] == {"notify_targets": "invalid_notify_targets"}
    assert dict(mock_entry.options) == before
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "reminder_days": ["7"],
            "reminder_time": "08:00:00",
            "notify_targets": [phone.id, phone.entity_id, "notify.kitchen_speaker"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_entry.options["notify_targets"] == [phone.entity_id, "notify.kitchen_speaker"]
