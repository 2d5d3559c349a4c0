"""Time zones as people type them in the card form: read as meant, or refused in words."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.carrier_zone import etc_hours_behind_utc
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.zones import async_canonical_zone_name
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import form_errors, past_product, setup_entry
from .test_config_flow import with_changes

NOW = "2026-11-22T04:00:00+00:00"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to(NOW)


async def first_card(hass: HomeAssistant, **changes: Any) -> dict[str, Any]:
    """Send the first card's form with some answers changed; return the flow's result."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    return dict(
        await hass.config_entries.flow.async_configure(result["flow_id"], with_changes(**changes))
    )


def stored_card(result: dict[str, Any]) -> dict[str, Any]:
    """Return the data of the card a first form created."""
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (subentry,) = result["result"].subentries.values()
    return dict(subentry.data)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("asia/hong_kong", "Asia/Hong_Kong"),
        ("Asia/Hong Kong", "Asia/Hong_Kong"),
        ("ASIA / HONG  KONG", "Asia/Hong_Kong"),
        ("ａｓｉａ/ｍａｃａｕ", "Asia/Macau"),
        ("america/argentina/buenos aires", "America/Argentina/Buenos_Aires"),
        ("utc", "UTC"),
        ("Europe/Paris", "Europe/Paris"),
    ],
)
async def test_a_zone_typed_in_any_case_or_with_spaces_is_stored_by_its_iana_name(
    hass: HomeAssistant, typed: str, stored: str
) -> None:
    """The card stores the zone database's own spelling, whatever the case or spacing typed."""
    result = await first_card(hass, time_zone=typed, card_type="data", phone_number=None)
    assert stored_card(result)["time_zone"] == stored


@pytest.mark.parametrize("typed", ["Asia/HongKong", "asia/hong-kong", "Asia/Hong_Kong/x", "../utc"])
async def test_a_zone_that_is_no_spelling_of_one_is_still_refused(
    hass: HomeAssistant, typed: str
) -> None:
    """Case and spaces are forgiven; a different name is not guessed at."""
    result = await first_card(hass, time_zone=typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(time_zone="invalid_time_zone")


_ZONES = st.sampled_from(
    ["Asia/Hong_Kong", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "Etc/GMT+8"]
)


@settings(max_examples=100, deadline=None)
@given(zone=_ZONES, data=st.data())
async def test_any_case_and_spacing_of_a_zone_reads_back(zone: str, data: st.DataObject) -> None:
    """Every letter's case and every underscore as one or more spaces: the same zone."""
    typed = "".join(
        draw_char
        for char in zone
        for draw_char in data.draw(
            st.sampled_from([[char], [char.upper()], [char.lower()]])
            if char != "_"
            else st.sampled_from([["_"], [" "], ["  "], ["\u3000"]])
        )
    )
    assert await async_canonical_zone_name(typed) == zone


@pytest.mark.parametrize(
    "changes",
    [
        {"phone_number": "+852 6123 4567", "card_type": "data"},
        {"phone_number": None, "card_type": "number_keeping"},
        {"phone_number": None, "card_type": "china_hk"},
        {"phone_number": "+86 139 1234 5678", "card_type": "data"},
        {"phone_number": None, "card_type": "data", "second_phone_number": "+852 6123 4567"},
    ],
)
@pytest.mark.parametrize("typed", ["Etc/GMT+8", "etc/gmt+8", "Etc/GMT+5"])
async def test_etc_gmt_plus_for_a_card_ahead_of_utc_is_refused_in_words(
    hass: HomeAssistant, changes: dict[str, Any], typed: str
) -> None:
    """Etc/GMT+8 is UTC-8: for a Hong Kong or mainland card it is the sign the wrong way."""
    result = await first_card(hass, time_zone=typed, **changes)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(time_zone="zone_sign_reversed")
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.parametrize(
    ("changes", "typed", "stored"),
    [
        # Nothing about the card says where it is: a zone west of UTC is the user's to choose.
        ({"phone_number": None, "card_type": "data"}, "Etc/GMT+8", "Etc/GMT+8"),
        ({"phone_number": None, "card_type": "virtual_number"}, "etc/gmt+8", "Etc/GMT+8"),
        # A number from a country of several clocks says nothing sure either.
        ({"phone_number": "+1 415 555 0100", "card_type": "data"}, "Etc/GMT+8", "Etc/GMT+8"),
        # The right sign, and a real city west of UTC, are never in doubt.
        ({"phone_number": "+852 6123 4567"}, "Etc/GMT-8", "Etc/GMT-8"),
        ({"phone_number": "+852 6123 4567"}, "America/Los_Angeles", "America/Los_Angeles"),
        ({"phone_number": "+852 6123 4567"}, "Asia/Hong Kong", "Asia/Hong_Kong"),
    ],
)
async def test_a_zone_west_of_utc_is_kept_where_nothing_says_otherwise(
    hass: HomeAssistant, changes: dict[str, Any], typed: str, stored: str
) -> None:
    """Only the reversed sign for a card known to be ahead of UTC is refused."""
    result = await first_card(hass, time_zone=typed, **changes)
    assert stored_card(result)["time_zone"] == stored


async def test_reconfiguring_to_etc_gmt_plus_8_keeps_the_card_as_it_was(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Mum's +852 card cannot be moved to UTC-8 by a sign mistake; nothing is written."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    before = dict(mock_entry.subentries[subentry_id].data)
    result = await mock_entry.start_subentry_reconfigure_flow(hass, subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        with_changes(
            name="Mum's CMHK", phone_number="+85291234567", time_zone="Etc/GMT+8", grace_days=30
        ),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(time_zone="zone_sign_reversed")
    assert dict(mock_entry.subentries[subentry_id].data) == before


@pytest.mark.parametrize(
    ("zone", "hours"),
    [
        ("Etc/GMT+8", 8),
        ("Etc/GMT+12", 12),
        ("Etc/GMT-8", None),
        ("Etc/GMT+13", None),
        ("Etc/GMT", None),
        ("Etc/GMT+0", None),
        ("Asia/Hong_Kong", None),
        ("etc/gmt+8", None),
    ],
)
def test_how_far_behind_utc_an_etc_zone_is(zone: str, hours: int | None) -> None:
    """POSIX signs: "+" is west of UTC. Only the stored spelling is read."""
    assert etc_hours_behind_utc(zone) == hours
