"""The household view: calendar, renewal to-do list, household sensors and lapsed-card repairs."""

from __future__ import annotations

from datetime import date

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.household import calendar_days
from custom_components.simrenew.model import DeadlineReason
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import card_subentry, device_of, expiry_of, move_to, setup_entry
from .test_translations import load

CALENDAR = "calendar.sim_renew_calendar"
TODO = "todo.sim_renew_renewals"


@pytest.fixture
async def household(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """Two cards: one due in 3 days (with grace), one in three months."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(name="Soon", phone_number="+85290000001", expiry_date="2026-11-25"),
            card_subentry(
                name="Later",
                phone_number="+85290000002",
                expiry_date="2027-02-20",
                grace_days=0,
                activity_interval_days=0,
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


async def calendar_events(hass: HomeAssistant, start: str, end: str) -> list[tuple[str, str]]:
    """Return the household calendar's (start, summary) pairs between two instants."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": CALENDAR, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return [(e["start"], e["summary"]) for e in response[CALENDAR]["events"]]


def card(entry: MockConfigEntry, name: str) -> str:
    """Return a card's id by name."""
    return next(i for i, s in entry.subentries.items() if s.title == name)


async def test_hub_device_and_sensors(
    hass: HomeAssistant, household: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """The hub is a device with the next deadline and the number of cards due."""
    device = device_of(hass, household, household.entry_id)
    assert device is not None
    assert device.name == "SIM Renew"
    nxt = hass.states.get("sensor.sim_renew_next_deadline")
    # The last day itself, as a date: 25 November on the card's own clock.
    assert nxt.state == "2026-11-25"
    assert nxt.attributes["carrier_time_zone"] == "Asia/Hong_Kong"
    assert nxt.attributes["card_name"] == "Soon"
    assert nxt.attributes["days_until_deadline"] == 3
    assert nxt.attributes["kind"] == "deadline"
    due = hass.states.get("sensor.sim_renew_cards_due")
    assert due.state == "1"
    assert due.attributes["cards"] == ["Soon"]


async def test_next_deadline_in_grace_names_the_card_and_its_grace_end(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A card in grace is next with the end of its grace period, not a deadline already gone."""
    await move_to(hass, freezer, "2026-11-26T04:00:00+00:00")
    nxt = hass.states.get("sensor.sim_renew_next_deadline")
    # The number is lost when 25 December ends in Hong Kong: that is the day to top up by.
    assert nxt.state == "2026-12-25"
    assert nxt.attributes["card_name"] == "Soon"
    assert nxt.attributes["kind"] == "grace_end"
    assert nxt.attributes["status"] == "grace_period"
    assert nxt.attributes["grace_end"] == "2026-12-25"
    assert nxt.attributes["deadline"] == "2026-11-25"
    # Once the number is lost there is nothing ahead for it: the other card is next.
    await move_to(hass, freezer, "2026-12-26T04:00:00+00:00")
    nxt = hass.states.get("sensor.sim_renew_next_deadline")
    assert nxt.state == "2027-02-20"
    assert (nxt.attributes["card_name"], nxt.attributes["kind"]) == ("Later", "deadline")
    assert nxt.attributes["grace_end"] is None


async def test_hub_without_cards_has_no_next_deadline(hass: HomeAssistant) -> None:
    """An empty household shows no next deadline and no cards due."""
    entry = MockConfigEntry(domain=DOMAIN, data={}, options={}, subentries_data=[])
    await setup_entry(hass, entry)
    assert hass.states.get("sensor.sim_renew_next_deadline").state == "unknown"
    assert hass.states.get("sensor.sim_renew_cards_due").state == "0"
    assert hass.states.get(CALENDAR).state == "off"


async def calendar_descriptions(hass: HomeAssistant, start: str, end: str) -> dict[str, str]:
    """Return the household calendar's descriptions by summary between two instants."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": CALENDAR, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return {e["summary"]: e["description"] for e in response[CALENDAR]["events"]}


async def test_calendar_events(hass: HomeAssistant, household: MockConfigEntry) -> None:
    """Each title starts with what the day is, then the card; no reminder before it was added."""
    state = hass.states.get(CALENDAR)
    assert state.attributes["message"] == "Renewal reminder: Soon"
    assert state.attributes["all_day"] is True
    assert state.attributes["start_time"] == "2026-11-24 00:00:00"
    events = await calendar_events(hass, "2026-11-01T00:00:00+08:00", "2027-02-21T00:00:00+08:00")
    # Soon's 7-day reminder (18 November) fell before the card was added on the 22nd.
    assert events == [
        ("2026-11-24", "Renewal reminder: Soon"),
        ("2026-11-25", "Last day: Soon"),
        ("2026-12-25", "Last day to save the number: Soon"),
        ("2027-02-13", "Renewal reminder: Later"),
        ("2027-02-19", "Renewal reminder: Later"),
        ("2027-02-20", "Last day: Later"),
    ]
    narrow = await calendar_events(hass, "2026-11-25T12:00:00+08:00", "2026-11-25T13:00:00+08:00")
    assert narrow == [("2026-11-25", "Last day: Soon")]


async def test_calendar_descriptions(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The description says what to do, then the card's expiry, cost and official page."""
    soon = household.subentries[card(household, "Soon")]
    url = "https://www.hk.chinamobile.com/en/prepaid"
    hass.config_entries.async_update_subentry(
        household, soon, data={**soon.data, "renewal_url": url}
    )
    await hass.async_block_till_done()
    found = await calendar_descriptions(
        hass, "2026-11-20T00:00:00+08:00", "2027-01-01T00:00:00+08:00"
    )
    assert found["Renewal reminder: Soon"] == (
        "Renew Soon by 25 Nov 2026: 1 day left.\n"
        "Valid until 25 Nov 2026.\n"
        "One renewal costs HK$50.\n"
        f"Top up only through the carrier's official app, website or shops: {url}"
    )
    assert found["Last day: Soon"].startswith("Today is the last day of Soon")
    assert found["Last day to save the number: Soon"] == (
        "Last day of the grace period: a top-up today still saves Soon; after today the number"
        " is lost.\n"
        # Not "valid until 25 Nov" under 25 December: that day has long gone.
        "Its validity ended on 25 Nov 2026.\n"
        "One renewal costs HK$50.\n"
        f"Top up only through the carrier's official app, website or shops: {url}"
    )
    # On its last day, a card with grace says until when a top-up still saves the number.
    assert found["Last day: Soon"].split("\n")[1:3] == [
        "Valid until 25 Nov 2026.",
        "If it lapses, a top-up by 25 Dec 2026 still saves the number.",
    ]
    # Later has no official page: its description ends with the cost.
    later = await calendar_descriptions(
        hass, "2027-02-20T00:00:00+08:00", "2027-02-21T00:00:00+08:00"
    )
    assert later["Last day: Later"].endswith("One renewal costs HK$50.")


async def test_calendar_in_chinese(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Titles and descriptions follow Home Assistant's language, with dates as 11月24日."""
    hass.config.language = "zh-Hant"
    freezer.move_to("2026-11-22T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [3, 1]},
        subentries_data=[
            card_subentry(expiry_date="2026-11-24", grace_days=0, renewal_period_unit="days")
        ],
    )
    await setup_entry(hass, entry)
    calendar = next(
        s for s in hass.states.async_all("calendar") if s.entity_id.startswith("calendar.")
    )
    # The 3-day reminder fell on the 21st, the day before the card was added: the 1-day one
    # is next.
    assert calendar.attributes["message"] == "續期提醒：Mum's CMHK"
    assert calendar.attributes["description"] == (
        "請於11月24日或之前為Mum's CMHK續期，尚餘1日。\n有效至11月24日。\n每次續期費用：HK$50。"
    )
    todo_items = await hass.services.async_call(
        "todo",
        "get_items",
        {"entity_id": next(s.entity_id for s in hass.states.async_all("todo"))},
        blocking=True,
        return_response=True,
    )
    (items,) = todo_items.values()
    assert [i["summary"] for i in items["items"]] == ["為Mum's CMHK續期"]
    await hass.config.async_update(language="zh-Hans")
    await hass.async_block_till_done()
    calendar = hass.states.get(calendar.entity_id)
    assert calendar.attributes["message"] == "续费提醒：Mum's CMHK"
    assert calendar.attributes["description"].startswith("请在11月24日或之前为Mum's CMHK续费")


async def test_activity_deadline_on_calendar(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """When activity sets the deadline, the calendar shows that day too."""
    freezer.move_to("2026-11-22T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [1, 0]},
        subentries_data=[card_subentry(expiry_date="2027-06-01", activity_interval_days=30)],
    )
    await setup_entry(hass, entry)
    await hass.services.async_call(
        DOMAIN, "record_activity", {"entity_id": "sensor.mum_s_cmhk_status"}, blocking=True
    )
    await hass.async_block_till_done()
    summaries = await calendar_events(
        hass, "2026-12-01T00:00:00+00:00", "2027-07-01T00:00:00+00:00"
    )
    assert ("2026-12-22", "Use the card today: Mum's CMHK") in summaries
    assert ("2027-06-01", "Last day: Mum's CMHK") in summaries
    # The reminders before a deadline set by activity ask for a use, not a top-up.
    assert ("2026-12-21", "Use reminder: Mum's CMHK") in summaries


async def test_todo_lists_due_cards_and_ticking_renews(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    """A due card is on the list; ticking it off records a renewal and removes it."""
    items = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert [(i["summary"], i["due"], i["status"]) for i in items[TODO]["items"]] == [
        ("Renew Soon", "2026-11-25", "needs_action")
    ]
    assert hass.states.get(TODO).state == "1"
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": TODO, "item": "Renew Soon", "status": "completed"},
        blocking=True,
    )
    await hass.async_block_till_done()
    soon = card(household, "Soon")
    (renewal,) = household.runtime_data.records[soon]["history"]
    assert renewal["source"] == "todo"
    assert expiry_of(household, soon) == "2027-05-21"
    # Until the carrier shows it, the item asks to check it; ticking it again confirms.
    items = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert [(i["summary"], i["due"]) for i in items[TODO]["items"]] == [
        ("Check that the carrier shows Soon valid until 21 May 2027", "2026-11-25")
    ]
    await hass.services.async_call(
        "todo",
        "update_item",
        {
            "entity_id": TODO,
            "item": "Check that the carrier shows Soon valid until 21 May 2027",
            "status": "completed",
        },
        blocking=True,
    )
    await hass.async_block_till_done()
    (renewal,) = household.runtime_data.records[soon]["history"]
    assert renewal["confirmed"] is True
    assert hass.states.get(TODO).state == "0"


async def test_todo_renewal_elsewhere_removes_item(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    """Renewing with the button and confirming takes the card off; unticked edits do nothing."""
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": TODO, "item": "Renew Soon", "rename": "Renew Soon today"},
        blocking=True,
    )
    assert household.runtime_data.records[card(household, "Soon")]["history"] == []
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.soon_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(TODO).state == "1"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.soon_confirm_renewal"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(TODO).state == "0"


async def test_todo_unknown_item(hass: HomeAssistant, household: MockConfigEntry) -> None:
    """An item id that is not a card is refused."""
    todo = household.runtime_data
    entity = next(e for e in hass.data["entity_components"]["todo"].entities if e.entity_id == TODO)
    from homeassistant.components.todo import TodoItem  # noqa: PLC0415
    from homeassistant.exceptions import ServiceValidationError  # noqa: PLC0415

    with pytest.raises(ServiceValidationError):
        await entity.async_update_todo_item(TodoItem(uid="nope", summary="x"))
    assert todo.records[card(household, "Soon")]["history"] == []


async def test_lapsed_card_repair(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A card in grace raises a fixable issue; entering the new expiry clears it."""
    assert await async_setup_component(hass, "repairs", {})
    soon = card(household, "Soon")
    issue_id = f"lapsed_{soon}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    freezer.move_to("2026-11-25T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "card_in_grace"
    assert issue.is_fixable

    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert result["type"] is FlowResultType.MENU
    assert result["description_placeholders"] == {"name": "Soon", "deadline": "25 Nov 2026"}
    assert issue.translation_placeholders == {
        "name": "Soon",
        "deadline": "25 Nov 2026",
        "grace_end": "25 Dec 2026",
    }
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "new_expiry"})
    assert result["type"] is FlowResultType.FORM
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2010-01-01"})
    assert result["errors"] == {"expiry_date": "expiry_out_of_range"}
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2027-01-31"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert expiry_of(household, soon) == "2027-01-31"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    (correction,) = household.runtime_data.records[soon]["history"]
    assert correction["source"] == "repair"


async def test_repair_previews_the_renewal_it_records(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The "record renewal" step shows the old and new expiry and the amount before it acts."""
    assert await async_setup_component(hass, "repairs", {})
    soon = card(household, "Soon")
    await move_to(hass, freezer, "2026-11-26T04:00:00+00:00")
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{soon}"})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "renewed"})
    assert result["errors"] == {}
    assert result["description_placeholders"] == {
        "name": "Soon",
        "deadline": "25 Nov 2026",
        "old_expiry": "25 Nov 2026",
        "new_expiry": "25 May 2027",
        "amount": "HK$50",
    }
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert expiry_of(household, soon) == "2027-05-25"


async def test_expired_card_repair_marks_renewed(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An expired card's issue can be fixed by recording a renewal; errors are shown."""
    assert await async_setup_component(hass, "repairs", {})
    later = card(household, "Later")
    freezer.move_to("2027-02-20T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, f"lapsed_{later}")
    assert issue is not None
    # Later has no grace days: its repair does not speak of a grace period being over.
    assert issue.translation_key == "card_expired_no_grace"

    subentry = household.subentries[later]
    hass.config_entries.async_update_subentry(
        household, subentry, data={**subentry.data, "currency": "XXX1"}
    )
    await hass.async_block_till_done()
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{later}"})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "renewed"})
    assert result["type"] is FlowResultType.FORM
    # The preview already shows why the renewal cannot be recorded.
    assert result["errors"] == {"base": "invalid_currency"}
    assert result["description_placeholders"]["new_expiry"] == "—"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "invalid_currency"}

    hass.config_entries.async_update_subentry(
        household, subentry, data={**subentry.data, "currency": "HKD"}
    )
    await hass.async_block_till_done()
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert expiry_of(household, later) == "2027-08-20"
    # Recorded but not confirmed: the repair now asks whether the carrier shows it.
    issue = issue_registry.async_get_issue(DOMAIN, f"lapsed_{later}")
    assert issue is not None
    assert issue.translation_key == "card_expired_unconfirmed"
    assert issue.translation_placeholders["recorded_expiry"] == "20 Aug 2027"
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{later}"})
    assert result["menu_options"] == ["confirmed", "new_expiry", "undo"]
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "confirmed"})
    assert result["description_placeholders"]["recorded_expiry"] == "20 Aug 2027"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"lapsed_{later}") is None


async def test_repair_dates_in_chinese(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, issue_registry: ir.IssueRegistry
) -> None:
    """A lapsed card's repair writes its dates as Chinese readers do, the year only if another."""
    await hass.config.async_update(language="zh-Hans")
    assert await async_setup_component(hass, "repairs", {})
    freezer.move_to("2026-12-30T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [1]},
        subentries_data=[card_subentry(expiry_date="2026-12-31", grace_days=30)],
    )
    await setup_entry(hass, entry)
    card_id = next(iter(entry.subentries))
    freezer.move_to("2026-12-31T16:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, f"lapsed_{card_id}")
    assert issue is not None
    # It is 1 January in Hong Kong but still 31 December in Home Assistant's zone (US/Pacific).
    assert issue.translation_placeholders == {
        "name": "Mum's CMHK",
        "deadline": "12月31日",
        "grace_end": "2027年1月30日",
    }
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{card_id}"})
    assert result["description_placeholders"] == {"name": "Mum's CMHK", "deadline": "12月31日"}


@given(
    expiry=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    added=st.dates(date(2025, 6, 1), date(2029, 6, 1)),
    reminder_days=st.lists(st.integers(0, 60), min_size=1, max_size=6),
    grace_days=st.integers(0, 40),
    activity_earlier=st.integers(0, 90),
)
def test_no_reminder_is_dated_before_the_card_was_added(
    expiry: date, added: date, reminder_days: list[int], grace_days: int, activity_earlier: int
) -> None:
    """Reminder days before the card was added are left out; every other day stays."""
    deadline = date.fromordinal(expiry.toordinal() - activity_earlier)
    card = {
        "card_id": "c",
        "name": "Mum's CMHK",
        "expiry": expiry,
        "deadline": deadline,
        "grace_days": grace_days,
        "reminder_days": tuple(reminder_days),
        "auto_renew": False,
    }
    shown = calendar_days(**card, added=added)
    everything = calendar_days(**card)
    reminders = {"reminder", "use_reminder"}
    assert all(day.day >= added for day in shown if day.kind in reminders)
    assert shown == [day for day in everything if day.kind not in reminders or day.day >= added]


# What Home Assistant itself names and shows; simrenew names the rest.
HOME_ASSISTANT_ATTRIBUTES = {
    "device_class",
    "friendly_name",
    "icon",
    "options",
    "state_class",
    "unit_of_measurement",
    "supported_features",
    "all_day",
    "start_time",
    "end_time",
    "location",
    "message",
    "description",
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
async def test_every_attribute_the_details_show_has_a_name_and_its_values_words(
    hass: HomeAssistant, household: MockConfigEntry, language: str
) -> None:
    """An entity's details list each attribute by name, and choices and yes/no in words."""
    texts = load(language)
    entities = er.async_entries_for_config_entry(er.async_get(hass), household.entry_id)
    checked = 0
    for entity in entities:
        state = hass.states.get(entity.entity_id)
        assert state is not None
        prefix = f"entity.{entity.domain}.{entity.translation_key}.state_attributes"
        for name, value in state.attributes.items():
            if name in HOME_ASSISTANT_ATTRIBUTES:
                continue
            checked += 1
            assert f"{prefix}.{name}.name" in texts, (entity.entity_id, name)
            if isinstance(value, bool) or name in {"status", "kind", "deadline_reason"}:
                shown = str(value).lower() if isinstance(value, bool) else value
                assert f"{prefix}.{name}.state.{shown}" in texts, (entity.entity_id, name)
    assert checked > 10
    for reason in DeadlineReason:
        key = "entity.sensor.status.state_attributes.deadline_reason.state"
        assert f"{key}.{reason.value}" in texts
