"""The household's cards as Assist and AI agents reach them: exposed ones, by name, in words.

Both the built-in agent's intents and the AI agents' tools go through here, and through the
integration's own actions for every change, so that they check and record exactly what a
script's call would.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
import re
from typing import Any, cast

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations

from .action_targets import loaded_hubs
from .card_answers import Said, text_language
from .card_listing import soonest_first
from .card_names import match_card
from .card_view import CardView
from .changes import invalid_input
from .const import DOMAIN
from .devices import registered_device_ids
from .hub import SimRenewHub
from .spoken_dates import plural_form

# A spoken name longer than this is no card's name; echoed back cut short.
MAX_SPOKEN_NAME = 100
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ANSWERS = f"component.{DOMAIN}.selector.assist_answer.options."
_DAY_COUNT = f"component.{DOMAIN}.selector.day_count.options."
_EXCEPTIONS = f"component.{DOMAIN}.exceptions."


def exposed_cards(hass: HomeAssistant, assistant: str | None) -> list[tuple[SimRenewHub, CardView]]:
    """Return the cards an assistant may see, soonest deadline first.

    A card counts as exposed when any of its own entities is exposed to the assistant: Home
    Assistant exposes entities, and a card is one device of them. No assistant: every card.
    """
    registry = er.async_get(hass)
    found: list[tuple[SimRenewHub, CardView]] = []
    for hub in loaded_hubs(hass):
        entities: dict[str, list[str]] = defaultdict(list)
        for entry in er.async_entries_for_config_entry(registry, hub.entry.entry_id):
            if entry.config_subentry_id is not None:
                entities[entry.config_subentry_id].append(entry.entity_id)
        found.extend(
            (hub, view)
            for card_id, view in hub.cards.items()
            if assistant is None
            or any(async_should_expose(hass, assistant, entity) for entity in entities[card_id])
        )
    order = {id(view): index for index, view in enumerate(soonest_first([v for _, v in found]))}
    return sorted(found, key=lambda pair: order[id(pair[1])])


def find_card(
    cards: list[tuple[SimRenewHub, CardView]], spoken: object
) -> tuple[SimRenewHub, CardView]:
    """Return the one card a spoken name means; refuse, naming the choices, when it is not one."""
    if not cards:
        raise invalid_input("no_card_exposed")
    said = spoken.strip() if isinstance(spoken, str) else ""
    names = ", ".join(sorted((view.config.name for _, view in cards), key=str.casefold))
    if not said or len(said) > MAX_SPOKEN_NAME:
        raise invalid_input("card_name_unknown", name=said[:MAX_SPOKEN_NAME], cards=names)
    by_id = {view.card_id: (hub, view) for hub, view in cards}
    match = match_card(said, {card_id: view.config.name for card_id, (_, view) in by_id.items()})
    if match.found is not None:
        return by_id[match.found]
    if match.ambiguous:
        choices = ", ".join(
            sorted((by_id[card_id][1].config.name for card_id in match.card_ids), key=str.casefold)
        )
        raise invalid_input("card_name_ambiguous", name=said, cards=choices)
    raise invalid_input("card_name_unknown", name=said, cards=names)


def _fill(template: str, values: dict[str, str]) -> str:
    """Fill a text's placeholders in one pass: a name that reads like one stays as it is."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


async def async_say(hass: HomeAssistant, language: str | None, said: list[Said]) -> str:
    """Return an answer's sentences in the asked language."""
    texts_language = text_language(language)
    texts = await async_get_translations(hass, texts_language, "selector", [DOMAIN])
    sentences: list[str] = []
    for part in said:
        values = dict(part.values)
        if part.days is not None:
            template = texts.get(_DAY_COUNT + plural_form(part.days), "{count} days")
            values["days"] = template.replace("{count}", str(part.days))
        sentences.append(_fill(texts.get(_ANSWERS + part.key, part.key), values))
    # Chinese sentences run on without spaces.
    return ("" if texts_language.startswith("zh") else " ").join(sentences)


async def async_refusal(hass: HomeAssistant, err: HomeAssistantError, language: str | None) -> str:
    """Return why a request was refused, in the asked language, for a person or a model."""
    if err.translation_domain != DOMAIN or err.translation_key is None:
        return str(err)
    texts = await async_get_translations(hass, text_language(language), "exceptions", [DOMAIN])
    template = texts.get(f"{_EXCEPTIONS}{err.translation_key}.message")
    if template is None:
        return str(err)
    return _fill(template, dict(err.translation_placeholders or {}))


def _card_target(hass: HomeAssistant, hub: SimRenewHub, view: CardView) -> dict[str, Any]:
    """Return the action target that names exactly this card: its device."""
    return {"device_id": registered_device_ids(hass, hub.entry.entry_id)[view.card_id]}


async def async_record_renewal(
    hass: HomeAssistant,
    hub: SimRenewHub,
    view: CardView,
    context: Context | None,
    fields: dict[str, Any],
) -> tuple[date, date]:
    """Record a renewal through simrenew.renew; return the old and the new expiry."""
    response = await hass.services.async_call(
        DOMAIN,
        "renew",
        {**_card_target(hass, hub, view), **fields},
        blocking=True,
        context=context,
        return_response=True,
    )
    (card,) = cast(dict[str, list[dict[str, str]]], response)["cards"]
    return date.fromisoformat(card["old_expiry"]), date.fromisoformat(card["new_expiry"])


async def async_confirm(
    hass: HomeAssistant,
    hub: SimRenewHub,
    view: CardView,
    context: Context | None,
    expiry_date: date | None,
) -> None:
    """Confirm a card's waiting renewal through simrenew.confirm_renewal."""
    data = _card_target(hass, hub, view)
    if expiry_date is not None:
        data["expiry_date"] = expiry_date
    await hass.services.async_call(DOMAIN, "confirm_renewal", data, blocking=True, context=context)


def current_view(hub: SimRenewHub, card_id: str) -> CardView | None:
    """Return the card as its household sees it now, after a change."""
    live = hub.live_hub() or hub
    return live.cards.get(card_id)
