"""Shared fixtures: load the project's integration, and a hub with one card."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

# The harness ships its own custom_components package; importing ours first makes it win.
import custom_components.simrenew  # noqa: F401
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant

CARD_DATA: dict[str, Any] = {
    "name": "Mum's CMHK",
    "carrier": "CMHK",
    "card_type": "number_keeping",
    "phone_number": "+85291234567",
    "expiry_date": "2026-12-01",
    "renewal_period": 180,
    "renewal_period_unit": "days",
    "renewal_mode": "from_renewal",
    "renewal_cost": 50.0,
    "currency": "HKD",
    "time_zone": "Asia/Hong_Kong",
    "grace_days": 30,
    "activity_interval_days": 0,
    "auto_renew": False,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components."""


def card_subentry(data: dict[str, Any] | None = None, **changes: Any) -> ConfigSubentryData:
    """Return subentry data for a card."""
    card = {**(data or CARD_DATA), **changes}
    return {
        "subentry_type": SUBENTRY_CARD,
        "data": card,
        "title": card["name"],
        "unique_id": None,
    }


@pytest.fixture
def mock_entry() -> MockConfigEntry:
    """Return a hub entry with one card, not yet added to Home Assistant."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry()],
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry to Home Assistant and wait for it to load."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
