"""Whether a card needs renewing now."""

from __future__ import annotations

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SimRenewCardEntity, add_card_entities
from .hub import SimRenewConfigEntry
from .model import CardStatus

PARALLEL_UPDATES = 0

RENEWAL_DUE = BinarySensorEntityDescription(
    key="renewal_due",
    translation_key="renewal_due",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the renewal-due sensor of every card."""
    hub = entry.runtime_data
    add_card_entities(
        hub, async_add_entities, lambda card_id: [SimRenewRenewalDue(hub, card_id, RENEWAL_DUE)]
    )


class SimRenewRenewalDue(SimRenewCardEntity, BinarySensorEntity):
    """On from the first reminder day until the card is renewed or lost."""

    @override
    def shown(self) -> object:
        """Return whether the card is due: all the sensor shows."""
        return self.is_on

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the card is anything but active."""
        return self.card.state.status is not CardStatus.ACTIVE
