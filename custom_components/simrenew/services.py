"""Actions: renew, set_expiry, set_balance, record_activity and list_cards."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.util.json import JsonValueType

from .const import DOMAIN
from .hub import SimRenewConfigEntry, SimRenewHub, invalid_input
from .renewal import Renewal
from .validation import vol

CHANNELS = [
    "app",
    "website",
    "shop",
    "kiosk",
    "convenience_store",
    "wallet",
    "auto_renew",
    "other",
]

TARGET_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
    vol.Optional(ATTR_ENTITY_ID): cv.entity_ids,
}

RENEW_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Optional("date"): cv.date,
        vol.Optional("amount"): vol.Coerce(float),
        vol.Optional("currency"): cv.string,
        vol.Optional("channel", default="other"): vol.In(CHANNELS),
        vol.Optional("payment_method"): cv.string,
        vol.Optional("reference"): cv.string,
        vol.Optional("new_expiry"): cv.date,
    }
)
SET_EXPIRY_SCHEMA = vol.Schema(
    {**TARGET_FIELDS, vol.Required("expiry_date"): cv.date, vol.Optional("reference"): cv.string}
)
SET_BALANCE_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required("amount"): vol.Coerce(float),
        vol.Optional("currency"): cv.string,
        vol.Optional("as_of"): cv.datetime,
    }
)
CONFIRM_RENEWAL_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("expiry_date"): cv.date})
RECORD_ACTIVITY_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("date"): cv.date})
SNOOZE_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("days", default=1): vol.Coerce(int)})


def _card_ids(hass: HomeAssistant, call: ServiceCall) -> list[str]:
    """Return the cards a call targets, refusing anything that is not a simrenew card."""
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)
    card_ids: list[str] = []
    for device_id in call.data.get(ATTR_DEVICE_ID, []):
        device = device_registry.async_get(device_id)
        if device is None:
            raise invalid_input("unknown_target", target=device_id)
        card_id = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
        if card_id is None:
            raise invalid_input(
                "not_a_card", target=device.name_by_user or device.name or device_id
            )
        card_ids.append(card_id)
    for entity_id in call.data.get(ATTR_ENTITY_ID, []):
        entity = entity_registry.async_get(entity_id)
        if entity is None:
            raise invalid_input("unknown_target", target=entity_id)
        if entity.platform != DOMAIN or entity.config_subentry_id is None:
            raise invalid_input("not_a_card", target=entity_id)
        card_ids.append(entity.config_subentry_id)
    if not card_ids:
        raise invalid_input("no_card_targeted")
    return list(dict.fromkeys(card_ids))


# A hub being reloaded still takes changes: they go through the household's shared ledger.
RUNNING = (
    ConfigEntryState.LOADED,
    ConfigEntryState.SETUP_IN_PROGRESS,
    ConfigEntryState.UNLOAD_IN_PROGRESS,
)


def _loaded_hubs(hass: HomeAssistant) -> list[SimRenewHub]:
    """Return the hubs that are running, or reloading."""
    entries: list[SimRenewConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    return [
        hub
        for entry in entries
        if entry.state in RUNNING
        and isinstance(hub := getattr(entry, "runtime_data", None), SimRenewHub)
    ]


def _targets(hass: HomeAssistant, call: ServiceCall) -> tuple[SimRenewHub, list[str]]:
    """Return the hub that holds every targeted card, and the cards."""
    hubs = _loaded_hubs(hass)
    card_ids = _card_ids(hass, call)
    for hub in hubs:
        if all(card_id in hub.configs for card_id in card_ids):
            return hub, card_ids
    unknown = next(
        (card_id for card_id in card_ids if not any(card_id in hub.configs for hub in hubs)),
        card_ids[0],
    )
    raise invalid_input("unknown_target", target=unknown)


async def _async_renew(call: ServiceCall) -> ServiceResponse:
    """Record a renewal on each targeted card: all of them, or none."""
    hub, card_ids = _targets(call.hass, call)
    renewed = await hub.async_renew(
        card_ids,
        Renewal(
            source="action",
            renewal_date=call.data.get("date"),
            amount=call.data.get("amount"),
            currency=call.data.get("currency"),
            channel=call.data["channel"],
            payment_method=call.data.get("payment_method"),
            reference=call.data.get("reference"),
            new_expiry=call.data.get("new_expiry"),
        ),
    )
    results: list[JsonValueType] = [
        {
            "card_id": card_id,
            "name": hub.configs[card_id].name if card_id in hub.configs else None,
            "old_expiry": old.isoformat(),
            "new_expiry": new.isoformat(),
        }
        for card_id, old, new in renewed
    ]
    return {"cards": results}


async def _async_set_expiry(call: ServiceCall) -> None:
    """Correct the expiry of each targeted card."""
    hub, card_ids = _targets(call.hass, call)
    await hub.async_set_expiry(
        card_ids, call.data["expiry_date"], "action", call.data.get("reference")
    )


async def _async_set_balance(call: ServiceCall) -> None:
    """Record the balance of each targeted card."""
    hub, card_ids = _targets(call.hass, call)
    await hub.async_set_balance(
        card_ids, call.data["amount"], call.data.get("currency"), call.data.get("as_of")
    )


async def _async_record_activity(call: ServiceCall) -> None:
    """Record activity on each targeted card."""
    hub, card_ids = _targets(call.hass, call)
    await hub.async_record_activity(card_ids, call.data.get("date"))


async def _async_snooze(call: ServiceCall) -> None:
    """Remind about each targeted card again after some days."""
    hub, card_ids = _targets(call.hass, call)
    await hub.async_snooze(card_ids, call.data["days"])


async def _async_confirm_renewal(call: ServiceCall) -> None:
    """Confirm each targeted card's last renewal, with the date the carrier shows if given."""
    hub, card_ids = _targets(call.hass, call)
    await hub.async_confirm_renewal(card_ids, call.data.get("expiry_date"))


async def _async_undo_renewal(call: ServiceCall) -> ServiceResponse:
    """Take back each targeted card's last renewal."""
    hub, card_ids = _targets(call.hass, call)
    undone = await hub.async_undo_renewal(card_ids)
    results: list[JsonValueType] = [
        {"card_id": card_id, "old_expiry": old.isoformat(), "new_expiry": new.isoformat()}
        for card_id, old, new in undone
    ]
    return {"cards": results}


async def _async_list_cards(call: ServiceCall) -> ServiceResponse:
    """Return every card, soonest deadline first."""
    cards = [view for hub in _loaded_hubs(call.hass) for view in hub.cards.values()]
    cards.sort(key=lambda view: (view.state.deadline, view.config.name.casefold()))
    return {
        "cards": [
            {
                "card_id": view.card_id,
                "name": view.config.name,
                "carrier": view.config.carrier,
                "expiry_date": view.config.expiry_date.isoformat(),
                "deadline": view.state.deadline.isoformat(),
                "days_until_expiry": view.state.days_until_expiry,
                "days_until_deadline": view.state.days_until_deadline,
                "status": view.state.status.value,
                "deadline_reason": view.state.deadline_reason.value,
                "unconfirmed": view.unconfirmed,
                "balance": None if view.balance is None else view.balance["amount"],
                "balance_currency": None if view.balance is None else view.balance["currency"],
                "renewal_url": view.config.renewal_url,
            }
            for view in cards
        ]
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every simrenew action."""
    hass.services.async_register(
        DOMAIN, "renew", _async_renew, RENEW_SCHEMA, SupportsResponse.OPTIONAL
    )
    hass.services.async_register(DOMAIN, "set_expiry", _async_set_expiry, SET_EXPIRY_SCHEMA)
    hass.services.async_register(DOMAIN, "set_balance", _async_set_balance, SET_BALANCE_SCHEMA)
    hass.services.async_register(
        DOMAIN, "record_activity", _async_record_activity, RECORD_ACTIVITY_SCHEMA
    )
    hass.services.async_register(DOMAIN, "snooze", _async_snooze, SNOOZE_SCHEMA)
    hass.services.async_register(
        DOMAIN, "confirm_renewal", _async_confirm_renewal, CONFIRM_RENEWAL_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        "undo_renewal",
        _async_undo_renewal,
        vol.Schema(TARGET_FIELDS),
        SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, "list_cards", _async_list_cards, vol.Schema({}), SupportsResponse.ONLY
    )
