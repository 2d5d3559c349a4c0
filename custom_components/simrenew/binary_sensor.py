"""Whether a card needs renewing now, and whether its last renewal waits for a check."""

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

UNCONFIRMED_RENEWAL = BinarySensorEntityDescription(
    key="unconfirmed_renewal", translation_key="unconfirmed_renewal"
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every card."""
    hub = entry.runtime_data
    add_card_entities(
        hub,
        async_add_entities,
        lambda card_id: [
            SimRenewRenewalDue(hub, card_id, RENEWAL_DUE),
            SimRenewUnconfirmed(hub, card_id, UNCONFIRMED_RENEWAL),
        ],
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


class SimRenewUnconfirmed(SimRenewCardEntity, BinarySensorEntity):
    """On from a renewal recorded without the carrier's date until it is confirmed or undone."""

    @override
    def shown(self) -> object:
        """Return whether a renewal waits for confirmation: all the sensor shows."""
        return self.is_on

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the card's last renewal waits for confirmation."""
        return self.card.unconfirmed
