"""The AI-agent tools about cards: list them, record a renewal, confirm one.

Loaded only through the `llm` platform (Home Assistant 2026.8 and later). The tools reach only
cards exposed to the assistant and change cards only through simrenew's own actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.llm import LLMContext, ToolAnnotations
from homeassistant.util.json import JsonObjectType, JsonValueType

from .action_inputs import number, whole_number
from .assist_cards import (
    MAX_SPOKEN_NAME,
    async_confirm,
    async_record_renewal,
    async_say,
    current_view,
    exposed_cards,
    find_card,
)
from .assistant_tool import SimRenewTool
from .card_answers import card_answer
from .card_listing import card_listing
from .card_names import match_card
from .card_view import CardView
from .changes import invalid_input
from .hub import SimRenewHub
from .model import CardStatus
from .validation import vol

MAX_DUE_DAYS = 400
STATUSES = [status.value for status in CardStatus]


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


async def _now(
    hass: HomeAssistant, hub: SimRenewHub, view: CardView, llm_context: LLMContext
) -> dict[str, JsonValueType]:
    """Return the card as it stands after a change."""
    return await _described(hass, current_view(hub, view.card_id) or view, llm_context.language)


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


async def _list_cards(
    hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
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


class ListCardsTool(SimRenewTool, run=_list_cards):
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


async def _record_renewal(
    hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
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


class RecordRenewalTool(SimRenewTool, run=_record_renewal):
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


async def _confirm_renewal(
    hass: HomeAssistant, args: dict[str, Any], llm_context: LLMContext
) -> JsonObjectType:
    """Confirm the renewal; return the card as it now stands."""
    hub, view = find_card(exposed_cards(hass, llm_context.assistant), _card_name(args))
    expiry = _day(args.get("expiry_date"))
    if expiry is None and not view.unconfirmed:
        # As the notification's button: confirming nothing would read as a confirmation.
        raise invalid_input("nothing_to_confirm", name=view.config.name)
    await async_confirm(hass, hub, view, llm_context.context, expiry)
    return {"confirmed": True, "card": await _now(hass, hub, view, llm_context)}


class ConfirmRenewalTool(SimRenewTool, run=_confirm_renewal):
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
