"""A London home's Hong Kong card, added with the automatic zone, ends on Hong Kong's clock."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import SOURCE_USER, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import move_to, past_product

AUTOMATIC = "Automatic: from the phone number or card type"
HK_DAYS = "sensor.hong_kong_number_days_until_expiry"
HK_STATUS = "sensor.hong_kong_number_status"
LONDON_DAYS = "sensor.travel_data_days_until_expiry"
LONDON_STATUS = "sensor.travel_data_status"


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, failing clearly when it is missing."""
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


async def _london_home_with_two_cards(hass: HomeAssistant, expiry: str) -> ConfigEntry:
    """Add, through the forms, a +852 card and a data card with no number, both automatic."""
    await hass.config.async_set_time_zone("Europe/London")
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Hong Kong number",
            "phone_number": "9123 4567",
            "time_zone": AUTOMATIC,
            "expiry_date": expiry,
            "advanced": {},
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    await hass.async_block_till_done()
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Travel data",
            "card_type": "data",
            "time_zone": AUTOMATIC,
            "expiry_date": expiry,
            "advanced": {},
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    zones = {sub.title: sub.data["time_zone"] for sub in entry.subentries.values()}
    assert zones == {"Hong Kong number": "Asia/Hong_Kong", "Travel data": "Europe/London"}
    return entry


# Instants (UTC) on and after the expiry day, with the Hong Kong card's days left and status.
WINTER = (
    "2027-01-15",
    [
        ("2027-01-15T15:59:59+00:00", "0", "expiring_soon"),  # 15:59:59 in London
        # 16:00 in London (UTC+0) is midnight in Hong Kong: the card's day has ended.
        ("2027-01-15T16:00:00+00:00", "-1", "expired"),
    ],
)
SUMMER = (
    "2027-07-15",
    [
        # 16:00 in London (UTC+1) is 23:00 in Hong Kong: an hour of the last day is left.
        ("2027-07-15T15:00:00+00:00", "0", "expiring_soon"),
        ("2027-07-15T15:59:59+00:00", "0", "expiring_soon"),
        # 17:00 in London is midnight in Hong Kong.
        ("2027-07-15T16:00:00+00:00", "-1", "expired"),
    ],
)


@pytest.mark.parametrize(("expiry", "checkpoints"), [WINTER, SUMMER], ids=["winter", "summer"])
async def test_a_hong_kong_card_in_a_london_home_ends_at_hong_kong_midnight(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    expiry: str,
    checkpoints: list[tuple[str, str, str]],
) -> None:
    """Past Hong Kong's midnight the number is gone (no grace days), however early in London."""
    freezer.move_to(f"{expiry[:8]}10T12:00:00+00:00")
    await _london_home_with_two_cards(hass, expiry)
    assert state(hass, HK_DAYS) == "5"
    for when, days, status in checkpoints:
        await move_to(hass, freezer, when)
        assert (state(hass, HK_DAYS), state(hass, HK_STATUS)) == (days, status), when
        # The data card counts on London's clock: its last day runs until London's midnight.
        assert (state(hass, LONDON_DAYS), state(hass, LONDON_STATUS)) == ("0", "expiring_soon")


async def test_the_status_sensor_names_the_clock_its_card_counts_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Each card's status sensor names its carrier's zone, which may not be Home Assistant's."""
    freezer.move_to("2027-01-10T12:00:00+00:00")
    await _london_home_with_two_cards(hass, "2027-01-15")
    hong_kong = hass.states.get(HK_STATUS)
    london = hass.states.get(LONDON_STATUS)
    assert hong_kong is not None
    assert london is not None
    assert hong_kong.attributes["carrier_time_zone"] == "Asia/Hong_Kong"
    assert london.attributes["carrier_time_zone"] == "Europe/London"
