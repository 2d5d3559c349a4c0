"""A card comes up with its state: neither setup nor adding a card makes any entity unavailable.

A reload writes every entity of the household as "unavailable" before it comes back, and each
of those writes is a line in the activity log. Every state change is recorded here, from the
first form to the last entity written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from hypothesis import event, given, settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN, EVENT_REMINDER, SUBENTRY_CARD
from custom_components.simrenew.hub import SimRenewHub
from custom_components.simrenew.notifications import notification_id
from homeassistant.components import persistent_notification
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState, ConfigSubentry
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er

from .conftest import card_subentry, move_to, past_product, setup_entry
from .fuzzing import FUZZ_SETTINGS, card_input
from .test_config_flow import FORM_INPUT
from .test_fuzz_flows import NEW_CARD

TODAY = date(2026, 11, 22)
# Every kind of entity a card or the household has, so none is left out of the checks.
PLATFORMS = {"binary_sensor", "button", "calendar", "date", "sensor", "todo"}


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong, after the reminder time."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


# One state written: the entity, its state before (None when new) and its state after.
type Change = tuple[str, str | None, str | None]


@dataclass
class StateChanges:
    """Every state written while recording."""

    seen: list[Change] = field(default_factory=list)

    def listen(self, hass: HomeAssistant) -> CALLBACK_TYPE:
        """Record every state change from now on; return what stops recording."""

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            old, new = event.data["old_state"], event.data["new_state"]
            self.seen.append((event.data["entity_id"], old and old.state, new and new.state))

        return hass.bus.async_listen(EVENT_STATE_CHANGED, record)

    def of(self, hass: HomeAssistant, entry: ConfigEntry) -> list[Change]:
        """Return the changes of the household's entities (the entry's, by the registry)."""
        registry = er.async_get(hass)
        ours = {
            entity.entity_id
            for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        }
        return [change for change in self.seen if change[0] in ours]

    def unavailable(self, hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
        """Return the household's entities that were written as, or came back from, unavailable."""
        return [
            entity_id
            for entity_id, before, after in self.of(hass, entry)
            if STATE_UNAVAILABLE in (before, after)
        ]

    def written(self, hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
        """Return the household's entities whose state was written at all."""
        return {entity_id for entity_id, _, _ in self.of(hass, entry)}

    def first_written(self, hass: HomeAssistant, entry: ConfigEntry) -> set[str]:
        """Return the household's entities that appeared, with no state before."""
        return {entity_id for entity_id, before, _ in self.of(hass, entry) if before is None}


@pytest.fixture
def changes(hass: HomeAssistant) -> Iterator[StateChanges]:
    """Record every state change the test makes."""
    recorded = StateChanges()
    stop = recorded.listen(hass)
    yield recorded
    stop()


def entities_of(hass: HomeAssistant, entry: ConfigEntry, card_id: str | None) -> set[str]:
    """Return the enabled entities of one card (of the household itself, for None)."""
    return {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if entity.config_subentry_id == card_id and not entity.disabled
    }


def card_named(entry: ConfigEntry, name: str) -> str:
    """Return the id of the card with this name."""
    return next(card_id for card_id, card in entry.subentries.items() if card.title == name)


def only(entry: ConfigEntry) -> str:
    """Return the id of the entry's one card."""
    (card_id,) = entry.subentries
    return card_id


async def add_card(hass: HomeAssistant, entry: ConfigEntry, answers: dict[str, Any]) -> Any:
    """Answer the hub's "Add card" form and let everything it starts finish."""
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    await hass.async_block_till_done()
    return result


def assert_every_state_is_real(hass: HomeAssistant, entity_ids: set[str]) -> None:
    """Each entity has a state, and it is not unavailable."""
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.state != STATE_UNAVAILABLE, entity_id


async def test_the_first_card_comes_up_with_its_state(
    hass: HomeAssistant, changes: StateChanges
) -> None:
    """The first form's household starts with every entity in its state, never unavailable."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]

    (card_id,) = entry.subentries
    ours = entities_of(hass, entry, card_id) | entities_of(hass, entry, None)
    assert {entity_id.split(".")[0] for entity_id in ours} == PLATFORMS
    assert changes.first_written(hass, entry) == ours
    assert changes.unavailable(hass, entry) == []
    assert_every_state_is_real(hass, ours)


async def test_a_household_set_up_again_comes_up_with_its_states(
    hass: HomeAssistant, mock_entry: MockConfigEntry, changes: StateChanges
) -> None:
    """Setting up a stored household (as at a restart) writes each state once, never unavailable."""
    await setup_entry(hass, mock_entry)

    ours = entities_of(hass, mock_entry, None) | entities_of(hass, mock_entry, only(mock_entry))
    assert changes.first_written(hass, mock_entry) == ours
    assert changes.unavailable(hass, mock_entry) == []
    assert_every_state_is_real(hass, ours)


async def test_add_card_leaves_the_other_cards_alone(
    hass: HomeAssistant, mock_entry: MockConfigEntry, changes: StateChanges
) -> None:
    """Add card adds the card's entities in their states; no other entity is touched."""
    await setup_entry(hass, mock_entry)
    hub = mock_entry.runtime_data
    mum = only(mock_entry)
    others = entities_of(hass, mock_entry, mum) | entities_of(hass, mock_entry, None)
    before = {entity_id: hass.states.get(entity_id) for entity_id in others}
    changes.seen.clear()

    result = await add_card(hass, mock_entry, FORM_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY

    dad = card_named(mock_entry, "Dad's csl")
    added = entities_of(hass, mock_entry, dad)
    assert {entity_id.split(".")[0] for entity_id in added} == PLATFORMS - {"calendar", "todo"}
    assert changes.first_written(hass, mock_entry) == added
    assert changes.unavailable(hass, mock_entry) == []
    assert_every_state_is_real(hass, added)
    assert hass.states.get("sensor.dad_s_csl_days_until_expiry").state == "174"
    # The household was not reloaded: the same hub runs, and its other entities kept their states.
    assert mock_entry.runtime_data is hub
    assert mock_entry.state is ConfigEntryState.LOADED
    assert changes.written(hass, mock_entry) & others == set()
    assert {entity_id: hass.states.get(entity_id) for entity_id in others} == before


async def test_add_integration_with_a_hub_leaves_the_other_cards_alone(
    hass: HomeAssistant, mock_entry: MockConfigEntry, changes: StateChanges
) -> None:
    """A card added through "Add integration" joins the running household the same way."""
    await setup_entry(hass, mock_entry)
    hub = mock_entry.runtime_data
    changes.seen.clear()

    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["reason"] == "card_added"

    added = entities_of(hass, mock_entry, card_named(mock_entry, "Dad's csl"))
    assert added
    assert changes.first_written(hass, mock_entry) == added
    assert changes.unavailable(hass, mock_entry) == []
    assert mock_entry.runtime_data is hub


async def test_cards_added_back_to_back_join_the_running_household(
    hass: HomeAssistant, mock_entry: MockConfigEntry, changes: StateChanges
) -> None:
    """Cards added faster than the household takes them in each join it; none reloads it.

    A script or a page adding cards one after the other starts the next before the entry's
    update for the last has run: the first update to run then reads every card added so far.
    """
    await setup_entry(hass, mock_entry)
    hub = mock_entry.runtime_data
    changes.seen.clear()
    names = [f"Spare {number}" for number in range(3)]
    # A write under way (a reminder's, a renewal's) holds the history while they arrive.
    async with hub.ledger.lock:
        for name in names:
            hass.config_entries.async_add_subentry(
                mock_entry,
                ConfigSubentry(
                    **card_subentry(name=name, expiry_date="2027-03-01", phone_number=None)
                ),
            )
            await asyncio.sleep(0)
        for _ in range(5):
            await asyncio.sleep(0)
    await hass.async_block_till_done()

    assert mock_entry.runtime_data is hub
    assert changes.unavailable(hass, mock_entry) == []
    for name in names:
        card_id = card_named(mock_entry, name)
        assert card_id in hub.cards
        assert_every_state_is_real(hass, entities_of(hass, mock_entry, card_id))


async def test_a_card_added_while_the_household_starts_joins_it(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A card added after the hub read its entry, before it listens for changes, still joins."""
    start = SimRenewHub.async_start

    async def start_then_add(hub: SimRenewHub) -> None:
        await start(hub)
        hass.config_entries.async_add_subentry(
            mock_entry,
            ConfigSubentry(
                **card_subentry(name="Late card", expiry_date="2027-03-01", phone_number=None)
            ),
        )

    with patch.object(SimRenewHub, "async_start", start_then_add):
        await setup_entry(hass, mock_entry)
    await hass.async_block_till_done()
    hub = mock_entry.runtime_data
    late = card_named(mock_entry, "Late card")
    assert late in hub.cards
    assert_every_state_is_real(hass, entities_of(hass, mock_entry, late))
    assert hass.states.get("sensor.late_card_days_until_expiry") is not None


async def test_a_card_added_in_place_is_a_whole_card(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Added without a reload, a card has its history, its reminders and its household count.

    And a later reload finds the same entities, not a second set.
    """
    await setup_entry(hass, mock_entry)
    assert hass.states.get("sensor.sim_renew_cards_due").state == "1"
    soon = (TODAY + timedelta(days=3)).isoformat()

    await add_card(hass, mock_entry, {**FORM_INPUT, "expiry_date": soon})

    dad = card_named(mock_entry, "Dad's csl")
    hub = mock_entry.runtime_data
    assert hub.records[dad]["added"] == TODAY.isoformat()
    # The history file holds the card at once, so a restart keeps the day it was added.
    stored = hass_storage[f"{DOMAIN}.{mock_entry.entry_id}"]["data"]["cards"]
    assert stored[dad]["added"] == TODAY.isoformat()
    assert hass.states.get("sensor.sim_renew_cards_due").state == "2"
    assert hass.states.get("sensor.dad_s_csl_status").state == "expiring_soon"
    # Its reminders reach the household's notifications: three days before, while that day
    # lasts in Hong Kong (the test's Home Assistant, in California, would be too late at 09:00).
    reminders = async_capture_events(hass, EVENT_REMINDER)
    await move_to(hass, freezer, "2026-11-22T15:00:01+00:00")
    assert [event.data["card_id"] for event in reminders] == [dad]
    notices = persistent_notification._async_get_or_create_notifications(hass)
    assert notification_id(dad) in notices
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.dad_s_csl_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.dad_s_csl_last_renewed").state != "unknown"

    added = entities_of(hass, mock_entry, dad)
    shown = {entity_id: hass.states.get(entity_id).state for entity_id in added}
    assert await hass.config_entries.async_reload(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert entities_of(hass, mock_entry, dad) == added
    assert {entity_id: hass.states.get(entity_id).state for entity_id in added} == shown


@settings(FUZZ_SETTINGS, max_examples=max(25, FUZZ_SETTINGS.max_examples // 8))
@given(answers=card_input(NEW_CARD))
async def test_fuzz_add_card_never_makes_an_entity_unavailable(
    hass: HomeAssistant, mock_entry: MockConfigEntry, answers: dict[str, Any]
) -> None:
    """Whatever a new card's answers, refused or stored, no entity goes through unavailable."""
    if mock_entry.state is not ConfigEntryState.LOADED:
        await setup_entry(hass, mock_entry)
    mum = next(iter(mock_entry.subentries))
    recorded = StateChanges()
    stop = recorded.listen(hass)
    manager = hass.config_entries.subentries
    result = await past_product(
        hass,
        await manager.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    try:
        result = await manager.async_configure(result["flow_id"], answers)
    except InvalidData:
        event("schema error")
        manager.async_abort(result["flow_id"])
        result = None
    await hass.async_block_till_done()
    stop()
    assert recorded.unavailable(hass, mock_entry) == []
    if result is None or result["type"] is not FlowResultType.CREATE_ENTRY:
        event("refused")
        if result is not None and result["type"] is FlowResultType.FORM:
            manager.async_abort(result["flow_id"])
        # Refused answers change nothing: no entity was written.
        assert recorded.of(hass, mock_entry) == []
        return
    event("added")
    (new_card,) = set(mock_entry.subentries) - {mum}
    added = entities_of(hass, mock_entry, new_card)
    assert added
    assert recorded.first_written(hass, mock_entry) == added
    assert_every_state_is_real(hass, added)
    # Removing the card reloads the household; the next example starts from one card again.
    assert hass.config_entries.async_remove_subentry(mock_entry, new_card)
    await hass.async_block_till_done()
