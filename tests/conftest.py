"""Shared fixtures: load the project's integration, and a hub with one card."""

from __future__ import annotations

from collections.abc import Iterator
import os
import random
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from hypothesis import HealthCheck, settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

# The harness ships its own custom_components package; importing ours first makes it win.
import custom_components.simrenew  # noqa: F401
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.ledger import forget_ledger
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

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


# "ci" (scripts/test) runs more examples than a quick local run; the fuzzing tests scale theirs
# from the profile's max_examples.
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# What Home Assistant logs when an integration uses something deprecated or removed soon.
DEPRECATION_MARKERS = ("deprecated", "will stop working", "will be removed", "stops working")


# Fields inside the card form's sections: the frontend shows their errors only on the section.
SECTION_OF = {
    **dict.fromkeys(
        (
            "reminder_days",
            "grace_days",
            "activity_interval_days",
            "renewal_url",
            "auto_renew",
            "esim",
            "second_phone_number",
            "notes",
        ),
        "advanced",
    ),
    "default_plan": "renewal_plans",
    "plans": "renewal_plans",
}


def form_errors(**errors: str) -> dict[str, str]:
    """Return a card form's errors as sent: a field in a section also names its section."""
    sent = dict(errors)
    for field, error in errors.items():
        if field in SECTION_OF:
            sent.setdefault(SECTION_OF[field], error)
    return sent


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components."""


@pytest.fixture(autouse=True)
def registry_ids_beyond_hypothesis_seeding() -> Iterator[None]:
    """Draw registry ids from a generator of their own.

    Hypothesis seeds the global random generator the same way for every example, so entities
    created in one example of a test would get the ids of those created in an earlier one, and
    Home Assistant's registries would index two entries under one id.
    """
    own = random.Random()
    with patch("homeassistant.util.uuid.getrandbits", own.getrandbits):
        yield


@pytest.fixture(autouse=True)
def fail_on_deprecations(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test during which Home Assistant reports a deprecated use by simrenew."""
    yield
    reports = [
        record.getMessage()
        for record in caplog.get_records("call")
        if "simrenew" in record.getMessage()
        and any(marker in record.getMessage().lower() for marker in DEPRECATION_MARKERS)
    ]
    assert not reports, f"Home Assistant reported deprecated use: {reports}"


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, including those that start disabled for users."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def device_of(
    hass: HomeAssistant, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry | None:
    """Return the device of a card (or of the hub) that the entry registered."""
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
            if (DOMAIN, identifier) in device.identifiers
        ),
        None,
    )


def card_subentry(data: dict[str, Any] | None = None, **changes: Any) -> ConfigSubentryData:
    """Return subentry data for a card."""
    card = {**(data or CARD_DATA), **changes}
    return {
        "subentry_type": SUBENTRY_CARD,
        "data": card,
        "title": card["name"],
        "unique_id": None,
    }


# The household's reminder options as a new hub stores them.
HUB_OPTIONS: dict[str, Any] = {"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"}
# A second card, Dad's, with no renewal period and no grace.
DAD_CARD: dict[str, Any] = {
    "name": "Dad's csl",
    "phone_number": "+85261234567",
    "expiry_date": "2027-01-10",
    "renewal_period": None,
    "grace_days": 0,
}


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Stop the household and start it again, its history read from storage as after a restart."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    forget_ledger(hass, entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def move_to(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: str) -> None:
    """Move the clock and let every due timer and task run."""
    freezer.move_to(when)
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()


@pytest.fixture
def mock_entry() -> MockConfigEntry:
    """Return a hub entry with one card, not yet added to Home Assistant."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry()],
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry to Home Assistant and wait for it to load."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def past_product(hass: HomeAssistant, result: Any, product: str = "other") -> Any:
    """Answer a new card's first question, which product it is: "other" unless told."""
    if result.get("step_id") != "product":
        return result
    manager: Any = (
        hass.config_entries.subentries
        if isinstance(result["handler"], tuple)
        else hass.config_entries.flow
    )
    return await manager.async_configure(result["flow_id"], {"product": product})


def expiry_of(entry: Any, card_id: str) -> str:
    """Return a card's expiry as its history holds it: the one that counts.

    The card's settings keep the expiry it was added with; every change is recorded in the
    household's history, with the expiry it leads to.
    """
    from custom_components.simrenew.ledger import LEDGERS  # noqa: PLC0415

    hass = entry.runtime_data.hass if hasattr(entry, "runtime_data") else None
    ledger = None if hass is None else hass.data.get(LEDGERS, {}).get(entry.entry_id)
    records = (ledger or entry.runtime_data.ledger).records
    expiry: str = records[card_id]["expiry"]
    return expiry
