"""SIM Renew's own triggers and conditions, run by real automations."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.simrenew.condition import DaysLeftBelowCondition
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.message_outcomes import Outcome
from custom_components.simrenew.trigger import MessageReadTrigger, ReminderDueTrigger
from custom_components.simrenew.validation import vol
from homeassistant.components import automation
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    condition,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
    trigger,
)
from homeassistant.setup import async_setup_component

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, device_of, move_to, setup_entry

DONE = "test_automation_ran"
# A carrier's top-up message for a number no card holds.
UNKNOWN_NUMBER = "CMHK: ****9999 recharged HK$100. Valid until 28/10/2027 23:59."
# Home Assistant 2026.3 kept purpose-specific triggers behind a Labs switch for its own platforms.
LABS_FLAG = getattr(automation, "NEW_TRIGGERS_CONDITIONS_FEATURE_FLAG", None)
LABS_STATES = [False, True] if LABS_FLAG else [False]


@pytest.fixture
def mock_entry() -> MockConfigEntry:
    """Return a household with Mum's card (deadline 1 Dec, 30 days' grace) and Dad's."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(), card_subentry(**DAD_CARD)],
    )


@pytest.fixture
async def home(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, mock_entry: MockConfigEntry
) -> MockConfigEntry:
    """Load the household at noon on 22 November in Hong Kong."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    await setup_entry(hass, mock_entry)
    return mock_entry


def card_id(entry: MockConfigEntry, name: str) -> str:
    """Return the id of the card with that name."""
    return next(key for key, sub in entry.subentries.items() if sub.title == name)


def device_id(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> str:
    """Return the device id of the card with that name."""
    device = device_of(hass, entry, card_id(entry, name))
    assert device is not None
    return device.id


def status_entity(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> str:
    """Return the entity id of the card's status sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{card_id(entry, name)}_status"
    )
    assert entity_id is not None
    return entity_id


def mum(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Return a target of Mum's card by its device."""
    return {"device_id": device_id(hass, entry, "Mum's CMHK")}


REPORTED = {
    "name": "{{ trigger.name }}",
    "card_id": "{{ trigger.card_id }}",
    "kind": "{{ trigger.kind | default('') }}",
    "deadline": "{{ trigger.deadline }}",
    "days": "{{ trigger.days_until_deadline }}",
    "grace_end": "{{ trigger.grace_end }}",
    "renewal_url": "{{ trigger.renewal_url }}",
    "outcome": "{{ trigger.outcome | default('') }}",
    "platform": "{{ trigger.platform }}",
}


def when(
    key: str,
    *,
    target: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    alias: str = "",
) -> dict[str, Any]:
    """Return an automation that reports each run of one simrenew trigger."""
    spec: dict[str, Any] = {"trigger": f"{DOMAIN}.{key}"}
    if target is not None:
        spec["target"] = target
    if options is not None:
        spec["options"] = options
    return {
        "alias": alias or key,
        "triggers": [spec],
        "actions": [{"event": DONE, "event_data": {"alias": alias or key, **REPORTED}}],
    }


def only_if(alias: str, conditions: list[dict[str, Any]]) -> dict[str, Any]:
    """Return an automation, started by a test event, that runs only if the conditions hold."""
    return {
        "alias": alias,
        "triggers": [{"trigger": "event", "event_type": "test_check"}],
        "conditions": conditions,
        "actions": [{"event": DONE, "event_data": {"alias": alias}}],
    }


def card_test(key: str, target: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    """Return one simrenew condition."""
    spec: dict[str, Any] = {"condition": f"{DOMAIN}.{key}", "options": options}
    if target is not None:
        spec["target"] = target
    return spec


async def automations(hass: HomeAssistant, *configs: dict[str, Any]) -> None:
    """Create the automations and check that every one of them loaded."""
    assert await async_setup_component(hass, "automation", {"automation": list(configs)})
    await hass.async_block_till_done()
    states = hass.states.async_all("automation")
    assert len(states) == len(configs)
    assert all(state.state == "on" for state in states), [s.state for s in states]


def ran(events: list[Event]) -> list[str]:
    """Return the aliases of the automations that ran, in order."""
    return [event.data["alias"] for event in events]


async def passing(hass: HomeAssistant, events: list[Event]) -> list[str]:
    """Start the condition automations; return those whose conditions held."""
    events.clear()
    hass.bus.async_fire("test_check")
    await hass.async_block_till_done()
    return sorted(ran(events))


async def set_labs(hass: HomeAssistant, enabled: bool) -> None:
    """Turn Home Assistant 2026.3's Labs switch for the new triggers on or off."""
    if LABS_FLAG is None:
        return
    from homeassistant.components import labs  # noqa: PLC0415

    assert await async_setup_component(hass, "labs", {})
    await labs.async_update_preview_feature(hass, automation.DOMAIN, LABS_FLAG, enabled)
    await hass.async_block_till_done()


@pytest.mark.parametrize("labs_on", LABS_STATES)
async def test_reminder_due_fires_for_the_targeted_card_with_its_fields(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry, labs_on: bool
) -> None:
    """The 7-day reminder reaches the automations that want it, and only those."""
    await set_labs(hass, labs_on)
    dad = {"device_id": device_id(hass, home, "Dad's csl")}
    await automations(
        hass,
        when("reminder_due", target=mum(hass, home), alias="mum"),
        when("reminder_due", alias="every card"),
        when("reminder_due", target=mum(hass, home), options={"days_before": 7}, alias="7"),
        when("reminder_due", target=mum(hass, home), options={"days_before": 3}, alias="3"),
        when("reminder_due", options={"kinds": ["grace", "confirm"]}, alias="grace"),
        when("reminder_due", target=dad, alias="dad"),
    )
    events = async_capture_events(hass, DONE)
    # 24 November, 09:00 in Hong Kong: seven days before Mum's deadline.
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")

    assert sorted(ran(events)) == ["7", "every card", "mum"]
    fields = events[0].data
    assert fields["name"] == "Mum's CMHK"
    assert fields["card_id"] == card_id(home, "Mum's CMHK")
    assert (fields["kind"], fields["deadline"], fields["days"]) == ("deadline", "2026-12-01", 7)
    assert fields["grace_end"] == "2026-12-31"
    assert fields["platform"] == "simrenew.reminder_due"


async def test_grace_started_and_grace_reminders_through_an_area(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry
) -> None:
    """The step into grace fires once, at the card's midnight; each grace day reminds."""
    hall = ar.async_get(hass).async_create("Hall")
    dr.async_get(hass).async_update_device(device_id(hass, home, "Mum's CMHK"), area_id=hall.id)
    await automations(
        hass,
        when("grace_started", target={"area_id": hall.id}, alias="grace started"),
        when("reminder_due", target={"area_id": hall.id}, options={"kinds": ["grace"]}),
    )
    events = async_capture_events(hass, DONE)
    await move_to(hass, freezer, "2026-11-30T20:00:00+00:00")
    assert ran(events) == []

    # 2 December, 00:00 in Hong Kong: Mum's card is a day past its deadline.
    await move_to(hass, freezer, "2026-12-01T16:00:01+00:00")
    assert hass.states.get(status_entity(hass, home, "Mum's CMHK")).state == "grace_period"
    assert ran(events) == ["grace started"]
    assert events[0].data["grace_end"] == "2026-12-31"

    await move_to(hass, freezer, "2026-12-02T01:00:00+00:00")
    assert ran(events) == ["grace started", "reminder_due"]
    assert events[1].data["kind"] == "grace"


async def test_grace_started_stays_quiet_when_a_card_comes_back_in_grace(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry
) -> None:
    """A reload finds the card already in grace: nothing started."""
    await move_to(hass, freezer, "2026-12-02T04:00:00+00:00")
    await automations(hass, when("grace_started"))
    events = async_capture_events(hass, DONE)
    assert await hass.config_entries.async_reload(home.entry_id)
    await hass.async_block_till_done()
    status = hass.states.get(status_entity(hass, home, "Mum's CMHK"))
    assert status is not None
    assert status.state == "grace_period"
    assert ran(events) == []


async def test_number_lost_through_an_entity(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry
) -> None:
    """A card past its deadline and grace fires the lost number, for its own entity's target."""
    await automations(
        hass,
        when("number_lost", target={"entity_id": status_entity(hass, home, "Dad's csl")}),
        when("number_lost", target=mum(hass, home), alias="mum lost"),
    )
    events = async_capture_events(hass, DONE)
    # Mum's grace ends on 31 December: on 1 January, 00:00 in Hong Kong, her number is lost.
    await move_to(hass, freezer, "2026-12-31T15:59:59+00:00")
    assert ran(events) == []
    await move_to(hass, freezer, "2026-12-31T16:00:01+00:00")
    assert ran(events) == ["mum lost"]
    # Dad's card has no grace: on 11 January it is lost.
    await move_to(hass, freezer, "2027-01-10T16:00:01+00:00")
    assert ran(events) == ["mum lost", "number_lost"]
    assert events[1].data["name"] == "Dad's csl"


async def test_renewed_and_confirmation_needed_through_a_label(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry
) -> None:
    """A renewal without the carrier's date fires renewed; confirmed only waits for the date."""
    label = lr.async_get(hass).async_create("Family")
    dr.async_get(hass).async_update_device(
        device_id(hass, home, "Mum's CMHK"), labels={label.label_id}
    )
    target = {"label_id": label.label_id}
    await automations(
        hass,
        when("renewed", target=target, alias="renewed"),
        when("renewed", target=target, options={"confirmed_only": True}, alias="confirmed"),
        when("confirmation_needed", target=target, alias="confirm"),
    )
    events = async_capture_events(hass, DONE)
    await hass.services.async_call(DOMAIN, "renew", mum(hass, home), blocking=True)
    await hass.async_block_till_done()
    assert ran(events) == ["renewed"]

    # The next day at 09:00 in Hong Kong the carrier's date is asked for.
    await move_to(hass, freezer, "2026-11-23T01:00:00+00:00")
    assert ran(events) == ["renewed", "confirm"]
    assert events[1].data["kind"] == "confirm"

    await hass.services.async_call(DOMAIN, "confirm_renewal", mum(hass, home), blocking=True)
    await hass.async_block_till_done()
    assert ran(events) == ["renewed", "confirm", "confirmed"]

    # A renewal with the carrier's own date is confirmed as it is recorded.
    await hass.services.async_call(
        DOMAIN, "renew", {**mum(hass, home), "new_expiry": "2027-11-01"}, blocking=True
    )
    await hass.async_block_till_done()
    assert ran(events)[3:] == ["renewed", "confirmed"]


async def test_message_read_by_outcome(hass: HomeAssistant, home: MockConfigEntry) -> None:
    """A message read for a card fires the outcomes asked for; one for no card needs no target."""
    await automations(
        hass,
        when("message_read", target=mum(hass, home), alias="mum"),
        when("message_read", options={"outcomes": ["not_understood"]}, alias="not understood"),
        when("message_read", options={"outcomes": ["renewed"]}, alias="renewed"),
        when("message_read", options={"outcomes": ["no_card", "ambiguous"]}, alias="no card"),
    )
    events = async_capture_events(hass, DONE)
    await hass.services.async_call(
        DOMAIN,
        "read_message",
        {**mum(hass, home), "message": "Hello"},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert sorted(ran(events)) == ["mum", "not understood"]
    assert events[0].data["outcome"] == "not_understood"
    assert "Hello" not in str([event.data for event in events])

    # Without a card, a message fires only the triggers that target none.
    events.clear()
    await hass.services.async_call(
        DOMAIN, "read_message", {"message": "Hello"}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert ran(events) == ["not understood"]

    events.clear()
    answer = await hass.services.async_call(
        DOMAIN, "read_message", {"message": UNKNOWN_NUMBER}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert answer is not None
    # Both of Mum's and Dad's cards are CMHK's; the number is neither's.
    assert answer["outcome"] in {"no_card", "ambiguous"}
    assert ran(events) == ["no card"]


@pytest.mark.parametrize("labs_on", LABS_STATES)
async def test_conditions_over_any_or_all_cards(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, home: MockConfigEntry, labs_on: bool
) -> None:
    """Each condition tests the targeted cards: any of them, or all; no card passes nothing."""
    await set_labs(hass, labs_on)
    both = {"device_id": [device_id(hass, home, "Mum's CMHK"), device_id(hass, home, "Dad's csl")]}
    nobody = {"area_id": ar.async_get(hass).async_create("Empty").id}
    await automations(
        hass,
        only_if("mum due", [card_test("is_due", mum(hass, home))]),
        only_if("any due", [card_test("is_due", both)]),
        only_if("all due", [card_test("is_due", both, behavior="all")]),
        only_if("nobody due", [card_test("is_due", nobody)]),
        only_if("in grace", [card_test("in_grace")]),
        only_if("waiting", [card_test("awaiting_confirmation", mum(hass, home))]),
        only_if("below 9", [card_test("days_left_below", mum(hass, home), days=9)]),
        only_if("below 8", [card_test("days_left_below", mum(hass, home), days=8)]),
        only_if("all below 60", [card_test("days_left_below", both, behavior="all", days=60)]),
    )
    events = async_capture_events(hass, DONE)
    # 22 November: Mum's deadline is 9 days away, Dad's 49.
    assert await passing(hass, events) == ["all below 60", "any due", "mum due"]

    await hass.services.async_call(DOMAIN, "renew", mum(hass, home), blocking=True)
    await hass.async_block_till_done()
    # The renewal waits for the carrier: the old deadline still stands.
    assert "waiting" in await passing(hass, events)

    await move_to(hass, freezer, "2026-12-02T04:00:00+00:00")
    assert "in grace" in await passing(hass, events)


async def test_conditions_follow_the_card_not_a_stopped_hub(
    hass: HomeAssistant, home: MockConfigEntry
) -> None:
    """With the household unloaded, no card passes."""
    await automations(hass, only_if("any due", [card_test("is_due")]))
    events = async_capture_events(hass, DONE)
    assert await passing(hass, events) == ["any due"]
    assert await hass.config_entries.async_unload(home.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(status_entity(hass, home, "Mum's CMHK")).state == STATE_UNAVAILABLE
    assert await passing(hass, events) == []


async def test_bad_options_are_refused(hass: HomeAssistant, home: MockConfigEntry) -> None:
    """Unknown kinds, outcomes or numbers never make an automation that silently fires."""
    with pytest.raises(vol.Invalid):
        await trigger.async_validate_trigger_config(
            hass, [{"platform": "simrenew.reminder_due", "options": {"kinds": ["soon"]}}]
        )
    with pytest.raises(vol.Invalid):
        await trigger.async_validate_trigger_config(
            hass, [{"platform": "simrenew.message_read", "options": {"outcomes": "read"}}]
        )
    with pytest.raises(vol.Invalid):
        await trigger.async_validate_trigger_config(hass, [{"platform": "simrenew.due_soon"}])
    with pytest.raises(vol.Invalid):
        await condition.async_validate_condition_config(
            hass, {"condition": "simrenew.days_left_below", "options": {"days": -1}}
        )
    with pytest.raises(vol.Invalid):
        await condition.async_validate_condition_config(
            hass, {"condition": "simrenew.is_due", "options": {"behavior": "most"}}
        )


async def test_editor_lists_them_with_fields(hass: HomeAssistant, home: MockConfigEntry) -> None:
    """The automation editor's lists get every trigger and condition, with their fields."""
    assert await async_setup_component(hass, "automation", {})
    triggers = await trigger.async_get_all_descriptions(hass)
    conditions = await condition.async_get_all_descriptions(hass)
    assert {key for key in triggers if key.startswith("simrenew.")} == {
        "simrenew.reminder_due",
        "simrenew.grace_started",
        "simrenew.number_lost",
        "simrenew.renewed",
        "simrenew.confirmation_needed",
        "simrenew.message_read",
    }
    assert set(triggers["simrenew.reminder_due"]["fields"]) == {"kinds", "days_before"}
    assert triggers["simrenew.renewed"]["target"]["device"] == [{"integration": "simrenew"}]
    assert {key for key in conditions if key.startswith("simrenew.")} == {
        "simrenew.is_due",
        "simrenew.in_grace",
        "simrenew.awaiting_confirmation",
        "simrenew.days_left_below",
    }
    assert set(conditions["simrenew.days_left_below"]["fields"]) == {"behavior", "days"}


@given(
    kinds=st.one_of(st.text(max_size=12), st.lists(st.text(max_size=12), max_size=4)),
    days=st.one_of(st.integers(-5, 500), st.text(max_size=5), st.none()),
)
async def test_any_reminder_options_are_kept_or_refused(kinds: object, days: object) -> None:
    """Whatever is typed is either refused or kept as known kinds and a day count in range."""
    options: dict[str, Any] = {"kinds": kinds}
    if days is not None:
        options["days_before"] = days
    try:
        checked = await ReminderDueTrigger.async_validate_config(None, {"options": options})  # type: ignore[arg-type]
    except vol.Invalid:
        return
    assert set(checked["options"]["kinds"]) <= {"deadline", "grace", "confirm"}
    assert 0 <= checked["options"].get("days_before", 0) <= 400


@given(outcomes=st.lists(st.text(max_size=16), max_size=4), days=st.integers(-10, 1000))
async def test_any_outcomes_and_day_counts_are_kept_or_refused(
    outcomes: list[str], days: int
) -> None:
    """Outcomes outside the contract and day counts outside 0-400 are refused."""
    known = {outcome.value for outcome in Outcome}
    try:
        checked = await MessageReadTrigger.async_validate_config(
            None,  # type: ignore[arg-type]
            {"options": {"outcomes": outcomes}},
        )
    except vol.Invalid:
        assert not set(outcomes) <= known
    else:
        assert checked["options"]["outcomes"] == outcomes
        assert set(outcomes) <= known
    try:
        kept = await DaysLeftBelowCondition.async_validate_config(
            None,  # type: ignore[arg-type]
            {"options": {"days": days}},
        )
    except vol.Invalid:
        assert not 0 <= days <= 400
    else:
        assert kept["options"] == {"days": days, "behavior": "any"}


async def test_the_household_stands_for_its_cards(
    hass: HomeAssistant, home: MockConfigEntry
) -> None:
    """The household's device or entities reach every card; strangers' targets reach none."""
    hub_device = device_of(hass, home, home.entry_id)
    assert hub_device is not None
    # The household calendar, to-do list and sensors belong to no card.
    calendar = next(
        entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), home.entry_id)
        if entity.config_subentry_id is None
    )
    strangers = {"entity_id": "input_boolean.guest", "device_id": "not-a-device"}
    await automations(
        hass,
        only_if("hub any", [card_test("is_due", {"device_id": hub_device.id})]),
        only_if("hub all", [card_test("is_due", {"device_id": hub_device.id}, behavior="all")]),
        only_if("entity all", [card_test("is_due", {"entity_id": calendar}, behavior="all")]),
        only_if(
            "entity below 60",
            [card_test("days_left_below", {"entity_id": calendar}, days=60, behavior="all")],
        ),
        only_if("strangers", [card_test("is_due", strangers)]),
    )
    events = async_capture_events(hass, DONE)
    assert await passing(hass, events) == ["entity below 60", "hub any"]


async def test_a_turned_off_automation_stops_listening(
    hass: HomeAssistant, home: MockConfigEntry
) -> None:
    """Once its automation is off, a trigger no longer runs it."""
    await automations(hass, when("message_read"), when("grace_started"))
    events = async_capture_events(hass, DONE)
    await hass.services.async_call(
        automation.DOMAIN, "turn_off", {"entity_id": "all"}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "read_message", {"message": "Hello"}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert ran(events) == []
