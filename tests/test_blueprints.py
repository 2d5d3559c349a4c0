"""The shipped blueprints, loaded into the real automation engine."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from datetime import timedelta
import logging
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.simrenew.const import DOMAIN
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import card_subentry, device_of, setup_entry

SOURCE = Path(__file__).parent.parent / "blueprints" / "automation" / "simrenew"
PHONE = "notify_phone.yaml"
SPEAKERS = "announce_speakers.yaml"


@pytest.fixture
def mock_entry() -> MockConfigEntry:
    """Return a hub whose card is reminded only 7 days before its deadline (1 December)."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry()],
    )


@pytest.fixture
def blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    """Put the project's blueprints where Home Assistant looks for them.

    The harness's own configuration folder sits in its installed package, shared by every run
    with that environment; each test gets a folder of its own, so runs side by side never load,
    or delete, each other's blueprints.
    """
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(SOURCE, Path(hass.config.path("blueprints", "automation", "simrenew")))


@pytest.fixture(autouse=True)
def no_blueprint_warnings(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail a test in which the blueprints' templates or runs logged a warning or an error."""
    yield
    noisy = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING
        and record.name.startswith(
            (
                "homeassistant.helpers.template",
                "homeassistant.components.automation",
                "homeassistant.helpers.script",
            )
        )
    ]
    assert not noisy


async def settle(hass: HomeAssistant) -> None:
    """Let started runs reach their wait for a button; block_till_done would wait them out."""
    for _ in range(50):
        await asyncio.sleep(0)


async def reminder_for(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry
) -> None:
    """Load the card, then let time reach its 7-day reminder."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    await setup_entry(hass, entry)
    # Deadline 2026-12-01: stage 7 is 24 November at 09:00 in Hong Kong.
    freezer.move_to("2026-11-24T01:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await settle(hass)


def from_blueprint(path: str, inputs: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """Return the configuration of an automation made from one of the blueprints."""
    return {"use_blueprint": {"path": f"simrenew/{path}", "input": inputs}, **settings}


async def use_blueprints(hass: HomeAssistant, *automations: dict[str, Any]) -> None:
    """Create the automations."""
    assert await async_setup_component(hass, "automation", {"automation": list(automations)})
    await hass.async_block_till_done()


def buttons(call: ServiceCall) -> list[str]:
    """Return the action ids of a notification's buttons."""
    return [button["action"] for button in call.data["data"]["actions"]]


def calls_of(events: list[Event], domain: str, service: str) -> list[dict[str, Any]]:
    """Return the data of the captured calls of one action."""
    return [
        event.data["service_data"]
        for event in events
        if (event.data["domain"], event.data["service"]) == (domain, service)
    ]


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mum's CMHK expires on 2026-12-01, in 7 days. Top it up in good time."),
        ("zh-Hant", "Mum's CMHK將於 2026-12-01 到期，尚餘 7 日，請及早增值。"),
        ("zh-Hans", "Mum's CMHK将于 2026-12-01 到期，还剩 7 天，请及早充值。"),
    ],
)
async def test_phone_reminder_and_renewed_button(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    """A reminder reaches the phone; its "Renewed" button records a renewal."""
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "mobile_app_test_phone")
    await use_blueprints(
        hass,
        from_blueprint(
            PHONE, {"notify_action": "notify.mobile_app_test_phone", "language": language}
        ),
    )
    await reminder_for(hass, freezer, mock_entry)
    (call,) = calls
    card_id = next(iter(mock_entry.subentries))
    assert call.data["message"] == expected
    renewed, snooze = buttons(call)
    assert renewed.startswith("SIMRENEW_RENEWED_")
    assert snooze.startswith("SIMRENEW_SNOOZE_")
    assert call.data["data"]["tag"] == f"simrenew-{card_id}"

    hass.bus.async_fire("mobile_app_notification_action", {"action": "SIMRENEW_RENEWED_other"})
    hass.bus.async_fire("mobile_app_notification_action", {"action": f"SIMRENEW_RENEWED_{card_id}"})
    await settle(hass)
    assert mock_entry.runtime_data.records[card_id]["history"] == []
    hass.bus.async_fire("mobile_app_notification_action", {"action": renewed})
    await hass.async_block_till_done()
    (renewal,) = mock_entry.runtime_data.records[card_id]["history"]
    assert renewal["kind"] == "renewal"
    assert renewal["new_expiry"] == "2027-05-23"


@pytest.mark.usefixtures("blueprints")
async def test_phone_snooze_button(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mock_entry: MockConfigEntry
) -> None:
    """The "Remind me tomorrow" button snoozes the card a day; the reminder comes again."""
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "mobile_app_test_phone")
    await use_blueprints(
        hass, from_blueprint(PHONE, {"notify_action": "notify.mobile_app_test_phone"})
    )
    await reminder_for(hass, freezer, mock_entry)
    _, snooze = buttons(calls[0])
    hass.bus.async_fire("mobile_app_notification_action", {"action": snooze})
    await hass.async_block_till_done()
    card_id = next(iter(mock_entry.subentries))
    assert mock_entry.runtime_data.records[card_id]["reminders"]["snoozed_until"] == "2026-11-25"
    freezer.move_to("2026-11-25T01:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await settle(hass)
    assert len(calls) == 2
    assert calls[1].data["message"] == (
        "Mum's CMHK expires on 2026-12-01, in 6 days. Top it up in good time."
    )


PHONES = ("mobile_app_mum_phone", "mobile_app_dad_phone")


async def two_phones(hass: HomeAssistant) -> tuple[list[ServiceCall], list[ServiceCall]]:
    """Create an automation from the phone blueprint for each of two phones."""
    mum, dad = (async_mock_service(hass, "notify", phone) for phone in PHONES)
    await use_blueprints(
        hass,
        *(
            from_blueprint(PHONE, {"notify_action": f"notify.{phone}"}, alias=phone)
            for phone in PHONES
        ),
    )
    return mum, dad


def running(hass: HomeAssistant, phone: str) -> int:
    """Return how many runs of a phone's automation are under way."""
    state = hass.states.get(f"automation.{phone}")
    assert state is not None
    return int(state.attributes["current"])


@pytest.mark.usefixtures("blueprints")
async def test_one_tap_on_two_phones_renews_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mock_entry: MockConfigEntry
) -> None:
    """One tap on "Renewed" on one of two phones records one renewal and clears the other."""
    mum, dad = await two_phones(hass)
    renewals = async_capture_events(hass, "simrenew_renewed")
    await reminder_for(hass, freezer, mock_entry)
    (mum_reminder,) = mum
    (dad_reminder,) = dad

    hass.bus.async_fire("mobile_app_notification_action", {"action": buttons(mum_reminder)[0]})
    await settle(hass)
    card_id = next(iter(mock_entry.subentries))
    assert len(renewals) == 1
    assert len(mock_entry.runtime_data.records[card_id]["history"]) == 1
    # Dad's buttons are stale: his notification is cleared and his run ends without renewing.
    assert dad[1].data == {"message": "clear_notification", "data": {"tag": f"simrenew-{card_id}"}}
    assert (running(hass, PHONES[0]), running(hass, PHONES[1])) == (0, 0)
    hass.bus.async_fire("mobile_app_notification_action", {"action": buttons(dad_reminder)[0]})
    await settle(hass)
    assert len(renewals) == 1
    assert len(mock_entry.runtime_data.records[card_id]["history"]) == 1


@pytest.mark.usefixtures("blueprints")
async def test_one_tap_on_two_phones_snoozes_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mock_entry: MockConfigEntry
) -> None:
    """One tap on "Remind me tomorrow" snoozes once; the other phone waits, then times out."""
    mum, dad = await two_phones(hass)
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await reminder_for(hass, freezer, mock_entry)
    (mum_reminder,) = mum
    card_id = next(iter(mock_entry.subentries))
    device = device_of(hass, mock_entry, card_id)
    assert device is not None
    snoozed = [{"device_id": device.id, "days": 1}]

    hass.bus.async_fire("mobile_app_notification_action", {"action": buttons(mum_reminder)[1]})
    await settle(hass)
    assert calls_of(calls, DOMAIN, "snooze") == snoozed
    assert mock_entry.runtime_data.records[card_id]["reminders"]["snoozed_until"] == "2026-11-25"
    assert (running(hass, PHONES[0]), running(hass, PHONES[1])) == (0, 1)

    # Twelve hours later Dad's buttons expire unanswered.
    freezer.tick(timedelta(hours=12, seconds=1))
    async_fire_time_changed(hass, dt_util.utcnow())
    await settle(hass)
    assert running(hass, PHONES[1]) == 0
    assert calls_of(calls, DOMAIN, "snooze") == snoozed
    assert calls_of(calls, DOMAIN, "renew") == []
    assert len(dad) == 1


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Reminder: Mum's CMHK expires in 7 days. Please top it up in good time."),
        ("zh-Hant", "提提你，Mum's CMHK還有 7 日到期，請及早增值。"),
        ("zh-Hans", "提醒一下，Mum's CMHK还有 7 天到期，请及早充值。"),
    ],
)
async def test_speaker_announcement(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_entry: MockConfigEntry,
    language: str,
    expected: str,
) -> None:
    """A reminder is spoken on the chosen speakers and sent to the notify entity."""
    speak = async_mock_service(hass, "tts", "speak")
    send = async_mock_service(hass, "notify", "send_message")
    await use_blueprints(
        hass,
        from_blueprint(
            SPEAKERS,
            {
                "tts_entity": "tts.home_voice",
                "media_players": ["media_player.kitchen", "media_player.bedroom"],
                "notify_entity": "notify.family_display",
                "language": language,
            },
        ),
    )
    await reminder_for(hass, freezer, mock_entry)
    (call,) = speak
    assert call.data["entity_id"] == ["tts.home_voice"]
    assert call.data["media_player_entity_id"] == ["media_player.kitchen", "media_player.bedroom"]
    assert call.data["message"] == expected
    (sent,) = send
    assert sent.data["message"] == expected
    assert sent.data["entity_id"] == ["notify.family_display"]


@pytest.mark.usefixtures("blueprints")
async def test_speaker_blueprint_without_targets_does_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mock_entry: MockConfigEntry
) -> None:
    """With no speakers and no notify entity, nothing is called."""
    speak = async_mock_service(hass, "tts", "speak")
    send = async_mock_service(hass, "notify", "send_message")
    await use_blueprints(hass, from_blueprint(SPEAKERS, {}))
    await reminder_for(hass, freezer, mock_entry)
    assert speak == []
    assert send == []
    assert len(hass.states.async_entity_ids("automation")) == 1
    assert DOMAIN in hass.config.components
