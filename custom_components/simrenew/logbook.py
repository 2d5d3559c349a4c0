"""Receipts in the logbook: each recorded change shows on its card's device, in HA's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
    LazyEventPartialState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .const import (
    DOMAIN,
    EVENT_ACTIVITY,
    EVENT_BALANCE,
    EVENT_CONFIRMED,
    EVENT_CORRECTED,
    EVENT_MESSAGE_READ,
    EVENT_RENEWED,
    EVENT_UNDONE,
)
from .money import written_amount
from .receipts import CARD_EVENTS
from .spoken_dates import written_date

type Describe = Callable[[LazyEventPartialState], dict[str, Any]]

_PREFIX = f"component.{DOMAIN}.selector.logbook.options."
_CHANNELS = f"component.{DOMAIN}.selector.channel.options."
# Said by no receipt: "other" names no place, and a card that renewed itself has its own words.
_UNNAMED_CHANNELS = frozenset({"other", "auto_renew"})


def shown_day(value: object, language: str) -> str:
    """Return a stored day as people write it: 2027年5月21日 in Chinese, 21 May 2027 otherwise."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return written_date(day, language)


def shown_amount(value: object, currency: object) -> str:
    """Return a sum as people write it, with its currency: HK$48, ¥8.50."""
    if isinstance(value, (int, float)):
        return written_amount(value, str(currency or ""))
    return str(value)


def shown_channel(texts: Mapping[str, str], data: Mapping[str, Any]) -> str | None:
    """Return where a renewal was paid, in the language's words, if it names a place."""
    channel = data.get("channel")
    if not isinstance(channel, str) or channel in _UNNAMED_CHANNELS:
        return None
    return texts.get(_CHANNELS + channel)


def message_key(event_type: str, data: Mapping[str, Any]) -> str:
    """Return the text that describes an event, by what it recorded."""
    if event_type == EVENT_MESSAGE_READ:
        return f"message_{data.get('outcome')}"
    if event_type == EVENT_RENEWED:
        if data.get("channel") == "auto_renew":
            return "auto_renewed"
        return "renewed" if data.get("amount") is None else "renewed_paid"
    return {
        EVENT_CORRECTED: "corrected",
        EVENT_UNDONE: "undone",
        EVENT_CONFIRMED: "confirmed",
        EVENT_BALANCE: "balance",
        EVENT_ACTIVITY: "activity",
    }[event_type]


def describe(
    texts: Mapping[str, str], language: str, event_type: str, data: Mapping[str, Any]
) -> str:
    """Return the logbook message of an event, its days and sums written for people."""
    key = message_key(event_type, data)
    channel = shown_channel(texts, data) if event_type == EVENT_RENEWED else None
    if channel is not None:
        key += "_via"  # the same sentence, saying where it was paid
    message = texts.get(_PREFIX + key, key)
    values = {
        "old_expiry": shown_day(data.get("old_expiry"), language),
        "new_expiry": shown_day(data.get("new_expiry"), language),
        "expiry_date": shown_day(data.get("expiry_date"), language),
        "stated_expiry": shown_day(data.get("stated_expiry"), language),
        "date": shown_day(data.get("date"), language),
        "amount": shown_amount(data.get("amount"), data.get("currency")),
        "channel": channel or "",
    }
    for name, value in values.items():
        message = message.replace(f"{{{name}}}", value)
    return message


@callback
def async_describe_events(
    hass: HomeAssistant, async_describe_event: Callable[[str, str, Describe], None]
) -> None:
    """Describe every receipt event; the logbook files each under the card's device."""

    def describer(event_type: str) -> Describe:
        """Return the describer of one event type."""

        @callback
        def describe_event(event: LazyEventPartialState) -> dict[str, Any]:
            """Return the card's name and what happened, in Home Assistant's language."""
            # Home Assistant loads every running integration's texts for its language.
            language = hass.config.language
            texts = async_get_cached_translations(hass, language, "selector", DOMAIN)
            return {
                LOGBOOK_ENTRY_NAME: event.data.get("name"),
                LOGBOOK_ENTRY_MESSAGE: describe(texts, language, event_type, event.data),
            }

        return describe_event

    for event_type in CARD_EVENTS:
        async_describe_event(DOMAIN, event_type, describer(event_type))
