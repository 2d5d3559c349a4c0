"""A newcomer's path through the real web UI: add, inspect, renew, correct and remove cards."""

from __future__ import annotations

from datetime import date, datetime, timedelta
import re
import urllib.error
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect
import yaml

from custom_components.simrenew.model import add_months

from .conftest import ROOT, Server, _request

IMAGES = ROOT / "docs" / "images"
README_DASHBOARD = ROOT / "docs" / "dashboard.yaml"
HK = ZoneInfo("Asia/Hong_Kong")


def today_hk() -> date:
    """Return today's date on the cards' clock; the server runs in real time."""
    return datetime.now(HK).date()


def us_date(day: date) -> str:
    """Return a date as the English UI writes it in a date field."""
    return f"{day.month}/{day.day}/{day.year}"


def expect_sensor(page: Page, name: str, value: str) -> None:
    """Check that the device page's Sensors card shows `name` with `value`."""
    sensors = page.locator("ha-card").filter(has_text="Sensors")
    # Each row renders its value before its name.
    # Values and units may be separated by a no-break space.
    shown = r"\s".join(re.escape(part) for part in value.split(" "))
    expect(sensors).to_contain_text(re.compile(rf"{shown}\s*{re.escape(name)}"))


def field(page: Page, name: str) -> Locator:
    """Return the form field labelled `name` (required fields add a star to the label)."""
    return (
        page.get_by_role("textbox", name=name).or_(page.get_by_role("spinbutton", name=name)).first
    )


def pick_date(page: Page, name: str, shown: date, target: date) -> None:
    """Choose `target` in the date picker that opens on the month of `shown`."""
    field(page, name).click()
    choose_in_picker(page, shown, target)


def choose_in_picker(page: Page, shown: date, target: date) -> None:
    """Move the open date picker from the month of `shown` to `target` and confirm."""
    picker = page.locator("ha-dialog-date-picker")
    months = (target.year - shown.year) * 12 + target.month - shown.month
    for _ in range(months):
        picker.get_by_role("button", name="Next", exact=True).first.click()
    picker.get_by_role("button", name=f"{target.strftime('%B')} {target.day}", exact=True).click()
    picker.get_by_text("OK", exact=True).click()
    expect(picker).to_have_count(0)


def state(server: Server, entity_id: str) -> str | None:
    """Return an entity's state through the REST API (None if it is gone)."""
    try:
        answer = _request(
            f"{server.url}/api/states/{entity_id}", token=server.tokens["access_token"]
        )
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise
    return str(answer["state"])


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


def shot(page: Page, name: str) -> None:
    """Save a screenshot for the README."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / name))


def finish_flow(page: Page) -> None:
    """Close the dialog that follows a created entry or card."""
    page.get_by_text("Skip and finish").or_(page.get_by_text("Finish", exact=True)).first.click()


def test_newcomer_path(server: Server, page: Page) -> None:
    """Every step checks what the page shows."""
    today = today_hk()
    first_expiry = add_months(today.replace(day=15), 1)

    # Settings → Devices & services → Add integration → SIM Renew → the first card.
    page.get_by_text("Add integration").click()
    search = page.locator("dialog-add-integration").get_by_role("textbox").first
    search.fill("SIM Renew")
    page.get_by_text("SIM Renew", exact=True).first.click()
    expect(page.get_by_text("Add your first SIM card").first).to_be_visible()
    field(page, "Name").fill("Mum's CMHK")
    field(page, "Carrier or product").fill("CMHK")
    field(page, "Phone number").fill("+852 9123 4567")
    field(page, "Renewal period").fill("180")
    pick_date(page, "Expiry date", today, first_expiry)
    expect(field(page, "Expiry date")).to_have_value(us_date(first_expiry))
    shot(page, "config-form.png")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Skip and finish").first).to_be_visible()
    finish_flow(page)

    # The household calendar exists and lists the first card's expiry.
    token = server.tokens["access_token"]
    calendars = [
        item["entity_id"]
        for item in _request(f"{server.url}/api/states", token=token)
        if item["entity_id"].startswith("calendar.")
    ]
    assert len(calendars) == 1, calendars
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

    # A second card through "Add card".
    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    expect(page.get_by_text("Number-keeping SIM").first).to_be_visible()
    page.get_by_text("Add card", exact=True).first.click()
    expect(page.get_by_text("Add a SIM card").first).to_be_visible()
    field(page, "Name").fill("Dad's csl")
    field(page, "Phone number").fill("+852 6123 4567")
    pick_date(page, "Expiry date", today, add_months(today.replace(day=5), 1))
    page.get_by_role("button", name="Submit").click()
    finish_flow(page)
    expect(page.get_by_text("Dad's csl").first).to_be_visible()

    # The first card's device page shows days left and status.
    page.goto(f"{server.url}/config/devices/dashboard")
    page.get_by_text("Mum's CMHK", exact=True).first.click()
    expect(page.get_by_text("Service info").first).to_be_visible()
    days = (first_expiry - today).days
    expect_sensor(page, "Days until expiry", f"{days} d")
    expect_sensor(page, "Status", "Due soon" if days <= 14 else "Active")
    expiry_field = page.locator("ha-card").filter(has_text="Configuration").locator("input").first
    expect(expiry_field).to_have_value(us_date(first_expiry))
    assert state(server, "sensor.mum_s_cmhk_days_until_expiry") == str(days)
    shot(page, "device-page.png")

    # Renew: the expiry moves by the card's rule (from the renewal day, 180 days).
    page.get_by_text("Press", exact=True).click()
    renewed = max(first_expiry, today + timedelta(days=180))
    expect(expiry_field).to_have_value(us_date(renewed))
    expect_sensor(page, "Days until expiry", f"{(renewed - today).days} d")
    expect_sensor(page, "Status", "Active")
    assert state(server, "date.mum_s_cmhk_expiry_date") == renewed.isoformat()

    # Correct the expiry in the date entity.
    corrected = add_months(renewed.replace(day=10), 1)
    expiry_field.click()
    choose_in_picker(page, renewed, corrected)
    expect(expiry_field).to_have_value(us_date(corrected))
    expect_sensor(page, "Days until expiry", f"{(corrected - today).days} d")
    assert state(server, "date.mum_s_cmhk_expiry_date") == corrected.isoformat()

    # Delete the second card: its device disappears.
    page.goto(f"{server.url}/config/integrations/integration/simrenew")
    expect(page.get_by_text("Dad's csl").first).to_be_visible()
    card = page.locator("ha-config-sub-entry-row").filter(has_text="Dad's csl")
    expect(card).to_have_count(1)
    card.get_by_label("Menu").first.click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Dad's csl")).to_have_count(0)
    expect(page.get_by_text("Mum's CMHK").first).to_be_visible()
    assert state(server, "sensor.dad_s_csl_days_until_expiry") is None
    assert state(server, "sensor.mum_s_cmhk_days_until_expiry") == str((corrected - today).days)

    # The README's dashboard, saved as a dashboard of its own.
    # Saved through the frontend's own websocket connection, as the dashboard editor does.
    page.evaluate(SAVE_DASHBOARD, yaml.safe_load(README_DASHBOARD.read_text("utf-8")))
    page.goto(f"{server.url}/sim-cards/0")
    expect(page.get_by_text("Mum's CMHK").first).to_be_visible()
    expect(page.get_by_text("Renewals").first).to_be_visible()
    shot(page, "dashboard.png")
