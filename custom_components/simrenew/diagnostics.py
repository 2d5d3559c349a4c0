"""Diagnostics for a household: options, cards and scheduler, without personal data."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ANCHOR_DAY,
    CONF_EXPIRY_DATE,
    CONF_NOTES,
    CONF_PHONE_NUMBER,
    CONF_SECOND_PHONE_NUMBER,
)
from .hub import SimRenewConfigEntry
from .plans import described_plans

# Notes may hold codes and the accounts bound to the number: as private as the numbers. A
# message's sender may be a phone number, and how a renewal was paid is the payer's business.
TO_REDACT = {
    CONF_PHONE_NUMBER,
    CONF_SECOND_PHONE_NUMBER,
    CONF_NOTES,
    "reference",
    "payment_method",
    "sender",
}
HISTORY_SHOWN = 20


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SimRenewConfigEntry
) -> dict[str, Any]:
    """Return what support needs to see of a household."""
    hub = entry.runtime_data
    return {
        "options": dict(entry.options),
        "cards": {
            card_id: {
                # The expiry and the monthly day in force are the history's: the settings
                # keep the ones the card was added with, which would mislead here.
                "data": async_redact_data(
                    {
                        **entry.subentries[card_id].data,
                        CONF_EXPIRY_DATE: view.config.expiry_date.isoformat(),
                        CONF_ANCHOR_DAY: view.config.anchor_day,
                    },
                    TO_REDACT,
                ),
                "deadline": view.state.deadline.isoformat(),
                "days_until_expiry": view.state.days_until_expiry,
                "status": view.state.status,
                "plans": described_plans(view.config.plans, view.config.default_plan),
                "added": hub.records[card_id]["added"],
                "last_activity": hub.records[card_id]["last_activity"],
                "balance": hub.records[card_id]["balance"],
                "history": [
                    async_redact_data(dict(entry), TO_REDACT)
                    for entry in hub.records[card_id]["history"][-HISTORY_SHOWN:]
                ],
            }
            for card_id, view in hub.cards.items()
        },
        "scheduler": {
            "next_wake": None
            if hub.scheduler.next_wake is None
            else dt_util.as_utc(hub.scheduler.next_wake).isoformat()
        },
    }
