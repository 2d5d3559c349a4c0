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
from .glossary import glossary_slips

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
        ("en", "Mum's CMHK expires on 1 Dec 2026, in 7 days. Top it up in good time."),
        ("zh-Hant", "Mum's CMHK將於12月1日到期，尚餘7日，請及早續期。"),
        ("zh-Hans", "Mum's CMHK将于12月1日到期，还剩7天，请及早续费。"),
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
    snoozed = mock_entry.runtime_data.records[card_id]["reminders"]["snoozed_until"]
    assert snoozed == "2026-11-25T09:00:00+08:00"
    freezer.move_to("2026-11-25T01:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await settle(hass)
    assert len(calls) == 2
    assert calls[1].data["message"] == (
        "Mum's CMHK expires on 1 Dec 2026, in 6 days. Top it up in good time."
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
    stored = mock_entry.runtime_data.records[card_id]["reminders"]["snoozed_until"]
    assert stored == "2026-11-25T09:00:00+08:00"
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
        ("zh-Hant", "提提你，Mum's CMHK還有7日到期，請及早續期。"),
        ("zh-Hans", "提醒一下，Mum's CMHK还有7天到期，请及早续费。"),
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


# Reminders as the integration fires them, one of each kind, for a card whose official renewal
# page is known. Each comes with the instant it goes out: 09:00 in Hong Kong on its day.
URL = "https://carrier.example/prepaid/renew"
COMMON: dict[str, Any] = {
    "card_id": "01JD3Y8W7M5QK2N4P6R8T0V2X4",
    "device_id": "6f1c2e4d8a9b0c1d2e3f4a5b6c7d8e9f",
    "name": "Mum's CMHK",
    "expiry_date": "2026-12-01",
    "deadline": "2026-12-01",
    "renewal_url": URL,
    "late": False,
    "snoozed": False,
}
DEADLINE: dict[str, Any] = {
    **COMMON,
    "kind": "deadline",
    "deadline_reason": "expiry",
    "stage": 7,
    "days_until_expiry": 7,
    "days_until_deadline": 7,
    "status": "expiring_soon",
}
GRACE: dict[str, Any] = {
    **COMMON,
    "kind": "grace",
    "days_until_expiry": -5,
    "days_until_deadline": -5,
    "status": "grace_period",
    "grace_end": "2026-12-31",
    "days_until_grace_end": 25,
}
# The day after a renewal recorded on 24 November without the carrier's new expiry.
CONFIRM: dict[str, Any] = {
    **COMMON,
    "kind": "confirm",
    "expiry_date": "2027-05-23",
    "deadline": "2027-05-23",
    "days_until_expiry": 179,
    "days_until_deadline": 179,
    "status": "active",
}
REMINDERS: dict[str, tuple[str, dict[str, Any]]] = {
    "deadline": ("2026-11-24", DEADLINE),
    "last_day": ("2026-12-01", {**DEADLINE, "stage": 0, "days_until_deadline": 0}),
    "activity": ("2026-11-24", {**DEADLINE, "deadline_reason": "activity"}),
    "activity_last_day": (
        "2026-12-01",
        {**DEADLINE, "deadline_reason": "activity", "stage": 0, "days_until_deadline": 0},
    ),
    "grace": ("2026-12-06", GRACE),
    # Snoozed on the fifth day of grace: the reminder the next day comes as a grace reminder.
    "grace_snoozed": ("2026-12-07", {**GRACE, "snoozed": True, "days_until_grace_end": 24}),
    "grace_tomorrow_last": ("2026-12-30", {**GRACE, "days_until_grace_end": 1}),
    "grace_last_day": ("2026-12-31", {**GRACE, "days_until_grace_end": 0}),
    # An integration from before reminder kinds: a snoozed reminder in grace, without `kind`.
    "old_snoozed_in_grace": (
        "2026-12-06",
        {
            key: value
            for key, value in GRACE.items()
            if key not in {"kind", "grace_end", "days_until_grace_end"}
        }
        | {"snoozed": True, "stage": -5},
    ),
    "confirm": ("2026-11-25", CONFIRM),
}


async def remind(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, case: str, **changes: Any
) -> dict[str, Any]:
    """Fire one of the reminders above at its time, and return its data."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    day, data = REMINDERS[case]
    freezer.move_to(f"{day}T09:00:00+08:00")
    data = {**data, **changes}
    hass.bus.async_fire("simrenew_reminder", data)
    await settle(hass)
    return data


async def phone_in(hass: HomeAssistant, language: str) -> list[ServiceCall]:
    """Create one automation from the phone blueprint, and return what the phone receives."""
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "mobile_app_test_phone")
    await use_blueprints(
        hass,
        from_blueprint(
            PHONE, {"notify_action": "notify.mobile_app_test_phone", "language": language}
        ),
    )
    return calls


# What each reminder must say and must not say on a phone, in each language.
LAST_DAY_WORDS = ("last day", "最後一日", "最后一天", "today", "今天", "今日")
PHONE_TEXTS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    # case, language, title, the message must contain, must not contain (case-insensitive)
    (
        "deadline",
        "en",
        "SIM card renewal",
        ("Mum's CMHK expires on 1 Dec 2026, in 7 days", "Top it up"),
        ("use the card", *LAST_DAY_WORDS),
    ),
    (
        "deadline",
        "zh-Hant",
        "SIM卡續期提醒",
        ("Mum's CMHK將於12月1日到期", "尚餘7日", "續期"),
        ("2026年", *LAST_DAY_WORDS),
    ),
    (
        "deadline",
        "zh-Hans",
        "SIM卡续费提醒",
        ("Mum's CMHK将于12月1日到期", "还剩7天", "续费"),
        ("2026年", *LAST_DAY_WORDS),
    ),
    (
        "last_day",
        "en",
        "SIM card renewal",
        ("Today is the last day of Mum's CMHK", "Top it up"),
        (),
    ),
    ("last_day", "zh-Hant", "SIM卡續期提醒", ("今日是Mum's CMHK有效期的最後一日", "續期"), ()),
    ("last_day", "zh-Hans", "SIM卡续费提醒", ("今天是Mum's CMHK有效期的最后一天", "续费"), ()),
    (
        "activity",
        "en",
        "Use your SIM card",
        ("Mum's CMHK needs a chargeable use by 1 Dec 2026", "Use the card", URL),
        ("top up", "top it up", "official app", *LAST_DAY_WORDS),
    ),
    (
        "activity",
        "zh-Hant",
        "SIM卡使用提醒",
        ("Mum's CMHK須在12月1日或之前", "使用此卡", "尚餘7日", URL),
        ("續期", *LAST_DAY_WORDS),
    ),
    (
        "activity",
        "zh-Hans",
        "SIM卡使用提醒",
        ("Mum's CMHK最迟须在12月1日", "使用此卡", "还剩7天", URL),
        ("续费", *LAST_DAY_WORDS),
    ),
    (
        "activity_last_day",
        "en",
        "Use your SIM card",
        ("Today is the last day to use Mum's CMHK", "Use the card now"),
        ("top up", "top it up"),
    ),
    (
        "activity_last_day",
        "zh-Hant",
        "SIM卡使用提醒",
        ("今日是Mum's CMHK使用限期的最後一日", "使用此卡"),
        ("續期",),
    ),
    (
        "activity_last_day",
        "zh-Hans",
        "SIM卡使用提醒",
        ("今天是Mum's CMHK使用期限的最后一天", "使用此卡"),
        ("续费",),
    ),
    (
        "grace",
        "en",
        "SIM card past its deadline",
        ("Mum's CMHK has lapsed", "Top it up by 31 Dec 2026 (25 days left)", "lost for good"),
        LAST_DAY_WORDS,
    ),
    (
        "grace",
        "zh-Hant",
        "SIM卡已過限期",
        ("Mum's CMHK已過限期", "寬限期至12月31日", "尚餘25日", "續期", "永久"),
        LAST_DAY_WORDS,
    ),
    (
        "grace",
        "zh-Hans",
        "SIM卡已超过期限",
        ("Mum's CMHK已超过期限", "宽限期至12月31日", "还剩25天", "续费", "永久"),
        LAST_DAY_WORDS,
    ),
    (
        "grace_snoozed",
        "en",
        "SIM card past its deadline",
        ("31 Dec 2026 (24 days left)",),
        LAST_DAY_WORDS,
    ),
    ("grace_snoozed", "zh-Hant", "SIM卡已過限期", ("寬限期至12月31日",), LAST_DAY_WORDS),
    ("grace_snoozed", "zh-Hans", "SIM卡已超过期限", ("宽限期至12月31日",), LAST_DAY_WORDS),
    (
        "grace_tomorrow_last",
        "en",
        "SIM card past its deadline",
        ("Top it up by tomorrow (31 Dec 2026)", "lost for good"),
        ("last day", "today"),
    ),
    ("grace_tomorrow_last", "zh-Hant", "SIM卡已過限期", ("寬限期明日（12月31日）結束",), ()),
    ("grace_tomorrow_last", "zh-Hans", "SIM卡已超过期限", ("宽限期明天（12月31日）结束",), ()),
    (
        "grace_last_day",
        "en",
        "SIM card past its deadline",
        ("Today is the last chance to save the number of Mum's CMHK", "lost for good"),
        (),
    ),
    (
        "grace_last_day",
        "zh-Hant",
        "SIM卡已過限期",
        ("今日是Mum's CMHK寬限期的最後一日", "續期", "永久"),
        (),
    ),
    (
        "grace_last_day",
        "zh-Hans",
        "SIM卡已超过期限",
        ("今天是Mum's CMHK宽限期的最后一天", "续费", "永久"),
        (),
    ),
    (
        "old_snoozed_in_grace",
        "en",
        "SIM card renewal",
        ("Mum's CMHK passed its deadline (1 Dec 2026)", "Top it up now"),
        LAST_DAY_WORDS,
    ),
    ("old_snoozed_in_grace", "zh-Hant", "SIM卡續期提醒", ("已過限期", "續期"), LAST_DAY_WORDS),
    ("old_snoozed_in_grace", "zh-Hans", "SIM卡续费提醒", ("已超过期限", "续费"), LAST_DAY_WORDS),
    (
        "confirm",
        "en",
        "Check the renewal",
        ("check that the carrier's app shows the new expiry 23 May 2027",),
        ("top it up", *LAST_DAY_WORDS),
    ),
    (
        "confirm",
        "zh-Hant",
        "請核對續期",
        ("請在電訊商的應用程式核對新到期日是否為2027年5月23日",),
        LAST_DAY_WORDS,
    ),
    (
        "confirm",
        "zh-Hans",
        "请核对续费",
        ("请在运营商App中核对新到期日是否为2027年5月23日",),
        LAST_DAY_WORDS,
    ),
]
# The line under every message that names the card's official page.
OFFICIAL_ONLY = {
    "en": "Top up only through the carrier's official app, website or shops.",
    "zh-Hant": "請只透過電訊商的官方應用程式、網站或門市續期。",
    "zh-Hans": "请只通过运营商的官方App、网站或营业厅续费。",
}


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize(
    ("case", "language", "title", "says", "never_says"),
    PHONE_TEXTS,
    ids=[f"{case}-{language}" for case, language, *_ in PHONE_TEXTS],
)
async def test_phone_texts(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    case: str,
    language: str,
    title: str,
    says: tuple[str, ...],
    never_says: tuple[str, ...],
) -> None:
    """Every kind of reminder reads right in every language, with the official page."""
    calls = await phone_in(hass, language)
    await remind(hass, freezer, case)
    (call,) = calls
    text = call.data["message"]
    assert call.data["title"] == title
    for words in says:
        assert words.lower() in text.lower()
    for words in never_says:
        assert words.lower() not in text.lower()
    if language != "en":
        assert " " not in text.replace("Mum's CMHK", "").replace("Home Assistant", "")
    assert glossary_slips(f"{call.data['title']}\n{text}", language) == []
    first, *link = text.split("\n")
    assert URL not in first
    assert link[0].endswith(URL)
    if case.startswith("activity"):
        assert link == [link[0]]
    else:
        assert link == [link[0], OFFICIAL_ONLY[language]]


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize("case", ["deadline", "grace", "confirm"])
async def test_phone_text_without_official_page(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, case: str
) -> None:
    """A card without an official page gets the message alone."""
    calls = await phone_in(hass, "en")
    await remind(hass, freezer, case, renewal_url=None)
    (call,) = calls
    assert "\n" not in call.data["message"]
    assert "official" not in call.data["message"].lower()


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize("case", ["deadline", "activity", "grace", "grace_snoozed"])
@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Renewed", "Remind me tomorrow"]),
        ("zh-Hant", ["已續期", "明日再提醒"]),
        ("zh-Hans", ["已续费", "明天再提醒"]),
    ],
)
async def test_phone_buttons_before_and_after_the_deadline(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    case: str,
    language: str,
    labels: list[str],
) -> None:
    """Deadline and grace reminders offer "Renewed" and "Remind me tomorrow"."""
    calls = await phone_in(hass, language)
    data = await remind(hass, freezer, case)
    (call,) = calls
    assert [button["title"] for button in call.data["data"]["actions"]] == labels
    assert all(glossary_slips(label, language) == [] for label in labels)
    assert call.data["data"]["tag"] == f"simrenew-{data['card_id']}"


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Confirmed", "Open the carrier's page"]),
        ("zh-Hant", ["已確認", "開啟電訊商網頁"]),
        ("zh-Hans", ["已确认", "打开运营商页面"]),
    ],
)
async def test_confirm_button_confirms_the_renewal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_entry: MockConfigEntry,
    language: str,
    labels: list[str],
) -> None:
    """The integration's own confirm reminder offers "Confirmed", which confirms the renewal."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-24T09:00:00+08:00")
    await setup_entry(hass, mock_entry)
    card_id = next(iter(mock_entry.subentries))
    subentry = mock_entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        mock_entry, subentry, data={**subentry.data, "renewal_url": URL}
    )
    await hass.async_block_till_done()
    device = device_of(hass, mock_entry, card_id)
    assert device is not None
    await hass.services.async_call(DOMAIN, "renew", {"device_id": device.id}, blocking=True)
    calls = await phone_in(hass, language)
    service_calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    # The renewal was recorded without the carrier's word: the next morning asks.
    freezer.move_to("2026-11-25T09:00:00+08:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await settle(hass)

    (call,) = calls
    confirmed, page = call.data["data"]["actions"]
    assert [confirmed["title"], page["title"]] == labels
    assert confirmed["action"].startswith("SIMRENEW_CONFIRMED_")
    assert page == {"action": "URI", "title": labels[1], "uri": URL}
    hass.bus.async_fire("mobile_app_notification_action", {"action": confirmed["action"]})
    await settle(hass)
    assert calls_of(service_calls, DOMAIN, "confirm_renewal") == [{"device_id": device.id}]
    assert calls_of(service_calls, DOMAIN, "renew") == []
    (renewal,) = mock_entry.runtime_data.records[card_id]["history"]
    assert renewal["confirmed"] is True
    assert mock_entry.runtime_data.records[card_id]["reminders"]["confirm"] is None
    assert calls_of(service_calls, DOMAIN, "snooze") == []


@pytest.mark.usefixtures("blueprints")
async def test_confirm_without_official_page_offers_only_confirmed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without an official page, "Confirmed" is the only button."""
    calls = await phone_in(hass, "en")
    await remind(hass, freezer, "confirm", renewal_url=None)
    (call,) = calls
    (confirmed,) = call.data["data"]["actions"]
    assert confirmed["title"] == "Confirmed"


@pytest.mark.usefixtures("blueprints")
async def test_unknown_reminder_kind_is_left_alone(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A kind the blueprints do not know is neither sent nor spoken as if it were a deadline."""
    calls = async_mock_service(hass, "notify", "mobile_app_test_phone")
    speak = async_mock_service(hass, "tts", "speak")
    await use_blueprints(
        hass,
        from_blueprint(PHONE, {"notify_action": "notify.mobile_app_test_phone"}),
        from_blueprint(
            SPEAKERS, {"tts_entity": "tts.home_voice", "media_players": ["media_player.kitchen"]}
        ),
    )
    assert len(hass.states.async_entity_ids("automation")) == 2
    await remind(hass, freezer, "deadline", kind="balance_low")
    assert calls == []
    assert speak == []


# What each reminder must say and must not say on the speakers.
SPOKEN_TEXTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("deadline", "en", ("Mum's CMHK expires in 7 days", "top it up"), ("use the card",)),
    ("deadline", "zh-Hant", ("提提你，Mum's CMHK還有7日到期", "續期"), ("使用此卡",)),
    ("deadline", "zh-Hans", ("提醒一下，Mum's CMHK还有7天到期", "续费"), ("使用此卡",)),
    ("last_day", "en", ("today is the last day of Mum's CMHK",), ()),
    ("last_day", "zh-Hant", ("今日是Mum's CMHK的最後有效日", "續期"), ()),
    ("last_day", "zh-Hans", ("今天是Mum's CMHK的最后有效日", "续费"), ()),
    ("activity", "en", ("must be used within 7 days", "use the card"), ("top it up", "top up")),
    ("activity", "zh-Hant", ("須在7日內使用一次", "使用此卡"), ("續期",)),
    ("activity", "zh-Hans", ("须在7天内使用一次", "使用此卡"), ("续费",)),
    ("activity_last_day", "en", ("today is the last day to use Mum's CMHK",), ("top it up",)),
    ("activity_last_day", "zh-Hant", ("今日是使用Mum's CMHK的最後一日", "使用此卡"), ("續期",)),
    ("activity_last_day", "zh-Hans", ("今天是使用Mum's CMHK的最后一天", "使用此卡"), ("续费",)),
    (
        "grace",
        "en",
        ("Mum's CMHK has lapsed", "top it up by 31 December", "lost for good"),
        ("2026", *LAST_DAY_WORDS),
    ),
    ("grace", "zh-Hant", ("最遲在12月31日續期", "永久"), LAST_DAY_WORDS),
    ("grace", "zh-Hans", ("最迟在12月31日续费", "永久"), LAST_DAY_WORDS),
    ("grace_snoozed", "en", ("top it up by 31 December",), LAST_DAY_WORDS),
    ("grace_snoozed", "zh-Hant", ("最遲在12月31日續期",), LAST_DAY_WORDS),
    ("grace_snoozed", "zh-Hans", ("最迟在12月31日续费",), LAST_DAY_WORDS),
    ("grace_tomorrow_last", "en", ("top it up by tomorrow", "lost for good"), ("last",)),
    ("grace_tomorrow_last", "zh-Hant", ("最遲明日續期", "永久"), ("最後一日",)),
    ("grace_tomorrow_last", "zh-Hans", ("最迟明天续费", "永久"), ("最后一天",)),
    ("grace_last_day", "en", ("today is the last chance to save the number",), ()),
    ("grace_last_day", "zh-Hant", ("今日是Mum's CMHK寬限期的最後一日",), ()),
    ("grace_last_day", "zh-Hans", ("今天是Mum's CMHK宽限期的最后一天",), ()),
    ("old_snoozed_in_grace", "en", ("has passed its deadline",), LAST_DAY_WORDS),
    ("old_snoozed_in_grace", "zh-Hant", ("已過限期",), LAST_DAY_WORDS),
    ("old_snoozed_in_grace", "zh-Hans", ("已超过期限",), LAST_DAY_WORDS),
    ("confirm", "en", ("carrier's app shows the new expiry, 23 May 2027",), ("top it up",)),
    ("confirm", "zh-Hant", ("電訊商", "核對新到期日是否為2027年5月23日"), ()),
    ("confirm", "zh-Hans", ("运营商", "核对新到期日是否为2027年5月23日"), ()),
]


@pytest.mark.usefixtures("blueprints")
@pytest.mark.parametrize(
    ("case", "language", "says", "never_says"),
    SPOKEN_TEXTS,
    ids=[f"{case}-{language}" for case, language, *_ in SPOKEN_TEXTS],
)
async def test_spoken_texts(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    case: str,
    language: str,
    says: tuple[str, ...],
    never_says: tuple[str, ...],
) -> None:
    """Every kind of reminder is spoken right in every language, shorter and without the link."""
    speak = async_mock_service(hass, "tts", "speak")
    await use_blueprints(
        hass,
        from_blueprint(
            SPEAKERS,
            {
                "tts_entity": "tts.home_voice",
                "media_players": ["media_player.kitchen"],
                "language": language,
            },
        ),
    )
    await remind(hass, freezer, case)
    (call,) = speak
    text = call.data["message"]
    for words in says:
        assert words.lower() in text.lower()
    for words in never_says:
        assert words.lower() not in text.lower()
    assert "http" not in text
    assert "\n" not in text
    if language != "en":
        assert " " not in text.replace("Mum's CMHK", "")
    assert glossary_slips(text, language) == []
