"""Which cards an automation's trigger or condition is about, read from its target."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.target import TargetSelection, async_extract_referenced_entity_ids

from .card_view import CardView
from .const import DOMAIN
from .hub import SimRenewConfigEntry, SimRenewHub


def targets_anything(target: dict[str, Any] | None) -> bool:
    """Return whether a target names anything; an empty one stands for every card."""
    return target is not None and any(bool(value) for value in target.values())


def targeted_cards(hass: HomeAssistant, target: dict[str, Any] | None) -> set[str] | None:
    """Return the ids of the cards a target reaches, or None for every card.

    Read at the moment it is needed, so an area or label given to a card later counts; the
    household's own device and entities stand for each of its cards.
    """
    if target is None or not targets_anything(target):
        return None
    selected = async_extract_referenced_entity_ids(
        hass, TargetSelection(target), expand_group=False
    )
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    cards: set[str] = set()
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entities.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN:
            continue
        if entity.config_subentry_id is not None:
            cards.add(entity.config_subentry_id)
        elif entity.config_entry_id is not None:
            cards.update(_cards_of_hub(hass, entity.config_entry_id))
    hub_ids = {entry.entry_id for entry in hass.config_entries.async_entries(DOMAIN)}
    for device_id in selected.referenced_devices:
        if (device := devices.async_get(device_id)) is None:
            continue
        for domain, identifier in device.identifiers:
            if domain != DOMAIN:
                continue
            if identifier in hub_ids:
                cards.update(_cards_of_hub(hass, identifier))
            else:
                cards.add(identifier)
    return cards


def _cards_of_hub(hass: HomeAssistant, entry_id: str) -> set[str]:
    """Return the cards of one household."""
    entry = hass.config_entries.async_get_entry(entry_id)
    return set() if entry is None else set(entry.subentries)


def card_views(hass: HomeAssistant, card_ids: set[str] | None) -> list[CardView]:
    """Return the current view of each card asked for (every card for None) that is running."""
    entries: list[SimRenewConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    views: list[CardView] = []
    for entry in entries:
        hub = getattr(entry, "runtime_data", None)
        if entry.state is not ConfigEntryState.LOADED or not isinstance(hub, SimRenewHub):
            continue
        views.extend(
            view for card_id, view in hub.cards.items() if card_ids is None or card_id in card_ids
        )
    return views


def hub_of_card(hass: HomeAssistant, card_id: str) -> SimRenewHub | None:
    """Return the running hub that holds a card."""
    entries: list[SimRenewConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    for entry in entries:
        hub = getattr(entry, "runtime_data", None)
        if isinstance(hub, SimRenewHub) and not hub.stopped and card_id in hub.cards:
            return hub
    return None
