"""The renewal actions: record a renewal, confirm it, or take it back."""

from __future__ import annotations

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.util.json import JsonValueType

from .action_inputs import check_notes
from .action_targets import targeted_cards
from .hub import SimRenewHub
from .renewal import Renewal


async def async_renew(call: ServiceCall) -> ServiceResponse:
    """Record a renewal on each targeted card: all of them, or none."""
    check_notes(call)
    hub, card_ids = targeted_cards(call.hass, call)
    renewed = await hub.changes.async_renew(
        card_ids,
        Renewal(
            source="action",
            renewal_date=call.data.get("date"),
            amount=call.data.get("amount"),
            currency=call.data.get("currency"),
            channel=call.data["channel"],
            payment_method=call.data.get("payment_method"),
            reference=call.data.get("reference"),
            new_expiry=call.data.get("new_expiry"),
            plan=call.data.get("plan"),
        ),
    )
    results: list[JsonValueType] = [
        {
            "card_id": card_id,
            "name": hub.configs[card_id].name if card_id in hub.configs else None,
            "old_expiry": old.isoformat(),
            "new_expiry": new.isoformat(),
            "plan": _plan_used(hub, card_id, call.data.get("plan")),
        }
        for card_id, old, new in renewed
    ]
    return {"cards": results}


def _plan_used(hub: SimRenewHub, card_id: str, asked: str | None) -> str | None:
    """Return the name of the plan a renewal used: the one asked for, or the default."""
    if (config := hub.configs.get(card_id)) is None:
        return None
    plan = config.default_plan if asked is None else config.plan_named(asked)
    return None if plan is None else plan.name


async def async_confirm_renewal(call: ServiceCall) -> None:
    """Confirm each targeted card's last renewal, with the date the carrier shows if given."""
    hub, card_ids = targeted_cards(call.hass, call)
    await hub.changes.async_confirm_renewal(card_ids, call.data.get("expiry_date"))


async def async_undo_renewal(call: ServiceCall) -> ServiceResponse:
    """Take back each targeted card's last renewal."""
    hub, card_ids = targeted_cards(call.hass, call)
    undone = await hub.changes.async_undo_renewal(card_ids)
    results: list[JsonValueType] = [
        {"card_id": card_id, "old_expiry": old.isoformat(), "new_expiry": new.isoformat()}
        for card_id, old, new in undone
    ]
    return {"cards": results}
