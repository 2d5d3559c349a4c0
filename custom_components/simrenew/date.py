"""The editable expiry date of a card; setting it records a manual correction."""

from __future__ import annotations

from datetime import date
from typing import override

from homeassistant.components.date import DateEntity, DateEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SimRenewCardEntity, add_card_entities
from .hub import SimRenewConfigEntry

PARALLEL_UPDATES = 0

# The expiry is part of the card's settings: changing it corrects them, it operates nothing.
EXPIRY_DATE = DateEntityDescription(
    key="expiry_date", translation_key="expiry_date", entity_category=EntityCategory.CONFIG
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the expiry date entity of every card."""
    hub = entry.runtime_data
    add_card_entities(
        hub, async_add_entities, lambda card_id: [SimRenewExpiryDate(hub, card_id, EXPIRY_DATE)]
    )


class SimRenewExpiryDate(SimRenewCardEntity, DateEntity):
    """The last day the card works, as the user can correct it."""

    @override
    def shown(self) -> object:
        """Return the expiry date: all the entity shows."""
        return self.native_value

    @property
    @override
    def native_value(self) -> date:
        """Return the stored expiry date."""
        return self.card.config.expiry_date

    @override
    async def async_set_value(self, value: date) -> None:
        """Record a corrected expiry date."""
        await self.hub.changes.async_set_expiry([self.card_id], value, source="date_entity")
