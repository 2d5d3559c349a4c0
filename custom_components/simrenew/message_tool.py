"""The AI-agent tool that reads a carrier's message, as simrenew.read_message does.

Loaded only through the `llm` platform (Home Assistant 2026.8 and later). The tool reaches only
cards exposed to the assistant and never returns what the message said.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.llm import LLMContext, ToolAnnotations
from homeassistant.util.json import JsonObjectType

from .assist_cards import exposed_cards, find_card
from .assistant_tool import SimRenewTool
from .card_view import CardView
from .changes import invalid_input
from .const import DOMAIN
from .devices import registered_device_ids
from .hub import SimRenewHub
from .validation import vol


def _device_of(hass: HomeAssistant, hub: SimRenewHub, view: CardView) -> str | None:
    """Return a card's device id."""
    return registered_device_ids(hass, hub.entry.entry_id).get(view.card_id)


async def _read_message(
    hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
) -> JsonObjectType:
    """Read the message among the exposed cards, or the one named."""
    cards = exposed_cards(hass, llm_context.assistant)
    if args.get("card") is not None:
        cards = [find_card(cards, args["card"])]
    elif not cards:
        raise invalid_input("no_card_exposed")
    message = args.get("message")
    data: dict[str, Any] = {
        "message": message if isinstance(message, str) else "",
        "device_id": [
            device for hub, view in cards if (device := _device_of(hass, hub, view)) is not None
        ],
    }
    if isinstance(sender := args.get("sender"), str) and sender:
        data["sender"] = sender
    response = await hass.services.async_call(
        DOMAIN,
        "read_message",
        data,
        blocking=True,
        context=llm_context.context,
        return_response=True,
    )
    answer = dict(response or {})
    # What the message said stays with the card; the model learns what it did.
    return {
        key: answer.get(key)
        for key in ("outcome", "name", "expiry_date", "stated_expiry")
        if key in answer
    }


class ReadCarrierMessageTool(SimRenewTool, run=_read_message):
    """Read a carrier's message, as simrenew.read_message does."""

    name = "simrenew__ReadCarrierMessage"
    title = "Read a carrier message"
    description = (
        "Reads the text of a message from a SIM card's carrier (an SMS the user pastes or reads "
        "out) and records what it states: a renewal, a new expiry or a balance. Returns the "
        "outcome: confirmed, corrected, renewed, balance, unchanged, ambiguous, not_understood "
        "or no_card."
    )
    annotations = ToolAnnotations(destructive=False, open_world=False)
    parameters = vol.Schema(
        {
            vol.Required("message", description="The message's text"): str,
            vol.Optional("sender", description="Who sent it, as the phone shows"): str,
            vol.Optional("card", description="The card it is about, if the user says"): str,
        }
    )
