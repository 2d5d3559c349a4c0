"""An automation built in the real editor from SIM Renew's own trigger, in a Hong Kong home."""

from __future__ import annotations

from datetime import timedelta
import re
from typing import Any
import urllib.request

from playwright.sync_api import Page, expect
import pytest

from .conftest import PROFILES, Server, _request, _websocket
from .test_newcomer_path import (
    _wait,
    add_card_by_api,
    ensure_household,
    entity_id,
    hub_entry_id,
    set_reminder_time,
    today_in,
)
from .ui_texts import Texts

HONG_KONG = next(profile for profile in PROFILES if profile.language == "zh-Hant")
CARD = "姨媽的3HK"
TRIGGER_KEYS = (
    "reminder_due",
    "grace_started",
    "number_lost",
    "renewed",
    "confirmation_needed",
    "message_read",
)


def first_card() -> dict[str, Any]:
    """Return the household's first card, if this walk makes the household."""
    return {
        "name": "爸爸的csl",
        "card_type": "number_keeping",
        "time_zone": "Asia/Hong_Kong",
        "expiry_date": (today_in("Asia/Hong_Kong") + timedelta(days=200)).isoformat(),
        "renewal_period": "180_days",
        "renewal_mode": "from_renewal",
        "currency": "HKD",
        "advanced": {"grace_days": 0, "activity_interval_days": 0, "auto_renew": False},
    }


def automation_runs(server: Server, automation_id: str) -> list[dict[str, Any]]:
    """Return the automation's traced runs, oldest first."""
    answer = _websocket(
        server.url,
        server.tokens["access_token"],
        {"type": "trace/list", "domain": "automation", "item_id": automation_id},
    )
    return list(answer["result"])


def trigger_variables(server: Server, automation_id: str, run_id: str) -> dict[str, Any]:
    """Return what the trigger handed a run, as its trace recorded it."""
    answer = _websocket(
        server.url,
        server.tokens["access_token"],
        {"type": "trace/get", "domain": "automation", "item_id": automation_id, "run_id": run_id},
    )
    found: list[dict[str, Any]] = []

    def look(node: object) -> None:
        if isinstance(node, dict):
            if node.get("platform") == "simrenew.reminder_due":
                found.append(node)
            for value in node.values():
                look(value)
        elif isinstance(node, list):
            for value in node:
                look(value)

    look(answer["result"])
    assert found, answer
    return found[0]


def device_of(server: Server, name: str) -> str:
    """Return the id of the device with that name."""
    token = server.tokens["access_token"]
    devices = _websocket(server.url, token, {"type": "config/device_registry/list"})["result"]
    (device,) = [item["id"] for item in devices if item["name"] == name]
    return str(device)


def holds(server: Server, key: str, target: dict[str, Any], **options: Any) -> bool:
    """Return whether one of SIM Renew's conditions holds, as Home Assistant tests it."""
    answer = _websocket(
        server.url,
        server.tokens["access_token"],
        {
            "type": "test_condition",
            "condition": {"condition": f"simrenew.{key}", "target": target, "options": options},
        },
    )
    assert answer["success"], answer
    return bool(answer["result"]["result"])


def remove_test_home(server: Server, created: bool, automation_id: str | None) -> None:
    """Take away what this walk added, so the other walks find the home as they left it."""
    token = server.tokens["access_token"]
    # The card's reminder also reached Notifications, which the other walks read.
    _request(f"{server.url}/api/services/persistent_notification/dismiss_all", {}, token=token)
    if automation_id is not None:
        _delete(server, f"/api/config/automation/config/{automation_id}")
    hub = hub_entry_id(server)
    if created:
        _delete(server, f"/api/config/config_entries/entry/{hub}")
        return
    answer = _websocket(
        server.url,
        token,
        {"type": "config_entries/subentries/list", "entry_id": hub},
    )
    for subentry in answer["result"]:
        if subentry["title"] == CARD:
            _websocket(
                server.url,
                token,
                {
                    "type": "config_entries/subentries/delete",
                    "entry_id": hub,
                    "subentry_id": subentry["subentry_id"],
                },
            )


def _delete(server: Server, path: str) -> None:
    """Send a DELETE request as the owner."""
    request = urllib.request.Request(
        f"{server.url}{path}",
        headers={"Authorization": f"Bearer {server.tokens['access_token']}"},
        method="DELETE",
    )
    with urllib.request.urlopen(request, timeout=30):
        pass


@pytest.mark.parametrize("server", [HONG_KONG], indirect=True, ids=["zh-Hant"])
def test_automation_from_the_trigger_list(server: Server, page: Page) -> None:
    """Pick 續期提醒 under SIM Renew for a card, 3 days ahead; see it run at that reminder."""
    text = Texts(server.profile.language)
    created = ensure_household(server, first_card())
    automation_id: str | None = None
    today = today_in("Asia/Hong_Kong")
    try:
        add_card_by_api(
            server,
            {
                "name": CARD,
                "card_type": "data",
                "time_zone": "Asia/Hong_Kong",
                "expiry_date": (today + timedelta(days=100)).isoformat(),
                "renewal_period": "30_days",
                "renewal_mode": "from_renewal",
                "currency": "HKD",
                "advanced": {"grace_days": 0, "activity_interval_days": 0, "auto_renew": False},
            },
        )
        # Today's reminder is then already due when a deadline three days ahead is set.
        set_reminder_time(server, "00:00:00")

        # Automations → Create → Add trigger → by type → SIM Renew → 續期提醒.
        page.goto(f"{server.url}/config/automation/edit/new")
        editor = "ui.panel.config.automation.editor"
        page.get_by_text(text.ui(f"{editor}.triggers.add")).first.click()
        page.get_by_role("button", name=text.ui(f"{editor}.tabs.type")).click()
        page.get_by_role("button", name="SIM Renew", exact=True).click()
        reminder = text.ours("triggers.reminder_due.name")
        # Each trigger is listed with its name and what it does, in the home's language.
        for key in TRIGGER_KEYS:
            entry = (
                f"{text.ours(f'triggers.{key}.name')} {text.ours(f'triggers.{key}.description')}"
            )
            expect(page.get_by_role("button", name=entry, exact=True)).to_be_visible()
        listed = page.get_by_role(
            "button",
            name=f"{reminder} {text.ours('triggers.reminder_due.description')}",
            exact=True,
        )
        listed.click()

        # The card as the target, then only the reminder three days ahead.
        page.get_by_role("button", name=text.ui("ui.components.target-picker.add_target")).click()
        page.get_by_role(
            "button", name=f"Filter: {text.ui('ui.components.target-picker.type.devices')}"
        ).click()
        page.get_by_role("option", name=re.compile(re.escape(CARD))).first.click()
        expect(page.get_by_text(CARD, exact=True).first).to_be_visible()
        expect(
            page.get_by_text(text.ours("triggers.reminder_due.fields.days_before.name"))
        ).to_be_visible()
        # The option's own switch is the last check box of the form; its input lies under
        # the drawn box, which takes the click. A click while the chosen card's row still
        # slides in lands beside it: try again.
        days = page.get_by_role("spinbutton")
        switch = page.get_by_role("checkbox").last
        for _ in range(3):
            box = switch.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            try:
                expect(days).to_be_enabled(timeout=3_000)
            except AssertionError:
                continue
            break
        expect(days).to_be_enabled()
        days.fill("3")

        page.get_by_role("button", name=text.ui("ui.common.save")).last.click()
        name = page.get_by_role("textbox", name=re.compile(re.escape(text.ui(f"{editor}.alias"))))
        name.fill("SIM卡三日前提醒")
        # The naming dialog's own save button comes after the editor's.
        page.get_by_role("button", name=text.ui("ui.common.save"), exact=True).last.click()
        page.wait_for_url(re.compile(r"/config/automation/edit/(?!new)[^/]+$"))
        automation_id = page.url.rsplit("/", 1)[1]
        _wait(
            lambda: any(
                (item.get("attributes") or {}).get("id") == automation_id
                for item in _request(
                    f"{server.url}/api/states", token=server.tokens["access_token"]
                )
            ),
            "the saved automation",
        )
        assert automation_runs(server, automation_id) == []

        # The card's deadline moves to three days ahead: its reminder for today goes out.
        _request(
            f"{server.url}/api/services/simrenew/set_expiry",
            {
                "entity_id": entity_id(server, CARD, "expiry_date"),
                "expiry_date": (today + timedelta(days=3)).isoformat(),
            },
            token=server.tokens["access_token"],
        )
        _wait(lambda: len(automation_runs(server, automation_id)) == 1, "the automation's run")
        (run,) = automation_runs(server, automation_id)
        assert run["trigger"] == "simrenew_reminder event"
        fired = trigger_variables(server, automation_id, run["run_id"])
        assert fired["name"] == CARD
        assert fired["kind"] == "deadline"
        assert fired["days_until_deadline"] == 3
        assert fired["deadline"] == (today + timedelta(days=3)).isoformat()

        # The conditions answer for the same card in this release too.
        card = {"device_id": [device_of(server, CARD)]}
        assert holds(server, "is_due", card)
        assert holds(server, "days_left_below", card, days=4)
        assert not holds(server, "days_left_below", card, days=3)
        assert not holds(server, "in_grace", card, behavior="all")
    finally:
        remove_test_home(server, created, automation_id)
