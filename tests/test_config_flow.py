"""Tests for the hub flow, the card subentry flows and the options flow."""

from __future__ import annotations

import dataclasses
from datetime import date
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_form import ADVANCED_FIELDS
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.reconfigure_expiry import (
    CORRECTION_ERRORS,
    NOT_RECORDED,
    NOT_RUNNING,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .conftest import expiry_of, form_errors, past_product, setup_entry

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
    "time_zone": "Asia/Hong_Kong",
    "advanced": {
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
    "esim": False,
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
    ({"second_phone_number": "call me"}, "second_phone_number", "invalid_phone_number"),
    ({"second_phone_number": "6123 4567"}, "second_phone_number", "same_phone_number"),
    ({"notes": "x" * 2001}, "notes", "notes_too_long"),
    ({"notes": "balance *#123#\x07"}, "notes", "invalid_characters"),
    ({"notes": "hotline\u200b1000"}, "notes", "invalid_characters"),
]


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today so that expiry checks are repeatable."""
    freezer.move_to(NOW)


async def test_user_flow_creates_hub_with_first_card(hass: HomeAssistant) -> None:
    """One form creates the hub, its options and its first card."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Household SIM cards"
    entry = result["result"]
    assert entry.data == {}
    assert entry.options == {"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"}
    (subentry,) = entry.subentries.values()
    assert subentry.subentry_type == SUBENTRY_CARD
    assert subentry.title == "Dad's csl"
    assert dict(subentry.data) == STORED


async def test_user_flow_minimal_card(hass: HomeAssistant) -> None:
    """Only a name and an expiry date are needed; blanks are not stored."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
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
        "esim": False,
    }


async def test_time_zones_have_readable_names(hass: HomeAssistant) -> None:
    """The zone field names its choices in Home Assistant's language; any zone is allowed."""
    await hass.config.async_update(language="zh-Hant", time_zone="Asia/Hong_Kong")
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    picker = _field(result, "time_zone")
    # A field that takes typed values shows the value chosen, so the values are the names.
    options = picker.config["options"]
    assert all(option["value"] == option["label"] for option in options)
    assert [option["value"] for option in options][:4] == [
        "自動：按電話號碼或卡類型",
        "香港",
        "中國內地（北京時間）",
        "澳門",
    ]
    assert picker.config["custom_value"] is True
    # A new card starts on the automatic choice.
    assert _suggested(result, "time_zone") == "自動：按電話號碼或卡類型"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(time_zone="Europe/Berlin")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert subentry.data["time_zone"] == "Europe/Berlin"


async def test_the_zone_field_is_in_sight_beside_the_phone_number(hass: HomeAssistant) -> None:
    """The carrier's zone follows the phone number on the form, outside "More settings"."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    keys = [str(key) for key in result["data_schema"].schema]
    assert keys.index("time_zone") == keys.index("phone_number") + 1
    assert "time_zone" not in {str(key) for key in _section(result, "advanced").schema.schema}
    assert "time_zone" not in ADVANCED_FIELDS


@pytest.mark.parametrize(
    ("language", "answer", "stored"),
    [
        ("zh-Hant", "澳門", "Asia/Macau"),
        ("zh-Hant", "中国大陆（北京时间）", "Asia/Shanghai"),
        ("zh-Hant", " united  KINGDOM (London) ", "Europe/London"),
        ("zh-Hant", "Asia/Tokyo", "Asia/Tokyo"),
        # The automatic choice named in another language still reads as the automatic choice.
        ("zh-Hant", "Automatic: from the phone number or card type", "Asia/Hong_Kong"),
        ("en", "自动：按电话号码或卡类型", "Asia/Hong_Kong"),
    ],
)
async def test_a_zone_named_in_any_language_is_stored_by_its_iana_name(
    hass: HomeAssistant, language: str, answer: str, stored: str
) -> None:
    """A name from another language (Home Assistant's changed meanwhile) still reads back."""
    await hass.config.async_update(language=language)
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(time_zone=answer)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert subentry.data["time_zone"] == stored


AUTOMATIC = "Automatic: from the phone number or card type"
AUTOMATIC_CARDS = [
    ({"phone_number": "9123 4567"}, "Asia/Hong_Kong"),
    ({"phone_number": None, "card_type": "number_keeping"}, "Asia/Hong_Kong"),
    ({"phone_number": None, "card_type": "china_hk"}, "Asia/Hong_Kong"),
    ({"phone_number": None, "card_type": "data"}, "Europe/London"),
    ({"phone_number": "+853 6612 3456", "card_type": "data"}, "Asia/Macau"),
    ({"phone_number": "138 0013 8000", "card_type": "china_hk"}, "Asia/Shanghai"),
    ({"phone_number": "+1 212 555 0100", "card_type": "virtual_number"}, "Europe/London"),
    (
        {"phone_number": None, "card_type": "data", "second_phone_number": "+65 8123 4567"},
        ("Asia/Singapore"),
    ),
    # An explicit choice is kept, whatever the number says.
    ({"phone_number": "9123 4567", "time_zone": "United Kingdom (London)"}, "Europe/London"),
    ({"phone_number": "9123 4567", "time_zone": "Asia/Tokyo"}, "Asia/Tokyo"),
]


def automatic(changes: dict[str, Any]) -> dict[str, Any]:
    """Return the form input with the automatic zone, unless `changes` picks one."""
    return with_changes(**{"time_zone": AUTOMATIC, **changes})


@pytest.mark.parametrize(("changes", "stored"), AUTOMATIC_CARDS)
async def test_a_first_card_in_a_london_home_counts_on_its_carrier_clock(
    hass: HomeAssistant, changes: dict[str, Any], stored: str
) -> None:
    """The automatic zone is the one the number or type gives, else the home's; never "auto"."""
    await hass.config.async_set_time_zone("Europe/London")
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert _suggested(result, "time_zone") == AUTOMATIC
    result = await hass.config_entries.flow.async_configure(result["flow_id"], automatic(changes))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert subentry.data["time_zone"] == stored


@pytest.mark.parametrize(("changes", "stored"), AUTOMATIC_CARDS)
async def test_add_card_in_a_london_home_counts_on_its_carrier_clock(
    hass: HomeAssistant, mock_entry: MockConfigEntry, changes: dict[str, Any], stored: str
) -> None:
    """The hub's "Add card" form resolves the automatic zone the same way."""
    await hass.config.async_set_time_zone("Europe/London")
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    assert _suggested(result, "time_zone") == AUTOMATIC
    if changes.get("phone_number") == "9123 4567":
        # Mum's card has that number already.
        changes = {**changes, "phone_number": "5123 4567"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], automatic({"name": "Spare", **changes})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    added = next(s for s in mock_entry.subentries.values() if s.title == "Spare")
    assert added.data["time_zone"] == stored


async def test_a_zone_left_out_or_blank_is_worked_out(hass: HomeAssistant) -> None:
    """Answers without a zone (a script's) or with a blank one get the automatic zone."""
    await hass.config.async_set_time_zone("Europe/London")
    for zone in (None, "  "):
        result = await past_product(
            hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], with_changes(card_type="data", phone_number=None, time_zone=zone)
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        (subentry,) = result["result"].subentries.values()
        assert subentry.data["time_zone"] == "Europe/London"
        await hass.config_entries.async_remove(result["result"].entry_id)


async def test_reconfigure_shows_the_stored_zone_by_name(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A stored common zone is shown by name and stays stored by its IANA name."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    assert _suggested(result, "time_zone") == "Hong Kong"
    assert _field(result, "time_zone").config["options"][0]["value"] == AUTOMATIC


async def test_reconfigure_to_the_automatic_zone_works_it_out_from_the_new_answers(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Picked when reconfiguring, the automatic zone comes from the number as submitted."""
    await hass.config.async_set_time_zone("Europe/London")
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        with_changes(name="Mum's CMHK", phone_number="+853 6612 3456", time_zone=AUTOMATIC),
    )
    assert result["type"] is FlowResultType.ABORT
    assert mock_entry.subentries[subentry_id].data["time_zone"] == "Asia/Macau"
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    assert _suggested(result, "time_zone") == "Macau"


def _field(result: Any, name: str) -> Any:
    """Return a form's top-level field called `name`."""
    (found,) = (value for key, value in result["data_schema"].schema.items() if key == name)
    return found


def _suggested(result: Any, name: str) -> Any:
    """Return the value a form's top-level field `name` shows."""
    (key,) = (key for key in result["data_schema"].schema if key == name)
    return key.description["suggested_value"]


def _section(result: Any, name: str) -> Any:
    """Return a form's section called `name`."""
    (found,) = (value for key, value in result["data_schema"].schema.items() if key == name)
    return found


async def test_an_error_inside_a_section_is_shown_on_it_and_opens_it(hass: HomeAssistant) -> None:
    """The frontend shows errors only on a section: the section names it and opens."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert _section(result, "advanced").options == {"collapsed": True}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(renewal_url="http://a.example")
    )
    assert result["errors"] == {"renewal_url": "invalid_url", "advanced": "invalid_url"}
    assert _section(result, "advanced").options == {"collapsed": False}


async def test_a_plan_error_opens_the_plans_section(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A refused plan names why on the plans section, which opens."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    assert _section(result, "renewal_plans").options == {"collapsed": True}
    answers = {**with_changes(), "renewal_plans": {"plans": [{"name": "Monthly"}]}}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["errors"] == {
        "plans": "invalid_plan_period",
        "renewal_plans": "invalid_plan_period",
    }
    assert _section(result, "renewal_plans").options == {"collapsed": False}
    assert _section(result, "advanced").options == {"collapsed": True}


async def test_a_card_form_names_the_household_reminder_days(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Left empty, a card's reminder days are the household's: the form says which they are."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    # "Other": the form names no product's sources.
    assert result["description_placeholders"] == {
        "household_days": "14, 7, 3, 1, 0",
        "preset_note": "",
    }

    await setup_entry(hass, mock_entry)
    hass.config_entries.async_update_entry(
        mock_entry, options={**mock_entry.options, "reminder_days": [30, 10, 3]}
    )
    await hass.async_block_till_done()
    await hass.config.async_update(language="zh-Hant")
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    assert result["description_placeholders"] == {"household_days": "30、10、3", "preset_note": ""}
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert result["step_id"] == "add_card"
    assert result["description_placeholders"] == {"household_days": "30、10、3", "preset_note": ""}


@pytest.mark.parametrize(("days", "stored"), [(["30", " 2", "30"], [30, 2]), ([], None)])
async def test_card_reminder_days(
    hass: HomeAssistant, days: list[str], stored: list[int] | None
) -> None:
    """A card's own reminder days are stored as whole numbers; none means the household's."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
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
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(**{field: error})
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_add_integration_with_a_hub_adds_a_card(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """With a hub, the integration page's main button adds a card to it instead of a dead end."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "add_card"
    # The same card form, with the same defaults as a first card.
    assert {str(key) for key in result["data_schema"].schema} >= {"name", "expiry_date"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(name="MUM'S cmhk", phone_number=None)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "add_card"
    assert result["errors"] == {"name": "name_in_use"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "card_added"
    assert result["description_placeholders"] == {"name": "Dad's csl"}
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    added = next(s for s in mock_entry.subentries.values() if s.title == "Dad's csl")
    assert added.subentry_type == SUBENTRY_CARD
    assert dict(added.data) == STORED
    # The running hub adds the new card's device and entities.
    assert hass.states.get("sensor.dad_s_csl_days_until_expiry") is not None


async def test_add_integration_with_a_hub_refuses_a_known_number(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A card whose number the hub already has is refused, as in "Add card"."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(phone_number="9123 4567")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(mock_entry.subentries) == 1


async def test_a_hub_set_up_while_the_first_form_is_open_gets_the_card(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A second first-card form, finished after the hub exists, adds its card to that hub."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert result["step_id"] == "user"
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["reason"] == "card_added"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    assert len(mock_entry.subentries) == 2


async def test_a_new_hub_is_known_by_its_unique_id(hass: HomeAssistant) -> None:
    """The household's hub has one unique id, so a second one is never created."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == DOMAIN


async def test_add_card(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """The hub's "Add card" flow adds a second card."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
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
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(**{field: error})
    assert len(mock_entry.subentries) == 1


async def test_add_card_name_in_use(hass: HomeAssistant, mock_entry: MockConfigEntry) -> None:
    """Two cards cannot share a name, whatever its case."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
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
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+852 9123 4567")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(mock_entry.subentries) == 1


async def test_card_keeps_esim_second_number_and_notes(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A dual-number eSIM keeps its second number in E.164 and its notes with plain line ends."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    notes = "  Top up in the CMHK app.\r\nBalance: *#1345#\rHotline 1000\nWeChat, Alipay  "
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        with_changes(esim=True, second_phone_number="138 1234 5678", notes=notes),
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    added = next(s for s in mock_entry.subentries.values() if s.title == "Dad's csl")
    assert dict(added.data) == {
        **STORED,
        "esim": True,
        "second_phone_number": "+8613812345678",
        "notes": "Top up in the CMHK app.\nBalance: *#1345#\nHotline 1000\nWeChat, Alipay",
    }

    result = await _start_reconfigure(hass, mock_entry, added.subentry_id)
    schema = result["data_schema"].schema
    advanced = next(key for key in schema if str(key) == "advanced")
    shown = {str(key): key.description for key in schema[advanced].schema.schema if key.description}
    assert shown["notes"] == {"suggested_value": added.data["notes"]}
    assert shown["second_phone_number"] == {"suggested_value": "+8613812345678"}
    assert shown["esim"] == {"suggested_value": True}


async def test_second_number_is_unique_in_the_household(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Another card's first or second number, however written, is refused as a second number."""
    await setup_entry(hass, mock_entry)
    flow = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        flow["flow_id"], with_changes(second_phone_number="9123-4567")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(second_phone_number="phone_number_in_use")
    result = await hass.config_entries.subentries.async_configure(
        flow["flow_id"], with_changes(second_phone_number="+8613812345678")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY

    # A third card whose first number is Dad's second is that card again.
    flow = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        flow["flow_id"], with_changes(name="Travel", phone_number="13812345678")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    flow = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        flow["flow_id"],
        with_changes(name="Travel", phone_number="+447946000000", second_phone_number="61234567"),
    )
    assert result["errors"] == form_errors(second_phone_number="phone_number_in_use")
    assert len(mock_entry.subentries) == 2


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
    assert result["description_placeholders"] == {
        "name": "Mum's CMHK",
        "household_days": "14, 7, 3, 1, 0",
    }
    schema = result["data_schema"].schema
    suggested = {str(key): key.description for key in schema}
    assert suggested["expiry_date"] == {"suggested_value": "2026-12-01"}
    assert suggested["phone_number"] == {"suggested_value": "+85291234567"}

    new_input = with_changes(name="Mum's old CMHK", phone_number="+85291234567")
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], new_input)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    # Said in the card's own words ("The card was updated."), not Home Assistant's.
    assert result.get("translation_domain") is None
    subentry = mock_entry.subentries[subentry_id]
    assert subentry.title == "Mum's old CMHK"
    # The card's settings keep the expiry it was added with; the history holds the new one.
    assert subentry.data["expiry_date"] == "2026-12-01"
    assert expiry_of(mock_entry, subentry_id) == "2027-05-15"
    assert subentry.data["phone_number"] == "+85291234567"
    (correction,) = mock_entry.runtime_data.records[subentry_id]["history"]
    assert correction["source"] == "reconfigure"
    assert correction["old_expiry"] == "2026-12-01"
    assert correction["new_expiry"] == "2027-05-15"


async def test_reconfigure_records_the_expiry_before_the_other_fields(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A changed expiry is the household's correction, recorded while the card is as it was."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    hub = mock_entry.runtime_data
    record = hub.changes.async_set_expiry
    seen: list[tuple[list[str], date, str, str]] = []

    async def set_expiry(card_ids: list[str], expiry: date, source: str) -> None:
        seen.append((card_ids, expiry, source, mock_entry.subentries[subentry_id].title))
        await record(card_ids, expiry, source)

    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    with patch.object(hub.changes, "async_set_expiry", side_effect=set_expiry):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(name="Mum's old CMHK", phone_number="+85291234567")
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert seen == [([subentry_id], date(2027, 5, 15), "reconfigure", "Mum's CMHK")]
    subentry = mock_entry.subentries[subentry_id]
    assert (subentry.title, subentry.data["expiry_date"]) == ("Mum's old CMHK", "2026-12-01")
    assert expiry_of(mock_entry, subentry_id) == "2027-05-15"


async def test_reconfigure_shows_the_household_expiry_and_keeps_it_when_left_as_shown(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The form shows the running household's expiry; left as shown, it is no correction."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    hub = mock_entry.runtime_data
    # The household's expiry is the one its history gives, not the card's own copy.
    hub.records[subentry_id]["expiry"] = "2027-01-01"
    hub.configs[subentry_id] = dataclasses.replace(
        hub.configs[subentry_id], expiry_date=date(2027, 1, 1)
    )
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["expiry_date"] == {"suggested_value": "2027-01-01"}

    with patch.object(hub.changes, "async_set_expiry") as set_expiry:
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            with_changes(phone_number="+85291234567", expiry_date="2027-01-01"),
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    set_expiry.assert_not_called()
    subentry = mock_entry.subentries[subentry_id]
    assert (subentry.title, subentry.data["expiry_date"]) == ("Dad's csl", "2026-12-01")


async def test_reconfigure_refuses_a_changed_expiry_while_the_household_is_not_running(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Only the running household records an expiry: the form says so and changes nothing."""
    await setup_entry(hass, mock_entry)
    assert await hass.config_entries.async_unload(mock_entry.entry_id)
    await hass.async_block_till_done()
    (subentry_id,) = mock_entry.subentries
    before = dict(mock_entry.subentries[subentry_id].data)
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["expiry_date"] == {"suggested_value": "2026-12-01"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == form_errors(expiry_date=NOT_RUNNING)
    assert dict(mock_entry.subentries[subentry_id].data) == before

    # The other fields can still be changed, with the expiry left as shown.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567", expiry_date="2026-12-01")
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    data = mock_entry.subentries[subentry_id].data
    assert (data["name"], data["expiry_date"]) == ("Dad's csl", "2026-12-01")


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("card_removed", "card_removed"),
        ("card_unreadable", "card_unreadable"),
        ("expiry_out_of_range", "expiry_out_of_range"),
        ("history_unavailable", NOT_RECORDED),
    ],
)
async def test_reconfigure_shows_a_refused_correction_on_the_expiry(
    hass: HomeAssistant, mock_entry: MockConfigEntry, reason: str, error: str
) -> None:
    """A correction the household refuses shows its reason on the expiry; nothing changes."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    before = dict(mock_entry.subentries[subentry_id].data)
    refused = ServiceValidationError(translation_domain=DOMAIN, translation_key=reason)
    result = await _start_reconfigure(hass, mock_entry, subentry_id)
    with patch.object(mock_entry.runtime_data.changes, "async_set_expiry", side_effect=refused):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], with_changes(phone_number="+85291234567")
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == form_errors(expiry_date=error)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["expiry_date"] == {"suggested_value": "2027-05-15"}
    assert dict(mock_entry.subentries[subentry_id].data) == before
    assert mock_entry.runtime_data.records[subentry_id]["history"] == []


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
def test_every_reason_a_correction_shows_has_words_in_the_card_form(language: str) -> None:
    """Each error the Reconfigure form can show for its expiry is a card form error."""
    path = Path(__file__).parent.parent / "custom_components/simrenew/translations"
    strings = json.loads((path / f"{language}.json").read_text("utf-8"))
    errors = strings["config_subentries"]["card"]["error"]
    for key in {*CORRECTION_ERRORS, NOT_RUNNING, NOT_RECORDED}:
        assert errors.get(key), key


async def test_reconfigure_errors_and_duplicates(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Reconfigure refuses bad input and another card's number, changing nothing."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
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
    assert result["errors"] == form_errors(time_zone="invalid_time_zone")

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
    assert result["errors"] == form_errors(**{field: error})
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
        "message_sources": [],
        "phones": [],
        # Nobody chose speakers: quiet hours are stored at their defaults all the same.
        "speakers": [],
        "quiet_hours_start": "22:00:00",
        "quiet_hours_end": "08:00:00",
        "rarely_used_entities": True,
    }


async def test_options_ask_for_the_reminder_time_without_seconds(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The time field hides seconds; a time in hours and minutes is stored with them."""
    await setup_entry(hass, mock_entry)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    (field,) = (
        value for key, value in result["data_schema"].schema.items() if key == "reminder_time"
    )
    # What the frontend receives for the field.
    assert field.serialize() == {"selector": {"time": {"no_second": True}}}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"reminder_days": ["7"], "reminder_time": "07:05"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_entry.options["reminder_time"] == "07:05:00"


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
    hass.states.async_set("notify.kitchen_speaker", "unknown")
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


async def test_options_store_message_sources_by_entity_id(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """A message source picked by its registry id is stored by entity id; a light is refused."""
    await setup_entry(hass, mock_entry)
    phone = entity_registry.async_get_or_create("sensor", "mobile_app", "last_notification")
    lamp = entity_registry.async_get_or_create("light", "hue", "lamp")
    hass.states.async_set("input_text.sms_gateway", "")
    before = dict(mock_entry.options)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"reminder_days": ["7"], "reminder_time": "08:00:00", "message_sources": [lamp.id]},
    )
    assert result["errors"] == {"message_sources": "invalid_message_sources"}
    assert dict(mock_entry.options) == before
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "reminder_days": ["7"],
            "reminder_time": "08:00:00",
            "message_sources": [phone.id, phone.entity_id, "input_text.sms_gateway"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_entry.options["message_sources"] == [phone.entity_id, "input_text.sms_gateway"]


async def test_options_refuse_a_notify_entity_that_does_not_exist(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A typed name of no entity would take reminders nowhere: refused, nothing changes."""
    await setup_entry(hass, mock_entry)
    before = dict(mock_entry.options)
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "reminder_days": ["7"],
            "reminder_time": "08:00:00",
            "notify_targets": ["notify.does_not_exist"],
        },
    )
    assert result["errors"] == {"notify_targets": "invalid_notify_targets"}
    assert dict(mock_entry.options) == before
