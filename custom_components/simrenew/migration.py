"""Brings a household's stored cards up to the current layout; nothing a user entered is lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .const import LOGGER, SUBENTRY_CARD
from .plan_form import CONF_DEFAULT_PLAN, PeriodNamer, async_period_texts
from .plans import stored_period


def with_named_plan(data: Mapping[str, Any], label: PeriodNamer) -> dict[str, Any] | None:
    """Return a card's data with its period named as its default plan; None if nothing changes.

    The period, unit and cost stay where they are: they are the default plan.
    """
    if CONF_DEFAULT_PLAN in data or (period := stored_period(data)) is None:
        return None
    return {**data, CONF_DEFAULT_PLAN: label(period)}


async def async_migrate_cards(hass: HomeAssistant, entry: ConfigEntry[Any]) -> bool:
    """Bring the household's cards up to the current layout; refuse a newer major one.

    A newer minor layout only adds to this one, so it still loads. (Recent Home Assistant
    releases refuse a newer major layout themselves; older ones ask here.)
    """
    if entry.version > 1:
        LOGGER.error("SIM Renew was set up by a newer release; install that release to load it")
        return False
    if entry.minor_version < 2:
        # 1.2 names each card's renewal period as its default plan.
        texts = await async_period_texts(hass)
        for subentry in list(entry.subentries.values()):
            if subentry.subentry_type != SUBENTRY_CARD:
                continue
            if (data := with_named_plan(subentry.data, texts.label)) is not None:
                hass.config_entries.async_update_subentry(entry, subentry, data=data)
        hass.config_entries.async_update_entry(entry, minor_version=2)
    if entry.minor_version < 3:
        # 1.3 hides the "valid until" instant, which every screen shows as "in 3 weeks": the
        # date sensors beside it show the day. New cards start with it disabled; an existing
        # one stays enabled, for the automations that may use it, and a user can show it again.
        registry = er.async_get(hass)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.unique_id.endswith("_expires_at") and entity.hidden_by is None:
                registry.async_update_entity(
                    entity.entity_id, hidden_by=er.RegistryEntryHider.INTEGRATION
                )
        hass.config_entries.async_update_entry(entry, minor_version=3)
    return True
