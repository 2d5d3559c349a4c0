"""Room under Home Assistant's cap on one entry's entities: which cards get theirs, and a repair.

Home Assistant 2026.10 and later add at most a fixed number of enabled entities to one config
entry and silently leave out the rest, whichever platform comes last. The household's own
entities are counted first; then whole cards, soonest deadline first. Cards left out keep their
devices, reminders, notifications and actions; a repair names them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import ATTR_RESTORED, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    entity_platform,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.entity import EntityDescription

from . import binary_sensor, button, calendar, date as date_platform, sensor, todo
from .card_config import CardConfig
from .const import DOMAIN
from .entity_budget import RARELY_USED_KINDS, fitting_cards, named_cards
from .household_sensors import HOUSEHOLD_SENSORS
from .model import start_of_day

if TYPE_CHECKING:
    from .hub import SimRenewHub

ISSUE_ID = "cards_without_entities"
# A repair lists this many of the cards left out by name; the rest are counted.
NAMES_LISTED = 20

HOUSEHOLD_KINDS: tuple[tuple[Platform, EntityDescription], ...] = (
    *((Platform.SENSOR, description) for description in HOUSEHOLD_SENSORS),
    (Platform.CALENDAR, calendar.CALENDAR),
    (Platform.TODO, todo.RENEWALS),
)


def entity_cap() -> int | None:
    """Return Home Assistant's cap on one entry's enabled entities; None where it has none."""
    # Read when asked, not at import: 2026.3 to 2026.9 have no cap, and tests lower it.
    cap = getattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", None)
    return cap if isinstance(cap, int) else None


def card_kinds(config: CardConfig) -> list[tuple[Platform, EntityDescription]]:
    """Return every entity a card can have, with its platform."""
    return [
        *((Platform.SENSOR, description) for description in sensor.SENSORS),
        *((Platform.BINARY_SENSOR, description) for description in binary_sensor.BINARY_SENSORS),
        *((Platform.BUTTON, description) for description in button.card_buttons(config)),
        (Platform.DATE, date_platform.EXPIRY_DATE),
    ]


@dataclass
class EntityPlan:
    """Which cards have entities, which kinds no card gets, and the room left for new cards."""

    cards: set[str]
    off_kinds: frozenset[str]
    # Entities that still fit under the cap; None where Home Assistant has no cap.
    room: int | None
    # The cards left without entities, soonest deadline first.
    left_out: list[str] = field(default_factory=list)

    @callback
    def admit(self, hass: HomeAssistant, hub: SimRenewHub, card_ids: list[str]) -> list[str]:
        """Give cards added while the household runs their entities, where they fit whole."""
        registry = er.async_get(hass)
        by_card = _entries_by_card(registry, hub.entry.entry_id)
        admitted: list[str] = []
        for card_id in card_ids:
            config = hub.configs[card_id]
            size = _card_size(registry, card_id, config, self.off_kinds, by_card[card_id])
            if self.room is not None and size > self.room:
                self.left_out.append(card_id)
                _leave_out(registry, by_card[card_id])
                continue
            if self.room is not None:
                self.room -= size
            self.cards.add(card_id)
            _keep(registry, card_id, config, self.off_kinds, by_card[card_id])
            admitted.append(card_id)
        async_sync_room_issue(hass, hub, self)
        return admitted


def _entries_by_card(
    registry: er.EntityRegistry, entry_id: str
) -> defaultdict[str | None, list[er.RegistryEntry]]:
    """Return the entry's registered entities by the card (subentry) they belong to."""
    by_card: defaultdict[str | None, list[er.RegistryEntry]] = defaultdict(list)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        by_card[entity.config_subentry_id].append(entity)
    return by_card


def _kind(card_id: str, entity: er.RegistryEntry) -> str:
    """Return the kind of a card's registered entity: its unique id without the card's id."""
    return entity.unique_id.removeprefix(f"{card_id}_")


def _wanted(
    card_id: str, config: CardConfig, off_kinds: frozenset[str]
) -> dict[tuple[str, str], EntityDescription]:
    """Return the card's entities to add, by platform and unique id."""
    return {
        (platform.value, f"{card_id}_{description.key}"): description
        for platform, description in card_kinds(config)
        if description.key not in off_kinds
    }


def _card_size(
    registry: er.EntityRegistry,
    card_id: str,
    config: CardConfig,
    off_kinds: frozenset[str],
    registered: list[er.RegistryEntry],
) -> int:
    """Return how many enabled entities the card holds once it has its entities."""
    wanted = _wanted(card_id, config, off_kinds)
    size = 0
    for entity in registered:
        description = wanted.pop((entity.domain, entity.unique_id), None)
        if _kind(card_id, entity) in off_kinds:
            continue
        # Every enabled entity counts, also one no platform adds now: Home Assistant counts it.
        size += entity.disabled_by is None or (
            description is not None and _integration_turned_off(entity, description)
        )
    return size + sum(
        description.entity_registry_enabled_default for description in wanted.values()
    )


def _integration_turned_off(entity: er.RegistryEntry, description: EntityDescription) -> bool:
    """Return whether an entity on by default is off only because this integration turned it off."""
    return (
        entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        and description.entity_registry_enabled_default
    )


@callback
def _leave_out(registry: er.EntityRegistry, registered: list[er.RegistryEntry]) -> None:
    """Turn off a card's registered entities, which would take room under the cap otherwise."""
    for entity in registered:
        if entity.disabled_by is None:
            registry.async_update_entity(
                entity.entity_id, disabled_by=er.RegistryEntryDisabler.INTEGRATION
            )
        # Unloading left an "unavailable" stand-in, which an entity no longer added would keep
        # until Home Assistant restarts.
        state = registry.hass.states.get(entity.entity_id)
        if state is not None and state.attributes.get(ATTR_RESTORED):
            registry.hass.states.async_remove(entity.entity_id)


@callback
def _keep(
    registry: er.EntityRegistry,
    card_id: str,
    config: CardConfig,
    off_kinds: frozenset[str],
    registered: list[er.RegistryEntry],
) -> None:
    """Turn a card's entities back on that this integration turned off; turn off the off kinds.

    What the user turned off stays off.
    """
    wanted = _wanted(card_id, config, off_kinds)
    for entity in registered:
        if _kind(card_id, entity) in off_kinds:
            _leave_out(registry, [entity])
            continue
        description = wanted.get((entity.domain, entity.unique_id))
        if description is not None and _integration_turned_off(entity, description):
            registry.async_update_entity(entity.entity_id, disabled_by=None)


def _deadline_order(hub: SimRenewHub) -> list[str]:
    """Return the cards soonest deadline first; a card whose state is unknown comes last."""

    def key(card_id: str) -> tuple[bool, float, str]:
        if (view := hub.cards.get(card_id)) is None:
            return (True, 0.0, card_id)
        # A deadline ends with the card's day on its carrier's clock: zones end days apart.
        ends = start_of_day(view.state.deadline + timedelta(days=1), view.config.time_zone)
        return (False, ends.timestamp(), card_id)

    return sorted(hub.configs, key=key)


@callback
def async_plan_entities(hass: HomeAssistant, hub: SimRenewHub) -> EntityPlan:
    """Decide which cards get entities, set the registry to match, and raise or clear the repair.

    Called before the platforms are set up, so that each adds exactly the cards chosen here.
    """
    cap = entity_cap()
    off_kinds = frozenset() if hub.options.rarely_used_entities else RARELY_USED_KINDS
    registry = er.async_get(hass)
    by_card = _entries_by_card(registry, hub.entry.entry_id)
    household_ids = {
        f"{hub.entry.entry_id}_{description.key}" for _, description in HOUSEHOLD_KINDS
    }
    # The household's own entities first, and any other enabled one but those of a deleted
    # card, which Home Assistant is removing.
    used = len(HOUSEHOLD_KINDS) + sum(
        entity.disabled_by is None
        for card_id, entities in by_card.items()
        if card_id is None or (card_id in hub.entry.subentries and card_id not in hub.configs)
        for entity in entities
        if entity.unique_id not in household_ids
    )
    sizes = {
        card_id: _card_size(registry, card_id, config, off_kinds, by_card[card_id])
        for card_id, config in hub.configs.items()
    }
    order = _deadline_order(hub)
    chosen = order if cap is None else fitting_cards(sizes, order, cap - used)
    plan = EntityPlan(
        cards=set(chosen),
        off_kinds=off_kinds,
        room=None if cap is None else cap - used - sum(sizes[card_id] for card_id in chosen),
        left_out=order[len(chosen) :],
    )
    for card_id in order:
        if card_id in plan.cards:
            _keep(registry, card_id, hub.configs[card_id], off_kinds, by_card[card_id])
        else:
            _leave_out(registry, by_card[card_id])
    async_sync_room_issue(hass, hub, plan)
    return plan


@callback
def async_sync_room_issue(hass: HomeAssistant, hub: SimRenewHub, plan: EntityPlan) -> None:
    """Name the cards left without entities, and what makes room for them; clear it when none."""
    left_out = [card_id for card_id in plan.left_out if card_id in hub.configs]
    if not left_out:
        ir.async_delete_issue(hass, DOMAIN, ISSUE_ID)
        return
    names, more = named_cards((hub.configs[card_id].name for card_id in left_out), NAMES_LISTED)
    listed = "\n".join(f"- {name}" for name in names)
    if more:
        listed += f"\n- … (+{more})"
    ir.async_create_issue(
        hass,
        DOMAIN,
        ISSUE_ID,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_ID if plan.off_kinds else f"{ISSUE_ID}_rarely_used_on",
        translation_placeholders={
            "count": str(len(left_out)),
            "total": str(len(hub.configs)),
            "cap": str(entity_cap()),
            "cards": listed,
        },
    )
