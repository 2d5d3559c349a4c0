"""The reading actions: every card soonest first, and a card's history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.util.json import JsonValueType

from .action_inputs import history_request
from .action_targets import loaded_hubs, targeted_cards
from .card_listing import card_listing, soonest_first
from .card_view import CardView
from .carrier_presets import async_get_presets, balance_checks
from .hub import SimRenewHub


async def async_history(call: ServiceCall) -> ServiceResponse:
    """Return each targeted card's history, newest first, of the kinds asked for."""
    kinds, limit = history_request(dict(call.data))
    hub, card_ids = targeted_cards(call.hass, call)
    cards: list[JsonValueType] = []
    for card_id in card_ids:
        history = hub.records[card_id]["history"]
        # Entries written together (a card that renewed itself several times) share their
        # instant: the last written comes first.
        newest_first = sorted(
            enumerate(history),
            key=lambda pair: (datetime.fromisoformat(pair[1]["at"]), pair[0]),
            reverse=True,
        )
        entries = [dict(entry) for _, entry in newest_first if entry["kind"] in kinds]
        cards.append(
            {
                "card_id": card_id,
                "name": hub.configs[card_id].name,
                "entries": cast(list[JsonValueType], entries[:limit]),
            }
        )
    return {"cards": cards}


def _card_data(hub: SimRenewHub, view: CardView) -> Mapping[str, Any]:
    """Return what the user configured for a card; nothing for one removed meanwhile."""
    subentry = hub.entry.subentries.get(view.card_id)
    return {} if subentry is None else subentry.data


async def async_list_cards(call: ServiceCall) -> ServiceResponse:
    """Return every card, soonest deadline first."""
    presets = await async_get_presets(call.hass)
    hubs = {card_id: hub for hub in loaded_hubs(call.hass) for card_id in hub.cards}
    cards = soonest_first([hub.cards[card_id] for card_id, hub in hubs.items()])
    return {
        "cards": [
            {
                **card_listing(view),
                # How to ask the carrier, from the card's product: a code to dial or a hotline.
                "balance_check": cast(
                    list[JsonValueType],
                    balance_checks(presets, _card_data(hubs[view.card_id], view)),
                ),
            }
            for view in cards
        ]
    }
