"""A newcomer's first week: dates, the last day to save a number, self-renewing cards left alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.translation import async_get_translations

from .conftest import HUB_OPTIONS, card_subentry, device_of, move_to, past_product, setup_entry

TODO = "todo.sim_renew_renewals"
DATA = "Dad's data"


@pytest.fixture(autouse=True)
async def hong_kong_morning(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Set a Hong Kong home at noon on 22 November 2026."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def household(hass: HomeAssistant, **data_card: Any) -> MockConfigEntry:
    """Mum's number-keeping card (due 1 Dec, 30 days' grace) and Dad's monthly data card."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(),
            card_subentry(
                name=DATA,
                phone_number="+85260000000",
                card_type="data",
                expiry_date="2026-11-25",
                renewal_period=1,
                renewal_period_unit="months",
                renewal_mode="extend_expiry",
                grace_days=0,
                auto_renew=True,
                **data_card,
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


async def todo_items(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the renewal list's items."""
    response = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert response is not None
    items: list[dict[str, Any]] = response[TODO]["items"]
    return items


def notification(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> str:
    """Return the text of a card's notification."""
    card_id = next(i for i, s in entry.subentries.items() if s.title == name)
    shown = persistent_notification._async_get_or_create_notifications(hass)
    message: str = shown[f"simrenew_{card_id}"]["message"]
    return message


async def test_a_self_renewing_card_is_not_due_before_its_roll_forward(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Three days before it renews itself, the data card is active, off the list, not next."""
    await household(hass)
    assert hass.states.get("sensor.dad_s_data_status").state == "active"
    assert hass.states.get("binary_sensor.dad_s_data_renewal_due").state == "off"
    assert hass.states.get("sensor.sim_renew_cards_due").attributes["cards"] == ["Mum's CMHK"]
    assert [item["summary"] for item in await todo_items(hass)] == ["Renew Mum's CMHK"]
    # The next deadline is Mum's, though Dad's card rolls over sooner.
    assert hass.states.get("sensor.sim_renew_next_deadline").attributes["card_name"] == (
        "Mum's CMHK"
    )
    # On its very last day it is still not due: it renews itself at the end of the day.
    await move_to(hass, freezer, "2026-11-25T15:00:00+00:00")
    assert hass.states.get("sensor.dad_s_data_status").state == "active"
    # Rolled forward with nobody's confirmation, the old deadline stands and it needs a look.
    await move_to(hass, freezer, "2026-11-25T16:30:00+00:00")
    assert hass.states.get("binary_sensor.dad_s_data_renewal_due").state == "on"
    summaries = [item["summary"] for item in await todo_items(hass)]
    assert any(DATA in summary and summary.startswith("Check that") for summary in summaries)


async def test_a_self_renewing_card_that_must_be_used_is_still_due_for_its_use(
    hass: HomeAssistant,
) -> None:
    """No carrier makes the use for it: a use deadline counts like any other card's."""
    await household(hass, activity_interval_days=2)
    status = hass.states.get("sensor.dad_s_data_status")
    assert status.attributes["deadline_reason"] == "activity"
    assert status.state == "expiring_soon"


async def test_a_card_in_grace_names_the_last_day_to_save_its_number_everywhere(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, issue_registry: ir.IssueRegistry
) -> None:
    """Three days past 1 December: the device, repair, to-do, tile and notification say 31 Dec."""
    entry = await household(hass)
    await move_to(hass, freezer, "2026-12-04T01:00:00+00:00")
    assert hass.states.get("sensor.mum_s_cmhk_status").state == "grace_period"
    assert hass.states.get("sensor.mum_s_cmhk_number_kept_until").state == "2026-12-31"
    card_id = next(i for i, s in entry.subentries.items() if s.title == "Mum's CMHK")
    issue = issue_registry.async_get_issue(DOMAIN, f"lapsed_{card_id}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["grace_end"] == "31 Dec 2026"
    (item,) = [item for item in await todo_items(hass) if "Mum" in item["summary"]]
    assert item["summary"] == "Top up Mum's CMHK by 31 Dec 2026 or lose the number"
    assert item["due"] == "2026-12-31"
    tile = hass.states.get("sensor.sim_renew_next_deadline")
    assert (tile.state, tile.attributes["kind"]) == ("2026-12-31", "grace_end")
    assert "A top-up by 31 Dec 2026 still saves the number" in notification(
        hass, entry, "Mum's CMHK"
    )


async def test_a_notification_links_to_its_card_and_a_lapsed_one_to_its_repair(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """From where a reminder is read, one click reaches the card's page (and its repair)."""
    entry = await household(hass)
    card_id = next(i for i, s in entry.subentries.items() if s.title == "Mum's CMHK")
    device = device_of(hass, entry, card_id)
    assert device is not None
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    text = notification(hass, entry, "Mum's CMHK")
    assert text.endswith(f"[Open Mum's CMHK](/config/devices/device/{device.id})")
    # On the last day it says until when a top-up still saves the number.
    await move_to(hass, freezer, "2026-12-01T01:00:00+00:00")
    text = notification(hass, entry, "Mum's CMHK")
    assert "Today is the last day of Mum's CMHK." in text
    assert "If it lapses, a top-up by 31 Dec 2026 still saves the number." in text
    await move_to(hass, freezer, "2026-12-02T01:00:00+00:00")
    text = notification(hass, entry, "Mum's CMHK")
    card_link = f"[Open Mum's CMHK](/config/devices/device/{device.id})"
    assert text.endswith(f"{card_link} · [Open the repair](/config/repairs)")


async def test_the_instant_is_hidden_for_cards_set_up_before(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """An older household's 'valid until' instant is hidden once; a user's choice is kept."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        version=1,
        minor_version=2,
        subentries_data=[card_subentry(), card_subentry(name="Spare", phone_number="+85290000009")],
    )
    entry.add_to_hass(hass)
    ids = list(entry.subentries)
    shown = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{ids[0]}_expires_at", config_entry=entry, config_subentry_id=ids[0]
    )
    by_user = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{ids[1]}_expires_at",
        config_entry=entry,
        config_subentry_id=ids[1],
        hidden_by=er.RegistryEntryHider.USER,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.minor_version == 3
    first = entity_registry.async_get(shown.entity_id)
    second = entity_registry.async_get(by_user.entity_id)
    assert first is not None
    assert second is not None
    assert first.hidden_by is er.RegistryEntryHider.INTEGRATION
    assert second.hidden_by is er.RegistryEntryHider.USER
    # The instant still works for automations: hidden is not disabled.
    assert hass.states.get(shown.entity_id) is not None


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Enter the card's expiry date"),
        ("zh-Hant", "請輸入此卡的到期日"),
        ("zh-Hans", "请输入此卡的到期日"),
    ],
)
async def test_an_untouched_expiry_is_asked_for_not_taken_as_today(
    hass: HomeAssistant, language: str, said: str
) -> None:
    """The first form offers no date; sent without one, it names the field and adds nothing."""
    await hass.config.async_update(language=language)
    form = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    )
    (expiry,) = [key for key in form["data_schema"].schema if str(key) == "expiry_date"]
    assert "suggested_value" not in (expiry.description or {})
    # A date left empty (or cleared: the frontend then sends none) is not sent at all.
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"name": "Spare", "advanced": {}}
    )
    assert result["type"] == "form"
    assert result["errors"] == {"expiry_date": "expiry_required"}
    assert not hass.config_entries.async_entries(DOMAIN)
    translations = await async_get_translations(hass, language, "config", [DOMAIN])
    assert translations[f"component.{DOMAIN}.config.error.expiry_required"].startswith(said)


@pytest.mark.parametrize(
    ("at", "listed"),
    [
        # 09:00 in London on a winter's day is 17:00 in Hong Kong: sent as set.
        ("09:00:00", "- Mum's CMHK: 09:00 here, 17:00 on the carrier's clock (Hong Kong)."),
        # 18:00 in London is 02:00 the next day in Hong Kong: the card's day has ended, so the
        # reminder comes an hour before its end instead.
        (
            "18:00:00",
            "- Mum's CMHK: 15:00 here, 23:00 on the carrier's clock (Hong Kong). At 18:00 here"
            " the card's day has already ended, so its reminders go out earlier.",
        ),
    ],
)
async def test_the_options_say_when_a_card_on_another_clock_is_reminded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, at: str, listed: str
) -> None:
    """A London home with a Hong Kong card reads, where the time is set, when it goes out."""
    await hass.config.async_set_time_zone("Europe/London")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, "reminder_time": at},
        subentries_data=[
            card_subentry(),
            card_subentry(
                name="London SIM", phone_number="+447700900123", time_zone="Europe/London"
            ),
        ],
    )
    await setup_entry(hass, entry)
    form = await hass.config_entries.options.async_init(entry.entry_id)
    said = form["description_placeholders"]["card_times"]
    assert said == f"\n\nCards on another clock are reminded at these times (today):\n{listed}"
    # The card on the home's own clock needs no line.
    assert "London SIM" not in said
    # And the reminder does go out then.
    events = async_capture_events(hass, "simrenew_reminder")
    hour = listed.split(": ")[1][:5]
    before = datetime.fromisoformat(f"2026-11-24T{hour}:00+00:00") - timedelta(minutes=1)
    await move_to(hass, freezer, before.isoformat())
    assert "Mum's CMHK" not in [event.data["name"] for event in events]
    await move_to(hass, freezer, f"2026-11-24T{hour}:00+00:00")
    assert "Mum's CMHK" in [event.data["name"] for event in events]


async def test_a_household_on_one_clock_is_told_nothing_more(hass: HomeAssistant) -> None:
    """A Hong Kong home with Hong Kong cards: the reminder time is the time sent."""
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=[card_subentry()]
    )
    await setup_entry(hass, entry)
    form = await hass.config_entries.options.async_init(entry.entry_id)
    assert form["description_placeholders"]["card_times"] == ""


async def test_a_reminder_due_as_the_card_is_added_links_to_its_device(
    hass: HomeAssistant,
) -> None:
    """A card added on its last day, after the reminder time: the reminder names its device."""
    events = async_capture_events(hass, "simrenew_reminder")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(expiry_date="2026-11-22")],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    device = device_of(hass, entry, card_id)
    assert device is not None
    (event,) = events
    assert event.data["device_id"] == device.id
    text = notification(hass, entry, "Mum's CMHK")
    assert f"(/config/devices/device/{device.id})" in text
