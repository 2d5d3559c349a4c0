"""Sensors of a card: days left, the instant it stops working, its status; and the household's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .card_view import CardView
from .carrier_presets import async_get_presets, balance_checks
from .entity import SimRenewCardEntity, add_card_entities
from .household_sensors import HOUSEHOLD_SENSORS, SimRenewHouseholdSensor
from .hub import SimRenewConfigEntry
from .model import CardStatus

PARALLEL_UPDATES = 0
RECEIPTS = "receipts"


@dataclass(frozen=True, kw_only=True)
class SimRenewSensorEntityDescription(SensorEntityDescription):
    """Describes a card sensor and how to read its value."""

    value_fn: Callable[[CardView], int | float | str | date | datetime | None]
    unit_fn: Callable[[CardView], str | None] | None = None
    attributes_fn: Callable[[CardView], dict[str, Any]] | None = None


SENSORS: tuple[SimRenewSensorEntityDescription, ...] = (
    SimRenewSensorEntityDescription(
        key="days_until_expiry",
        translation_key="days_until_expiry",
        # A duration in days is shown in the user's language ("20天", "20d"); the state stays a
        # whole number of days with the unit "d", which a translated unit would replace.
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        value_fn=lambda card: card.state.days_until_expiry,
    ),
    # The date people read: a timestamp shows as "in 3 weeks" on every screen, a date as a date.
    SimRenewSensorEntityDescription(
        key="valid_until",
        translation_key="valid_until",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda card: card.config.expiry_date,
        attributes_fn=lambda card: {
            # Carriers say "valid until 23:59": that minute on the carrier's own clock.
            "ends_at": card.state.expires_at.astimezone(card.config.time_zone).isoformat(),
            "carrier_time_zone": card.config.time_zone.key,
        },
    ),
    # The last day a top-up still keeps the number: the deadline, or the end of its grace.
    SimRenewSensorEntityDescription(
        key="number_kept_until",
        translation_key="number_kept_until",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda card: card.grace_end,
        attributes_fn=lambda card: {"grace_days": card.config.grace_days},
    ),
    # The instant, for automations' time triggers. Off until wanted: every screen, the device
    # page included even when hidden, shows a timestamp as "in 3 weeks".
    SimRenewSensorEntityDescription(
        key="expires_at",
        translation_key="expires_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_registry_enabled_default=False,
        value_fn=lambda card: card.state.expires_at,
    ),
    SimRenewSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in CardStatus],
        value_fn=lambda card: card.state.status.value,
        attributes_fn=lambda card: {
            "deadline": card.state.deadline.isoformat(),
            "deadline_reason": card.state.deadline_reason.value,
            "unconfirmed": card.unconfirmed,
            # The deadline still counts from the expiry before a renewal nobody confirmed.
            "recorded_expiry": None
            if card.recorded_expiry is None
            else card.recorded_expiry.isoformat(),
            "esim": card.config.esim,
            # Whose clock the days are counted on, which may not be Home Assistant's.
            "carrier_time_zone": card.config.time_zone.key,
        },
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
        # The last receipts, with how each was paid, are shown here on the card's device: the
        # logbook can only show what its event carries, and an event reaches every automation
        # and the event table, so it never says how a renewal was paid. State attributes stay
        # out of the integration's logs and diagnostics, and these out of the recorder too.
        attributes_fn=lambda card: {RECEIPTS: [receipt.as_dict() for receipt in card.receipts]},
    ),
    SimRenewSensorEntityDescription(
        key="spent_last_365_days",
        translation_key="spent_last_365_days",
        device_class=SensorDeviceClass.MONETARY,
        suggested_display_precision=2,
        value_fn=lambda card: card.spent_last_365_days,
        unit_fn=lambda card: card.config.currency,
        # Renewals paid in another currency count too, each in its own total.
        attributes_fn=lambda card: {"by_currency": card.spent_by_currency},
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every card, each under its own subentry."""
    hub = entry.runtime_data
    presets = await async_get_presets(hass)
    async_add_entities(
        SimRenewHouseholdSensor(hub, description) for description in HOUSEHOLD_SENSORS
    )

    def build(card_id: str) -> list[SimRenewCardSensor]:
        sensors = [SimRenewCardSensor(hub, card_id, description) for description in SENSORS]
        # Only a card made from a product whose code is known gets one: no empty sensor.
        if checks := balance_checks(presets, entry.subentries[card_id].data):
            sensors.append(SimRenewCardSensor(hub, card_id, balance_check_description(checks)))
        return sensors

    add_card_entities(hub, async_add_entities, build)


def balance_check_description(checks: list[dict[str, str]]) -> SimRenewSensorEntityDescription:
    """Describe the sensor that shows how to ask the carrier for the balance: "*#137*137#"."""
    codes = ", ".join(check["code"] for check in checks)
    return SimRenewSensorEntityDescription(
        key="balance_check",
        translation_key="balance_check",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda _card: codes,
        attributes_fn=lambda _card: {"checks": checks},
    )


class SimRenewCardSensor(SimRenewCardEntity, SensorEntity):
    """A sensor whose value comes from its description's `value_fn`."""

    entity_description: SimRenewSensorEntityDescription
    # The history file keeps the receipts: the database need not hold payment methods again.
    _unrecorded_attributes = frozenset({RECEIPTS})

    @override
    def shown(self) -> object:
        """Return the value, its unit and attributes: all a card sensor shows."""
        card = self.card
        unit = self.entity_description.unit_fn
        return (
            self.entity_description.value_fn(card),
            None if unit is None else unit(card),
            self.extra_state_attributes,
        )

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the description's attributes for the card, if it has any."""
        attributes = self.entity_description.attributes_fn
        return None if attributes is None else attributes(self.card)

    @property
    @override
    def native_value(self) -> int | float | str | date | datetime | None:
        """Return the value for the card's current state."""
        return self.entity_description.value_fn(self.card)

    @property
    @override
    def native_unit_of_measurement(self) -> str | None:
        """Return the currency for money, else the description's unit."""
        if self.entity_description.unit_fn is not None:
            return self.entity_description.unit_fn(self.card)
        return super().native_unit_of_measurement
