"""Tests for config-entry diagnostics."""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.diagnostics import async_get_config_entry_diagnostics
from homeassistant.core import HomeAssistant

from .conftest import HUB_OPTIONS, card_subentry, setup_entry


async def test_diagnostics_hide_phone_numbers(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Diagnostics show cards, options and the scheduler, never a phone number."""
    freezer.move_to("2026-11-22T04:00:00+00:00")
    await setup_entry(hass, mock_entry)
    for number in range(25):
        await hass.services.async_call(
            "simrenew",
            "set_balance",
            {"entity_id": "sensor.mum_s_cmhk_status", "amount": number},
            blocking=True,
        )
    await hass.services.async_call(
        "simrenew",
        "renew",
        {"entity_id": "sensor.mum_s_cmhk_status", "reference": "SECRET-REF-91234567"},
        blocking=True,
    )
    await hass.async_block_till_done()
    result = await async_get_config_entry_diagnostics(hass, mock_entry)
    (card_id,) = mock_entry.subentries
    card = result["cards"][card_id]
    assert card["data"]["phone_number"] == "**REDACTED**"
    assert card["data"]["carrier"] == "CMHK"
    assert card["days_until_expiry"] == 180
    # Unconfirmed, the renewal leaves the old deadline standing.
    assert card["status"] == "expiring_soon"
    assert card["deadline"] == "2026-12-01"
    assert len(card["history"]) == 20
    assert card["history"][-1]["reference"] == "**REDACTED**"
    assert card["history"][-1]["new_expiry"] == "2027-05-21"
    assert card["balance"]["amount"] == 24.0
    assert result["options"]["reminder_days"] == [14, 7, 3, 1, 0]
    assert result["scheduler"]["next_wake"] == "2026-11-22T16:00:00+00:00"
    text = json.dumps(result)
    assert "91234567" not in text
    assert "SECRET-REF" not in text


async def test_diagnostics_hide_second_number_and_notes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A dual-number card's second number and its notes are as hidden as the first number."""
    freezer.move_to("2026-11-22T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(
                esim=True,
                second_phone_number="+8613812345678",
                notes="Balance *#1345#\nBound: HSBC, WeChat 13812345678",
            )
        ],
    )
    await setup_entry(hass, entry)
    result = await async_get_config_entry_diagnostics(hass, entry)
    (card,) = result["cards"].values()
    assert card["data"]["second_phone_number"] == "**REDACTED**"
    assert card["data"]["notes"] == "**REDACTED**"
    assert card["data"]["esim"] is True
    text = json.dumps(result)
    for secret in ("13812345678", "91234567", "1345", "HSBC"):
        assert secret not in text
