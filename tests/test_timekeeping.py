"""Entity states under frozen time: card-zone midnights, month ends, leap days and DST."""

from __future__ import annotations

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import HomeAssistant

from .conftest import CARD_DATA, card_subentry, move_to, setup_entry

HK_CARD = "sensor.hk_card_days_until_expiry"
NY_CARD = "sensor.ny_card_days_until_expiry"


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, failing clearly when it is missing."""
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


@pytest.fixture
async def two_zone_hub(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """Home Assistant in New York; one card on Hong Kong's clock, one on New York's."""
    await hass.config.async_set_time_zone("America/New_York")
    freezer.move_to("2026-10-31T14:00:00+00:00")  # 22:00 in Hong Kong, 10:00 in New York
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7, 1], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(name="HK card", phone_number="+85290000001", expiry_date="2026-11-03"),
            card_subentry(
                name="NY card",
                phone_number="+12125550100",
                expiry_date="2026-11-01",
                time_zone="America/New_York",
                grace_days=1,
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_days_change_at_each_cards_midnight_across_dst(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, two_zone_hub: MockConfigEntry
) -> None:
    """Each card's day ends at its own midnight, through New York's fall-back night."""
    assert state(hass, HK_CARD) == "3"
    assert state(hass, NY_CARD) == "1"
    ny_before = hass.states.get(NY_CARD)
    assert state(hass, "sensor.ny_card_expires_at") == "2026-11-02T04:59:59+00:00"
    assert state(hass, "sensor.hk_card_expires_at") == "2026-11-03T15:59:59+00:00"
    # The date beside it is the card's own day, with 23:59 on the carrier's clock.
    ny = hass.states.get("sensor.ny_card_valid_until")
    assert (ny.state, ny.attributes["ends_at"]) == ("2026-11-01", "2026-11-01T23:59:59-05:00")
    hk = hass.states.get("sensor.hk_card_valid_until")
    assert (hk.state, hk.attributes["ends_at"]) == ("2026-11-03", "2026-11-03T23:59:59+08:00")

    # One second before Hong Kong's midnight nothing changes.
    await move_to(hass, freezer, "2026-10-31T15:59:59+00:00")
    assert state(hass, HK_CARD) == "3"
    # Hong Kong's midnight moves only the Hong Kong card.
    await move_to(hass, freezer, "2026-10-31T16:00:00+00:00")
    assert state(hass, HK_CARD) == "2"
    assert hass.states.get(NY_CARD) == ny_before

    # Midnight in New York (still EDT): the New York card's last day.
    await move_to(hass, freezer, "2026-11-01T03:59:59+00:00")
    assert state(hass, NY_CARD) == "1"
    await move_to(hass, freezer, "2026-11-01T04:00:00+00:00")
    assert state(hass, NY_CARD) == "0"
    assert state(hass, "sensor.ny_card_status") == "expiring_soon"

    # The day of the fall-back is 25 hours long: 04:00Z to 05:00Z next day.
    await move_to(hass, freezer, "2026-11-02T04:30:00+00:00")
    assert state(hass, NY_CARD) == "0"
    await move_to(hass, freezer, "2026-11-02T05:00:00+00:00")
    assert state(hass, NY_CARD) == "-1"
    assert state(hass, "sensor.ny_card_status") == "grace_period"
    await move_to(hass, freezer, "2026-11-03T05:00:00+00:00")
    assert state(hass, "sensor.ny_card_status") == "expired"
    assert state(hass, HK_CARD) == "0"
    assert state(hass, "sensor.hk_card_status") == "expiring_soon"


async def test_one_timer_at_the_soonest_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, two_zone_hub: MockConfigEntry
) -> None:
    """The hub keeps one timer, set to the next midnight of any card."""
    scheduler = two_zone_hub.runtime_data.scheduler
    assert scheduler.next_wake == datetime.fromisoformat("2026-10-31T16:00:00+00:00")
    await move_to(hass, freezer, "2026-10-31T16:00:00+00:00")
    assert scheduler.next_wake == datetime.fromisoformat("2026-11-01T04:00:00+00:00")
    await move_to(hass, freezer, "2026-11-01T04:00:00+00:00")
    assert scheduler.next_wake == datetime.fromisoformat("2026-11-01T16:00:00+00:00")


@pytest.mark.parametrize(
    ("now", "expiry", "days"),
    [
        ("2027-02-28T16:00:00+00:00", "2027-03-01", "0"),  # month end, non-leap year
        ("2028-02-28T16:00:00+00:00", "2028-03-01", "1"),  # leap day in Hong Kong
        ("2028-02-28T15:59:59+00:00", "2028-03-01", "2"),
        ("2026-12-31T16:00:00+00:00", "2027-01-01", "0"),  # new year in Hong Kong
    ],
)
async def test_month_ends_and_leap_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, now: str, expiry: str, days: str
) -> None:
    """Days left count calendar days in the card's zone across month and year ends."""
    await hass.config.async_set_time_zone("America/New_York")
    freezer.move_to(now)
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[card_subentry({**CARD_DATA, "expiry_date": expiry})],
    )
    await setup_entry(hass, entry)
    assert state(hass, "sensor.mum_s_cmhk_days_until_expiry") == days
