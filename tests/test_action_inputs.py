"""Action inputs: every value refused with a clear error, or stored canonically."""

from __future__ import annotations

import copy
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.simrenew.action_inputs import (
    MAX_HISTORY_LIMIT,
    number,
    snooze_days,
    whole_number,
)
from custom_components.simrenew.card_fields import CURRENCY_CHOICES
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.receipts import HISTORY_KINDS
from custom_components.simrenew.validation import vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service import _SERVICES_SCHEMA

from .conftest import setup_entry

ROOT = "custom_components/simrenew"
DAYS = "sensor.mum_s_cmhk_days_until_expiry"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00"])
async def test_set_balance_as_of_beyond_the_calendar(
    hass: HomeAssistant, mock_entry: MockConfigEntry, as_of: str
) -> None:
    """An instant that cannot be written in UTC is an invalid date, not an OverflowError."""
    await setup_entry(hass, mock_entry)
    records = copy.deepcopy(mock_entry.runtime_data.records)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "set_balance", {"entity_id": DAYS, "amount": 1, "as_of": as_of}, blocking=True
        )
    assert err.value.translation_key == "invalid_date"
    assert mock_entry.runtime_data.records == records


@pytest.mark.parametrize(
    "days", [0, 31, 10**7, -1, 1.5, float("nan"), float("inf"), "x", True, None, [3], " 31 "]
)
async def test_snooze_days_outside_the_range_get_a_translated_error(
    hass: HomeAssistant, mock_entry: MockConfigEntry, days: object
) -> None:
    """A script's snooze outside 1 to 30 whole days: the translated error, not the schema's."""
    await setup_entry(hass, mock_entry)
    records = copy.deepcopy(mock_entry.runtime_data.records)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "snooze", {"entity_id": DAYS, "days": days}, blocking=True
        )
    assert err.value.translation_key == "invalid_snooze"
    assert err.value.translation_placeholders == {"days": str(days).strip()[:12], "max": "30"}
    assert mock_entry.runtime_data.records == records


def test_action_numbers() -> None:
    """Numbers come as numbers or digits; huge integers are no float and no crash."""
    assert snooze_days(" 7 ") == 7
    assert snooze_days(30.0) == 30
    assert number("12.5") == 12.5
    for bad in (10**400, "abc", [1], None, True):
        with pytest.raises(vol.Invalid):
            number(bad)
    with pytest.raises(vol.Invalid):
        whole_number(None)


async def test_snooze_beyond_the_limit_is_refused_by_the_hub(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The hub keeps its own check, for callers that skip the action's schema."""
    await setup_entry(hass, mock_entry)
    records = copy.deepcopy(mock_entry.runtime_data.records)
    with pytest.raises(ServiceValidationError) as err:
        await mock_entry.runtime_data.changes.async_snooze(list(mock_entry.subentries), 31)
    assert err.value.translation_key == "invalid_snooze"
    assert mock_entry.runtime_data.records == records


@pytest.mark.parametrize(
    "data",
    [
        {"reference": "r" * 201},
        {"payment_method": "Alipay\u200b"},
        {"reference": "TX\x00-1"},
    ],
)
async def test_notes_that_are_too_long_or_hide_characters(
    hass: HomeAssistant, mock_entry: MockConfigEntry, data: dict[str, Any]
) -> None:
    """A payment method or reference is a short, readable note."""
    await setup_entry(hass, mock_entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS, **data}, blocking=True)
    assert err.value.translation_key == "invalid_note"
    (card_id,) = mock_entry.subentries
    assert mock_entry.runtime_data.records[card_id]["history"] == []


def _offered(filters: list[dict[str, Any]], entity: er.RegistryEntry) -> bool:
    """Return whether an entity passes any of a target's entity filters."""
    device_class = entity.device_class or entity.original_device_class
    return any(
        item["integration"] == entity.platform
        and entity.domain in _listed(item.get("domain", entity.domain))
        and ("device_class" not in item or device_class in _listed(item["device_class"]))
        for item in filters
    )


def _listed(value: str | list[str]) -> list[str]:
    """Return a filter value as a list."""
    return [value] if isinstance(value, str) else value


async def test_described_actions_match_their_schemas(
    hass: HomeAssistant, mock_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The action UI offers card devices and card entities only, and the schemas' ranges."""
    await setup_entry(hass, mock_entry)
    with open(f"{ROOT}/services.yaml", encoding="utf-8") as file:
        services = yaml.safe_load(file)
    # What Home Assistant itself checks: a file it cannot read leaves every action undescribed.
    _SERVICES_SCHEMA(copy.deepcopy(services))
    targeted = [name for name, service in services.items() if service and "target" in service]
    assert len(targeted) == len(services) - 1  # all but list_cards
    entities = er.async_entries_for_config_entry(entity_registry, mock_entry.entry_id)
    household = [entity for entity in entities if entity.config_subentry_id is None]
    cards = [entity for entity in entities if entity.config_subentry_id is not None]
    assert {entity.domain for entity in household} == {"calendar", "todo", "sensor"}
    for service in targeted:
        target = services[service]["target"]
        # Home Assistant's validator (hassfest): "Services do not support device filters on
        # target, use a device selector instead".
        assert "device" not in target, service
        assert all(item["integration"] == DOMAIN for item in target["entity"])
        assert not [e.entity_id for e in household if _offered(target["entity"], e)]
        offered = {e.domain for e in cards if _offered(target["entity"], e)}
        assert offered == {"sensor", "binary_sensor", "button", "date"}
    for service in ("renew", "set_balance"):
        currency = services[service]["fields"]["currency"]["selector"]["select"]
        # The same list as the card form's: the cards' own currencies first, then A to Z.
        assert currency["options"] == CURRENCY_CHOICES
        assert currency["options"][:3] == ["HKD", "CNY", "MOP"]
        assert sorted(currency["options"]) == sorted(ACTIVE_CURRENCIES)
    kinds = services["history"]["fields"]["kind"]["selector"]["select"]["options"]
    assert tuple(kinds) == HISTORY_KINDS
    assert services["history"]["fields"]["limit"]["selector"]["number"]["max"] == (
        MAX_HISTORY_LIMIT
    )
    box = services["snooze"]["fields"]["days"]["selector"]["number"]
    assert snooze_days(box["min"]) == box["min"]
    assert snooze_days(box["max"]) == box["max"]
    for outside in (box["min"] - 1, box["max"] + 1):
        with pytest.raises(ServiceValidationError):
            snooze_days(outside)
