"""Past Home Assistant's cap on one entry's entities: household first, whole cards by deadline.

Home Assistant 2026.10 and later add at most 10,000 enabled entities to one config entry. The
tests lower that cap (and the integration reads it the same way on every leg), so that 1,200 and
3,000 cards meet it as they would at ten times the size.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from types import MappingProxyType

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN, EVENT_REMINDER, SUBENTRY_CARD
from custom_components.simrenew.entity_budget import RARELY_USED_KINDS, fitting_cards, named_cards
from custom_components.simrenew.entity_room import ISSUE_ID, entity_cap
from custom_components.simrenew.hub_options import HubOptions
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    entity_platform,
    entity_registry as er,
    issue_registry as ir,
)

from .conftest import HUB_OPTIONS, card_subentry, device_of, move_to, setup_entry
from .scale import household

# The household's own: calendar, to-do list, next deadline, cards due.
HOUSEHOLD = 4
# A card as it starts: seven sensors (the timestamp one starts off), two binary sensors, three
# buttons and the date.
CARD = 13
RARE_ON_CARD = 4  # balance, last renewed, spending, confirm (record use needs an interval)


def set_cap(monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    """Lower Home Assistant's cap; on a leg without one, the integration still reads it."""
    monkeypatch.setattr(
        entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", cap, raising=False
    )


def enabled_by_card(hass: HomeAssistant, entry: MockConfigEntry) -> Counter[str | None]:
    """Return how many enabled entities each card (None: the household) has in the registry."""
    registry = er.async_get(hass)
    return Counter(
        entity.config_subentry_id
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if entity.disabled_by is None
    )


def states_by_card(hass: HomeAssistant, entry: MockConfigEntry) -> Counter[str | None]:
    """Return how many entities with a state each card (None: the household) has."""
    registry = er.async_get(hass)
    return Counter(
        entity.config_subentry_id
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(entity.entity_id) is not None
    )


def deadline(entry: MockConfigEntry, card_id: str) -> date:
    """Return a card's deadline as the hub sees it."""
    return entry.runtime_data.cards[card_id].state.deadline


async def check_household(
    hass: HomeAssistant, entry: MockConfigEntry, cap: int, per_card: int
) -> tuple[set[str], set[str]]:
    """Check the household's entities, whole cards in deadline order, and the repair."""
    hub = entry.runtime_data
    states = states_by_card(hass, entry)
    # The household's own entities are all there.
    assert states[None] == HOUSEHOLD
    assert {
        entity.domain
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if entity.config_subentry_id is None and hass.states.get(entity.entity_id) is not None
    } == {"calendar", "todo", "sensor"}
    shown = {card_id for card_id in hub.configs if states[card_id]}
    left_out = set(hub.configs) - shown
    # Every card whole, or not at all.
    assert {states[card_id] for card_id in shown} == {per_card}
    assert len(shown) == (cap - HOUSEHOLD) // per_card
    # Nothing past the cap, and no enabled entity of a card left out takes room.
    enabled = enabled_by_card(hass, entry)
    assert sum(enabled.values()) <= cap
    assert not any(enabled[card_id] for card_id in left_out)
    # The soonest deadlines are the ones on screen.
    assert max(deadline(entry, card_id) for card_id in shown) <= min(
        deadline(entry, card_id) for card_id in left_out
    )
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    placeholders = issue.translation_placeholders or {}
    assert placeholders["count"] == str(len(left_out))
    assert placeholders["total"] == str(len(hub.configs))
    assert placeholders["cap"] == str(cap)
    lines = placeholders["cards"].split("\n")
    # The first twenty cards left out by name, latest deadlines last; then how many more.
    first = sorted(left_out, key=lambda card_id: deadline(entry, card_id))[:20]
    assert {line.removeprefix("- ") for line in lines[:20]} <= {
        hub.configs[card_id].name for card_id in left_out
    }
    assert [deadline(entry, card_id) for card_id in first][-1] <= min(
        deadline(entry, card_id) for card_id in left_out - set(first)
    )
    assert lines[20] == f"- … (+{len(left_out) - 20})"
    return shown, left_out


@pytest.mark.parametrize(
    ("cards", "rarely_used", "cap"),
    [(1200, True, 1000), (3000, True, 1000), (3000, False, 1000)],
)
async def test_past_the_cap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    cards: int,
    rarely_used: bool,
    cap: int,
) -> None:
    """At 1,200 and 3,000 cards: the household, then whole cards soonest first, and a repair."""
    set_cap(monkeypatch, cap)
    freezer.move_to("2026-11-01T00:30:00+00:00")
    entry = household(cards)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "rarely_used_entities": rarely_used}
    )
    await setup_entry(hass, entry)
    per_card = CARD if rarely_used else CARD - RARE_ON_CARD
    shown, left_out = await check_household(hass, entry, cap, per_card)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    # With the rarely used kinds still on, the repair offers to turn them off.
    assert issue.translation_key == (f"{ISSUE_ID}_rarely_used_on" if rarely_used else ISSUE_ID)
    # A restart finds the same cards, and the registry as it was left.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert await check_household(hass, entry, cap, per_card) == (shown, left_out)


async def test_turning_rarely_used_kinds_off_makes_room(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The option takes four kinds off every card; more cards fit, and back on, they return."""
    cap = HOUSEHOLD + 3 * CARD
    set_cap(monkeypatch, cap)
    freezer.move_to("2026-11-01T00:30:00+00:00")
    entry = household(5)
    await setup_entry(hass, entry)
    assert len([card for card, count in states_by_card(hass, entry).items() if card]) == 3

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "rarely_used_entities": False}
    )
    await hass.async_block_till_done()
    states = states_by_card(hass, entry)
    assert (
        sorted(states[card_id] for card_id in entry.runtime_data.configs)
        == [0] + [CARD - RARE_ON_CARD] * 4
    )
    registry = er.async_get(hass)
    balances = [
        entity
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if entity.unique_id.endswith("_balance")
    ]
    # Those that were there are turned off, not deleted: what a user named them is kept.
    assert len(balances) == 3
    assert {entity.disabled_by for entity in balances} == {er.RegistryEntryDisabler.INTEGRATION}
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert (issue.translation_placeholders or {})["count"] == "1"
    # Already off: the repair no longer offers it.
    assert issue.translation_key == ISSUE_ID

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "rarely_used_entities": True}
    )
    await hass.async_block_till_done()
    # Turned back on, for the three cards that fit whole again.
    balances = [
        entity
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if entity.unique_id.endswith("_balance")
    ]
    assert sum(entity.disabled_by is None for entity in balances) == 3
    await check_household_small(hass, entry, shown=3)
    # Home Assistant reloads an entry some seconds after its entities are turned back on.
    await move_to(hass, freezer, "2026-11-01T00:31:00+00:00")
    await check_household_small(hass, entry, shown=3)


async def check_household_small(hass: HomeAssistant, entry: MockConfigEntry, shown: int) -> None:
    """Check that `shown` cards have all their entities and the rest none."""
    states = states_by_card(hass, entry)
    assert states[None] == HOUSEHOLD
    counts = sorted((states[card_id] for card_id in entry.runtime_data.configs), reverse=True)
    total = len(entry.runtime_data.configs)
    assert counts == [CARD] * shown + [0] * (total - shown)


async def test_a_card_left_out_keeps_reminders_and_actions(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card without entities is reminded, renewed through its device, and listed."""
    set_cap(monkeypatch, HOUSEHOLD + CARD)
    freezer.move_to("2026-11-20T00:30:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=HUB_OPTIONS,
        subentries_data=[
            card_subentry(name="Soon", expiry_date="2026-11-26"),
            card_subentry(name="Later", phone_number="+85261234567", expiry_date="2026-12-06"),
        ],
    )
    await setup_entry(hass, entry)
    hub = entry.runtime_data
    later = next(card_id for card_id, config in hub.configs.items() if config.name == "Later")
    assert states_by_card(hass, entry)[later] == 0
    # Its device is there, as the target of actions.
    device = device_of(hass, entry, later)
    assert device is not None
    # Its reminder 14 days before 6 December fires on 22 November, while that day lasts in
    # Hong Kong (09:00 in the test's California would be too late).
    reminders = async_capture_events(hass, EVENT_REMINDER)
    await move_to(hass, freezer, "2026-11-21T15:00:30+00:00")
    await move_to(hass, freezer, "2026-11-22T15:00:30+00:00")
    assert [event.data["name"] for event in reminders] == ["Later"]
    # It is listed for voice and scripts, and renewed through its device.
    listed = await hass.services.async_call(
        DOMAIN, "list_cards", {}, blocking=True, return_response=True
    )
    assert [card["name"] for card in listed["cards"]] == ["Soon", "Later"]  # type: ignore[index,union-attr]
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"device_id": device.id, "new_expiry": "2027-06-06"},
        blocking=True,
        return_response=True,
    )
    assert hub.cards[later].config.expiry_date == date(2027, 6, 6)
    # Still shown in the household's calendar.
    (calendar_id,) = hass.states.async_entity_ids("calendar")
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": calendar_id,
            "start_date_time": "2027-06-01T00:00:00+08:00",
            "duration": {"days": 10},
        },
        blocking=True,
        return_response=True,
    )
    assert any(
        "Later" in event["summary"]
        for event in events[calendar_id]["events"]  # type: ignore[index,union-attr]
    )


async def test_a_card_added_gets_entities_while_there_is_room(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new card joins while it fits whole; the next one is named in the repair."""
    set_cap(monkeypatch, HOUSEHOLD + 2 * CARD)
    freezer.move_to("2026-11-22T00:30:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=HUB_OPTIONS, subentries_data=[card_subentry()]
    )
    await setup_entry(hass, entry)
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, ISSUE_ID) is None
    for number, name in enumerate(["Second", "Third"]):
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(
                    {
                        **card_subentry(
                            name=name,
                            phone_number=f"+8526123456{number}",
                            expiry_date=(date(2026, 12, 20) + timedelta(days=number)).isoformat(),
                        )["data"]
                    }
                ),
                subentry_type=SUBENTRY_CARD,
                title=name,
                unique_id=None,
            ),
        )
        await hass.async_block_till_done()
    hub = entry.runtime_data
    states = states_by_card(hass, entry)
    by_name = {config.name: card_id for card_id, config in hub.configs.items()}
    assert states[by_name["Second"]] == CARD
    assert states[by_name["Third"]] == 0
    issue = registry.async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert (issue.translation_placeholders or {})["cards"] == "- Third"
    # Deleting a card makes room: the household starts over and the repair goes.
    hass.config_entries.async_remove_subentry(entry, by_name["Second"])
    await hass.async_block_till_done()
    states = states_by_card(hass, entry)
    assert states[by_name["Third"]] == CARD
    assert registry.async_get_issue(DOMAIN, ISSUE_ID) is None


async def test_entities_of_an_earlier_release_past_the_cap_make_room(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entities a card got before it was left out are turned off, and on again when it fits."""
    freezer.move_to("2026-11-01T00:30:00+00:00")
    entry = household(4)
    await setup_entry(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    set_cap(monkeypatch, HOUSEHOLD + 2 * CARD)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await check_household_small(hass, entry, shown=2)
    assert sum(enabled_by_card(hass, entry).values()) == HOUSEHOLD + 2 * CARD

    assert await hass.config_entries.async_unload(entry.entry_id)
    monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", 10_000)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await check_household_small(hass, entry, shown=4)
    assert ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID) is None
    await move_to(hass, freezer, "2026-11-01T00:31:00+00:00")
    await check_household_small(hass, entry, shown=4)


async def test_what_a_user_turned_off_stays_off_and_makes_room(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entity the user disabled takes no room, and the integration never turns it on."""
    freezer.move_to("2026-11-01T00:30:00+00:00")
    entry = household(2)
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.config_subentry_id and entity.unique_id.endswith("_balance"):
            registry.async_update_entity(
                entity.entity_id, disabled_by=er.RegistryEntryDisabler.USER
            )
    assert await hass.config_entries.async_unload(entry.entry_id)
    set_cap(monkeypatch, HOUSEHOLD + 2 * (CARD - 1))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    states = states_by_card(hass, entry)
    assert {states[card_id] for card_id in entry.runtime_data.configs} == {CARD - 1}
    assert {
        entity.disabled_by
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if entity.unique_id.endswith("_balance")
    } == {er.RegistryEntryDisabler.USER}


def test_the_cap_is_read_from_home_assistant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where Home Assistant has no cap (before 2026.10), there is none to plan for."""
    monkeypatch.delattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", raising=False)
    assert entity_cap() is None
    set_cap(monkeypatch, 1234)
    assert entity_cap() == 1234


def test_the_option_is_read_as_on_unless_turned_off() -> None:
    """Only a stored False turns the rarely used kinds off; anything else keeps them."""
    assert HubOptions.from_options({}).rarely_used_entities
    assert HubOptions.from_options({"rarely_used_entities": "no"}).rarely_used_entities
    assert not HubOptions.from_options({"rarely_used_entities": False}).rarely_used_entities
    assert {"balance", "last_renewed", "spent_last_365_days", "record_use", "confirm_renewal"} == (
        RARELY_USED_KINDS
    )


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=20), max_size=40),
    room=st.integers(min_value=-5, max_value=300),
)
def test_fitting_cards_are_the_first_whole_ones(sizes: list[int], room: int) -> None:
    """The cards chosen are the first in order, all fit, and the next one would not."""
    order = [f"card{n}" for n in range(len(sizes))]
    by_card = dict(zip(order, sizes, strict=True))
    chosen = fitting_cards(by_card, order, room)
    assert chosen == order[: len(chosen)]
    assert sum(by_card[card] for card in chosen) <= max(room, 0) or not chosen
    if len(chosen) < len(order):
        assert sum(by_card[card] for card in chosen) + by_card[order[len(chosen)]] > room


@given(names=st.lists(st.text(max_size=5), max_size=30), limit=st.integers(0, 25))
def test_named_cards_lists_and_counts(names: list[str], limit: int) -> None:
    """Up to `limit` names are listed, in order, and the rest counted."""
    listed, more = named_cards(names, limit)
    assert listed == names[:limit]
    assert len(listed) + more == len(names)


async def test_the_options_form_turns_rarely_used_kinds_off(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """The household's options turn the rarely used kinds off for every card, and show it."""
    await setup_entry(hass, mock_entry)
    assert hass.states.get("sensor.mum_s_cmhk_balance") is not None
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["rarely_used_entities"] == {"suggested_value": True}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"reminder_days": ["7"], "reminder_time": "09:00:00", "rarely_used_entities": False},
    )
    await hass.async_block_till_done()
    assert mock_entry.options["rarely_used_entities"] is False
    for kind in ("balance", "last_renewed", "spent_last_365_days"):
        assert hass.states.get(f"sensor.mum_s_cmhk_{kind}") is None, kind
    assert hass.states.get("button.mum_s_cmhk_confirm_renewal") is None
    assert hass.states.get("sensor.mum_s_cmhk_days_until_expiry") is not None
    assert hass.states.get("button.mum_s_cmhk_renew") is not None
    result = await hass.config_entries.options.async_init(mock_entry.entry_id)
    suggested = {str(key): key.description for key in result["data_schema"].schema}
    assert suggested["rarely_used_entities"] == {"suggested_value": False}
    # The actions behind the kinds turned off still work.
    await hass.services.async_call(
        DOMAIN,
        "set_balance",
        {"entity_id": "sensor.mum_s_cmhk_status", "amount": 12},
        blocking=True,
    )
    assert mock_entry.runtime_data.cards[next(iter(mock_entry.runtime_data.cards))].balance


@pytest.mark.parametrize(("rarely_used", "shown"), [(True, 768), (False, 1110)])
async def test_twelve_hundred_cards_at_home_assistants_own_cap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    rarely_used: bool,
    shown: int,
) -> None:
    """At 10,000 entities: 768 cards of 13 entities, 1,110 with the rarely used kinds off (9)."""
    set_cap(monkeypatch, 10_000)
    freezer.move_to("2026-11-01T00:30:00+00:00")
    entry = household(1200)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "rarely_used_entities": rarely_used}
    )
    await setup_entry(hass, entry)
    states = states_by_card(hass, entry)
    assert states[None] == HOUSEHOLD
    assert sum(bool(states[card_id]) for card_id in entry.runtime_data.configs) == shown
    issue = ir.async_get(hass).async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert (issue.translation_placeholders or {})["count"] == str(1200 - shown)


@given(
    stored=st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.lists(st.booleans())
    )
)
def test_any_stored_option_reads_as_a_choice(stored: object) -> None:
    """Whatever the stored option holds, it reads as on or off, and only False is off."""
    options = HubOptions.from_options({**HUB_OPTIONS, "rarely_used_entities": stored})
    assert options.rarely_used_entities is (stored is not False)
