"""What the dashboard card is told about each card: never a number, a note or a reference."""

from __future__ import annotations

from typing import Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from .card_view import CardView
from .const import DOMAIN
from .devices import registered_device_ids
from .hub import SimRenewHub
from .renewal import Renewal

# The card's own entities it reads or links to, by description key.
CARD_ENTITIES = ("status", "last_renewed", "renew")


def _plan_previews(hub: SimRenewHub, view: CardView) -> list[dict[str, Any]]:
    """Return each plan with the expiry and the cost a renewal by it would record today."""
    default = view.config.default_plan
    previews: list[dict[str, Any]] = []
    for plan in view.config.plans:
        try:
            entry = hub.changes.preview_renewal(
                view.card_id, Renewal(source="card", plan=plan.name)
            )
        except HomeAssistantError:
            # A plan that cannot renew today (a date out of range) is left out of the choice.
            continue
        previews.append(
            {
                "name": plan.name,
                "new_expiry": entry["new_expiry"],
                "amount": entry.get("amount"),
                "currency": entry["currency"],
                "default": plan is default,
            }
        )
    return previews


def _period_days(view: CardView) -> int | None:
    """Return how many days one renewal by the default plan gives, for the card's bar."""
    period = view.config.period
    if period is None:
        return None
    deadline = view.state.deadline
    return (period.after(deadline) - deadline).days


def card_summary(
    hub: SimRenewHub, view: CardView, device_id: str | None, entities: dict[str, str]
) -> dict[str, Any]:
    """Return one card as the dashboard card shows it; personal data stays out."""
    config = view.config
    state = view.state
    balance = view.balance
    return {
        "card_id": view.card_id,
        "device_id": device_id,
        "name": config.name,
        "carrier": config.carrier,
        "card_type": config.card_type.value,
        "esim": config.esim,
        # Only whether there is a second number: the number itself is private.
        "second_number": config.second_phone_number is not None,
        "auto_renew": config.auto_renew,
        "status": state.status.value,
        "deadline": state.deadline.isoformat(),
        "deadline_reason": state.deadline_reason.value,
        "days_left": state.days_until_deadline,
        "expiry_date": config.expiry_date.isoformat(),
        "standing_expiry": None
        if view.standing_expiry is None
        else view.standing_expiry.isoformat(),
        "unconfirmed": view.unconfirmed,
        "grace_days": config.grace_days,
        "grace_end": view.grace_end.isoformat(),
        "period_days": _period_days(view),
        "balance": None
        if balance is None
        else {"amount": balance["amount"], "currency": balance["currency"]},
        "renewal_url": config.renewal_url,
        "plans": _plan_previews(hub, view),
        # How each renewal was paid is left to the card's own sensor, which the viewer reads.
        "receipts": [
            {
                "date": receipt.date,
                "amount": receipt.amount,
                "currency": receipt.currency,
                "channel": receipt.channel,
            }
            for receipt in view.receipts
        ],
        "entities": entities,
    }


def household_cards(hubs: list[SimRenewHub]) -> list[dict[str, Any]]:
    """Return every card of the running households, soonest deadline first."""
    cards: list[dict[str, Any]] = []
    for hub in hubs:
        registry = er.async_get(hub.hass)
        devices = registered_device_ids(hub.hass, hub.entry.entry_id)
        for card_id, view in hub.cards.items():
            if card_id not in hub.configs:
                continue
            entities = {
                key: entity_id
                for key in CARD_ENTITIES
                for domain in ("sensor", "button")
                if (entity_id := registry.async_get_entity_id(domain, DOMAIN, f"{card_id}_{key}"))
            }
            cards.append(card_summary(hub, view, devices.get(card_id), entities))
    cards.sort(key=lambda card: (card["deadline"], card["name"].casefold(), card["card_id"]))
    return cards
