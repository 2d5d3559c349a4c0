"""Entities chosen in a form: by entity id, once each, and only ones that exist."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er


def chosen_entity_ids(
    hass: HomeAssistant, values: list[str], domains: tuple[str, ...]
) -> list[str] | None:
    """Return the chosen entities by entity id, once each; None if one is missing or another's.

    An entity must exist (in the registry or with a state): a typed name of none would take
    reminders, or messages, nowhere.
    """
    # The entity picker may hand back registry ids, which the hub would not find.
    registry = er.async_get(hass)
    chosen: list[str] = []
    for value in values:
        entity_id = er.async_resolve_entity_id(registry, value)
        if entity_id is None or entity_id.split(".", 1)[0] not in domains:
            return None
        if registry.async_get(entity_id) is None and hass.states.get(entity_id) is None:
            return None
        chosen.append(entity_id)
    return list(dict.fromkeys(chosen))
