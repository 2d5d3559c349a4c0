"""A phone registered as the companion app registers, chosen in the options, gets the reminder.

The phone is registered through the companion app's own registration API with a push URL that
this test serves, so the notification that Home Assistant's mobile_app integration would hand to
the push service is captured as it is: its title, text, tag, page and buttons. Its Renewed button
is then tapped as the app reports a tap (a `fire_event` through the phone's webhook): the card is
renewed once and the notification is cleared.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import threading
from typing import Any
import urllib.request

from playwright.sync_api import Page, expect
import pytest

from .conftest import Server, _request
from .test_newcomer_path import (
    OFFICIAL_PAGE,
    _wait,
    add_card_by_api,
    ensure_household,
    entity_id,
    home_has_reached,
    hub_entry_id,
    open_options,
    set_reminder_time,
    shot,
    today_in,
)
from .ui_texts import Texts

PHONE = "Pixel 9"
PUSH_TOKEN = "push-token-of-the-test-phone"
CARD = {"en": "Phone test card", "zh-Hant": "手機測試卡", "zh-Hans": "手机测试卡"}


class Pushes:
    """A stand-in for the push service: keeps every notification posted to it."""

    def __init__(self) -> None:
        """Serve on a free loopback port."""
        self.received: list[dict[str, Any]] = []
        pushes = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                pushes.received.append(json.loads(self.rfile.read(length)))
                body = b"{}"
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                """Keep the test's output to what it checks."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def about(self, name: str) -> list[dict[str, Any]]:
        """Return the notifications whose text names a card."""
        return [push for push in self.received if name in push.get("message", "")]


@pytest.fixture
def pushes() -> Iterator[Pushes]:
    """Serve the push URL for the length of a test."""
    service = Pushes()
    yield service
    service.server.shutdown()


def register_phone(server: Server, push_url: str) -> str:
    """Register a phone as the companion app does; return its webhook id."""
    registration = _request(
        f"{server.url}/api/mobile_app/registrations",
        {
            "app_id": "io.homeassistant.companion.android",
            "app_name": "Home Assistant",
            "app_version": "2026.11.0",
            "device_name": PHONE,
            "manufacturer": "Google",
            "model": "Pixel 9",
            "os_name": "Android",
            "os_version": "16",
            "supports_encryption": False,
            "app_data": {"push_token": PUSH_TOKEN, "push_url": push_url},
        },
        token=server.tokens["access_token"],
    )
    # The phone's notify action comes with its registration.
    _wait(lambda: "mobile_app_pixel_9" in notify_actions(server), "the phone's notify action")
    return str(registration["webhook_id"])


def notify_actions(server: Server) -> set[str]:
    """Return the notify actions Home Assistant offers."""
    services = _request(f"{server.url}/api/services", token=server.tokens["access_token"])
    return {name for item in services if item["domain"] == "notify" for name in item["services"]}


def choose_phone(page: Page, server: Server, text: Texts) -> None:
    """Open the household's options, pick the phone by its name, save; keep a screenshot."""
    options = open_options(page, server, text)
    phones = text.ours("options.step.init.data.phones")
    picker = options.locator("ha-selector-select").filter(has_text=phones)
    listed = page.get_by_role("option", name=PHONE, exact=True)
    for _ in range(3):
        # A list that takes several has an Add button to open it.
        picker.get_by_role("button").first.click()
        entry = listed.or_(page.get_by_text(PHONE, exact=True)).last
        expect(entry).to_be_visible()
        entry.click()
        try:
            expect(picker.get_by_text(PHONE, exact=True).first).to_be_visible(timeout=3_000)
        except AssertionError:
            continue
        break
    expect(picker.get_by_text(PHONE, exact=True).first).to_be_visible()
    expect(options.get_by_text(text.ours("options.step.init.data.speakers")).first).to_be_visible()
    picker.scroll_into_view_if_needed()
    # Away from the fields, so that none shows the pointer's hover.
    page.mouse.move(0, 0)
    shot(page, "options-phones", server)
    submit = text.ui("ui.panel.config.integrations.config_flow.submit")
    options.get_by_role("button", name=submit).click()
    finish = text.ui("ui.panel.config.integrations.config_flow.finish")
    options.get_by_role("button", name=finish, exact=True).click()
    expect(options.get_by_role("button", name=finish, exact=True)).to_have_count(0)
    assert "notify.mobile_app_pixel_9" in stored_option(server, "phones")


def stored_option(server: Server, key: str) -> Any:
    """Return one of the household's options as its options form shows it."""
    token = server.tokens["access_token"]
    base = f"{server.url}/api/config/config_entries/options/flow"
    form = _request(base, {"handler": hub_entry_id(server)}, token=token)
    request = urllib.request.Request(
        f"{base}/{form['flow_id']}", method="DELETE", headers={"Authorization": f"Bearer {token}"}
    )
    urllib.request.urlopen(request, timeout=30).close()
    shown = {item["name"]: item.get("description") or {} for item in form["data_schema"]}
    return shown[key].get("suggested_value")


def test_a_chosen_phone_gets_the_reminder_with_buttons_and_a_tap_renews_once(
    server: Server, page: Page, pushes: Pushes
) -> None:
    """Register, choose in the options, receive the payload, tap Renewed, see it cleared."""
    profile = server.profile
    text = Texts(profile.language)
    ensure_household(server)
    webhook = register_phone(server, pushes.url)
    choose_phone(page, server, text)

    # A card due in seven days, on its carrier's clock, with its reminder time already past.
    # Until the home's midnight reaches the carrier's today, no reminder of it can be due yet:
    # the card then keeps the home's clock, as delivery is what this test is about.
    name = CARD[profile.language]
    zone = profile.card_time_zone
    if not home_has_reached(today_in(zone), profile.time_zone):
        zone = profile.time_zone
    today = today_in(zone)
    set_reminder_time(server, "00:00:00")
    add_card_by_api(
        server,
        {
            "name": name,
            "time_zone": zone,
            "expiry_date": (today + timedelta(days=7)).isoformat(),
            "renewal_period": "180_days",
            "currency": profile.currency,
            "advanced": {"renewal_url": OFFICIAL_PAGE},
        },
    )
    _wait(lambda: bool(pushes.about(name)), "the reminder on the phone")
    (push,) = pushes.about(name)
    assert push["push_token"] == PUSH_TOKEN
    assert push["title"] == text.ours("selector.notification.options.deadline_title")
    data = push["data"]
    assert data["tag"].startswith("simrenew-")
    assert data["url"] == data["clickAction"] == OFFICIAL_PAGE
    buttons = data["actions"]
    assert [button["title"] for button in buttons] == [
        text.ours("selector.notification.options.phone_renewed"),
        text.ours("selector.notification.options.phone_snooze"),
    ]
    renewed, snooze = (button["action"] for button in buttons)
    assert renewed.startswith("SIMRENEW_RENEWED_")
    assert snooze.startswith("SIMRENEW_SNOOZE_")

    # The app reports a tap as an event through the phone's webhook; tapped twice, it acts once.
    tap = {
        "type": "fire_event",
        "data": {"event_type": "mobile_app_notification_action", "event_data": {"action": renewed}},
    }
    _request(f"{server.url}/api/webhook/{webhook}", tap)
    _request(f"{server.url}/api/webhook/{webhook}", tap)

    def cleared() -> list[dict[str, Any]]:
        return [
            item
            for item in pushes.received
            if item.get("message") == "clear_notification" and item["data"]["tag"] == data["tag"]
        ]

    _wait(lambda: bool(cleared()), "the phone's notification cleared")
    assert renewals(server, name) == 1
    assert len(cleared()) == 1


def renewals(server: Server, name: str) -> int:
    """Return how many renewals a card's history holds."""
    card = entity_id(server, name, "expiry_date")
    answer = _request(
        f"{server.url}/api/services/simrenew/history?return_response",
        {"entity_id": card, "kind": ["renewal"]},
        token=server.tokens["access_token"],
    )
    (history,) = answer["service_response"]["cards"]
    return len(history["entries"])
