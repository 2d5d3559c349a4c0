"""Tests for the editable expiry date entity."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.date import ATTR_DATE, DOMAIN as DATE_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import expiry_of, setup_entry

EXPIRY = "date.mum_s_cmhk_expiry_date"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026 in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def test_set_expiry_corrects_the_card(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Setting the date stores it and moves the days left."""
    await setup_entry(hass, mock_entry)
    await hass.services.async_call(
        DATE_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: EXPIRY, ATTR_DATE: "2027-05-20"},
        blocking=True,
    )
    await hass.async_block_till_done()
    (subentry,) = mock_entry.subentries.values()
    assert expiry_of(mock_entry, subentry.subentry_id) == "2027-05-20"
    assert subentry.data["phone_number"] == "+85291234567"
    assert hass.states.get(EXPIRY).state == "2027-05-20"
    assert hass.states.get("sensor.mum_s_cmhk_days_until_expiry").state == "179"
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "active"
    (correction,) = mock_entry.runtime_data.records[subentry.subentry_id]["history"]
    assert correction == {
        "kind": "correction",
        "at": "2026-11-22T04:00:00+00:00",
        "source": "date_entity",
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-20",
    }


@pytest.mark.parametrize("bad", ["2020-01-01", "2070-01-01"])
async def test_set_expiry_refuses_implausible_dates(
    hass: HomeAssistant, mock_entry: MockConfigEntry, bad: str
) -> None:
    """A date far from today is refused with a translated error, changing nothing."""
    await setup_entry(hass, mock_entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DATE_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: EXPIRY, ATTR_DATE: bad}, blocking=True
        )
    assert err.value.translation_key == "expiry_out_of_range"
    assert err.value.translation_placeholders == {"expiry_date": bad}
    assert "9123" not in str(err.value)
    (subentry,) = mock_entry.subentries.values()
    assert expiry_of(mock_entry, subentry.subentry_id) == "2026-12-01"
    assert hass.states.get(EXPIRY).state == "2026-12-01"
    assert mock_entry.runtime_data.records[subentry.subentry_id]["history"] == []
