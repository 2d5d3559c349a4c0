"""Reminders said aloud on the household's speakers: in short, outside quiet hours, never lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.quiet_hours import QuietHours
from custom_components.simrenew.speech import Announcement
from custom_components.simrenew.spoken_dates import said_date
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import HUB_OPTIONS, card_subentry, device_of, move_to, setup_entry
from .glossary import glossary_slips
from .test_translations import load

KITCHEN = "media_player.kitchen"
BEDROOM = "media_player.bedroom"
VOICE = "tts.piper"
SPEAKERS = {"speakers": [KITCHEN, BEDROOM], "tts_entity": VOICE}


async def speaking_home(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Set up Hong Kong on 22 November 2026 at noon, with two speakers and a voice."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    assert await async_setup_component(hass, "persistent_notification", {})
    hass.states.async_set(KITCHEN, "idle", {"friendly_name": "Kitchen speaker"})
    hass.states.async_set(BEDROOM, "idle", {"friendly_name": "Bedroom speaker"})
    hass.states.async_set(VOICE, "unknown", {"friendly_name": "Piper"})


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong, on 22 November 2026 at noon, with two speakers and a voice."""
    await speaking_home(hass, freezer)


@pytest.fixture
def said(hass: HomeAssistant) -> list[ServiceCall]:
    """Stand in for text-to-speech; return what it was asked to say."""
    return async_mock_service(hass, "tts", "speak")


def new_entry(*cards: dict[str, Any], **options: Any) -> MockConfigEntry:
    """Return a household with the given cards (Mum's alone by default), on both speakers."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, **SPEAKERS, **options},
        subentries_data=[card_subentry(**card) for card in (cards or ({},))],
    )


async def household(hass: HomeAssistant, **options: Any) -> tuple[MockConfigEntry, str]:
    """Set up a household with Mum's card, saying reminders on both speakers."""
    entry = new_entry(**options)
    await setup_entry(hass, entry)
    return entry, next(iter(entry.subentries))


def reminder(card_id: str, kind: str = "deadline", **fields: Any) -> dict[str, Any]:
    """Return a reminder event of Mum's card, whose deadline is 1 December 2026."""
    return {
        "card_id": card_id,
        "name": "Mum's CMHK",
        "kind": kind,
        "deadline": "2026-12-01",
        "expiry_date": "2026-12-01",
        "grace_end": "2026-12-31",
        "days_until_deadline": 9,
        "days_until_grace_end": 39,
        **fields,
    }


async def remind(hass: HomeAssistant, data: dict[str, Any]) -> None:
    """Fire a reminder and let it go out."""
    hass.bus.async_fire("simrenew_reminder", data)
    await hass.async_block_till_done()


def messages(calls: list[ServiceCall]) -> list[str]:
    """Return what was said, once per speaker call."""
    return [call.data["message"] for call in calls]


SAID = {
    "en": {
        "days": "Reminder: Mum's CMHK expires on 1 December, in 9 days. "
        "Please top it up in good time.",
        "grace": "Attention: Mum's CMHK has lapsed. Please top it up by 31 December, or the number "
        "is lost for good.",
        "confirm": "Reminder: Mum's CMHK was renewed. Please check that the carrier's app shows "
        "the new expiry, 1 December.",
    },
    "zh-Hant": {
        "days": "提提你，Mum's CMHK將於12月1日到期，還有9日，請及早續期。",
        "grace": "注意，Mum's CMHK已過限期並已停用，請最遲在12月31日續期，否則號碼會被永久收回。",
        "confirm": "提提你，Mum's CMHK已續期，請在電訊商的應用程式核對新到期日是否為12月1日。",
    },
    "zh-Hans": {
        "days": "提醒一下，Mum's CMHK将于12月1日到期，还有9天，请及早续费。",
        "grace": "请注意，Mum's CMHK已超过期限并已停机，"
        "请最迟在12月31日续费，否则号码将被永久回收。",
        "confirm": "提醒一下，Mum's CMHK已续费，请在运营商App中核对新到期日是否为12月1日。",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
async def test_each_reminder_kind_is_said_on_both_speakers_in_the_household_language(
    hass: HomeAssistant, said: list[ServiceCall], language: str
) -> None:
    """Deadline, grace, confirm, unconfirmed and lost: the short form, dates as people say them."""
    await hass.config.async_update(language=language)
    _, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    await remind(hass, reminder(card_id, "grace"))
    await remind(hass, reminder(card_id, "confirm"))
    assert [call.data["media_player_entity_id"] for call in said] == [KITCHEN, BEDROOM] * 3
    assert {call.data["entity_id"] for call in said} == {VOICE}
    assert messages(said)[::2] == [SAID[language][key] for key in ("days", "grace", "confirm")]
    # A renewal nobody confirmed: the old deadline is what is said, and why.
    await remind(hass, reminder(card_id, "deadline", recorded_expiry="2027-05-30"))
    unconfirmed = messages(said)[-1]
    assert unconfirmed.startswith(SAID[language]["days"])
    assert unconfirmed != SAID[language]["days"]
    await remind(hass, reminder(card_id, "expired"))
    lost = messages(said)[-1]
    assert "Mum's CMHK" in lost
    # What a blueprint or event of an unknown kind might be is not guessed at aloud.
    await remind(hass, reminder(card_id, "something_new"))
    assert len(said) == 10
    for message in messages(said):
        assert "{" not in message
        assert "2026" not in message  # this year's dates go without their year
        if language != "en":
            assert not glossary_slips(message, language)


async def test_the_hub_says_the_reminder_at_its_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """The 7-day reminder, at 09:00, is said on both speakers; Notifications still shows it."""
    entry, _ = await household(hass)
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert (
        messages(said)
        == ["Reminder: Mum's CMHK expires on 1 December, in 7 days. Please top it up in good time."]
        * 2
    )
    assert entry.state is ConfigEntryState.LOADED


async def test_quiet_hours_hold_an_announcement_until_they_end_and_count_the_day_then(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Due at 23:00: nothing at 23:00 or at 07:59; said at 08:00 with that day's count."""
    _, card_id = await household(hass)
    await move_to(hass, freezer, "2026-11-22T15:00:00+00:00")  # 23:00 in Hong Kong
    await remind(hass, reminder(card_id, "deadline"))
    assert said == []
    await move_to(hass, freezer, "2026-11-22T23:59:00+00:00")  # 07:59
    assert said == []
    await move_to(hass, freezer, "2026-11-23T00:00:00+00:00")  # 08:00
    assert (
        messages(said)
        == ["Reminder: Mum's CMHK expires on 1 December, in 8 days. Please top it up in good time."]
        * 2
    )
    # Said once: a later wake says nothing more.
    await move_to(hass, freezer, "2026-11-23T03:00:00+00:00")
    assert len(said) == 2


async def test_a_newer_reminder_replaces_the_one_waiting(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Two reminders of a card in one night: the newer one is said, once."""
    _, card_id = await household(hass)
    await move_to(hass, freezer, "2026-11-22T15:00:00+00:00")
    await remind(hass, reminder(card_id, "deadline"))
    await remind(hass, reminder(card_id, "confirm"))
    await move_to(hass, freezer, "2026-11-23T00:00:00+00:00")
    assert messages(said) == [SAID["en"]["confirm"]] * 2


async def test_an_announcement_waiting_survives_a_reload_and_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    said: list[ServiceCall],
    hass_storage: dict[str, Any],
) -> None:
    """Held through quiet hours, it is on disk: a reload, then a new start, still say it."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, "2026-11-22T15:00:00+00:00")
    await remind(hass, reminder(card_id, "grace"))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.announcements"]["data"]["waiting"]
    assert [item["kind"] for item in stored] == ["grace"]
    assert said == []
    # Stopped and started again, as Home Assistant does on a restart.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-23T00:00:00+00:00")
    assert messages(said) == [SAID["en"]["grace"]] * 2
    await hass.async_block_till_done()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(said) == 2


async def test_what_waited_through_quiet_hours_is_said_once_home_assistant_is_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    said: list[ServiceCall],
    hass_storage: dict[str, Any],
) -> None:
    """Started after quiet hours with an announcement on disk: said once everything is up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, **SPEAKERS},
        subentries_data=[card_subentry()],
    )
    entry.add_to_hass(hass)
    card_id = next(iter(entry.subentries))
    hass_storage[f"{DOMAIN}.{entry.entry_id}.announcements"] = {
        "version": 1,
        "key": f"{DOMAIN}.{entry.entry_id}.announcements",
        "data": {
            "waiting": [
                {
                    "card_id": card_id,
                    "kind": "deadline",
                    "name": "Mum's CMHK",
                    "deadline": "2026-12-01",
                    "grace_end": "2026-12-31",
                },
                # Written by hand into something unreadable: left out, the rest goes on.
                {"card_id": card_id, "kind": "deadline", "deadline": "soon"},
                "not an announcement",
            ]
        },
    }
    await setup_entry(hass, entry)
    assert messages(said) == [SAID["en"]["days"]] * 2


async def test_a_renewal_or_confirmation_meanwhile_withdraws_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Renewed or confirmed during the night: "please top it up" would be wrong at 08:00."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, "2026-11-22T15:00:00+00:00")
    await remind(hass, reminder(card_id, "deadline"))
    device = device_of(hass, entry, card_id)
    assert device is not None
    await hass.services.async_call(DOMAIN, "renew", {"device_id": device.id}, blocking=True)
    await hass.async_block_till_done()
    await remind(hass, reminder(card_id, "confirm"))
    hass.bus.async_fire("simrenew_renewal_confirmed", {"card_id": card_id})
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-23T00:00:00+00:00")
    assert said == []


async def test_with_quiet_hours_off_it_is_said_at_any_hour(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """The same time twice: no quiet hours."""
    _, card_id = await household(hass, quiet_hours_start="00:00:00", quiet_hours_end="00:00:00")
    await move_to(hass, freezer, "2026-11-22T17:00:00+00:00")  # 01:00
    await remind(hass, reminder(card_id, "deadline"))
    assert len(said) == 2


async def test_a_failing_speaker_is_named_in_a_repair_and_stops_no_other(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The kitchen speaker fails: the bedroom still hears it, a repair names the kitchen once."""
    failing = True
    heard: list[str] = []

    async def speak(call: ServiceCall) -> None:
        if failing and call.data["media_player_entity_id"] == KITCHEN:
            raise HomeAssistantError("unplugged")
        heard.append(call.data["media_player_entity_id"])

    hass.services.async_register("tts", "speak", speak)
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    await remind(hass, reminder(card_id, "deadline"))
    assert heard == [BEDROOM, BEDROOM]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "speaker_unreachable_kitchen")
    assert issue is not None
    assert issue.translation_placeholders == {"speaker": "Kitchen speaker"}
    assert caplog.text.count("could not reach one of the chosen speakers") == 1
    assert entry.state is ConfigEntryState.LOADED
    failing = False
    await remind(hass, reminder(card_id, "deadline"))
    assert ir.async_get(hass).async_get_issue(DOMAIN, "speaker_unreachable_kitchen") is None


async def test_a_speaker_or_voice_gone_is_named_in_a_repair(
    hass: HomeAssistant, said: list[ServiceCall]
) -> None:
    """A removed speaker, then a removed voice: each raises its repair; nothing stops."""
    entry, card_id = await household(hass)
    hass.states.async_remove(KITCHEN)
    await remind(hass, reminder(card_id, "deadline"))
    assert [call.data["media_player_entity_id"] for call in said] == [BEDROOM]
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, "speaker_unreachable_kitchen") is not None
    hass.states.async_remove(VOICE)
    await remind(hass, reminder(card_id, "deadline"))
    assert len(said) == 1
    assert registry.async_get_issue(DOMAIN, "speaker_unreachable_piper") is not None
    # Taken off the options: the repairs go.
    hass.config_entries.async_update_entry(entry, options={**HUB_OPTIONS})
    await hass.async_block_till_done()
    assert registry.async_get_issue(DOMAIN, "speaker_unreachable_kitchen") is None
    assert registry.async_get_issue(DOMAIN, "speaker_unreachable_piper") is None


async def test_the_options_choose_speakers_a_voice_and_quiet_hours(
    hass: HomeAssistant, said: list[ServiceCall]
) -> None:
    """Quiet hours start at 22:00-08:00; speakers need a voice; a wrong time is refused."""
    entry, _ = await household(hass, speakers=[], tts_entity=None)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["quiet_hours_start"] == {"suggested_value": "22:00:00"}
    assert suggested["quiet_hours_end"] == {"suggested_value": "08:00:00"}
    answer = {"reminder_days": ["7"], "reminder_time": "09:00"}
    refused = {
        "speakers": ({"speakers": [KITCHEN]}, {"tts_entity": "tts_entity_required"}),
        "gone": ({"speakers": ["media_player.attic"], "tts_entity": VOICE}, None),
        "voice": ({"speakers": [KITCHEN], "tts_entity": "tts.gone"}, None),
        "time": ({"quiet_hours_start": "25:00"}, {"quiet_hours_start": "invalid_reminder_time"}),
    }
    expected_errors = {
        "gone": {"speakers": "invalid_speakers"},
        "voice": {"tts_entity": "invalid_tts_entity"},
    }
    for case, (fields, errors) in refused.items():
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {**answer, **fields}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == (errors or expected_errors[case]), case
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **answer,
            "speakers": [KITCHEN, KITCHEN],
            "tts_entity": VOICE,
            "quiet_hours_start": "21:30",
            "quiet_hours_end": "07:00",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["speakers"] == [KITCHEN]
    assert entry.options["tts_entity"] == VOICE
    assert (entry.options["quiet_hours_start"], entry.options["quiet_hours_end"]) == (
        "21:30:00",
        "07:00:00",
    )


def test_every_sentence_is_there_in_every_language() -> None:
    """Each sentence a speaker may say exists in all three languages, with the same fields."""
    prefix = "selector.speech.options."
    texts = {
        language: {
            key.removeprefix(prefix): text
            for key, text in load(language).items()
            if key.startswith(prefix)
        }
        for language in SAID
    }
    assert set(texts["en"]) == set(texts["zh-Hant"]) == set(texts["zh-Hans"])
    for key, english in texts["en"].items():
        fields = sorted(part.split("}")[0] for part in english.split("{")[1:])
        for language in ("zh-Hant", "zh-Hans"):
            other = texts[language][key]
            assert sorted(part.split("}")[0] for part in other.split("{")[1:]) == fields, key
            assert not glossary_slips(other, language), (key, other)


ENGLISH = load("en")
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(
    kind=st.sampled_from(["deadline", "grace", "confirm", "expired"]),
    deadline=DAYS,
    grace=st.integers(0, 400),
    today=DAYS,
    use=st.booleans(),
)
def test_any_reminder_on_any_day_has_its_sentence(
    kind: str, deadline: date, grace: int, today: date, use: bool
) -> None:
    """Whatever the day it is said on, the sentence exists and the days it counts are its own."""
    grace_end = deadline + timedelta(days=grace)
    held = Announcement.from_event(
        {
            "card_id": "card",
            "kind": kind,
            "deadline": deadline.isoformat(),
            "grace_end": grace_end.isoformat(),
            "deadline_reason": "activity" if use else "expiry",
        }
    )
    assert held is not None
    assert Announcement.from_event(held.as_stored()) == held
    key, days = held.key(today)
    assert f"selector.speech.options.{key}" in ENGLISH
    if kind == "deadline":
        assert days == (deadline - today).days
    if kind == "grace":
        assert days == (grace_end - today).days


@given(value=st.one_of(st.none(), st.text(), st.integers(), st.dictionaries(st.text(), st.text())))
def test_a_stored_or_fired_oddity_is_not_said(value: object) -> None:
    """Anything without a card, a known kind and a date is left unsaid rather than guessed."""
    data = value if isinstance(value, dict) else {"card_id": value, "deadline": value}
    held = Announcement.from_event(data)
    assert held is None or (held.kind in {"deadline", "grace", "confirm", "expired"})


def test_dates_are_said_with_months_spelled_out() -> None:
    """Voices read "Dec" as a word; the year is said only when it is not this one."""
    today = date(2026, 11, 22)
    assert said_date(date(2026, 12, 1), "en", today) == "1 December"
    assert said_date(date(2027, 1, 3), "en", today) == "3 January 2027"
    assert said_date(date(2026, 12, 1), "zh-Hant", today) == "12月1日"
    assert said_date(date(2027, 1, 3), "zh-Hans", today) == "2027年1月3日"


ZONES = st.sampled_from(["Asia/Hong_Kong", "Europe/London", "America/New_York", "UTC"])
TIMES = st.times().map(lambda moment: moment.replace(microsecond=0))


@given(
    zone=ZONES,
    start=TIMES,
    end=TIMES,
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_quiet_hours_end_after_now_and_never_inside_themselves(
    zone: str, start: time, end: time, moment: datetime
) -> None:
    """Across midnights and DST changes, the end is after now, within a day, and not quiet."""
    quiet = QuietHours(start, end)
    now = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    ends = quiet.ends_after(now)
    assert ends > now
    assert ends - now <= timedelta(days=1, hours=2)
    if start == end:
        assert not quiet.contains(now.time())
    else:
        assert not quiet.contains(end)
        assert quiet.contains(start)
