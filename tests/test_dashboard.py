"""The README's dashboard shows each card's official page and what the next deadline is about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template

from .conftest import HUB_OPTIONS, card_subentry, setup_entry

DASHBOARD = Path(__file__).parent.parent / "docs" / "dashboard.yaml"
URL = "https://www.hk.chinamobile.com/en/prepaid"


def cards(node: Any) -> list[dict[str, Any]]:
    """Return every dashboard card, those inside stacks included."""
    found: list[dict[str, Any]] = []
    for card in node:
        found.append(card)
        found.extend(cards(card.get("cards", [])))
    return found


def dashboard_cards() -> list[dict[str, Any]]:
    """Return the cards of the README's dashboard."""
    views = yaml.safe_load(DASHBOARD.read_text("utf-8"))["views"]
    return [card for view in views for card in cards(view["cards"])]


async def test_each_card_shows_its_official_page_and_where_to_top_up(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The markdown under a card links its official page and warns in the three languages."""
    freezer.move_to("2026-11-22T04:00:00+00:00")
    (markdown,) = [card for card in dashboard_cards() if card["type"] == "markdown"]
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(renewal_url=URL)],
    )
    await setup_entry(hass, entry)
    shown = Template(markdown["content"], hass).async_render(parse_result=False)
    assert f"]({URL})" in shown
    assert "official app, website or shops" in shown
    assert "官方應用程式、網站或門市增值" in shown
    assert "官方 App、网站或营业厅充值" in shown

    # Without a page, it says where to add one.
    subentry = next(iter(entry.subentries.values()))
    hass.config_entries.async_update_subentry(
        entry, subentry, data={k: v for k, v in subentry.data.items() if k != "renewal_url"}
    )
    await hass.async_block_till_done()
    shown = Template(markdown["content"], hass).async_render(parse_result=False)
    assert URL not in shown
    assert "More settings" in shown


async def test_the_next_deadline_tile_names_the_card_and_what_happens(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The tile shows attributes the next deadline sensor has."""
    (tile,) = [
        card for card in dashboard_cards() if card.get("entity") == "sensor.sim_renew_next_deadline"
    ]
    await setup_entry(hass, mock_entry)
    attributes = hass.states.get(tile["entity"]).attributes
    for shown in tile["state_content"]:
        assert shown == "state" or shown in attributes, shown
