"""Intents of the built-in conversation agent: when a card expires, which are due, "I renewed".

Home Assistant lets only users add sentences; the sentence files shipped beside the integration
(custom_sentences/) map what people say to these intents. Every release simrenew supports has
them, with or without AI agents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent

from .assist_cards import (
    async_record_renewal,
    async_refusal,
    async_say,
    current_view,
    exposed_cards,
    find_card,
)
from .card_answers import Said, card_answer, due_answer, renewed_answer
from .card_view import CardView
from .validation import vol

INTENT_CARD_EXPIRY = "SimRenewCardExpiry"
INTENT_CARDS_DUE = "SimRenewCardsDue"
INTENT_RECORD_RENEWAL = "SimRenewRecordRenewal"
# Asked without a number of days, "due" means within the household's earliest reminder.
DEFAULT_DUE_DAYS = 14
MAX_DUE_DAYS = 400


type IntentAnswer = Callable[[intent.Intent, dict[str, Any]], Awaitable[list[Said]]]


class _CardIntent(intent.IntentHandler):
    """An intent about the household's cards, answered in the language it was asked in.

    Each intent passes its answer as a class keyword: `answer` returns what to say, from the
    intent and its validated slots, or raises a refusal.
    """

    _answer: ClassVar[IntentAnswer]

    def __init_subclass__(cls, *, answer: IntentAnswer, **kwargs: object) -> None:
        """Keep the function that answers the intent."""
        super().__init_subclass__(**kwargs)
        cls._answer = answer

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer, or say in words why not."""
        response = intent_obj.create_response()
        # Read from the class: a function kept on it would be bound to the handler.
        answer = type(self)._answer
        try:
            said = await answer(intent_obj, self.async_validate_slots(intent_obj.slots))
        except HomeAssistantError as err:
            text = await async_refusal(intent_obj.hass, err, intent_obj.language)
            response.async_set_error(intent.IntentResponseErrorCode.NO_VALID_TARGETS, text)
            return response
        response.async_set_speech(await async_say(intent_obj.hass, intent_obj.language, said))
        return response


async def _card_expiry(intent_obj: intent.Intent, slots: dict[str, Any]) -> list[Said]:
    """Say when the card named must be renewed."""
    cards = exposed_cards(intent_obj.hass, intent_obj.assistant)
    _, view = find_card(cards, str(slots["card"]["value"]))
    return card_answer(view, intent_obj.language)


class CardExpiryHandler(_CardIntent, answer=_card_expiry):
    """When does a card expire: its deadline, days left, grace and confirmation."""

    intent_type = INTENT_CARD_EXPIRY
    description = "Says when a SIM card must be renewed and how many days are left"

    @property
    def slot_schema(self) -> dict[vol.Marker, object]:
        """Name the card."""
        return {vol.Required("card"): cv.string}


async def _cards_due(intent_obj: intent.Intent, slots: dict[str, Any]) -> list[Said]:
    """Say which cards are due, soonest first."""
    cards = exposed_cards(intent_obj.hass, intent_obj.assistant)
    if not cards:
        find_card(cards, "")
    if "days" in slots:
        days = int(slots["days"]["value"])
    else:
        days = (
            max(
                (max(hub.options.reminder_days, default=0) for hub, _ in cards),
                default=DEFAULT_DUE_DAYS,
            )
            or DEFAULT_DUE_DAYS
        )
    views: list[CardView] = [view for _, view in cards]
    return due_answer(views, days, intent_obj.language)


class CardsDueHandler(_CardIntent, answer=_cards_due):
    """Which cards are due within some days (by default the household's first reminder)."""

    intent_type = INTENT_CARDS_DUE
    description = "Lists the SIM cards whose renewal deadline falls within some days"

    @property
    def slot_schema(self) -> dict[vol.Marker, object]:
        """Optionally, the days."""
        return {vol.Optional("days"): vol.All(vol.Coerce(int), vol.Range(0, MAX_DUE_DAYS))}


async def _record_renewal(intent_obj: intent.Intent, slots: dict[str, Any]) -> list[Said]:
    """Record the renewal and say what it changed."""
    cards = exposed_cards(intent_obj.hass, intent_obj.assistant)
    hub, view = find_card(cards, str(slots["card"]["value"]))
    old, new = await async_record_renewal(intent_obj.hass, hub, view, intent_obj.context, {})
    now = current_view(hub, view.card_id) or view
    return [renewed_answer(view.config.name, old, new, intent_obj.language, now.state.today)]


class RecordRenewalHandler(_CardIntent, answer=_record_renewal):
    """Record "I renewed Mum's card": the default plan, today, unconfirmed."""

    intent_type = INTENT_RECORD_RENEWAL
    description = "Records that a SIM card was renewed today with its default plan"

    @property
    def slot_schema(self) -> dict[vol.Marker, object]:
        """Name the card."""
        return {vol.Required("card"): cv.string}


def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents, once for every hub."""
    intent.async_register(hass, CardExpiryHandler())
    intent.async_register(hass, CardsDueHandler())
    intent.async_register(hass, RecordRenewalHandler())
