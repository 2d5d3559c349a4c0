"""What each recorded change tells automations and the logbook: its event and its fields.

Fields are the receipt's own; references and payment methods stay in the history, since an
event reaches every automation and the logbook of anyone who can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .const import (
    EVENT_ACTIVITY,
    EVENT_BALANCE,
    EVENT_CONFIRMED,
    EVENT_CORRECTED,
    EVENT_MESSAGE_READ,
    EVENT_RENEWED,
    EVENT_UNDONE,
)

HISTORY_KINDS: Final = ("renewal", "correction", "undo", "balance", "activity", "message", "rule")
RECORDED_EVENTS: Final = {
    "renewal": EVENT_RENEWED,
    "correction": EVENT_CORRECTED,
    "undo": EVENT_UNDONE,
    "balance": EVENT_BALANCE,
    "activity": EVENT_ACTIVITY,
}
# Every event a card's logbook describes.
CARD_EVENTS: Final = (*RECORDED_EVENTS.values(), EVENT_CONFIRMED, EVENT_MESSAGE_READ)


def recorded_event(entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Return the event of a history entry and the fields it adds to the common ones."""
    kind = entry.get("kind")
    if kind == "renewal":
        fields: dict[str, Any] = {
            "old_expiry": entry["old_expiry"],
            "new_expiry": entry["new_expiry"],
            "amount": entry.get("amount"),
            "currency": entry["currency"],
            "channel": entry["channel"],
            "confirmed": entry.get("confirmed", False),
            "plan": entry.get("plan"),
        }
    elif kind == "correction":
        fields = {
            "old_expiry": entry["old_expiry"],
            "new_expiry": entry["new_expiry"],
            "source": entry["source"],
        }
    elif kind == "undo":
        fields = {
            "old_expiry": entry["old_expiry"],
            "new_expiry": entry["new_expiry"],
            "renewal_date": entry.get("renewal", {}).get("date"),
        }
    elif kind == "balance":
        fields = {"amount": entry["amount"], "currency": entry["currency"]}
    elif kind == "activity":
        fields = {"date": entry["date"]}
    else:
        return None
    return RECORDED_EVENTS[kind], fields
