"""A card from a carrier product, in the real web UI: found by typing, saved as it was filled.

The product fills in the card's renewal rules and plans; the form says where they come from;
the card's device page shows how to ask the carrier for the balance.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from custom_components.simrenew.presets import load_presets

from .conftest import Server, _request, _websocket
from .test_newcomer_path import (
    choose_in_picker,
    ensure_household,
    entity_id,
    expect_row,
    field,
    finish_flow,
    hub_entry_id,
    shot,
    state,
    today_in,
)
from .ui_texts import Texts

NAMES = {"en": "Spare Shinetown", "zh-Hant": "後備華美卡", "zh-Hans": "备用华美卡"}
# What is typed in the product search: part of the product's name, in the home's language.
TYPED = {"en": "Shinetown", "zh-Hant": "華美", "zh-Hans": "华美"}


def device_of(server: Server, name: str) -> str:
    """Return the id of the card's device, found by its name."""
    token = server.tokens["access_token"]
    devices = _websocket(server.url, token, {"type": "config/device_registry/list"})["result"]
    (device,) = [item["id"] for item in devices if item["name"] == name]
    return str(device)


def list_cards(server: Server) -> list[dict[str, Any]]:
    """Return the cards as simrenew.list_cards answers."""
    answer = _request(
        f"{server.url}/api/services/simrenew/list_cards?return_response",
        {},
        token=server.tokens["access_token"],
    )
    return list(answer["service_response"]["cards"])


def test_a_card_from_a_product(server: Server, page: Page) -> None:
    """Pick Shinetown by typing, save the card as the product filled it, see its device page."""
    profile = server.profile
    text = Texts(profile.language)
    name = NAMES[profile.language]
    presets = load_presets()
    preset = presets.products["shinetown"]
    product_name = preset.name.read(profile.language)
    today = today_in(profile.card_time_zone)
    home_today = today_in(profile.time_zone)
    ensure_household(server)
    assert hub_entry_id(server)

    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    page.get_by_role(
        "button", name=text.ours("config_subentries.card.initiate_flow.user"), exact=True
    ).last.click()
    step = "config_subentries.card.step.product"
    expect(page.get_by_text(text.ours(f"{step}.title")).first).to_be_visible()
    # The product list is searchable: typing part of a name leaves the matching products.
    page.locator("ha-picker-field").first.click()
    search = page.get_by_role("combobox").or_(page.get_by_role("textbox")).last
    search.fill(TYPED[profile.language])
    option = page.get_by_role("option", name=product_name, exact=True)
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("ha-picker-field").get_by_text(product_name, exact=True)).to_be_visible()
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()

    # The card's form, filled in from the product, says where each value comes from.
    form = "config_subentries.card.step.user"
    expect(page.get_by_text(text.ours(f"{form}.title")).first).to_be_visible()
    dialog = page.locator("dialog-data-entry-flow")
    expect(dialog).to_contain_text("shinetown.com.hk")
    expect(dialog).to_contain_text(presets.collected.read(profile.language))
    expect(field(page, text.ours(f"{form}.data.carrier"))).to_have_value("Shinetown")
    shot(page, "product-form", server)
    # Only what the carrier alone knows is entered: the card's name and its expiry.
    field(page, text.ours(f"{form}.data.name")).fill(name)
    expiry = today + timedelta(days=100)
    field(page, text.ours(f"{form}.data.expiry_date")).click()
    choose_in_picker(page, text, home_today, expiry)
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    finish_flow(page, text)

    (card,) = [item for item in list_cards(server) if item["name"] == name]
    assert card["carrier"] == "Shinetown"
    assert card["balance_check"] == [
        {"method": "ussd", "code": "*#137*137#"},
        {"method": "ivr", "code": "*123"},
    ]
    assert [(plan["renewal_period"], plan["renewal_cost"]) for plan in card["plans"]] == [
        (210, 100.0),
        (360, 300.0),
        (210, 50.0),
    ]
    kept_until = entity_id(server, name, "number_kept_until")
    # Shinetown has no grace: the number is kept until the expiry itself.
    assert state(server, kept_until)["state"] == expiry.isoformat()  # type: ignore[index]

    # The device page shows the code to dial for the balance and expiry.
    page.goto(f"{server.url}/config/devices/device/{device_of(server, name)}")
    expect(page.get_by_text(name, exact=True).first).to_be_visible()
    expect_row(page, text.ours("entity.sensor.balance_check.name"), "*#137*137#, *123")
