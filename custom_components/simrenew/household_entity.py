"""The base of the household entities: one hub device, updated when any card changes."""

from __future__ import annotations

from typing import override

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Event
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from .const import DOMAIN
from .entity import WritesWhenShownChanges
from .hub import SimRenewHub
from .texts import SelectorTexts


class SimRenewHouseholdEntity(WritesWhenShownChanges):
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

    _texts: SelectorTexts

    def text(self, key: str, default: str, **values: str) -> str:
        """Return a household text in Home Assistant's language, with values filled in."""
        return self._texts.fill(key, default, **values)

    @override
    async def async_added_to_hass(self) -> None:
        """Load the texts and follow changes to any card and to Home Assistant's language."""
        self._texts = SelectorTexts(self.hass, "calendar_event")
        await self._texts.async_load()
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(None, self.async_hub_updated))
        self.async_on_remove(
            self.hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._async_core_config_updated)
        )

    async def _async_core_config_updated(self, event: Event) -> None:
        """Show the texts in the new language."""
        await self._texts.async_load()
        self.hub.calendar_version += 1
        self.async_hub_updated()
