"""The dashboard card that comes with simrenew, in each home, through the real web UI.

Added from the card picker to a new dashboard, it lists every card soonest deadline first in the
viewer's language; it renews one choosing a plan, shows a refusal in words, confirms the renewal,
undoes another card's renewal, and takes in a card added while it is open. Once the household
is removed, its module is no longer served.
"""

from __future__ import annotations

from datetime import date, timedelta
import json
import re
from typing import Any
import urllib.error
import urllib.request

from playwright.sync_api import Locator, Page, expect

from custom_components.simrenew.card_module import MODULE_FILE, MODULE_PATH
from custom_components.simrenew.model import add_months

from .conftest import Server, _request, _websocket
from .test_newcomer_path import (
    IMAGES,
    _wait_for_attribute,
    _wait_for_state,
    add_first_card,
    entity_id,
    state,
    today_in,
)
from .ui_texts import Texts

DASHBOARD = "simrenew-card"
NAMES = {
    "en": ("Grandma's CMHK", "Work csl", "Travel SIM", "Spare SIM"),
    "zh-Hant": ("婆婆的CMHK", "公司的csl", "旅行卡", "後備卡"),
    "zh-Hans": ("奶奶的移动卡", "公司的联通卡", "旅行卡", "备用卡"),
}
YEARLY = {"en": "Yearly", "zh-Hant": "年費", "zh-Hans": "包年"}
YEARLY_COST = 180


def card_texts(language: str) -> dict[str, str]:
    """Return the card's own texts in one language, as its module holds them."""
    found = re.search(
        r"/\* strings:begin \*/\s*const STRINGS = (\{.*?\});\s*/\* strings:end \*/",
        MODULE_FILE.read_text("utf-8"),
        re.S,
    )
    assert found
    texts: dict[str, str] = json.loads(found.group(1))[language]
    return texts


def _households(server: Server) -> list[str]:
    """Return the ids of the simrenew entries."""
    entries = _request(
        f"{server.url}/api/config/config_entries/entry", token=server.tokens["access_token"]
    )
    return [entry["entry_id"] for entry in entries if entry["domain"] == "simrenew"]


def _remove_households(server: Server) -> None:
    """Remove every household, as its menu's Delete does."""
    for entry_id in _households(server):
        request = urllib.request.Request(
            f"{server.url}/api/config/config_entries/entry/{entry_id}",
            headers={"Authorization": f"Bearer {server.tokens['access_token']}"},
            method="DELETE",
        )
        with urllib.request.urlopen(request, timeout=30):
            pass


def add_card(server: Server, data: dict[str, Any]) -> None:
    """Add a card through "Add integration": the first makes the household."""
    done = add_first_card(server, data)
    assert done["type"] == "create_entry" or done.get("reason") == "card_added", done


def _shown(schema: list[dict[str, Any]]) -> dict[str, Any]:
    """Return what a form shows, sections included, as it would send it back."""
    values: dict[str, Any] = {}
    for item in schema:
        if item.get("type") == "expandable":
            values[item["name"]] = _shown(item["schema"])
            continue
        value = (item.get("description") or {}).get("suggested_value", item.get("default"))
        if value is not None:
            values[item["name"]] = value
    return values


def add_plan(server: Server, card: str, plan: dict[str, Any]) -> None:
    """Add a plan to a card through its reconfigure form, keeping its default plan."""
    token = server.tokens["access_token"]
    (hub,) = _households(server)
    subentries = _websocket(
        server.url, token, {"type": "config_entries/subentries/list", "entry_id": hub}
    )["result"]
    (card_id,) = [item["subentry_id"] for item in subentries if item["title"] == card]
    base = f"{server.url}/api/config/config_entries/subentries/flow"
    form = _request(
        base,
        {"handler": [hub, "card"], "source": "reconfigure", "subentry_id": card_id},
        token=token,
    )
    values = _shown(form["data_schema"])
    plans = values.setdefault("renewal_plans", {})
    plans["plans"] = [*plans.get("plans", []), plan]
    step = _request(f"{base}/{form['flow_id']}", values, token=token)
    while step["type"] == "form":
        step = _request(f"{base}/{form['flow_id']}", _shown(step["data_schema"]), token=token)
    assert step["type"] == "abort", step
    assert step["reason"] == "reconfigure_successful", step


def written(page: Page, day: date) -> str:
    """Return a date as the card writes it, in the page's language."""
    return str(
        page.evaluate(
            """([y, m, d]) => new Intl.DateTimeFormat(
                 document.querySelector("home-assistant").hass.locale.language,
                 {year: "numeric", month: "short", day: "numeric", timeZone: "UTC"},
               ).format(new Date(Date.UTC(y, m - 1, d)))""",
            [day.year, day.month, day.day],
        )
    )


def money(page: Page, amount: int, currency: str) -> str:
    """Return a whole sum as the card writes it, in the page's language."""
    return str(
        page.evaluate(
            """([amount, currency]) => new Intl.NumberFormat(
                 document.querySelector("home-assistant").hass.locale.language,
                 {style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: 0},
               ).format(amount)""",
            [amount, currency],
        )
    )


def sim(page: Page, name: str) -> Locator:
    """Return one SIM card's block in the dashboard card."""
    return page.locator("simrenew-card .sim").filter(
        has=page.locator(".name", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def expect_order(page: Page, names: list[str]) -> None:
    """Check that the dashboard card lists exactly these cards, in this order."""
    expect(page.locator("simrenew-card .sim .name")).to_have_text(names)


def module_status(server: Server) -> int:
    """Return the HTTP status of the card's module, fetched as a browser would (no token)."""
    try:
        with urllib.request.urlopen(f"{server.url}{MODULE_PATH}?v=0", timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return err.code


def card_shot(page: Page, name: str, server: Server, *, whole_page: bool = False) -> None:
    """Save a picture of the card (or of the page) for the README, once the page has loaded."""
    expect(page.locator("#ha-launch-screen")).to_have_count(0)
    target = IMAGES / f"{name}{server.profile.suffix}.png"
    if whole_page:
        page.screenshot(path=str(target))
    else:
        page.locator("simrenew-card").screenshot(path=str(target))


def test_dashboard_card(server: Server, page: Page) -> None:
    """Every step checks what the card shows, in the profile's language."""
    profile = server.profile
    text = Texts(profile.language)
    card = card_texts(profile.language)
    granny, work, travel, spare = NAMES[profile.language]
    today = today_in(profile.card_time_zone)
    # A household of its own: the walk ends by removing it.
    _remove_households(server)
    common = {
        "card_type": "number_keeping",
        "time_zone": profile.card_time_zone,
        "renewal_mode": "from_renewal",
        "currency": profile.currency,
    }
    advanced = {"grace_days": 0, "activity_interval_days": 0, "auto_renew": False}
    add_card(
        server,
        {
            **common,
            "name": granny,
            "carrier": "CMHK",
            "expiry_date": (today + timedelta(days=9)).isoformat(),
            "renewal_period": "180_days",
            "renewal_cost": 50,
            "advanced": {
                **advanced,
                "esim": True,
                "renewal_url": "https://www.hk.chinamobile.com/en/prepaid",
            },
        },
    )
    lapsed = today - timedelta(days=3)
    add_card(
        server,
        {
            **common,
            "name": work,
            "expiry_date": lapsed.isoformat(),
            "renewal_period": "30_days",
            "advanced": {**advanced, "grace_days": 30},
        },
    )
    travel_expiry = today + timedelta(days=40)
    add_card(
        server,
        {
            **common,
            "name": travel,
            "card_type": "data",
            "expiry_date": travel_expiry.isoformat(),
            "renewal_period": "90_days",
            "advanced": advanced,
        },
    )
    add_plan(
        server,
        granny,
        {"name": YEARLY[profile.language], "period": "12_months", "cost": YEARLY_COST},
    )
    # The travel card was topped up a moment ago: the card will undo that.
    travel_expiry_entity = entity_id(server, travel, "expiry_date")
    _request(
        f"{server.url}/api/services/simrenew/renew",
        {"entity_id": travel_expiry_entity, "channel": "app", "payment_method": "Visa"},
        token=server.tokens["access_token"],
    )
    _wait_for_state(server, travel_expiry_entity, (today + timedelta(days=90)).isoformat())

    # A new dashboard; the card is added from the card picker, with its live preview.
    page.evaluate(
        """async (path) => {
             const hass = document.querySelector("home-assistant").hass;
             await hass.callWS({type: "lovelace/dashboards/create", url_path: path,
               title: "SIM", mode: "storage", show_in_sidebar: false, require_admin: false});
             await hass.callWS({type: "lovelace/config/save", url_path: path,
               config: {views: [{title: "SIM", path: "sim", cards: []}]}});
           }""",
        DASHBOARD,
    )
    page.goto(f"{server.url}/{DASHBOARD}/sim?edit=1")
    page.get_by_role("button", name=text.ui("ui.panel.lovelace.editor.edit_card.add")).or_(
        page.get_by_text(text.ui("ui.panel.lovelace.editor.edit_card.add"), exact=True)
    ).first.click()
    page.get_by_role("tab", name=text.ui("ui.panel.lovelace.editor.cardpicker.by_card")).click()
    picker = page.locator("hui-card-picker")
    picker.get_by_role(
        "textbox", name=text.ui("ui.panel.lovelace.editor.edit_card.search_cards")
    ).or_(picker.get_by_role("textbox")).first.fill("SIM Renew")
    offered = picker.locator(".card").filter(has_text="SIM Renew")
    expect(offered.first).to_be_visible()
    # The preview is the card itself, with the household's cards.
    expect(offered.first.locator("simrenew-card .sim")).to_have_count(3)
    offered.first.click()
    editor = page.locator("hui-dialog-edit-card")
    expect(editor.locator("simrenew-card-editor")).to_be_attached()
    expect(editor.get_by_text(card["editor_hide_lost"])).to_be_visible()
    editor.get_by_role("button", name=text.ui("ui.common.save"), exact=True).click()
    expect(page.locator("hui-view simrenew-card .sim")).to_have_count(3)
    page.get_by_role("button", name=text.ui("ui.panel.lovelace.menu.exit_edit_mode")).click()
    page.goto(f"{server.url}/{DASHBOARD}/sim")

    # Soonest deadline first, in the viewer's words.
    expect_order(page, [work, granny, travel])
    expect(page.locator("simrenew-card h2")).to_have_text(card["title"])
    grace_end = lapsed + timedelta(days=30)
    expect(sim(page, work)).to_contain_text(
        card["status_grace_period"].replace("{date}", written(page, grace_end))
    )
    expect(sim(page, granny)).to_contain_text(
        card["status_expiring_soon"].replace("{date}", written(page, today + timedelta(days=9)))
    )
    expect(sim(page, granny).locator(".mark", has_text=card["esim"])).to_be_visible()
    expect(sim(page, granny).get_by_role("link", name=card["official_page"])).to_have_attribute(
        "href", "https://www.hk.chinamobile.com/en/prepaid"
    )
    expect(sim(page, travel)).to_contain_text(card["unconfirmed"])
    expect(sim(page, travel)).to_contain_text(
        card["standing"].replace("{date}", written(page, travel_expiry))
    )
    # The receipts, with how the top-up was paid, open under the card.
    sim(page, travel).get_by_role("button", name=card["receipts"]).click()
    expect(sim(page, travel).locator("table")).to_contain_text(card["channel_app"])
    expect(sim(page, travel).locator("table")).to_contain_text("Visa")
    card_shot(page, "dashboard-card", server)

    # Renew Grandma's card with the yearly plan, seeing what each plan gives first.
    granny_expiry = entity_id(server, granny, "expiry_date")
    sim(page, granny).get_by_role("button", name=card["renew"], exact=True).click()
    yearly_to = add_months(today, 12)
    outcome = (
        card["plan_outcome"]
        .replace("{plan}", YEARLY[profile.language])
        .replace("{date}", written(page, yearly_to))
        .replace("{amount}", money(page, YEARLY_COST, profile.currency))
    )
    expect(sim(page, granny).get_by_text(card["choose_plan"])).to_be_visible()
    sim(page, granny).get_by_role("radio", name=outcome).check()
    sim(page, granny).get_by_role("button", name=card["record_renewal"]).click()
    _wait_for_state(server, granny_expiry, yearly_to.isoformat())
    expect(sim(page, granny)).to_contain_text(card["unconfirmed"])

    # A carrier date nobody could mean is refused, in words, and changes nothing.
    granny_status = entity_id(server, granny, "status")
    sim(page, granny).get_by_role("button", name=card["confirm"], exact=True).click()
    sim(page, granny).locator("input[type=date]").fill("2000-01-01")
    sim(page, granny).get_by_role("button", name=card["confirm_go"]).click()
    refusal = sim(page, granny).get_by_role("alert")
    expect(refusal).to_contain_text(card["refused"].split("{reason}")[0])
    expect(refusal).to_contain_text(
        text.ours("exceptions.expiry_out_of_range.message", expiry_date="2000-01-01")
    )
    assert state(server, granny_status)["attributes"]["unconfirmed"] is True  # type: ignore[index]

    # Confirmed as recorded: the card moves to its new place in the list by itself.
    sim(page, granny).locator("input[type=date]").fill("")
    sim(page, granny).get_by_role("button", name=card["confirm_go"]).click()
    _wait_for_attribute(server, granny_status, "unconfirmed", False)
    expect_order(page, [work, travel, granny])
    expect(sim(page, granny)).not_to_contain_text(card["unconfirmed"])

    # Undo the travel card's top-up: asked first, then its expiry is back.
    sim(page, travel).get_by_role("button", name=card["undo"], exact=True).click()
    expect(sim(page, travel).get_by_text(card["undo_ask"])).to_be_visible()
    sim(page, travel).get_by_role("button", name=card["undo_go"]).click()
    _wait_for_state(server, travel_expiry_entity, travel_expiry.isoformat())
    expect(sim(page, travel)).not_to_contain_text(card["unconfirmed"])

    # A card added while the dashboard is open takes its place by itself.
    add_card(
        server,
        {
            **common,
            "name": spare,
            "expiry_date": (today + timedelta(days=200)).isoformat(),
            "renewal_period": "180_days",
            "advanced": advanced,
        },
    )
    expect_order(page, [work, travel, spare, granny])

    # Dark, and a phone's width.
    page.emulate_media(color_scheme="dark")
    page.reload()
    expect_order(page, [work, travel, spare, granny])
    card_shot(page, "dashboard-card-dark", server)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect_order(page, [work, travel, spare, granny])
    card_shot(page, "dashboard-card-phone", server, whole_page=True)

    if profile.language == "en":
        # Fifty cards, in the English home (once is enough): each shows, soonest first.
        more = [f"Spare {number:02d}" for number in range(46)]
        for days, name in enumerate(more, start=600):
            add_card(
                server,
                {
                    **common,
                    "name": name,
                    "expiry_date": (today + timedelta(days=days)).isoformat(),
                    "advanced": advanced,
                },
            )
        expect(page.locator("simrenew-card .sim")).to_have_count(50)
        expect_order(page, [work, travel, spare, granny, *more])

    # A tap on a card's name opens its device page.
    sim(page, work).locator(".name").click()
    expect(page).to_have_url(re.compile(r"/config/devices/device/\w+$"))
    expect(page.get_by_text(work).first).to_be_visible()

    # The household removed: the module is no longer served, nor loaded by a new page.
    assert module_status(server) == 200
    _remove_households(server)
    assert module_status(server) == 404
    page.goto(f"{server.url}/{DASHBOARD}/sim")
    page.wait_for_selector("home-assistant")
    expect(page.locator("hui-view")).to_be_attached()
    assert page.evaluate("() => customElements.get('simrenew-card') === undefined")
    page.evaluate(
        """async (path) => {
             const hass = document.querySelector("home-assistant").hass;
             const dashboards = await hass.callWS({type: "lovelace/dashboards/list"});
             const ours = dashboards.find((item) => item.url_path === path);
             await hass.callWS({type: "lovelace/dashboards/delete", dashboard_id: ours.id});
           }""",
        DASHBOARD,
    )
