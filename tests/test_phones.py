"""Reminders on the household's phones, with buttons that act once however many phones got them."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.phones import (
    action_id,
    notification_tag,
    parse_action,
    phone_names,
)
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import HUB_OPTIONS, card_subentry, move_to, setup_entry
from .glossary import glossary_slips


def phone_issue_id(phone: str) -> str:
    """Return the repair id a phone's trouble is raised under."""
    return f"phone_unreachable_{phone.removeprefix('notify.')}"


URL = "https://www.hk.chinamobile.com/en/prepaid"
PIXEL = "notify.mobile_app_pixel_9"
IPHONE = "notify.mobile_app_iphone"
PHONES = [PIXEL, IPHONE]

BUTTONS = {
    "en": ("Renewed", "Remind me tomorrow", "Confirmed", "Open the carrier's page"),
    "zh-Hant": ("已續期", "明日再提醒", "已確認", "開啟電訊商網頁"),
    "zh-Hans": ("已续费", "明天再提醒", "已确认", "打开运营商页面"),
}


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong, on 22 November 2026 at noon, with notifications loaded."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    assert await async_setup_component(hass, "persistent_notification", {})


@pytest.fixture
def sent(hass: HomeAssistant) -> dict[str, list[ServiceCall]]:
    """Stand in for the companion app on two phones; return what each got."""
    return {
        PIXEL: async_mock_service(hass, "notify", "mobile_app_pixel_9"),
        IPHONE: async_mock_service(hass, "notify", "mobile_app_iphone"),
    }


async def household(hass: HomeAssistant, **options: Any) -> tuple[MockConfigEntry, str]:
    """Set up a household with Mum's card, reminding both phones."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, "phones": PHONES, **options},
        subentries_data=[card_subentry(renewal_url=URL)],
    )
    await setup_entry(hass, entry)
    return entry, next(iter(entry.subentries))


def reminder(card_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    """Return a reminder event of Mum's card."""
    return {
        "card_id": card_id,
        "name": "Mum's CMHK",
        "kind": kind,
        "deadline": "2026-12-01",
        "expiry_date": "2026-12-01",
        "grace_end": "2026-12-31",
        "days_until_deadline": 7,
        "days_until_grace_end": 20,
        "renewal_url": URL,
        **fields,
    }


async def remind(hass: HomeAssistant, data: dict[str, Any]) -> None:
    """Fire a reminder and let it go out."""
    hass.bus.async_fire("simrenew_reminder", data)
    await hass.async_block_till_done()


async def tap(hass: HomeAssistant, action: str) -> None:
    """Tap a button on a phone."""
    hass.bus.async_fire("mobile_app_notification_action", {"action": action})
    await hass.async_block_till_done()


def last_actions(calls: list[ServiceCall]) -> list[str]:
    """Return the button ids of a phone's last notification."""
    return [button["action"] for button in calls[-1].data["data"].get("actions", [])]


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
async def test_each_reminder_kind_reaches_both_phones_in_the_household_language(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]], language: str
) -> None:
    """Deadline, grace, confirm, unconfirmed and lost: one tag per card, the page, the buttons."""
    await hass.config.async_update(language=language)
    _, card_id = await household(hass)
    renewed, snooze, confirmed, open_page = BUTTONS[language]
    kinds = {
        "deadline": {},
        "grace": {"days_until_deadline": -3},
        "confirm": {},
        # Renewed without the carrier's date: the old deadline is still what counts.
        "unconfirmed": {"recorded_expiry": "2027-01-01"},
        "expired": {},
    }
    for kind, fields in kinds.items():
        event_kind = "deadline" if kind == "unconfirmed" else kind
        await remind(hass, reminder(card_id, event_kind, **fields))
        for phone in PHONES:
            call = sent[phone][-1]
            assert call.domain == "notify"
            assert call.service == phone.removeprefix("notify.")
            data = call.data["data"]
            assert data["tag"] == notification_tag(card_id) == f"simrenew-{card_id}"
            assert data["url"] == data["clickAction"] == URL
            assert call.data["title"]
            assert "Mum's CMHK" in call.data["message"]
            assert not glossary_slips(call.data["title"], language)
            buttons = data.get("actions", [])
            if event_kind in ("deadline", "grace"):
                assert [b["title"] for b in buttons] == [renewed, snooze]
                assert [b["action"].rsplit("_", 1)[0] for b in buttons] == [
                    f"SIMRENEW_RENEWED_{card_id}",
                    f"SIMRENEW_SNOOZE_{card_id}",
                ]
            elif event_kind == "confirm":
                assert buttons[0]["title"] == confirmed
                assert buttons[0]["action"].startswith(f"SIMRENEW_CONFIRMED_{card_id}_")
                assert buttons[1] == {"action": "URI", "title": open_page, "uri": URL, "url": URL}
            else:
                assert buttons == []
        assert sent[PIXEL][-1].data == sent[IPHONE][-1].data
    for title in BUTTONS[language]:
        assert not glossary_slips(title, language)


async def test_a_card_without_an_official_page_opens_nothing(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """No page: no link, and a confirm request offers only its button."""
    _, card_id = await household(hass)
    await remind(hass, reminder(card_id, "confirm", renewal_url=None))
    data = sent[PIXEL][-1].data["data"]
    assert "url" not in data
    assert "clickAction" not in data
    assert len(data["actions"]) == 1


async def test_the_phones_take_the_reminder_the_hub_sends_at_its_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sent: dict[str, list[ServiceCall]]
) -> None:
    """The 7-day reminder goes to the phones; Notifications still shows it, as chosen."""
    entry, card_id = await household(hass)
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert len(sent[PIXEL]) == len(sent[IPHONE]) == 1
    assert "in 7 days" in sent[PIXEL][0].data["message"]
    notes = persistent_notification._async_get_or_create_notifications(hass)
    assert f"simrenew_{card_id}" in notes
    assert entry.state is ConfigEntryState.LOADED


async def test_phones_alone_take_the_place_of_notifications(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """With Notifications off, a phone that is there is enough."""
    _, card_id = await household(hass, persistent_notification=False)
    await remind(hass, reminder(card_id, "deadline"))
    assert persistent_notification._async_get_or_create_notifications(hass) == {}
    assert len(sent[PIXEL]) == 1


async def test_renewed_acts_once_across_two_phones_and_clears_the_other(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """One tap renews once; the same button on the other phone does nothing; both are cleared."""
    entry, card_id = await household(hass)
    renewals: list[Any] = []
    hass.bus.async_listen("simrenew_renewed", renewals.append)
    await remind(hass, reminder(card_id, "deadline"))
    button = last_actions(sent[PIXEL])[0]
    assert button == last_actions(sent[IPHONE])[0]
    await tap(hass, button)
    await tap(hass, button)
    assert len(renewals) == 1
    assert renewals[0].data["card_id"] == card_id
    history = entry.runtime_data.records[card_id]["history"]
    assert [item["source"] for item in history] == ["notification"]
    for phone in PHONES:
        assert sent[phone][-1].data == {
            "message": "clear_notification",
            "data": {"tag": notification_tag(card_id)},
        }
        assert len(sent[phone]) == 2


async def test_remind_me_tomorrow_snoozes_a_day_once(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """Snooze puts the card's reminders off one day."""
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "grace"))
    button = last_actions(sent[IPHONE])[1]
    await tap(hass, button)
    snoozed = entry.runtime_data.records[card_id]["reminders"]["snoozed_until"]
    assert snoozed is not None
    assert dt_util.parse_datetime(snoozed) > dt_util.utcnow()
    entry.runtime_data.records[card_id]["reminders"]["snoozed_until"] = None
    await tap(hass, button)
    assert entry.runtime_data.records[card_id]["reminders"]["snoozed_until"] is None
    assert sent[PIXEL][-1].data["message"] == "clear_notification"


async def test_confirmed_confirms_the_renewal_waiting_for_it(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """Confirmed confirms once; a second phone's tap does nothing."""
    _, card_id = await household(hass)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    confirmations: list[Any] = []
    hass.bus.async_listen("simrenew_renewal_confirmed", confirmations.append)
    await remind(hass, reminder(card_id, "confirm"))
    button = last_actions(sent[PIXEL])[0]
    await tap(hass, button)
    await tap(hass, button)
    assert len(confirmations) == 1
    assert sent[IPHONE][-1].data["message"] == "clear_notification"


async def test_a_renewal_elsewhere_clears_the_phones_and_stales_the_buttons(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """Renewed on the device page: the phone's Renewed button no longer renews again."""
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    button = last_actions(sent[PIXEL])[0]
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert sent[PIXEL][-1].data["message"] == "clear_notification"
    await tap(hass, button)
    assert len(entry.runtime_data.records[card_id]["history"]) == 1


async def test_stale_taps_do_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sent: dict[str, list[ServiceCall]]
) -> None:
    """An older notification, one left past 12 hours, a removed card, another's ids: nothing."""
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    older = last_actions(sent[PIXEL])[0]
    await remind(hass, reminder(card_id, "deadline", days_until_deadline=3))
    newer = last_actions(sent[PIXEL])[0]
    assert older != newer
    await tap(hass, older)
    # The phone blueprint's own ids, made of its run's context id.
    await tap(hass, "SIMRENEW_RENEWED_01JABCDEFGHJKMNPQRSTVWXYZ0")
    await tap(hass, action_id("RENEWED", "no_such_card", 1))
    await tap(hass, "")
    hass.bus.async_fire("mobile_app_notification_action", {})
    await hass.async_block_till_done()
    assert entry.runtime_data.records[card_id]["history"] == []
    freezer.tick(12 * 3600 + 5)
    await tap(hass, newer)
    assert entry.runtime_data.records[card_id]["history"] == []
    await remind(hass, reminder(card_id, "deadline"))
    latest = last_actions(sent[PIXEL])[0]
    hass.config_entries.async_remove_subentry(entry, card_id)
    await hass.async_block_till_done()
    renewals: list[Any] = []
    hass.bus.async_listen("simrenew_renewed", renewals.append)
    await tap(hass, latest)
    assert renewals == []


async def test_a_button_that_cannot_act_is_said_and_stops_nothing(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]], caplog: pytest.LogCaptureFixture
) -> None:
    """Confirmed with no renewal waiting is refused by the hub: a warning, no traceback."""
    _, card_id = await household(hass)
    await remind(hass, reminder(card_id, "confirm"))
    await tap(hass, last_actions(sent[PIXEL])[0])
    assert "could not act on its card" in caplog.text


async def test_a_missing_phone_raises_a_repair_and_the_other_still_gets_it(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A phone whose app is gone: said once, a repair names it, the other phone gets it."""
    iphone = async_mock_service(hass, "notify", "mobile_app_iphone")
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    await remind(hass, reminder(card_id, "deadline"))
    assert len(iphone) == 2
    issue = ir.async_get(hass).async_get_issue(DOMAIN, phone_issue_id(PIXEL))
    assert issue is not None
    assert issue.translation_key == "phone_unreachable"
    assert issue.translation_placeholders == {"phone": PIXEL}
    assert not issue.is_fixable
    assert caplog.text.count("could not reach one of the chosen phones") == 1
    assert "pixel" not in caplog.text.split("could not reach")[1].split("\n")[0]
    # Taken off the list: the repair goes.
    hass.config_entries.async_update_entry(entry, options={**entry.options, "phones": [IPHONE]})
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, phone_issue_id(PIXEL)) is None


async def test_a_failing_phone_raises_a_repair_until_it_works_again(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A phone whose app answers with an error: the other phone gets it, the hub goes on."""
    failing = True
    iphone = async_mock_service(hass, "notify", "mobile_app_iphone")

    async def pixel(call: ServiceCall) -> None:
        if failing:
            raise HomeAssistantError("unregistered")

    hass.services.async_register("notify", "mobile_app_pixel_9", pixel)
    entry, card_id = await household(hass)
    await remind(hass, reminder(card_id, "deadline"))
    assert len(iphone) == 1
    assert ir.async_get(hass).async_get_issue(DOMAIN, phone_issue_id(PIXEL)) is not None
    assert "HomeAssistantError" in caplog.text
    failing = False
    await remind(hass, reminder(card_id, "deadline"))
    assert ir.async_get(hass).async_get_issue(DOMAIN, phone_issue_id(PIXEL)) is None
    assert entry.state is ConfigEntryState.LOADED


async def test_phones_are_named_as_their_devices(hass: HomeAssistant) -> None:
    """The companion app's phones, by their devices' names; others by their action names."""
    async_mock_service(hass, "notify", "mobile_app_pixel_9")
    async_mock_service(hass, "notify", "mobile_app_iphone")
    async_mock_service(hass, "notify", "persistent_notification")
    pixel = MockConfigEntry(domain="mobile_app", data={"device_name": "Pixel 9"}, title="Pixel 9")
    pixel.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=pixel.entry_id, identifiers={("mobile_app", "p9")}, name="Pixel 9"
    )
    dr.async_get(hass).async_update_device(device.id, name_by_user="Mum's Pixel")
    MockConfigEntry(domain="mobile_app", data={}, title="Old phone").add_to_hass(hass)
    assert phone_names(hass) == {IPHONE: "mobile_app_iphone", PIXEL: "Mum's Pixel"}


async def test_the_options_list_the_phones_and_refuse_one_gone(
    hass: HomeAssistant, sent: dict[str, list[ServiceCall]]
) -> None:
    """Phones are chosen from a list by name; one gone since is refused in words."""
    entry, _ = await household(hass, phones=[PIXEL, "notify.mobile_app_old", 5])
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    field = next(key for key in result["data_schema"].schema if key == "phones")
    options = result["data_schema"].schema[field].config["options"]
    assert [option["value"] for option in options] == [IPHONE, PIXEL, "notify.mobile_app_old"]
    assert options[2]["label"] == "mobile_app_old"
    answer = {"reminder_days": ["7"], "reminder_time": "09:00"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**answer, "phones": [PIXEL, "notify.mobile_app_old"]}
    )
    assert result["errors"] == {"phones": "invalid_phones"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**answer, "phones": [IPHONE, IPHONE]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["phones"] == [IPHONE]


def test_action_ids_read_back() -> None:
    """Each id simrenew makes reads back as the button it is."""
    tap = parse_action(action_id("SNOOZE", "01JCARD", 1764547200))
    assert tap is not None
    assert (tap.what, tap.card_id, tap.sent) == ("SNOOZE", "01JCARD", 1764547200)
    assert parse_action("SIMRENEW_RENEWED_01JCARD") is None
    assert parse_action("SIMRENEW_UNDO_01JCARD_5") is None
    assert parse_action(None) is None


@given(st.one_of(st.text(), st.integers(), st.none(), st.binary()))
def test_any_action_id_reads_without_raising(value: object) -> None:
    """Anything a phone sends reads without raising; only well-formed ids act."""
    tap = parse_action(value)
    if tap is not None:
        assert value == action_id(tap.what, tap.card_id, tap.sent)


@given(
    st.sampled_from(["RENEWED", "SNOOZE", "CONFIRMED"]),
    st.text("ABCDEFGHJKMNPQRSTVWXYZ0123456789abc", min_size=1, max_size=64),
    st.integers(0, 10**12 - 1),
)
def test_well_formed_action_ids_act(what: str, card_id: str, sent: int) -> None:
    """A well-formed id names its button, card and time exactly."""
    tap = parse_action(action_id(what, card_id, sent))
    assert tap is not None
    assert (tap.what, tap.card_id, tap.sent) == (what, card_id, sent)
