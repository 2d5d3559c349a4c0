"""Tools for AI conversation agents (Home Assistant 2026.8 and later, through its `llm` platform).

Earlier releases have no `llm` integration and never load this module; the built-in agent's
intents work on every release. The tools reach only cards exposed to the assistant, change
cards only through simrenew's own actions, and never return a number, a note or a reference.
"""

from __future__ import annotations

from datetime import date
from typing import Any, override

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    LLMContext,
    Tool,
    ToolAnnotations,
    ToolInput,
    ToolResult,
)
from homeassistant.util.json import JsonObjectType, JsonValueType

from .action_inputs import number, whole_number
from .assist_cards import (
    MAX_SPOKEN_NAME,
    async_confirm,
    async_record_renewal,
    async_refusal,
    async_say,
    current_view,
    exposed_cards,
    find_card,
)
from .card_answers import card_answer
from .card_listing import card_listing
from .card_names import match_card
from .card_view import CardView
from .changes import invalid_input
from .const import DOMAIN
from .devices import registered_device_ids
from .hub import SimRenewHub
from .model import CardStatus
from .validation import vol

MAX_DUE_DAYS = 400
STATUSES = [status.value for status in CardStatus]

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


class _SimRenewTool(Tool):
    """A simrenew tool: refusals come back in the user's language, for the model to correct."""

    integration = DOMAIN

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult:
        """Run the tool; a refusal is a result the model reads, not a failure."""
        try:
            data = await self.async_run(hass, dict(tool_input.tool_args), llm_context)
        except HomeAssistantError as err:
            return ToolResult(
                data={"error": await async_refusal(hass, err, llm_context.language)}, error=True
            )
        return ToolResult(data=data)

    async def async_run(
        self, hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
    ) -> JsonObjectType:
        """Return the tool's answer."""
        raise NotImplementedError


async def _described(
    hass: HomeAssistant, view: CardView, language: str | None
) -> dict[str, JsonValueType]:
    """Return what a model may know of a card: the listing, grace, cost and a summary."""
    plan = view.config.default_plan
    facts = card_listing(view)
    del facts["card_id"]
    return {
        **facts,
        "grace_end": view.grace_end.isoformat(),
        "recorded_expiry": None
        if view.recorded_expiry is None
        else view.recorded_expiry.isoformat(),
        "default_plan_cost": view.config.renewal_cost if plan is None else plan.cost,
        "currency": view.config.currency,
        "today": view.state.today.isoformat(),
        "summary": await async_say(hass, language, card_answer(view, language or "en")),
    }


def _card_name(args: dict[str, Any]) -> object:
    """Return the card's name as the model gave it."""
    return args.get("card")


def _day(value: object) -> date | None:
    """Return a date given as year-month-day; refuse anything else in words."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise invalid_input("not_a_date", date=str(value)[:20]) from None


class ListCardsTool(_SimRenewTool):
    """Every exposed card, or those matching a name, a status or a number of days."""

    name = "simrenew__ListCards"
    title = "List SIM cards"
    description = (
        "Lists the household's prepaid SIM cards, soonest deadline first: name, carrier, expiry, "
        "deadline and why, days left, status, grace end, whether a renewal is unconfirmed, the "
        "default plan and its cost, the official renewal page, and a summary to read out. "
        "Filter by a card's name, a status, or cards due within some days."
    )
    annotations = ToolAnnotations(
        read_only=True, destructive=False, idempotent=True, open_world=False
    )
    parameters = vol.Schema(
        {
            vol.Optional("name", description="A card's name, or part of it"): str,
            vol.Optional("status"): vol.In(STATUSES),
            vol.Optional(
                "due_within_days", description="Only cards whose deadline is this close"
            ): int,
        }
    )

    @override
    async def async_run(
        self, hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
    ) -> JsonObjectType:
        """Return the cards asked for."""
        cards = exposed_cards(hass, llm_context.assistant)
        if not cards:
            raise invalid_input("no_card_exposed")
        views = [view for _, view in cards]
        if (status := args.get("status")) is not None:
            if status not in STATUSES:
                raise invalid_input("invalid_card_status", statuses=", ".join(STATUSES))
            views = [view for view in views if view.state.status.value == status]
        if (within := args.get("due_within_days")) is not None:
            try:
                days = whole_number(within)
            except vol.Invalid:
                days = -1
            if not 0 <= days <= MAX_DUE_DAYS:
                raise invalid_input("invalid_due_days", max=str(MAX_DUE_DAYS))
            views = [view for view in views if view.state.days_until_deadline <= days]
        if (name := args.get("name")) is not None:
            if not isinstance(name, str) or len(name) > MAX_SPOKEN_NAME:
                raise invalid_input("card_name_unknown", name=str(name)[:MAX_SPOKEN_NAME], cards="")
            match = match_card(name, {view.card_id: view.config.name for view in views})
            views = [view for view in views if view.card_id in match.card_ids]
        return {"cards": [await _described(hass, view, llm_context.language) for view in views]}


class RecordRenewalTool(_SimRenewTool):
    """Record a renewal the user made, as simrenew.renew does."""

    name = "simrenew__RecordRenewal"
    title = "Record a SIM card renewal"
    description = (
        "Records that the user renewed (topped up) a SIM card. The card is named as the user "
        "names it. Without a plan the card's default plan is used, without a date today. The "
        "renewal stays unconfirmed until the carrier shows the new expiry; then use "
        "simrenew__ConfirmRenewal. Returns the old and the new expiry."
    )
    annotations = ToolAnnotations(destructive=False, open_world=False)
    parameters = vol.Schema(
        {
            vol.Required("card", description="The card's name, as the user says it"): str,
            vol.Optional("plan", description="The name of the plan renewed"): str,
            vol.Optional("amount", description="What the renewal cost"): vol.Coerce(float),
            vol.Optional("date", description="The day of the renewal, YYYY-MM-DD"): str,
        }
    )

    @override
    async def async_run(
        self, hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
    ) -> JsonObjectType:
        """Record the renewal; return what it changed."""
        hub, view = find_card(exposed_cards(hass, llm_context.assistant), _card_name(args))
        fields: dict[str, Any] = {}
        if (day := _day(args.get("date"))) is not None:
            fields["date"] = day
        if (amount := args.get("amount")) is not None:
            try:
                fields["amount"] = number(amount)
            except vol.Invalid:
                raise invalid_input(
                    "invalid_amount", amount=str(amount)[:20], max="1,000,000"
                ) from None
        if (plan := args.get("plan")) is not None:
            fields["plan"] = str(plan)
        old, new = await async_record_renewal(hass, hub, view, llm_context.context, fields)
        return {
            "name": view.config.name,
            "old_expiry": old.isoformat(),
            "new_expiry": new.isoformat(),
            "unconfirmed": True,
            "card": await _now(hass, hub, view, llm_context),
        }


async def _now(
    hass: HomeAssistant, hub: SimRenewHub, view: CardView, llm_context: LLMContext
) -> dict[str, JsonValueType]:
    """Return the card as it stands after a change."""
    return await _described(hass, current_view(hub, view.card_id) or view, llm_context.language)


class ConfirmRenewalTool(_SimRenewTool):
    """Confirm a card's waiting renewal, as simrenew.confirm_renewal does."""

    name = "simrenew__ConfirmRenewal"
    title = "Confirm a SIM card renewal"
    description = (
        "Confirms that the carrier shows a card's last renewal. Give the expiry date the "
        "carrier shows when the user says it: a different date is recorded as a correction."
    )
    annotations = ToolAnnotations(destructive=False, idempotent=True, open_world=False)
    parameters = vol.Schema(
        {
            vol.Required("card", description="The card's name, as the user says it"): str,
            vol.Optional(
                "expiry_date", description="The expiry the carrier shows, YYYY-MM-DD"
            ): str,
        }
    )

    @override
    async def async_run(
        self, hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
    ) -> JsonObjectType:
        """Confirm the renewal; return the card as it now stands."""
        hub, view = find_card(exposed_cards(hass, llm_context.assistant), _card_name(args))
        expiry = _day(args.get("expiry_date"))
        if expiry is None and not view.unconfirmed:
            # As the notification's button: confirming nothing would read as a confirmation.
            raise invalid_input("nothing_to_confirm", name=view.config.name)
        await async_confirm(hass, hub, view, llm_context.context, expiry)
        return {"confirmed": True, "card": await _now(hass, hub, view, llm_context)}


class ReadCarrierMessageTool(_SimRenewTool):
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

    @override
    async def async_run(
        self, hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
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


def _device_of(hass: HomeAssistant, hub: SimRenewHub, view: CardView) -> str | None:
    """Return a card's device id."""
    return registered_device_ids(hass, hub.entry.entry_id).get(view.card_id)


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
