"""Speakers under pressure: stored oddities, restarts, clocks that repeat an hour, many cards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest.mock import MagicMock
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.phones import PhoneSender, parse_action
from custom_components.simrenew.quiet_hours import QuietHours
from custom_components.simrenew.texts import SelectorTexts
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant, ServiceCall
from homeassistant.helpers import issue_registry as ir

from .conftest import DAD_CARD, move_to, setup_entry
from .test_speakers import (
    BEDROOM,
    KITCHEN,
    household,
    messages,
    new_entry,
    remind,
    reminder,
    speaking_home,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
async def home(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Hong Kong at noon on 22 November 2026, two speakers and a voice."""
    await speaking_home(hass, freezer)


@pytest.fixture
def said(hass: HomeAssistant) -> list[ServiceCall]:
    """Stand in for text-to-speech."""
    return async_mock_service(hass, "tts", "speak")


NIGHT = "2026-11-22T15:00:00+00:00"  # 23:00 in Hong Kong
MORNING = "2026-11-23T00:00:00+00:00"  # 08:00
IN_8_DAYS = "Reminder: Mum's CMHK expires on 1 December, in 8 days. Please top it up in good time."


def store_key(entry: MockConfigEntry) -> str:
    """Return the key of the household's waiting announcements."""
    return f"{DOMAIN}.{entry.entry_id}.announcements"


@pytest.mark.parametrize(
    "data",
    [{"waiting": 5}, {"waiting": None}, [1, 2], "text", {"waiting": [{"card_id": ["x"]}]}],
)
async def test_a_hand_edited_waiting_file_never_stops_the_household(
    hass: HomeAssistant, hass_storage: dict[str, Any], said: list[ServiceCall], data: object
) -> None:
    """Whatever the announcements file holds, the household starts and reminders are said."""
    entry = new_entry()
    entry.add_to_hass(hass)
    hass_storage[store_key(entry)] = {"version": 1, "key": store_key(entry), "data": data}
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    await remind(hass, reminder(next(iter(entry.subentries))))
    assert len(said) == 2


async def test_a_waiting_file_from_a_newer_release_never_stops_the_household(
    hass: HomeAssistant, hass_storage: dict[str, Any], said: list[ServiceCall]
) -> None:
    """A file of a later version (a downgrade): the household starts all the same."""
    entry = new_entry()
    entry.add_to_hass(hass)
    hass_storage[store_key(entry)] = {"version": 9, "key": store_key(entry), "data": {}}
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED


async def test_a_reminder_due_while_home_assistant_starts_waits_for_the_speakers(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """At start the speakers' integrations may not be up: it is said once everything is."""
    hass.set_state(CoreState.not_running)
    entry = new_entry()
    await setup_entry(hass, entry)
    await remind(hass, reminder(next(iter(entry.subentries))))
    assert said == []
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await move_to(hass, freezer, "2026-11-22T04:00:01+00:00")
    assert len(said) == 2


async def test_a_card_renamed_while_waiting_is_said_by_its_new_name(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Renamed in the night (a reload): the morning says the name it has now."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    subentry = entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "name": "Granny's"}, title="Granny's"
    )
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert messages(said) == [IN_8_DAYS.replace("Mum's CMHK", "Granny's")] * 2


async def test_a_deadline_corrected_while_waiting_is_not_said_by_its_old_date(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """The expiry set right in the card's form overnight: "1 December" would be wrong."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    # The card's form records a changed expiry as a correction.
    await entry.runtime_data.changes.async_set_expiry([card_id], date(2027, 3, 1), "reconfigure")
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert not any("1 December" in message for message in messages(said))


async def test_a_card_removed_while_waiting_is_not_said(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Removed in the night: nobody is asked to top up a card they deleted."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    hass.config_entries.async_remove_subentry(entry, card_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert said == []
    assert entry.state is ConfigEntryState.LOADED


async def test_quiet_hours_turned_off_while_waiting_say_it_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """The household turns quiet hours off at 23:00: what waited is said then, once."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    hass.config_entries.async_update_entry(
        entry,
        options={**entry.options, "quiet_hours_start": "00:00:00", "quiet_hours_end": "00:00:00"},
    )
    await hass.async_block_till_done()
    assert len(said) == 2
    await move_to(hass, freezer, MORNING)
    assert len(said) == 2


async def test_quiet_hours_moved_later_while_waiting_hold_it_to_the_new_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Moved to end at 10:00: nothing at 08:00, said at 10:00."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "quiet_hours_end": "10:00:00"}
    )
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert said == []
    await move_to(hass, freezer, "2026-11-23T02:00:00+00:00")
    assert len(said) == 2


@pytest.mark.parametrize("removed", [{"speakers": []}, {"tts_entity": None}])
async def test_speakers_or_voice_removed_while_waiting_say_nothing_and_break_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    said: list[ServiceCall],
    removed: dict[str, Any],
) -> None:
    """Taken off the options in the night: silence in the morning, the household goes on."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    options = {key: value for key, value in {**entry.options, **removed}.items() if value}
    hass.config_entries.async_update_entry(entry, options=options)
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert said == []
    assert entry.state is ConfigEntryState.LOADED


async def test_the_language_changed_while_waiting_is_the_one_said(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Switched to Traditional Chinese overnight: the morning's sentence is in it."""
    _, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    await hass.config.async_update(language="zh-Hant")
    await hass.async_block_till_done()
    await move_to(hass, freezer, MORNING)
    assert messages(said) == ["提提你，Mum's CMHK將於12月1日到期，還有8日，請及早續期。"] * 2


async def test_the_time_zone_changed_while_waiting_moves_the_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Home moved to London at 23:00 Hong Kong (15:00 London): it is no longer quiet there."""
    _, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    await hass.config.async_set_time_zone("Europe/London")
    hass.bus.async_fire("core_config_updated", {})
    await hass.async_block_till_done()
    assert len(said) == 2


async def test_the_hub_keeps_the_quiet_end_wake_past_the_cards_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """The card's midnight replans the one timer: the 08:00 wake is still the next."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    await move_to(hass, freezer, "2026-11-22T16:00:01+00:00")  # just past midnight
    assert entry.runtime_data.scheduler.next_wake == datetime.fromisoformat(MORNING)
    await move_to(hass, freezer, MORNING)
    assert messages(said) == [IN_8_DAYS] * 2


async def test_a_hong_kong_card_in_a_london_home_across_the_clocks_going_back(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Due 01:30 BST, the night BST ends: held to 08:00 GMT, it counts Hong Kong's days then."""
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2026-10-24T20:00:00+00:00")  # 21:00 BST, 04:00 in Hong Kong
    entry = new_entry({"expiry_date": "2026-10-28"}, reminder_time="01:30:00")
    await setup_entry(hass, entry)
    said.clear()
    await move_to(hass, freezer, "2026-10-25T00:30:00+00:00")  # 01:30 BST, 08:30 in Hong Kong
    assert entry.runtime_data.notifier.speakers.waiting
    await move_to(hass, freezer, "2026-10-25T01:30:00+00:00")  # 01:30 GMT, the second time
    assert said == []
    await move_to(hass, freezer, "2026-10-25T07:59:00+00:00")
    assert said == []
    await move_to(hass, freezer, "2026-10-25T08:00:00+00:00")
    assert (
        messages(said)
        == ["Reminder: Mum's CMHK expires on 28 October, in 3 days. Please top it up in good time."]
        * 2
    )


def test_quiet_hours_ending_in_the_hour_said_twice_end_after_now() -> None:
    """Ending 01:30 on the night 01:00-02:00 comes twice: at 01:20 GMT, the end is 01:30 GMT."""
    quiet = QuietHours(time(22, 0), time(1, 30))
    now = datetime(2026, 10, 25, 1, 20, fold=1, tzinfo=LONDON)
    ends = quiet.ends_after(now)
    assert ends.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


ZONES = st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC"])
TIMES = st.times().map(lambda moment: moment.replace(microsecond=0))


@given(
    zone=ZONES,
    start=TIMES,
    end=TIMES,
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_the_end_of_quiet_hours_is_a_real_instant_after_now_and_not_quiet(
    zone: str, start: time, end: time, moment: datetime
) -> None:
    """Measured on the real clock (not the wall's): after now, within a day, and not quiet."""
    quiet = QuietHours(start, end)
    now = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    ends = quiet.ends_after(now)
    assert ends.astimezone(UTC) > now.astimezone(UTC)
    assert ends.astimezone(UTC) - now.astimezone(UTC) <= timedelta(days=1, hours=2)
    assert not quiet.contains(ends.astimezone(ZoneInfo(zone)).time())


async def test_every_card_due_at_once_is_heard_on_each_speaker(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Two cards due at 09:00: one call per speaker says both; a new call would cut one off."""
    entry = new_entry({}, {**DAD_CARD, "expiry_date": "2026-12-01"})
    await setup_entry(hass, entry)
    said.clear()
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert sorted(call.data["media_player_entity_id"] for call in said) == [BEDROOM, KITCHEN]
    for message in messages(said):
        assert "Mum's CMHK" in message
        assert "Dad's csl" in message


async def test_a_speaker_failing_oddly_gets_its_repair_and_leaks_nothing(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """An error of a kind nobody expected: a repair, no traceback with the card's name."""

    async def speak(call: ServiceCall) -> None:
        if call.data["media_player_entity_id"] == KITCHEN:
            raise RuntimeError(call.data["message"])

    hass.services.async_register("tts", "speak", speak)
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id))
    assert ir.async_get(hass).async_get_issue(DOMAIN, "speaker_unreachable_kitchen") is not None
    assert "Mum's" not in caplog.text
    assert entry.state is ConfigEntryState.LOADED


NAMES = st.text(alphabet=st.sampled_from("{}dayselinNm_ 中"), min_size=1, max_size=20)


@given(name=NAMES)
def test_a_name_that_reads_like_a_placeholder_is_said_as_written(name: str) -> None:
    """A card called "{days}" is said by that name; nothing in it is filled in."""
    texts = SelectorTexts(MagicMock(), "speech")
    texts._texts = {
        f"component.{DOMAIN}.selector.speech.options.days": "{name}, {days}, {deadline}."
    }
    filled = texts.fill("days", "days", name=name, days="9 days", deadline="1 December")
    assert filled == f"{name}, 9 days, 1 December."


PIXEL = "notify.mobile_app_pixel_9"


async def test_a_phones_button_still_acts_after_a_reload(hass: HomeAssistant) -> None:
    """Options saved after the reminder went out (a reload): Renewed on the phone still renews."""
    sent = async_mock_service(hass, "notify", "mobile_app_pixel_9")
    entry, card_id = await household(hass, phones=[PIXEL])
    renewals: list[Any] = []
    hass.bus.async_listen("simrenew_renewed", renewals.append)
    await remind(hass, reminder(card_id))
    button = sent[-1].data["data"]["actions"][0]["action"]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    hass.bus.async_fire("mobile_app_notification_action", {"action": button})
    await hass.async_block_till_done()
    hass.bus.async_fire("mobile_app_notification_action", {"action": button})
    await hass.async_block_till_done()
    assert len(renewals) == 1


async def test_a_phone_failing_oddly_gets_its_repair_and_leaks_nothing(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The companion app raises something nobody expected: a repair, no message in the log."""

    async def notify(call: ServiceCall) -> None:
        raise RuntimeError(call.data["message"])

    hass.services.async_register("notify", "mobile_app_pixel_9", notify)
    entry, card_id = await household(hass, phones=[PIXEL])
    await remind(hass, reminder(card_id))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "phone_unreachable_mobile_app_pixel_9")
    assert issue is not None
    assert "Mum's" not in caplog.text
    assert entry.state is ConfigEntryState.LOADED


@given(
    stored=st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.dictionaries(
            st.one_of(st.text(max_size=70), st.integers()),
            st.one_of(st.integers(), st.booleans(), st.text(), st.none(), st.floats()),
        ),
    )
)
def test_kept_phone_buttons_are_read_back_without_raising(stored: object) -> None:
    """A hand-edited file: only a card id with a whole send time is taken back."""
    sender = PhoneSender(MagicMock(), MagicMock())
    sender.restore(stored)
    for card_id, sent in sender.live().items():
        assert parse_action(f"SIMRENEW_RENEWED_{card_id}_{sent}") is not None


async def test_stored_speaker_options_of_the_wrong_type_fall_back(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Options edited by hand into nonsense: the household runs, quiet hours are the default."""
    entry, card_id = await household(
        hass,
        speakers=KITCHEN,
        tts_entity=5,
        quiet_hours_start=22,
        quiet_hours_end=["08:00"],
        phones={"a": 1},
    )
    assert entry.state is ConfigEntryState.LOADED
    hub = entry.runtime_data
    assert hub.options.speakers == ()
    assert hub.options.quiet_hours == QuietHours()
    await remind(hass, reminder(card_id))
    assert said == []
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] == "form"
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["speakers"] == {"suggested_value": []}
    assert suggested["quiet_hours_start"] == {"suggested_value": "22:00:00"}
    assert suggested["quiet_hours_end"] == {"suggested_value": "08:00:00"}
    assert suggested["tts_entity"] in (None, {})


async def test_a_reload_right_after_it_is_said_does_not_say_it_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, said: list[ServiceCall]
) -> None:
    """Said at 08:00 and reloaded at once, before the file's delayed write: said once."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, NIGHT)
    await remind(hass, reminder(card_id))
    await move_to(hass, freezer, MORNING)
    assert len(said) == 2
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-23T00:00:05+00:00")
    assert len(said) == 2
