"""Which cards an action is about: its targets resolved into the cards of one running hub."""

from __future__ import annotations

from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, ENTITY_MATCH_ALL
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.target import (
    SelectedEntities,
    TargetSelection,
    async_extract_referenced_entity_ids,
)

from .changes import invalid_input
from .const import DOMAIN
from .hub import SimRenewConfigEntry, SimRenewHub


def _listed(value: object) -> list[str]:
    """Return a target field as a list of ids, in the order given."""
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


class _Targets:
    """Resolves a call's targets into simrenew cards."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Read the registries once for the whole call."""
        self.hass = hass
        self.devices = dr.async_get(hass)
        self.entities = er.async_get(hass)

    def hub_entry_ids(self) -> set[str]:
        """Return the ids of the hubs, which are also their devices' identifiers."""
        return {entry.entry_id for entry in self.hass.config_entries.async_entries(DOMAIN)}

    def card_of_entity(self, entity_id: str, *, named: bool) -> str | None:
        """Return the card an entity belongs to; refuse a named entity that is not a card's."""
        entity = self.entities.async_get(entity_id)
        card_id = None if entity is None or entity.platform != DOMAIN else entity.config_subentry_id
        if card_id is None and named:
            if entity is not None and entity.platform == DOMAIN:
                # The calendar, to-do list and household sensors: named as the user sees them.
                state = self.hass.states.get(entity_id)
                _refuse_household(
                    state.name if state is not None else entity.name or entity.original_name
                )
            raise invalid_input(
                "unknown_target" if entity is None else "not_a_card", target=entity_id
            )
        return card_id

    def card_of_device(self, device_id: str, *, named: bool) -> str | None:
        """Return the card a device is; refuse a named device that is not a card."""
        device = self.devices.async_get(device_id)
        if device is not None:
            ident = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
            if ident is not None and ident not in self.hub_entry_ids():
                return ident
            if ident is not None and named:
                _refuse_household(device.name_by_user or device.name)
        if named:
            _refuse_device(None if device is None else device.name_by_user or device.name or "")
        return None

    def all_cards(self) -> list[str]:
        """Return every card of every running hub."""
        return [card_id for hub in loaded_hubs(self.hass) for card_id in hub.configs]

    def card_ids(self, data: dict[str, Any]) -> list[str]:
        """Return the targeted cards: named ones in order, then those found through areas."""
        selected = async_extract_referenced_entity_ids(
            self.hass, TargetSelection(data), expand_group=False
        )
        found: list[str | None] = []
        for entity_id in _listed(data.get(ATTR_ENTITY_ID)):
            if entity_id == ENTITY_MATCH_ALL:
                found.extend(self.all_cards())
            elif entity_id in selected.referenced:
                found.append(self.card_of_entity(entity_id, named=True))
        named_devices = _listed(data.get(ATTR_DEVICE_ID))
        for device_id in named_devices:
            if device_id in selected.referenced_devices:
                found.append(self.card_of_device(device_id, named=True))
        found.extend(self._indirect(selected, set(named_devices)))
        card_ids = [card_id for card_id in dict.fromkeys(found) if card_id is not None]
        if not card_ids:
            raise invalid_input("no_card_targeted")
        return card_ids

    def _indirect(self, selected: SelectedEntities, named: set[str]) -> list[str | None]:
        """Return the cards reached through areas, floors and labels; other things are left."""
        return [
            *(
                self.card_of_device(device_id, named=False)
                for device_id in sorted(selected.referenced_devices - named)
            ),
            *(
                self.card_of_entity(entity_id, named=False)
                for entity_id in sorted(selected.indirectly_referenced)
            ),
        ]


def _refuse_household(name: str | None) -> NoReturn:
    """Refuse the household's own device or entity, by the name the user sees, never its id."""
    if name:
        raise invalid_input("household_target", target=name)
    raise invalid_input("household_target_unnamed")


def _refuse_device(name: str | None) -> NoReturn:
    """Refuse a named device that is not a card (None: none exists) by its name, never its id."""
    if name is None:
        raise invalid_input("target_not_found")
    if name:
        raise invalid_input("not_a_card", target=name)
    raise invalid_input("device_not_a_card")


# A hub being reloaded still takes changes: they go through the household's shared ledger.
RUNNING = (
    ConfigEntryState.LOADED,
    ConfigEntryState.SETUP_IN_PROGRESS,
    ConfigEntryState.UNLOAD_IN_PROGRESS,
)


def loaded_hubs(hass: HomeAssistant) -> list[SimRenewHub]:
    """Return the hubs that are running, or reloading."""
    entries: list[SimRenewConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    return [
        hub
        for entry in entries
        if entry.state in RUNNING
        and isinstance(hub := getattr(entry, "runtime_data", None), SimRenewHub)
    ]


def targeted_cards(hass: HomeAssistant, call: ServiceCall) -> tuple[SimRenewHub, list[str]]:
    """Return the hub that holds every targeted card, and the cards."""
    card_ids = _Targets(hass).card_ids(dict(call.data))
    hubs = {card_id: hub for hub in loaded_hubs(hass) for card_id in hub.configs}
    for card_id in card_ids:
        if card_id not in hubs:
            held = any(
                card_id in entry.subentries for entry in hass.config_entries.async_entries(DOMAIN)
            )
            raise invalid_input("hub_not_loaded" if held else "card_removed")
    hub = hubs[card_ids[0]]
    if any(hubs[card_id] is not hub for card_id in card_ids):
        raise invalid_input("several_households")
    return hub, card_ids
