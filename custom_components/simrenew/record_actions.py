"""The record actions: correct an expiry, note a balance or activity, snooze, read a message."""

from __future__ import annotations

from typing import cast

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType

from .action_inputs import TARGET_KEYS, check_notes, snooze_days
from .action_targets import loaded_hubs, targeted_cards
from .hub import SimRenewHub
from .message_outcomes import CarrierMessage
from .message_reader import async_handle_message


async def async_set_expiry(call: ServiceCall) -> None:
    """Correct the expiry of each targeted card."""
    check_notes(call)
    hub, card_ids = targeted_cards(call.hass, call)
    await hub.changes.async_set_expiry(
        card_ids, call.data["expiry_date"], "action", call.data.get("reference")
    )


async def async_set_balance(call: ServiceCall) -> None:
    """Record the balance of each targeted card."""
    hub, card_ids = targeted_cards(call.hass, call)
    await hub.changes.async_set_balance(
        card_ids, call.data["amount"], call.data.get("currency"), call.data.get("as_of")
    )


async def async_record_activity(call: ServiceCall) -> None:
    """Record activity on each targeted card."""
    hub, card_ids = targeted_cards(call.hass, call)
    await hub.changes.async_record_activity(card_ids, call.data.get("date"))


async def async_snooze(call: ServiceCall) -> None:
    """Remind about each targeted card again after some days."""
    days = snooze_days(call.data["days"])
    hub, card_ids = targeted_cards(call.hass, call)
    await hub.changes.async_snooze(card_ids, days)


async def async_read_message(call: ServiceCall) -> ServiceResponse:
    """Read one carrier message: find its card, and record what it says."""
    targeted: dict[str, SimRenewHub] | None = None
    if any(key in call.data for key in TARGET_KEYS):
        hub, card_ids = targeted_cards(call.hass, call)
        targeted = dict.fromkeys(card_ids, hub)
    received = call.data.get("received")
    message = CarrierMessage(
        text=call.data["message"],
        sender=call.data.get("sender") or None,
        received=dt_util.utcnow() if received is None else dt_util.as_utc(received),
        # Named by the user's own call: what it states is the user's word.
        automatic=False,
    )
    answer = await async_handle_message(call.hass, loaded_hubs(call.hass), message, targeted)
    return cast(dict[str, JsonValueType], answer)
