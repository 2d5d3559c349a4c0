"""A newcomer's path through the real web UI, in English, Hong Kong Chinese and mainland Chinese.

Add a card (sent first without a date, which is asked for by name), see its reminder arrive in
Notifications with no automation and link to the card, renew with one tap and confirm it, add a
card that lapsed three days ago into its grace period and renew it through its repair, see that a
self-renewing card is left off the to-do list, and remove a card. No screen of a card shows its
validity as a relative time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
import re
import time
from typing import Any
import urllib.error
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect
import yaml

from custom_components.simrenew.model import add_months
from custom_components.simrenew.money import written_amount
from custom_components.simrenew.spoken_dates import spoken_date
from custom_components.simrenew.zone_labels import zone_key

from .conftest import ROOT, Profile, Server, _request, _websocket
from .ui_texts import Texts

IMAGES = ROOT / "docs" / "images"
README_DASHBOARD = ROOT / "docs" / "dashboard.yaml"
PERIOD = "selector.period.options.{}"
OFFICIAL_PAGE = "https://www.hk.chinamobile.com/en/prepaid"
NAMES = {
    "en": ("Mum's CMHK", "CMHK", "Dad's csl"),
    "zh-Hant": ("媽媽的CMHK", "CMHK", "爸爸的csl"),
    "zh-Hans": ("妈妈的移动卡", "中国移动", "爸爸的联通卡"),
}
# A phone's last-notification sensor, as the companion app names it, and a carrier's SMS.
LAST_NOTIFICATION = "sensor.pixel_9_last_notification"
CONFIRMATION_SMS = {
    "en": "Your prepaid SIM has been recharged. Valid until {day}/{month}/{year} 23:59.",
    "zh-Hant": "閣下的儲值卡已成功增值，有效期至{year}年{month}月{day}日。",
    "zh-Hans": "您的号码已充值成功，有效期至{year}年{month}月{day}日。",
}
YEARLY_PLAN = {"en": "Yearly", "zh-Hant": "年費", "zh-Hans": "包年"}
YEARLY_COST = 180


def today_in(zone: str) -> date:
    """Return today's date on the cards' clock; the server runs in real time."""
    return datetime.now(ZoneInfo(zone)).date()


def home_has_reached(day: date, home_zone: str) -> bool:
    """Return whether the home's calendar has reached a card's day.

    A reminder goes out at the reminder time on the card's day as the home's clock reads it. A
    home behind its cards' clock (London, for Hong Kong's cards) reaches the card's new day only
    at its own midnight: from the carrier's midnight to the home's (16:00 to 24:00 in a London
    winter), no reminder of the card's today has come yet, whatever the reminder time.
    """
    return today_in(home_zone) >= day


def shown_date(page: Page, day: date) -> str:
    """Return a date as the frontend writes it in a date field, in the page's language."""
    return str(
        page.evaluate(
            """([y, m, d]) => new Intl.DateTimeFormat(
                 document.querySelector("home-assistant").hass.locale.language,
                 {year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC"},
               ).format(new Date(Date.UTC(y, m - 1, d)))""",
            [day.year, day.month, day.day],
        )
    )


def picker_day(page: Page, day: date) -> str:
    """Return the name the date picker gives a day's button, in the page's language."""
    return str(
        page.evaluate(
            """([y, m, d]) => new Intl.DateTimeFormat(
                 document.querySelector("home-assistant").hass.locale.language,
                 {month: "long", day: "numeric", timeZone: "UTC"},
               ).format(new Date(Date.UTC(y, m - 1, d)))""",
            [day.year, day.month, day.day],
        )
    )


def field(page: Page | Locator, name: str) -> Locator:
    """Return the form field labelled `name` (required fields add a star to the label)."""
    return (
        page.get_by_role("textbox", name=name).or_(page.get_by_role("spinbutton", name=name)).first
    )


def choose(page: Page | Locator, name: str, option: str) -> None:
    """Pick `option` in the drop-down field labelled `name` (a star if required), within `page`."""
    label = page.get_by_text(name, exact=True).or_(page.get_by_text(f"{name} *", exact=True))
    listed = page.get_by_role("option", name=option, exact=True)
    chosen = page.locator("ha-picker-field").get_by_text(option, exact=True).first
    for _ in range(3):
        label.first.click()
        entry = listed.or_(page.get_by_text(option, exact=True)).last
        expect(entry).to_be_visible()
        entry.click()
        # The list closes before the field shows the choice: wait for both. A click that lands
        # while the list still slides in closes it unchosen: open it again.
        expect(listed).to_have_count(0)
        try:
            expect(chosen).to_be_visible(timeout=3_000)
        except AssertionError:
            continue
        return
    expect(chosen).to_be_visible()


def choose_in_picker(page: Page, text: Texts, shown: date, target: date) -> None:
    """Move the open date picker from the month of `shown` to `target` and confirm."""
    picker = page.locator("ha-dialog-date-picker")
    months = (target.year - shown.year) * 12 + target.month - shown.month
    step = picker.locator("ha-icon-button-next" if months > 0 else "ha-icon-button-prev")
    for _ in range(abs(months)):
        step.click()
    picker.get_by_role("button", name=picker_day(page, target), exact=True).click()
    picker.get_by_role("button", name=text.ui("ui.common.ok"), exact=True).click()
    expect(picker).to_have_count(0)


def relative_times(page: Page) -> re.Pattern[str]:
    """Return a pattern of every relative time the frontend would write, in the page's language.

    "In 3 weeks", 「3 週後」, 「下个月」: what a timestamp shows where a date is meant.
    """
    written: list[str] = page.evaluate(
        """() => {
             const language = document.querySelector("home-assistant").hass.locale.language;
             const found = [];
             for (const numeric of ["auto", "always"]) {
               const format = new Intl.RelativeTimeFormat(language, {numeric});
               for (const [unit, most] of [["day", 60], ["week", 12], ["month", 24]]) {
                 for (let n = 1; n <= most; n++) {
                   found.push(format.format(n, unit), format.format(-n, unit));
                 }
               }
             }
             return found;
           }"""
    )
    return re.compile("|".join(re.escape(item) for item in sorted(set(written), key=len)[::-1]))


def expect_no_relative_times(page: Page) -> None:
    """Check that nothing on the page is a relative time."""
    expect(page.get_by_text(relative_times(page))).to_have_count(0)


def expect_row(page: Page, name: str, shown: str) -> None:
    """Check that the device page's entity list shows `name` with the value `shown`."""
    row = re.escape(name) + r"\s+" + re.escape(shown)
    expect(page.locator("body")).to_match_aria_snapshot(f"- list: /{row}/")


def hub_entry_id(server: Server) -> str:
    """Return the id of the household's config entry: there is one."""
    entries = _request(
        f"{server.url}/api/config/config_entries/entry", token=server.tokens["access_token"]
    )
    (hub,) = [entry["entry_id"] for entry in entries if entry["domain"] == "simrenew"]
    return str(hub)


def only_entity(server: Server, domain: str) -> str:
    """Return the one entity of a domain (the household's calendar, its to-do list)."""
    states = _request(f"{server.url}/api/states", token=server.tokens["access_token"])
    found = [item["entity_id"] for item in states if item["entity_id"].startswith(f"{domain}.")]
    assert len(found) == 1, found
    return str(found[0])


def add_card_by_api(server: Server, data: dict[str, Any]) -> None:
    """Add a card through the household's "Add card" flow, as its form sends it."""
    token = server.tokens["access_token"]
    hub = hub_entry_id(server)
    base = f"{server.url}/api/config/config_entries/subentries/flow"
    form = _request(base, {"handler": [hub, "card"]}, token=token)
    _request(f"{base}/{form['flow_id']}", {"product": "other"}, token=token)
    done = _request(f"{base}/{form['flow_id']}", data, token=token)
    assert done["type"] == "create_entry", done


def add_first_card(server: Server, data: dict[str, Any]) -> dict[str, Any]:
    """Add a card through "Add integration", its product answered "Other"; return the answer."""
    token = server.tokens["access_token"]
    base = f"{server.url}/api/config/config_entries/flow"
    flow = _request(base, {"handler": "simrenew"}, token=token)
    _request(f"{base}/{flow['flow_id']}", {"product": "other"}, token=token)
    return dict(_request(f"{base}/{flow['flow_id']}", data, token=token))


def ensure_household(server: Server, first_card: dict[str, Any] | None = None) -> bool:
    """Make the household with a card of its own, unless an earlier walk left one.

    Return whether it was made here.
    """
    token = server.tokens["access_token"]
    entries = _request(f"{server.url}/api/config/config_entries/entry", token=token)
    if any(entry["domain"] == "simrenew" for entry in entries):
        return False
    expiry = (today_in(server.profile.card_time_zone) + timedelta(days=60)).isoformat()
    done = add_first_card(
        server, first_card or {"name": "First card", "expiry_date": expiry, "advanced": {}}
    )
    assert done["type"] == "create_entry", done
    return True


def other_product(page: Page, text: Texts, flow: str) -> None:
    """Answer a new card's first question, its product, with the choice it shows: "Other"."""
    step = f"{flow}.step.product"
    expect(page.get_by_text(text.ours(f"{step}.title")).first).to_be_visible()
    other = text.ours("selector.preset_note.options.other")
    expect(page.locator("ha-picker-field").get_by_text(other, exact=True)).to_be_visible()
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    expect(page.get_by_text(text.ours(f"{step}.title"))).to_have_count(0)


def todo_summaries(server: Server) -> list[str]:
    """Return what the household's renewal list asks, item by item."""
    token = server.tokens["access_token"]
    lists = [only_entity(server, "todo")]
    # Wait for the list to be there: a card just added may still be joining the household.
    _wait(
        lambda: (state(server, lists[0]) or {}).get("state") not in (None, "unavailable"),
        "the renewal list",
    )
    answer = _request(
        f"{server.url}/api/services/todo/get_items?return_response",
        {"entity_id": lists[0]},
        token=token,
    )
    return [item["summary"] for item in answer["service_response"][lists[0]]["items"]]


def press(page: Page, text: Texts, name: str) -> None:
    """Press the button of the device page's row named `name`."""
    row = page.locator("hui-button-entity-row").filter(has=page.get_by_text(name, exact=True))
    row.get_by_role("button", name=text.ui("ui.card.button.press")).click()


def shot(page: Page, name: str, server: Server) -> None:
    """Save a screenshot for the README, named for the profile's language."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}{server.profile.suffix}.png"))


def wait_until_still(element: Locator) -> None:
    """Wait until an element rests: at the same place in two frames in a row."""
    element.evaluate(
        """(node) => new Promise((resolve) => {
             let last = "";
             const look = () => {
               const box = node.getBoundingClientRect();
               const now = [box.x, box.y, box.width, box.height].join();
               if (now === last) {
                 resolve(true);
                 return;
               }
               last = now;
               requestAnimationFrame(look);
             };
             requestAnimationFrame(look);
           })"""
    )


def open_options(page: Page, server: Server, text: Texts) -> Locator:
    """Open the household's options from the integration's page; return their dialog."""
    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    page.get_by_role(
        "button", name=text.ui("ui.panel.config.integrations.config_entry.configure")
    ).first.click()
    options = page.locator("dialog-data-entry-flow")
    expect(options.get_by_text(text.ours("options.step.init.title")).first).to_be_visible()
    return options


def finish_flow(page: Page, text: Texts) -> None:
    """Close the dialog that follows a created entry or card."""
    page.get_by_text(text.ui("ui.panel.config.integrations.config_flow.finish_skip")).or_(
        page.get_by_text(text.ui("ui.panel.config.integrations.config_flow.finish"), exact=True)
    ).first.click()


def entity_id(server: Server, card: str, key: str) -> str:
    """Return the entity id of one of a card's entities, found by the card's device name.

    A card just added or changed may still be registering its device: wait for it.
    """
    token = server.tokens["access_token"]
    found: list[str] = []

    def registered() -> bool:
        devices = _websocket(server.url, token, {"type": "config/device_registry/list"})
        ids = [item["id"] for item in devices["result"] if item["name"] == card]
        if len(ids) != 1:
            return False
        entities = _websocket(server.url, token, {"type": "config/entity_registry/list"})
        found[:] = [
            item["entity_id"]
            for item in entities["result"]
            if item["device_id"] == ids[0] and str(item.get("unique_id", "")).endswith(f"_{key}")
        ]
        return len(found) == 1

    _wait(registered, f"{card}'s {key} entity")
    return found[0]


def state(server: Server, entity: str) -> dict[str, Any] | None:
    """Return an entity's state through the REST API (None if it is gone)."""
    try:
        answer = _request(f"{server.url}/api/states/{entity}", token=server.tokens["access_token"])
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise
    return dict(answer)


def set_reminder_time(server: Server, value: str) -> None:
    """Set the hub's reminder time through its options flow, keeping the other options."""
    set_option(server, "reminder_time", value)


def set_option(server: Server, key: str, value: object) -> None:
    """Set one of the hub's options through its options flow, keeping the other options."""
    token = server.tokens["access_token"]
    hub = hub_entry_id(server)
    base = f"{server.url}/api/config/config_entries/options/flow"
    form = _request(base, {"handler": hub}, token=token)
    shown = {
        item["name"]: (item.get("description") or {}).get("suggested_value", item.get("default"))
        for item in form["data_schema"]
    }
    # As the frontend does, a field left empty is not sent at all.
    shown = {name: value for name, value in shown.items() if value is not None}
    done = _request(f"{base}/{form['flow_id']}", {**shown, key: value}, token=token)
    assert done["type"] == "create_entry", done


SAVE_DASHBOARD = """
async (config) => {
  const hass = document.querySelector("home-assistant").hass;
  await hass.callWS({
    type: "lovelace/dashboards/create",
    url_path: "sim-cards",
    title: "SIM cards",
    icon: "mdi:sim",
    mode: "storage",
    show_in_sidebar: true,
    require_admin: false,
  });
  await hass.callWS({ type: "lovelace/config/save", url_path: "sim-cards", config });
}
"""


def test_newcomer_path(server: Server, page: Page) -> None:
    """Every step checks what the page shows, in the profile's language."""
    profile = server.profile
    text = Texts(profile.language)
    mum, carrier, dad = NAMES[profile.language]
    # The cards' day, and the home's: a London home's Hong Kong cards count Hong Kong's days.
    today = today_in(profile.card_time_zone)
    home_today = today_in(profile.time_zone)
    form = "config.step.user"

    # Settings → Devices & services → Add integration → SIM Renew → the first card.
    page.get_by_text(text.ui("ui.panel.config.integrations.add_integration")).click()
    search = page.locator("dialog-add-integration").get_by_role("textbox").first
    search.fill("SIM Renew")
    page.get_by_text("SIM Renew", exact=True).first.click()
    # The product comes first: "Other" keeps the form as it is, to be filled in by hand.
    other_product(page, text, "config")
    expect(page.get_by_text(text.ours(f"{form}.title")).first).to_be_visible()
    field(page, text.ours(f"{form}.data.name")).fill(mum)
    field(page, text.ours(f"{form}.data.carrier")).fill(carrier)
    field(page, text.ours(f"{form}.data.phone_number")).fill(
        "+852 9123 4567" if profile.card_time_zone == "Asia/Hong_Kong" else "138 0013 8000"
    )
    choose(page, text.ours(f"{form}.data.renewal_period"), text.ours(PERIOD.format("180_days")))
    expiry_field = field(page, text.ours(f"{form}.data.expiry_date"))
    # The form makes up no date: the one value only the carrier can give.
    expect(expiry_field).to_have_value("")
    if profile.language == "en":
        # Fourteen days ahead: the first reminder stage falls on today.
        first_expiry = today + timedelta(days=14)
        expiry_field.click()
        choose_in_picker(page, text, home_today, first_expiry)
        expect(expiry_field).to_have_value(shown_date(page, first_expiry))
    else:
        # Left empty for now, and sent so below: it is asked for by name. Then today.
        first_expiry = today
    # Fields that also take typed values show the value chosen: words, never codes.
    expect(
        page.locator("ha-picker-field").get_by_text(text.ours(PERIOD.format("180_days")))
    ).to_be_visible()
    # The carrier's zone is in sight beside the number, on its automatic choice, in words.
    automatic = text.ours("selector.time_zone.options.auto")
    expect(page.locator("ha-picker-field").get_by_text(automatic, exact=True)).to_be_visible()
    expect(page.get_by_text(text.ours(f"{form}.data.time_zone")).first).to_be_visible()
    # Filling the fields scrolled the form: the picture shows it from its top, as it opens.
    title = page.get_by_text(text.ours(f"{form}.title")).first
    box = title.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 300)
    page.mouse.wheel(0, -5000)
    # Its description's own words: the product's note that follows is empty for "Other".
    intro = text.ours(f"{form}.description").split("\n\n", 1)[0]
    expect(page.get_by_text(intro).first).to_be_in_viewport()
    shot(page, "config-form", server)
    page.get_by_text(text.ours(f"{form}.sections.advanced.name")).click()
    expect(page.get_by_text(re.compile(r"_days$|^Asia/|^auto$"))).to_have_count(0)
    household_days = ("、" if profile.language != "en" else ", ").join(["14", "7", "3", "1", "0"])
    expect(page.get_by_text(household_days, exact=False).first).to_be_visible()
    # An address without https, sent with its section closed: the reason shows, the section opens.
    official_page = field(page, text.ours(f"{form}.sections.advanced.data.renewal_url"))
    official_page.fill(OFFICIAL_PAGE.replace("https://", "http://"))
    page.get_by_text(text.ours(f"{form}.sections.advanced.name")).click()
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    expect(page.get_by_text(text.ours("config.error.invalid_url")).first).to_be_visible()
    if profile.language != "en":
        expect(page.get_by_text(text.ours("config.error.expiry_required")).first).to_be_visible()
        expiry_field.click()
        choose_in_picker(page, text, home_today, first_expiry)
        expect(expiry_field).to_have_value(shown_date(page, first_expiry))
    official_page.fill(OFFICIAL_PAGE)
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    expect(
        page.get_by_text(text.ui("ui.panel.config.integrations.config_flow.finish_skip")).first
    ).to_be_visible()
    finish_flow(page, text)
    expiry_date = entity_id(server, mum, "expiry_date")
    assert state(server, expiry_date)["state"] == first_expiry.isoformat()  # type: ignore[index]
    # The automatic zone, from the +852 or mainland number, is the home's here.
    zone = state(server, entity_id(server, mum, "status"))["attributes"]  # type: ignore[index]
    assert zone["carrier_time_zone"] == profile.card_time_zone

    # The household calendar exists and lists the first card's expiry.
    token = server.tokens["access_token"]
    calendars = [only_entity(server, "calendar")]
    answer = _request(
        f"{server.url}/api/services/calendar/get_events?return_response",
        {"entity_id": calendars[0], "duration": {"days": 400}},
        token=token,
    )
    events = answer["service_response"][calendars[0]]["events"]
    assert {
        "start": first_expiry.isoformat(),
        "end": (first_expiry + timedelta(days=1)).isoformat(),
    } in [{"start": event["start"], "end": event["end"]} for event in events], events

    # The household's reminder options ask for times in hours and minutes, no seconds.
    options = open_options(page, server, text)
    # The reminder time and the speakers' quiet hours: hours and minutes each.
    time_input = options.locator("ha-base-time-input")
    expect(time_input).to_have_count(3)
    expect(time_input.locator("input[type=number]")).to_have_count(6)
    page.keyboard.press("Escape")

    # No automation: the day's reminder shows up in Notifications on its own.
    set_reminder_time(server, "00:00:00")
    days_left = (first_expiry - today).days
    if not home_has_reached(today, profile.time_zone):
        expect_reminder_time_said(page, server, text, mum, today, profile)
    else:
        see_reminder_in_notifications(page, server, text, mum, days_left)

    # The first card's device page shows days left and status, and links to the official page.
    page.goto(f"{server.url}/config/devices/dashboard")
    page.get_by_text(mum, exact=True).first.click()
    service_info = text.ui("ui.panel.config.devices.service_info_heading")
    expect(page.get_by_text(service_info).first).to_be_visible()
    days_left_entity = entity_id(server, mum, "days_until_expiry")
    status = entity_id(server, mum, "status")
    assert state(server, days_left_entity)["state"] == str(days_left)  # type: ignore[index]
    expect(page.locator(f'a[href="{OFFICIAL_PAGE}"]').first).to_be_visible()

    # Renew with one tap: the expiry moves by the card's rule, unconfirmed until confirmed.
    press(page, text, text.ours("entity.button.renew.name"))
    renewed = max(first_expiry, today + timedelta(days=180))
    _wait_for_state(server, expiry_date, renewed.isoformat())
    assert state(server, status)["attributes"]["unconfirmed"] is True  # type: ignore[index]
    expiry_input = page.locator("ha-card").locator("ha-date-input input, input").last
    expect(expiry_input).to_have_value(shown_date(page, renewed))
    # Settled: the validity is shown as the renewed date (a date sensor's state, which the
    # frontend writes as it is), beside the days left to it.
    expect_row(page, text.ours("entity.sensor.valid_until.name"), renewed.isoformat())
    expect_no_relative_times(page)
    shot(page, "device-page", server)
    # The carrier's confirmation SMS shows on a phone, whose last-notification sensor is a
    # message source: the renewal is confirmed with no tap, and the device page says so.
    token = server.tokens["access_token"]
    _request(f"{server.url}/api/states/{LAST_NOTIFICATION}", {"state": ""}, token=token)
    set_option(server, "message_sources", [LAST_NOTIFICATION])
    _request(
        f"{server.url}/api/states/{LAST_NOTIFICATION}",
        {
            "state": "",
            "attributes": {
                "android.title": carrier,
                "android.text": CONFIRMATION_SMS[profile.language].format(
                    day=renewed.day, month=renewed.month, year=renewed.year
                ),
            },
        },
        token=server.tokens["access_token"],
    )
    _wait_for_attribute(server, status, "unconfirmed", False)
    _wait_for_attribute(server, status, "deadline", renewed.isoformat())
    # The device page's sensor list reads "… Status Active …" once the card is confirmed.
    shown_status = re.compile(
        re.escape(text.ours("entity.sensor.status.name"))
        + r"\s+"
        + re.escape(text.ours("entity.sensor.status.state.active"))
    )
    expect(page.locator("body")).to_match_aria_snapshot(f"- list: /{shown_status.pattern}/")
    expect_no_relative_times(page)

    # A second card, already lapsed, through "Add card" (or, once, through the integration
    # page's main button, which adds a card to the household); its repair records the renewal.
    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    through_main_button = profile.language == "zh-Hans"
    if through_main_button:
        # The page's main button, named by the integration in the user's language.
        page.get_by_text(text.ours("config.initiate_flow.user"), exact=True).first.click()
        card_form = "config.step.add_card"
    else:
        # The card list's own button, after the main one (which may read the same in Chinese).
        page.get_by_role(
            "button", name=text.ours("config_subentries.card.initiate_flow.user"), exact=True
        ).last.click()
        card_form = "config_subentries.card.step.user"
    other_product(page, text, "config" if through_main_button else "config_subentries.card")
    expect(page.get_by_text(text.ours(f"{card_form}.title")).first).to_be_visible()
    field(page, text.ours(f"{card_form}.data.name")).fill(dad)
    choose(page, text.ours(f"{card_form}.data.renewal_period"), text.ours(PERIOD.format("30_days")))
    # Lapsed three days ago, with thirty days of grace: the number can still be saved.
    lapsed = today - timedelta(days=3)
    grace_end = lapsed + timedelta(days=30)
    field(page, text.ours(f"{card_form}.data.expiry_date")).click()
    choose_in_picker(page, text, home_today, lapsed)
    page.get_by_text(text.ours(f"{card_form}.sections.advanced.name")).click()
    field(page, text.ours(f"{card_form}.sections.advanced.data.grace_days")).fill("30")
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    if through_main_button:
        added = text.ours("config.abort.card_added", name=dad)
        expect(page.get_by_text(added).first).to_be_visible()
        page.keyboard.press("Escape")
        page.reload()
    else:
        finish_flow(page, text)
    expect(page.get_by_text(dad).first).to_be_visible()
    dad_expiry = entity_id(server, dad, "expiry_date")
    assert state(server, dad_expiry)["state"] == lapsed.isoformat()  # type: ignore[index]

    # The carrier also sells it by the year: a second plan, through the card's own form.
    yearly = YEARLY_PLAN[profile.language]
    add_plan(page, text, dad, yearly)

    # Its device page says until when a top-up saves the number, as a date.
    kept_until = entity_id(server, dad, "number_kept_until")
    assert state(server, kept_until)["state"] == grace_end.isoformat()  # type: ignore[index]
    page.goto(f"{server.url}/config/devices/dashboard")
    page.get_by_text(dad, exact=True).first.click()
    expect_row(page, text.ours("entity.sensor.number_kept_until.name"), grace_end.isoformat())
    expect_no_relative_times(page)
    # So does the renewal list, which leaves a card that renews itself alone.
    self_renewing = {"en": "Travel data", "zh-Hant": "旅行數據卡", "zh-Hans": "旅行流量卡"}
    add_card_by_api(
        server,
        {
            "name": self_renewing[profile.language],
            "card_type": "data",
            "time_zone": profile.card_time_zone,
            "expiry_date": (today + timedelta(days=3)).isoformat(),
            "renewal_period": "1_months",
            "renewal_mode": "extend_expiry",
            "currency": profile.currency,
            "advanced": {"grace_days": 0, "activity_interval_days": 0, "auto_renew": True},
        },
    )
    spoken_grace_end = spoken_date(grace_end, profile.language, today)
    summaries = todo_summaries(server)
    assert (
        text.ours(
            "selector.calendar_event.options.todo_grace", name=dad, grace_end=spoken_grace_end
        )
        in summaries
    ), summaries
    assert not [item for item in summaries if self_renewing[profile.language] in item], summaries

    # Its repair says the last day to save the number, and records the renewal with the plan
    # chosen, each plan showing what it gives.
    issue = "issues.card_in_grace"
    page.goto(f"{server.url}/config/repairs")
    page.get_by_text(
        text.ours(f"{issue}.title", name=dad, grace_end=spoken_grace_end)
    ).first.click()
    flow = page.locator("dialog-repair-flow, dialog-data-entry-flow").first
    expect(flow).to_contain_text(spoken_grace_end)
    flow.get_by_text(text.ours(f"{issue}.fix_flow.step.init.menu_options.renewed")).click()
    step = f"{issue}.fix_flow.step.renewed_plan"
    expect(flow.get_by_text(text.ours(f"{step}.title"))).to_be_visible()
    renewed_to = add_months(today, 12)
    outcome = text.ours(
        "selector.plan_outcome.options.with_amount",
        plan=yearly,
        new_expiry=spoken_date(renewed_to, profile.language, today),
        amount=written_amount(YEARLY_COST, profile.currency),
    )
    flow.get_by_text(outcome, exact=True).click()
    expect(flow.get_by_role("radio", name=outcome)).to_be_checked()
    shot(page, "repair-renewal", server)
    flow.get_by_role("button", name=text.ui("ui.common.submit")).click()
    _wait_for_state(server, dad_expiry, renewed_to.isoformat())
    page.keyboard.press("Escape")

    # Delete the second card: its device disappears.
    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    card = page.locator("ha-config-sub-entry-row").filter(has_text=dad)
    expect(card).to_have_count(1)
    card.get_by_label(text.ui("ui.common.menu")).first.click()
    page.get_by_role("menuitem", name=text.ui("ui.common.delete")).click()
    page.get_by_role("button", name=text.ui("ui.common.delete")).click()
    expect(page.get_by_text(dad)).to_have_count(0)
    expect(page.get_by_text(mum).first).to_be_visible()
    assert state(server, dad_expiry) is None

    # The README's dashboard, the card that comes with simrenew, in a dashboard of its own.
    if profile.language == "en":
        card = yaml.safe_load(README_DASHBOARD.read_text("utf-8"))
        page.evaluate(SAVE_DASHBOARD, {"views": [{"title": "SIM cards", "cards": [card]}]})
        page.goto(f"{server.url}/sim-cards/0")
        expect(page.locator("simrenew-card .name").get_by_text(mum, exact=True)).to_be_visible()
        shot(page, "dashboard", server)


def see_reminder_in_notifications(
    page: Page, server: Server, text: Texts, mum: str, days_left: int
) -> None:
    """Open Notifications, find the card's reminder there, and keep its screenshot."""
    reminder = "last_day_message" if days_left == 0 else "deadline_title"
    notices = page.locator("notification-drawer, ha-notification-drawer")
    page.get_by_role("button", name=text.ui("ui.notification_drawer.title")).or_(
        page.get_by_text(text.ui("ui.notification_drawer.title"), exact=True)
    ).first.click()
    title = text.ours("selector.notification.options.deadline_title")
    expect(notices.get_by_text(title).first).to_be_visible(timeout=30_000)
    if reminder == "last_day_message":
        said = text.ours(f"selector.notification.options.{reminder}", name=mum)
        expect(notices).to_contain_text(said)
    expect(notices.get_by_role("link", name=OFFICIAL_PAGE)).to_be_visible()
    # From where the reminder is read, one click reaches the card's page to record the top-up.
    to_card = notices.get_by_role(
        "link", name=text.ours("selector.notification.options.open_card", name=mum)
    )
    expect(to_card).to_have_attribute("href", re.compile(r"^/config/devices/device/\w+$"))
    # The drawer slides in: pictured once it rests.
    wait_until_still(notices.get_by_text(title).first)
    shot(page, "notification", server)
    page.keyboard.press("Escape")


def expect_reminder_time_said(
    page: Page, server: Server, text: Texts, mum: str, today: date, profile: Profile
) -> None:
    """Before the home's midnight reaches the card's day, the options say when it comes.

    The reminder time 00:00 is then the home's coming midnight; the options list it for the
    card, in the home's time and on the carrier's clock.
    """
    home = ZoneInfo(profile.time_zone)
    comes = datetime.combine(today, datetime.min.time(), tzinfo=home)
    options = open_options(page, server, text)
    said = text.ours(
        "selector.reminder_time.options.card_time",
        name=mum,
        home="00:00",
        card=comes.astimezone(ZoneInfo(profile.card_time_zone)).strftime("%H:%M"),
        zone=text.ours(f"selector.time_zone.options.{zone_key(profile.card_time_zone)}"),
    )
    expect(options.get_by_text(said)).to_be_visible()
    page.keyboard.press("Escape")


def add_plan(page: Page, text: Texts, card: str, name: str) -> None:
    """Add a yearly plan to a card in its reconfigure form, keeping its default plan."""
    target = page.url.split("/config/")[0] + "/config/integrations/integration/simrenew"
    # Already there (the card was just added from this page): a second load of the same page
    # can be aborted by the frontend's own navigation under load.
    if page.url.split("?")[0] != target:
        page.goto(target)
    row = page.locator("ha-config-sub-entry-row").filter(has_text=card)
    row.get_by_label(text.ours("config_subentries.card.initiate_flow.reconfigure")).click()
    form = "config_subentries.card.step.reconfigure"
    expect(page.get_by_text(text.ours(f"{form}.title", name=card)).first).to_be_visible()
    page.get_by_text(text.ours(f"{form}.sections.renewal_plans.name")).click()
    page.get_by_role("button", name=text.ui("ui.common.add"), exact=True).first.click()
    dialog = page.locator("dialog-form")
    field(dialog, text.ours("selector.plan.fields.name.name")).fill(name)
    period = text.ours(PERIOD.format("12_months"))
    choose(dialog, text.ours("selector.plan.fields.period.name"), period)
    cost = field(dialog, text.ours("selector.plan.fields.cost.name"))
    cost.fill(str(YEARLY_COST))
    expect(cost).to_have_value(str(YEARLY_COST))
    dialog.get_by_role("button", name=text.ui("ui.common.add"), exact=True).click()
    # The list names each plan with its period in words.
    listed = page.locator("ha-selector-object")
    expect(listed.get_by_text(name, exact=True)).to_be_visible()
    expect(listed.get_by_text(period, exact=True)).to_be_visible()
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    # Two plans now: the form asks which one the button renews with; the first stays.
    chooser = "config_subentries.card.step.default_plan"
    expect(page.get_by_text(text.ours(f"{chooser}.title", name=card)).first).to_be_visible()
    page.get_by_role("button", name=text.ui("ui.common.submit")).click()
    updated = text.ours("config_subentries.card.abort.reconfigure_successful")
    expect(page.get_by_text(updated).first).to_be_visible()
    page.keyboard.press("Escape")


def _wait_for_state(server: Server, entity: str, expected: str) -> None:
    """Wait until an entity shows a state (the UI acts asynchronously)."""
    _wait(lambda: (state(server, entity) or {}).get("state") == expected, f"{entity}={expected}")


def _wait_for_attribute(server: Server, entity: str, name: str, expected: object) -> None:
    """Wait until an entity's attribute has a value."""
    _wait(
        lambda: (state(server, entity) or {}).get("attributes", {}).get(name) == expected,
        f"{entity}.{name}={expected}",
    )


def _wait(check: Callable[[], bool], what: str) -> None:
    """Poll the REST API for up to 15 seconds."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"never saw {what}")
