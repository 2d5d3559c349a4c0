"""A card made from a product shows how to ask the carrier for its balance and expiry."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import HUB_OPTIONS, card_subentry, setup_entry


async def test_the_code_is_on_the_device_and_in_list_cards(hass: HomeAssistant) -> None:
    """A Shinetown card has a diagnostic sensor with its codes; a card without a product none."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(product="shinetown", name="Spare", phone_number="+85261112222"),
            card_subentry(),
            card_subentry(product="csl_rechargeable", name="Dad", phone_number="+85261113333"),
        ],
    )
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    checks = [
        item
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.unique_id.endswith("_balance_check")
    ]
    # Only the card whose product names a code: csl's rechargeable SIM names none.
    assert len(checks) == 1
    assert checks[0].entity_category is EntityCategory.DIAGNOSTIC
    state = hass.states.get(checks[0].entity_id)
    assert state is not None
    assert state.state == "*#137*137#, *123"
    assert state.attributes["checks"] == [
        {"method": "ussd", "code": "*#137*137#"},
        {"method": "ivr", "code": "*123"},
    ]
    assert state.attributes["friendly_name"] == "Spare Balance check"
    response = await hass.services.async_call(
        DOMAIN, "list_cards", {}, blocking=True, return_response=True
    )
    listed = {card["name"]: card["balance_check"] for card in response["cards"]}  # type: ignore[index, union-attr]
    assert listed == {
        "Spare": [{"method": "ussd", "code": "*#137*137#"}, {"method": "ivr", "code": "*123"}],
        "Mum's CMHK": [],
        "Dad": [],
    }
