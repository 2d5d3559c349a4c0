"""The base of the household entities: one hub device, updated when any card changes."""

from __future__ import annotations

from typing import override

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .hub import SimRenewHub


class SimRenewHouseholdEntity(Entity):
    """An entity that shows all the household's cards together."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: SimRenewHub, description: EntityDescription) -> None:
        """Bind the entity to the hub's device."""
        self.hub = hub
        self.entity_description = description
        self._attr_unique_id = f"{hub.entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, hub.entry.entry_id)},
            translation_key="household",
            entry_type=DeviceEntryType.SERVICE,
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Follow changes to any card."""
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(None, self.async_write_ha_state))
