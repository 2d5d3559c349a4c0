"""The fields every simrenew event carries about its card; free of Home Assistant."""

from __future__ import annotations

from typing import Any

from .card_view import CardView


def event_fields(view: CardView, device_id: str | None) -> dict[str, Any]:
    """Return what automations and the logbook are told of a card, with its device."""
    return {
        "card_id": view.card_id,
        "device_id": device_id,
        "name": view.config.name,
        "expiry_date": view.config.expiry_date.isoformat(),
        # While a renewal waits for the carrier's word, the deadline counts from the expiry
        # it replaced; this is the one it recorded.
        "recorded_expiry": None
        if view.recorded_expiry is None
        else view.recorded_expiry.isoformat(),
        "days_until_expiry": view.state.days_until_expiry,
        "deadline": view.state.deadline.isoformat(),
        "days_until_deadline": view.state.days_until_deadline,
        "status": view.state.status.value,
        "deadline_reason": view.state.deadline_reason.value,
        # The last day a top-up still keeps the number: the deadline when there is no grace.
        "grace_end": view.grace_end.isoformat(),
        "unconfirmed": view.unconfirmed,
        "renewal_url": view.config.renewal_url,
    }
