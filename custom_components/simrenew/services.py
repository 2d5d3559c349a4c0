"""Registers every simrenew action with its schema and whether it answers."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, SupportsResponse, callback

from .action_inputs import (
    CONFIRM_RENEWAL_SCHEMA,
    HISTORY_SCHEMA,
    READ_MESSAGE_SCHEMA,
    RECORD_ACTIVITY_SCHEMA,
    RENEW_SCHEMA,
    SET_BALANCE_SCHEMA,
    SET_EXPIRY_SCHEMA,
    SNOOZE_SCHEMA,
    TARGET_FIELDS,
)
from .const import DOMAIN
from .reading_actions import async_history, async_list_cards
from .record_actions import (
    async_read_message,
    async_record_activity,
    async_set_balance,
    async_set_expiry,
    async_snooze,
)
from .renewal_actions import async_confirm_renewal, async_renew, async_undo_renewal
from .validation import vol


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every simrenew action."""
    hass.services.async_register(
        DOMAIN, "renew", async_renew, RENEW_SCHEMA, SupportsResponse.OPTIONAL
    )
    hass.services.async_register(DOMAIN, "set_expiry", async_set_expiry, SET_EXPIRY_SCHEMA)
    hass.services.async_register(DOMAIN, "set_balance", async_set_balance, SET_BALANCE_SCHEMA)
    hass.services.async_register(
        DOMAIN, "record_activity", async_record_activity, RECORD_ACTIVITY_SCHEMA
    )
    hass.services.async_register(DOMAIN, "snooze", async_snooze, SNOOZE_SCHEMA)
    hass.services.async_register(
        DOMAIN, "confirm_renewal", async_confirm_renewal, CONFIRM_RENEWAL_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        "undo_renewal",
        async_undo_renewal,
        vol.Schema(TARGET_FIELDS),
        SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, "read_message", async_read_message, READ_MESSAGE_SCHEMA, SupportsResponse.OPTIONAL
    )
    hass.services.async_register(
        DOMAIN, "list_cards", async_list_cards, vol.Schema({}), SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN, "history", async_history, HISTORY_SCHEMA, SupportsResponse.ONLY
    )
