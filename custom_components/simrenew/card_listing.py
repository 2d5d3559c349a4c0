"""What one card's listing says, for scripts (simrenew.list_cards) and AI agents alike."""

from __future__ import annotations

from homeassistant.util.json import JsonValueType

from .card_view import CardView
from .plans import described_plans


def card_listing(view: CardView) -> dict[str, JsonValueType]:
    """Return a card's deadline, days left, status and plans; never its numbers or notes."""
    return {
        "card_id": view.card_id,
        "name": view.config.name,
        "carrier": view.config.carrier,
        "expiry_date": view.config.expiry_date.isoformat(),
        "deadline": view.state.deadline.isoformat(),
        "days_until_expiry": view.state.days_until_expiry,
        "days_until_deadline": view.state.days_until_deadline,
        "status": view.state.status.value,
        "deadline_reason": view.state.deadline_reason.value,
        "unconfirmed": view.unconfirmed,
        "balance": None if view.balance is None else view.balance["amount"],
        "balance_currency": None if view.balance is None else view.balance["currency"],
        "renewal_url": view.config.renewal_url,
        "esim": view.config.esim,
        "default_plan": None if view.config.default_plan is None else view.config.default_plan.name,
        "plans": [*described_plans(view.config.plans, view.config.default_plan)],
    }


def soonest_first(views: list[CardView]) -> list[CardView]:
    """Return cards by deadline, the soonest first; a tie by name."""
    return sorted(views, key=lambda view: (view.state.deadline, view.config.name.casefold()))
