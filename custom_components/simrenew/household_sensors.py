"""The household's sensors: its next last day, and how many cards need something done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)

from .card_view import CardView
from .household_entity import SimRenewHouseholdEntity
from .hub import SimRenewHub
from .model import CardStatus, DeadlineReason, start_of_day


@dataclass(frozen=True, kw_only=True)
class SimRenewHouseholdSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor over all the household's cards."""

    value_fn: Callable[[SimRenewHub], int | date | None]
    attributes_fn: Callable[[SimRenewHub], dict[str, Any]] = lambda _: {}


def _ends(view: CardView, day: date) -> datetime:
    """Return the instant a card's day ends, in its zone."""
    return start_of_day(day + timedelta(days=1), view.config.time_zone)


def _next_moment(view: CardView) -> tuple[date, datetime, str] | None:
    """Return the next last day that matters for a card, the instant it ends, and what it is.

    In grace the deadline has passed: what comes next is the end of the grace period, when the
    number is lost. A lost card has nothing ahead.
    """
    if view.self_renewing and view.state.deadline_reason is DeadlineReason.EXPIRY:
        return None  # it renews itself at the end of that day: nothing to do before it
    match view.state.status:
        case CardStatus.EXPIRED:
            return None
        case CardStatus.GRACE_PERIOD:
            return view.grace_end, _ends(view, view.grace_end), "grace_end"
        case _:
            return view.state.deadline, _ends(view, view.state.deadline), "deadline"


def _soonest(hub: SimRenewHub) -> tuple[CardView, date, str] | None:
    """Return the card whose next moment comes first, with its last day and what it is.

    Cards are compared by the instant their day ends, as their zones' days end apart.
    """
    soonest: tuple[datetime, str, CardView, date, str] | None = None
    for view in hub.cards.values():
        if (found := _next_moment(view)) is None:
            continue
        candidate = (found[1], view.config.name, view, found[0], found[2])
        if soonest is None or candidate[:2] < soonest[:2]:
            soonest = candidate
    return None if soonest is None else (soonest[2], soonest[3], soonest[4])


def _soonest_attributes(hub: SimRenewHub) -> dict[str, Any]:
    """Return which card the next moment is about, and what happens to it then."""
    if (soonest := _soonest(hub)) is None:
        return {}
    view, _, kind = soonest
    return {
        "card_id": view.card_id,
        "card_name": view.config.name,
        "kind": kind,
        "status": view.state.status.value,
        "deadline": view.state.deadline.isoformat(),
        "days_until_deadline": view.state.days_until_deadline,
        "grace_end": view.grace_end.isoformat() if kind == "grace_end" else None,
        # The last day is the card's own: on its carrier's clock, which may not be this home's.
        "carrier_time_zone": view.config.time_zone.key,
    }


HOUSEHOLD_SENSORS: tuple[SimRenewHouseholdSensorEntityDescription, ...] = (
    SimRenewHouseholdSensorEntityDescription(
        key="next_expiry",
        translation_key="next_expiry",
        # The last day itself, shown as a date: the next deadline, or the grace period's end.
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda hub: None if (soonest := _soonest(hub)) is None else soonest[1],
        attributes_fn=_soonest_attributes,
    ),
    SimRenewHouseholdSensorEntityDescription(
        key="cards_due",
        translation_key="cards_due",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda hub: sum(
            view.state.status is not CardStatus.ACTIVE for view in hub.cards.values()
        ),
        attributes_fn=lambda hub: {
            "cards": [
                view.config.name
                for view in hub.cards.values()
                if view.state.status is not CardStatus.ACTIVE
            ]
        },
    ),
)


class SimRenewHouseholdSensor(SimRenewHouseholdEntity, SensorEntity):
    """A sensor over every card of the household."""

    entity_description: SimRenewHouseholdSensorEntityDescription

    @property
    @override
    def native_value(self) -> int | date | None:
        """Return the value over all cards."""
        return self.entity_description.value_fn(self.hub)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return which cards the value is about."""
        return self.entity_description.attributes_fn(self.hub)
