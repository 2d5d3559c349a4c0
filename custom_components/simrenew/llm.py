"""Tools for AI conversation agents (Home Assistant 2026.8 and later, through its `llm` platform).

Earlier releases have no `llm` integration and never load this module; the built-in agent's
intents work on every release. The tools reach only cards exposed to the assistant, change
cards only through simrenew's own actions, and never return a number, a note or a reference.
"""

from __future__ import annotations

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.llm import LLM_API_ASSIST, LLMContext

from .assist_cards import exposed_cards
from .card_tools import ConfirmRenewalTool, ListCardsTool, RecordRenewalTool
from .message_tool import ReadCarrierMessageTool

PROMPT = (
    "SIM Renew keeps prepaid SIM cards alive; a number not renewed in time is lost for good. "
    "A card's deadline is the day it must be renewed by, in the carrier's own time zone: its "
    "expiry, or earlier when the card must be used by then (deadline_reason 'activity'). "
    "After the deadline some carriers allow grace: a renewal until grace_end still keeps the "
    "number; after that it is gone. A renewal recorded without the date the carrier shows is "
    "unconfirmed: until it is confirmed, the old deadline still stands. Use "
    "simrenew__ListCards to answer questions about cards, and say dates and days left as "
    "people say them. Record or confirm a renewal only when the user says it happened."
)


@callback
def async_get_tools(hass: HomeAssistant, llm_context: LLMContext, api_id: str) -> LLMTools | None:
    """Return simrenew's tools for the Assist API, when a card is exposed to the assistant."""
    if api_id != LLM_API_ASSIST or not exposed_cards(hass, llm_context.assistant):
        return None
    return LLMTools(
        tools=[
            ListCardsTool(),
            RecordRenewalTool(),
            ConfirmRenewalTool(),
            ReadCarrierMessageTool(),
        ],
        prompt=PROMPT,
    )
