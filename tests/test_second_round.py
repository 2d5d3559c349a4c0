"""The second adversarial round: each finding, numbered as in its issue, fails without its fix."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.diagnostics import async_get_config_entry_diagnostics
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .conftest import HUB_OPTIONS, card_subentry, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
TO_CONFIRM = "binary_sensor.mum_s_cmhk_renewal_to_confirm"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in a Hong Kong home on 22 November 2026."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def hub(hass: HomeAssistant, **changes: Any) -> MockConfigEntry:
    """Return a loaded hub with Mum's card."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(**changes)],
    )
    await setup_entry(hass, entry)
    return entry


def only_card(entry: MockConfigEntry) -> str:
    """Return the hub's only card."""
    return next(iter(entry.subentries))


async def call(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call a simrenew action on Mum's card and let it settle."""
    await hass.services.async_call(DOMAIN, service, {"entity_id": STATUS, **data}, blocking=True)
    await hass.async_block_till_done()


async def test_5_a_correction_to_the_same_date_settles_the_marker_at_once(
    hass: HomeAssistant,
) -> None:
    """Setting the recorded expiry confirms it: the marker goes off now, not at midnight."""
    entry = await hub(hass)
    await call(hass, "renew")
    assert hass.states.get(TO_CONFIRM).state == "on"
    recorded = entry.subentries[only_card(entry)].data["expiry_date"]
    await call(hass, "set_expiry", expiry_date=recorded)
    assert hass.states.get(TO_CONFIRM).state == "off"
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False


async def test_5_an_undo_of_a_renewal_that_moved_nothing_settles_the_marker(
    hass: HomeAssistant,
) -> None:
    """A renewal that left the expiry where it was, undone: nothing waits any more, at once."""
    await hub(hass, expiry_date="2027-12-31")
    await call(hass, "renew")
    assert hass.states.get(TO_CONFIRM).state == "on"
    await call(hass, "undo_renewal")
    assert hass.states.get(TO_CONFIRM).state == "off"


@pytest.mark.parametrize("service", ["confirm_renewal", "set_expiry"])
async def test_8_a_failed_write_leaves_nothing_confirmed(hass: HomeAssistant, service: str) -> None:
    """The file could not be written: memory does not claim the renewal confirmed."""
    entry = await hub(hass)
    await call(hass, "renew")
    records: dict[str, Any] = entry.runtime_data.records
    confirm = records[only_card(entry)]["reminders"]["confirm"]
    data = {"expiry_date": "2027-05-25"} if service == "set_expiry" else {}
    with (
        patch.object(
            entry.runtime_data.ledger.store,
            "async_save",
            side_effect=HomeAssistantError("disk full"),
        ),
        pytest.raises(HomeAssistantError),
    ):
        await call(hass, service, **data)
    assert records[only_card(entry)]["reminders"]["confirm"] == confirm
    assert [e["confirmed"] for e in records[only_card(entry)]["history"]] == [False]


async def test_13_diagnostics_hide_how_a_renewal_was_paid(hass: HomeAssistant) -> None:
    """A payment method (a card's last digits, an Octopus number) is redacted like a reference."""
    entry = await hub(hass)
    await call(hass, "renew", payment_method="Visa 4242")
    result = await async_get_config_entry_diagnostics(hass, entry)
    (renewal,) = result["cards"][only_card(entry)]["history"]
    assert renewal["payment_method"] == "**REDACTED**"
    assert "4242" not in str(result)
