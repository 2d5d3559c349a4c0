"""Whether a card needs renewing now, and whether its last renewal waits for a check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .card_view import CardView
from .entity import SimRenewCardEntity, add_card_entities
from .hub import SimRenewConfigEntry
from .model import CardStatus

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SimRenewBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A card's yes-or-no question, answered from its view."""

    is_on_fn: Callable[[CardView], bool]


BINARY_SENSORS: tuple[SimRenewBinarySensorEntityDescription, ...] = (
    # On from the first reminder day until the card is renewed or lost.
    SimRenewBinarySensorEntityDescription(
        key="renewal_due",
        translation_key="renewal_due",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda card: card.state.status is not CardStatus.ACTIVE,
    ),
    # On from a renewal recorded without the carrier's date until it is confirmed or undone.
    SimRenewBinarySensorEntityDescription(
        key="unconfirmed_renewal",
        translation_key="unconfirmed_renewal",
        is_on_fn=lambda card: card.unconfirmed,
    ),
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
            SimRenewBinarySensor(hub, card_id, description) for description in BINARY_SENSORS
        ],
    )


class SimRenewBinarySensor(SimRenewCardEntity, BinarySensorEntity):
    """One of a card's binary sensors."""

    entity_description: SimRenewBinarySensorEntityDescription

    @override
    def shown(self) -> object:
        """Return the answer: all the sensor shows."""
        return self.is_on

    @property
    @override
    def is_on(self) -> bool:
        """Return the answer for the card as it is now."""
        return self.entity_description.is_on_fn(self.card)
