"""The dashboard card's one subscription: every card, pushed again whenever one changes."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components import websocket_api
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect, async_dispatcher_send

from .card_feed import household_cards
from .const import DOMAIN
from .hub import SimRenewConfigEntry, SimRenewHub
from .validation import vol

SIGNAL_CARDS_CHANGED: Final = f"{DOMAIN}_cards_changed"
# A household setting up counts: its cards are in place before its entry reads as loaded.
_SHOWN_STATES = {ConfigEntryState.LOADED, ConfigEntryState.SETUP_IN_PROGRESS}


def _running_hubs(hass: HomeAssistant) -> list[SimRenewHub]:
    """Return the hubs that run now; one that unloads is gone from the card already."""
    entries: list[SimRenewConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    return [
        hub
        for entry in entries
        if entry.state in _SHOWN_STATES
        and isinstance(hub := getattr(entry, "runtime_data", None), SimRenewHub)
        and not hub.stopped
    ]


@callback
def async_cards_changed(hass: HomeAssistant) -> None:
    """Tell every subscribed card that the cards may have changed."""
    async_dispatcher_send(hass, SIGNAL_CARDS_CHANGED)


@websocket_api.websocket_command({vol.Required("type"): f"{DOMAIN}/subscribe_cards"})
@callback
def websocket_subscribe_cards(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send every card now, and again each time what the card would show changes."""
    sent: list[list[dict[str, Any]]] = []

    @callback
    def send() -> None:
        cards = household_cards(_running_hubs(hass))
        if sent and sent[-1] == cards:
            return  # a refresh that changed nothing shown
        sent[:] = [cards]
        connection.send_message(websocket_api.event_message(msg["id"], {"cards": cards}))

    connection.subscriptions[msg["id"]] = async_dispatcher_connect(hass, SIGNAL_CARDS_CHANGED, send)
    connection.send_result(msg["id"])
    send()


@callback
def async_setup_card_subscription(hass: HomeAssistant) -> None:
    """Register the subscription command."""
    websocket_api.async_register_command(hass, websocket_subscribe_cards)
