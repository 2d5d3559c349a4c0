"""Sensors of a card: days left, the instant it stops working, and its status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import SimRenewCardEntity
from .hub import CardView, SimRenewConfigEntry
from .model import CardStatus

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SimRenewSensorEntityDescription(SensorEntityDescription):
    """Describes a card sensor and how to read its value."""

    value_fn: Callable[[CardView], int | float | str | datetime | None]
    unit_fn: Callable[[CardView], str | None] | None = None


SENSORS: tuple[SimRenewSensorEntityDescription, ...] = (
    SimRenewSensorEntityDescription(
        key="days_until_expiry",
        translation_key="days_until_expiry",
        native_unit_of_measurement=UnitOfTime.DAYS,
        value_fn=lambda card: card.state.days_until_expiry,
    ),
    SimRenewSensorEntityDescription(
        key="expires_at",
        translation_key="expires_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda card: card.state.expires_at,
    ),
    SimRenewSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in CardStatus],
        value_fn=lambda card: card.state.status.value,
    ),
    SimRenewSensorEntityDescription(
        key="balance",
        translation_key="balance",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        value_fn=lambda card: None if card.balance is None else card.balance["amount"],
        unit_fn=lambda card: (
            card.config.currency if card.balance is None else card.balance["currency"]
        ),
    ),
    SimRenewSensorEntityDescription(
        key="last_renewed",
        translation_key="last_renewed",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda card: card.last_renewed,
    ),
    SimRenewSensorEntityDescription(
        key="spent_last_365_days",
        translation_key="spent_last_365_days",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        value_fn=lambda card: card.spent_last_365_days,
        unit_fn=lambda card: card.config.currency,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every card, each under its own subentry."""
    hub = entry.runtime_data
    for card_id in hub.cards:
        async_add_entities(
            (SimRenewCardSensor(hub, card_id, description) for description in SENSORS),
            config_subentry_id=card_id,
        )


class SimRenewCardSensor(SimRenewCardEntity, SensorEntity):
    """A sensor whose value comes from its description's `value_fn`."""

    entity_description: SimRenewSensorEntityDescription

    @property
    @override
    def native_value(self) -> int | float | str | datetime | None:
        """Return the value for the card's current state."""
        return self.entity_description.value_fn(self.card)

    @property
    @override
    def native_unit_of_measurement(self) -> str | None:
        """Return the currency for money, else the description's unit."""
        if self.entity_description.unit_fn is not None:
            return self.entity_description.unit_fn(self.card)
        return super().native_unit_of_measurement
