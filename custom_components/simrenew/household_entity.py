"""The base of the household entities: one hub device, updated when any card changes."""

from __future__ import annotations

from typing import override

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .entity import WritesWhenShownChanges
from .hub import SimRenewHub

TEXT_KEY = f"component.{DOMAIN}.selector.calendar_event.options."


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

    _texts: dict[str, str]

    def text(self, key: str, default: str, **values: str) -> str:
        """Return a household text in Home Assistant's language, with values filled in."""
        template = self._texts.get(TEXT_KEY + key, default)
        for name, value in values.items():
            template = template.replace(f"{{{name}}}", value)
        return template

    @override
    async def async_added_to_hass(self) -> None:
        """Load the texts and follow changes to any card."""
        self._texts = await async_get_translations(
            self.hass, self.hass.config.language, "selector", [DOMAIN]
        )
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(None, self.async_hub_updated))
