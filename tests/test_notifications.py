"""Reminders reach people with no automation: a notification per card, and notify entities."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.notification_texts import message_keys
from custom_components.simrenew.notifications import ReminderNotifier
from custom_components.simrenew.spoken_dates import plural_form, spoken_date
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import card_subentry, move_to, past_product, setup_entry
from .glossary import glossary_slips
from .test_translations import LANGUAGES, load

URL = "https://www.hk.chinamobile.com/en/prepaid"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong, on 22 November 2026 at noon, with notifications loaded."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    assert await async_setup_component(hass, "persistent_notification", {})


def shown(hass: HomeAssistant) -> dict[str, Any]:
    """Return the notifications now shown, by id."""
    return dict(persistent_notification._async_get_or_create_notifications(hass))


def without_links(message: str) -> str:
    """Return a notification's text without its closing links to the card and its repair."""
    text, _, links = message.rpartition("\n\n")
    assert links.startswith("["), message
    return text


async def test_a_reminder_shows_up_in_notifications_and_goes_when_renewed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without any automation, the 7-day reminder is a notification with the official page."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7, 0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(renewal_url=URL)],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    assert shown(hass) == {}
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    note = shown(hass)[f"simrenew_{card_id}"]
    assert note["title"] == "SIM card renewal"
    assert "Mum's CMHK expires on 1 Dec 2026, in 7 days" in note["message"]
    assert URL in note["message"]
    assert "official" in note["message"]
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    # The renewal replaces the reminder and says what it changed.
    note = shown(hass)[f"simrenew_{card_id}"]
    assert note["title"] == "Renewal recorded"
    assert note["message"].startswith(
        "Mum's CMHK is now valid until 23 May 2027 (it was 1 Dec 2026).\n\n"
        "Amount recorded: HK$50.\n\n"
        "Until you confirm that the carrier's app shows the new expiry, reminders for 1 Dec 2026"
    )
    assert URL in note["message"]
    # The next morning asks to confirm; confirming dismisses it.
    await move_to(hass, freezer, "2026-11-25T01:00:00+00:00")
    assert shown(hass)[f"simrenew_{card_id}"]["title"] == "Check the renewal"
    await hass.services.async_call(
        DOMAIN, "confirm_renewal", {"entity_id": "sensor.mum_s_cmhk_status"}, blocking=True
    )
    await hass.async_block_till_done()
    assert shown(hass) == {}


@pytest.mark.parametrize(
    ("language", "title", "says"),
    [
        ("zh-Hant", "SIM卡續期提醒", "Mum's CMHK將於12月1日到期，尚餘7日。"),
        ("zh-Hans", "SIM卡续费提醒", "Mum's CMHK将于12月1日到期，还剩7天。"),
    ],
)
async def test_notifications_in_chinese_and_to_notify_entities(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, language: str, title: str, says: str
) -> None:
    """The texts follow Home Assistant's language; chosen notify entities get them too."""
    await hass.config.async_update(language=language)
    sent = async_mock_service(hass, "notify", "send_message")
    hass.states.async_set("notify.mum_phone", "unknown")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={
            "reminder_days": [7],
            "reminder_time": "09:00:00",
            "persistent_notification": False,
            "notify_targets": ["notify.mum_phone"],
        },
        subentries_data=[card_subentry()],
    )
    await setup_entry(hass, entry)
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert shown(hass) == {}
    (call,) = sent
    assert call.data["entity_id"] == ["notify.mum_phone"]
    assert call.data["title"] == title
    assert call.data["message"].startswith(says)
    assert "2026-12-01" not in call.data["message"]
    assert not glossary_slips(call.data["message"].split("\n")[0], language)


def test_every_kind_has_its_message() -> None:
    """Each kind of reminder, and an expiry, picks its own title and text."""
    assert message_keys({"kind": "deadline", "days_until_deadline": 3}) == (
        "deadline_title",
        "deadline_message",
    )
    assert message_keys({"kind": "deadline", "days_until_deadline": 0})[1] == "last_day_message"
    assert message_keys({"kind": "deadline", "deadline_reason": "activity"})[1] == "use_message"
    assert message_keys({"kind": "grace", "days_until_grace_end": 2})[1] == "grace_message"
    assert message_keys({"kind": "grace", "days_until_grace_end": 0})[1] == "last_chance_message"
    assert message_keys({"kind": "confirm"})[1] == "confirm_message"
    assert message_keys({"late": True})[1] == "expired_message"


def test_dates_read_as_people_write_them() -> None:
    """26 Nov 2026 in English; 11月26日 in Chinese, with the year only when it is not this one."""
    today = dt_util.parse_date("2026-11-22")
    assert today is not None
    day = dt_util.parse_date("2026-11-26")
    next_year = dt_util.parse_date("2027-05-21")
    assert day is not None
    assert next_year is not None
    assert spoken_date(day, "en", today) == "26 Nov 2026"
    assert spoken_date(day, "zh-Hant", today) == "11月26日"
    assert spoken_date(next_year, "zh-Hans", today) == "2027年5月21日"


async def test_a_mainland_household_starts_cards_in_its_own_currency_and_zone(
    hass: HomeAssistant,
) -> None:
    """With Home Assistant in CNY and Asia/Shanghai, a new card defaults to both, not to a date.

    The zone is the automatic choice; a mainland data card with no number gets the home's zone.
    """
    await hass.config.async_update(currency="CNY", time_zone="Asia/Shanghai", language="zh-Hans")
    form = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    )
    suggested = {
        str(key): key.description["suggested_value"]
        for key in form["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested["currency"] == "CNY"
    # The expiry is the one value only the carrier gives: the form does not make one up.
    assert "expiry_date" not in suggested
    # Shown by name: the field shows its value once chosen.
    assert suggested["time_zone"] == "自动：按电话号码或卡类型"
    # Submitted untouched (with a name and a date), the suggested zone is a real value.
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"],
        {
            "name": "爸爸的流量卡",
            "card_type": "data",
            "time_zone": suggested["time_zone"],
            "expiry_date": "2026-11-22",
            "renewal_period": "1个月",
            "renewal_mode": "from_renewal",
            "currency": suggested["currency"],
            "advanced": {
                "grace_days": 0,
                "activity_interval_days": 0,
                "auto_renew": False,
            },
        },
    )
    assert result["type"] == "create_entry"
    (card,) = result["result"].subentries.values()
    assert (card.data["currency"], card.data["time_zone"]) == ("CNY", "Asia/Shanghai")


async def test_a_renewal_says_what_it_did_in_chinese_and_undo_takes_it_back(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A to-do tick shows old and new expiry as 11月26日; undoing the renewal dismisses it."""
    await hass.config.async_update(language="zh-Hant")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [14], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry()],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    todo = next(state.entity_id for state in hass.states.async_all("todo"))
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": todo, "item": card_id, "status": "completed"},
        blocking=True,
    )
    await hass.async_block_till_done()
    note = shown(hass)[f"simrenew_{card_id}"]
    assert note["title"] == "已記錄續期"
    assert note["message"].startswith(
        "Mum's CMHK的有效期已由12月1日改為2027年5月21日。\n\n記錄金額：HK$50。"
    )
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": "sensor.mum_s_cmhk_status"}, blocking=True
    )
    await hass.async_block_till_done()
    assert shown(hass) == {}


async def test_a_confirmed_renewal_asks_nothing_more_and_no_notifications_means_none(
    hass: HomeAssistant,
) -> None:
    """A renewal with the carrier's date needs no check; with notifications off none shows."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [14], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(renewal_cost=None)],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": "sensor.mum_s_cmhk_status", "new_expiry": "2027-06-01"},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    message = without_links(shown(hass)[f"simrenew_{card_id}"]["message"])
    assert message == "Mum's CMHK is now valid until 1 Jun 2027 (it was 1 Dec 2026)."
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "persistent_notification": False}
    )
    await hass.async_block_till_done()
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": "sensor.mum_s_cmhk_status", "new_expiry": "2027-07-01"},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert shown(hass) == {}


async def test_events_of_cards_the_hub_does_not_hold_show_nothing(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A reminder or renewal event fired by hand for an unknown card leaves Notifications alone."""
    await setup_entry(hass, mock_entry)
    for event_type in ("simrenew_reminder", "simrenew_renewed"):
        hass.bus.async_fire(event_type, {"card_id": "elsewhere", "name": "Someone's card"})
    await hass.async_block_till_done()
    assert shown(hass) == {}


async def test_a_card_named_like_a_placeholder_is_named_as_it_is(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A card called "Spare {days} {deadline}" is not filled in as part of the reminder's text."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(name="Spare {days} {deadline}")],
    )
    await setup_entry(hass, entry)
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    (note,) = shown(hass).values()
    assert "Spare {days} {deadline} expires on 1 Dec 2026, in 7 days" in note["message"]


CLOCK_NOTES = {
    "en": "Dates and days are counted in the carrier's time zone: {zone}.",
    "zh-Hant": "日期及日數按電訊商的時區計算：{zone}。",
    "zh-Hans": "日期和天数按运营商的时区计算：{zone}。",
}
HONG_KONG = {"en": "Hong Kong", "zh-Hant": "香港", "zh-Hans": "香港"}


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
async def test_a_card_on_another_clock_says_whose_clock_counts(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, language: str
) -> None:
    """In a London home a Hong Kong card's reminder names Hong Kong's clock; a London one none."""
    await hass.config.async_set_time_zone("Europe/London")
    await hass.config.async_update(language=language)
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(),
            card_subentry(
                name="London SIM", phone_number="+447700900123", time_zone="Europe/London"
            ),
            card_subentry(
                name="Berlin SIM", phone_number="+4915123456789", time_zone="Europe/Berlin"
            ),
        ],
    )
    await setup_entry(hass, entry)
    ids = {sub.title: sub.subentry_id for sub in entry.subentries.values()}
    # 09:00 in London on the 24th: the 7-day reminder, and still the 24th in Hong Kong.
    await move_to(hass, freezer, "2026-11-24T09:00:00+00:00")
    notes = shown(hass)
    hong_kong = notes[f"simrenew_{ids["Mum's CMHK"]}"]["message"]
    said = CLOCK_NOTES[language].format(zone=HONG_KONG[language])
    assert f"\n\n{said}" in hong_kong
    assert not glossary_slips(said, language)
    assert "\n\n" not in without_links(notes[f"simrenew_{ids['London SIM']}"]["message"])
    # A zone typed rather than picked is named as typed.
    berlin = without_links(notes[f"simrenew_{ids['Berlin SIM']}"]["message"])
    assert berlin.endswith(CLOCK_NOTES[language].format(zone="Europe/Berlin"))


async def test_a_lost_card_names_no_clock_and_a_home_on_the_card_clock_needs_none(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A Hong Kong home's Hong Kong card needs no word on clocks; a lost number has no day left."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(grace_days=0)],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert "time zone" not in shown(hass)[f"simrenew_{card_id}"]["message"]
    await hass.config.async_set_time_zone("Europe/London")
    await move_to(hass, freezer, "2026-12-01T16:00:00+00:00")
    message = without_links(shown(hass)[f"simrenew_{card_id}"]["message"])
    # It never had a grace period, so none is said to be over.
    assert message == (
        "Mum's CMHK has expired, and it has no grace period: the carrier may recycle the number."
    )


@pytest.mark.parametrize(
    ("language", "days", "says"),
    [
        ("en", 1, "Mum's CMHK expires on 23 Nov 2026, in 1 day."),
        ("en", 2, "Mum's CMHK expires on 24 Nov 2026, in 2 days."),
        ("en", 21, "Mum's CMHK expires on 13 Dec 2026, in 21 days."),
        ("zh-Hant", 1, "Mum's CMHK將於11月23日到期，尚餘1日。"),
        ("zh-Hans", 1, "Mum's CMHK将于11月23日到期，还剩1天。"),
    ],
)
async def test_a_count_of_days_takes_its_form(
    hass: HomeAssistant, language: str, days: int, says: str
) -> None:
    """In 1 day, in 2 days: English says one day as one; Chinese writes every count alike."""
    hass.config.language = language
    notifier = ReminderNotifier(hass, persistent=True, targets=[])
    await notifier.async_start(set())
    deadline = date(2026, 11, 22) + timedelta(days=days)
    data = {"name": "Mum's CMHK", "deadline": deadline.isoformat(), "days_until_deadline": days}
    text = notifier.texts.text("deadline_message", data)
    assert text.startswith(says)
    assert glossary_slips(text, language) == []


@given(days=st.integers(min_value=-3660, max_value=3660), language=st.sampled_from(LANGUAGES))
def test_every_count_of_days_reads_right(days: int, language: str) -> None:
    """Whatever the count, a language's own words for it: never "1 days" nor "2 day"."""
    template = load(language)[f"selector.day_count.options.{plural_form(days)}"]
    text = template.replace("{count}", str(days))
    assert str(days) in text
    if language == "en":
        assert text == (f"{days} day" if days == 1 else f"{days} days")
    assert glossary_slips(f"in {text}", language) == []
