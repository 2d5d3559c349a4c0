"""Actions: renew, set_expiry, set_balance, record_activity, history and list_cards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import math
from typing import Any, NoReturn, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, ENTITY_MATCH_ALL
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
from homeassistant.helpers.target import (
    SelectedEntities,
    TargetSelection,
    async_extract_referenced_entity_ids,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType

from .card_config import has_hidden_characters
from .card_listing import card_listing, soonest_first
from .card_view import CardView
from .carrier_presets import async_get_presets, balance_checks
from .changes import MAX_SNOOZE_DAYS, invalid_input
from .const import DOMAIN
from .hub import SimRenewConfigEntry, SimRenewHub
from .message_outcomes import CarrierMessage
from .message_reader import async_handle_message
from .receipts import HISTORY_KINDS
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
# A payment method or reference is a short note from a receipt, not a document.
MAX_NOTE_LENGTH = 200
# More than anyone reads in one response; a whole history stays a call per card away.
MAX_HISTORY_LIMIT = 1000


def number(value: object) -> float:
    """Return a number as float; its range is checked with a translated error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise vol.Invalid("expected a number")
    try:
        # Adding zero turns -0 into 0, which a balance shows as "0.0", not "-0.0".
        return float(value) + 0.0
    except (ValueError, OverflowError) as err:
        raise vol.Invalid("expected a number") from err


def whole_number(value: object) -> int:
    """Return a whole number as int, from an int, a float without fraction, or digits."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError as err:
            raise vol.Invalid("expected a whole number") from err
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise vol.Invalid("expected a whole number")


def entity_ids(value: object) -> object:
    """Return the entity ids of a target, as Home Assistant's own target field reads them."""
    # That field raises TypeError, not a schema error, for a number or a boolean.
    if value is not None and not isinstance(value, (str, list)):
        raise vol.Invalid("entity ids must be text or a list of text")
    return cv.comp_entity_ids(value)


TARGET_KEYS = ("entity_id", "device_id", "area_id", "floor_id", "label_id")
# The standard target fields: entities, devices, areas, floors and labels.
TARGET_FIELDS: dict[str | vol.Marker, Any] = {
    **cv.ENTITY_SERVICE_FIELDS,
    vol.Optional(ATTR_ENTITY_ID): entity_ids,
}

RENEW_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Optional("date"): cv.date,
        vol.Optional("amount"): number,
        vol.Optional("currency"): cv.string,
        vol.Optional("channel", default="other"): vol.In(CHANNELS),
        vol.Optional("payment_method"): cv.string,
        vol.Optional("reference"): cv.string,
        vol.Optional("new_expiry"): cv.date,
        vol.Optional("plan"): cv.string,
    }
)
SET_EXPIRY_SCHEMA = vol.Schema(
    {**TARGET_FIELDS, vol.Required("expiry_date"): cv.date, vol.Optional("reference"): cv.string}
)
SET_BALANCE_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required("amount"): number,
        vol.Optional("currency"): cv.string,
        vol.Optional("as_of"): cv.datetime,
    }
)
# Checked in the action, so that a wrong kind or limit gets a translated error.
HISTORY_SCHEMA = vol.Schema(
    {**TARGET_FIELDS, vol.Optional("kind"): object, vol.Optional("limit"): object}
)
# The text's length is checked in the action, so that a long one gets a translated error.
READ_MESSAGE_SCHEMA = vol.Schema(
    {
        **TARGET_FIELDS,
        vol.Required("message"): cv.string,
        vol.Optional("sender"): cv.string,
        vol.Optional("received"): cv.datetime,
    }
)
CONFIRM_RENEWAL_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("expiry_date"): cv.date})
RECORD_ACTIVITY_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("date"): cv.date})
# The days are checked in the action, so that a script's 0 or 31 gets a translated error.
SNOOZE_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Optional("days", default=1): object})


def _listed(value: object) -> list[str]:
    """Return a target field as a list of ids, in the order given."""
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


class _Targets:
    """Resolves a call's targets into simrenew cards."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Read the registries once for the whole call."""
        self.hass = hass
        self.devices = dr.async_get(hass)
        self.entities = er.async_get(hass)

    def hub_entry_ids(self) -> set[str]:
        """Return the ids of the hubs, which are also their devices' identifiers."""
        return {entry.entry_id for entry in self.hass.config_entries.async_entries(DOMAIN)}

    def card_of_entity(self, entity_id: str, *, named: bool) -> str | None:
        """Return the card an entity belongs to; refuse a named entity that is not a card's."""
        entity = self.entities.async_get(entity_id)
        card_id = None if entity is None or entity.platform != DOMAIN else entity.config_subentry_id
        if card_id is None and named:
            if entity is not None and entity.platform == DOMAIN:
                # The calendar, to-do list and household sensors: named as the user sees them.
                state = self.hass.states.get(entity_id)
                _refuse_household(
                    state.name if state is not None else entity.name or entity.original_name
                )
            raise invalid_input(
                "unknown_target" if entity is None else "not_a_card", target=entity_id
            )
        return card_id

    def card_of_device(self, device_id: str, *, named: bool) -> str | None:
        """Return the card a device is; refuse a named device that is not a card."""
        device = self.devices.async_get(device_id)
        if device is not None:
            ident = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
            if ident is not None and ident not in self.hub_entry_ids():
                return ident
            if ident is not None and named:
                _refuse_household(device.name_by_user or device.name)
        if named:
            _refuse_device(None if device is None else device.name_by_user or device.name or "")
        return None

    def all_cards(self) -> list[str]:
        """Return every card of every running hub."""
        return [card_id for hub in _loaded_hubs(self.hass) for card_id in hub.configs]

    def card_ids(self, data: dict[str, Any]) -> list[str]:
        """Return the targeted cards: named ones in order, then those found through areas."""
        selected = async_extract_referenced_entity_ids(
            self.hass, TargetSelection(data), expand_group=False
        )
        found: list[str | None] = []
        for entity_id in _listed(data.get(ATTR_ENTITY_ID)):
            if entity_id == ENTITY_MATCH_ALL:
                found.extend(self.all_cards())
            elif entity_id in selected.referenced:
                found.append(self.card_of_entity(entity_id, named=True))
        named_devices = _listed(data.get(ATTR_DEVICE_ID))
        for device_id in named_devices:
            if device_id in selected.referenced_devices:
                found.append(self.card_of_device(device_id, named=True))
        found.extend(self._indirect(selected, set(named_devices)))
        card_ids = [card_id for card_id in dict.fromkeys(found) if card_id is not None]
        if not card_ids:
            raise invalid_input("no_card_targeted")
        return card_ids

    def _indirect(self, selected: SelectedEntities, named: set[str]) -> list[str | None]:
        """Return the cards reached through areas, floors and labels; other things are left."""
        return [
            *(
                self.card_of_device(device_id, named=False)
                for device_id in sorted(selected.referenced_devices - named)
            ),
            *(
                self.card_of_entity(entity_id, named=False)
                for entity_id in sorted(selected.indirectly_referenced)
            ),
        ]


def _refuse_household(name: str | None) -> NoReturn:
    """Refuse the household's own device or entity, by the name the user sees, never its id."""
    if name:
        raise invalid_input("household_target", target=name)
    raise invalid_input("household_target_unnamed")


def _refuse_device(name: str | None) -> NoReturn:
    """Refuse a named device that is not a card (None: none exists) by its name, never its id."""
    if name is None:
        raise invalid_input("target_not_found")
    if name:
        raise invalid_input("not_a_card", target=name)
    raise invalid_input("device_not_a_card")


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
    card_ids = _Targets(hass).card_ids(dict(call.data))
    hubs = {card_id: hub for hub in _loaded_hubs(hass) for card_id in hub.configs}
    for card_id in card_ids:
        if card_id not in hubs:
            held = any(
                card_id in entry.subentries for entry in hass.config_entries.async_entries(DOMAIN)
            )
            raise invalid_input("hub_not_loaded" if held else "card_removed")
    hub = hubs[card_ids[0]]
    if any(hubs[card_id] is not hub for card_id in card_ids):
        raise invalid_input("several_households")
    return hub, card_ids


def _check_notes(call: ServiceCall) -> None:
    """Refuse a payment method or reference that is too long or hides characters."""
    for key in ("payment_method", "reference"):
        note = call.data.get(key)
        if note is not None and (len(note) > MAX_NOTE_LENGTH or has_hidden_characters(note)):
            raise invalid_input("invalid_note", max=str(MAX_NOTE_LENGTH))


async def _async_renew(call: ServiceCall) -> ServiceResponse:
    """Record a renewal on each targeted card: all of them, or none."""
    _check_notes(call)
    hub, card_ids = _targets(call.hass, call)
    renewed = await hub.changes.async_renew(
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
            plan=call.data.get("plan"),
        ),
    )
    results: list[JsonValueType] = [
        {
            "card_id": card_id,
            "name": hub.configs[card_id].name if card_id in hub.configs else None,
            "old_expiry": old.isoformat(),
            "new_expiry": new.isoformat(),
            "plan": _plan_used(hub, card_id, call.data.get("plan")),
        }
        for card_id, old, new in renewed
    ]
    return {"cards": results}


def _plan_used(hub: SimRenewHub, card_id: str, asked: str | None) -> str | None:
    """Return the name of the plan a renewal used: the one asked for, or the default."""
    if (config := hub.configs.get(card_id)) is None:
        return None
    plan = config.default_plan if asked is None else config.plan_named(asked)
    return None if plan is None else plan.name


async def _async_set_expiry(call: ServiceCall) -> None:
    """Correct the expiry of each targeted card."""
    _check_notes(call)
    hub, card_ids = _targets(call.hass, call)
    await hub.changes.async_set_expiry(
        card_ids, call.data["expiry_date"], "action", call.data.get("reference")
    )


async def _async_set_balance(call: ServiceCall) -> None:
    """Record the balance of each targeted card."""
    hub, card_ids = _targets(call.hass, call)
    await hub.changes.async_set_balance(
        card_ids, call.data["amount"], call.data.get("currency"), call.data.get("as_of")
    )


async def _async_record_activity(call: ServiceCall) -> None:
    """Record activity on each targeted card."""
    hub, card_ids = _targets(call.hass, call)
    await hub.changes.async_record_activity(card_ids, call.data.get("date"))


def snooze_days(value: object) -> int:
    """Return the whole days of a snooze, from 1 to the limit; refuse anything else in words."""
    try:
        days: int | None = whole_number(value)
    except vol.Invalid:
        days = None
    if days is None or not 1 <= days <= MAX_SNOOZE_DAYS:
        # Cut short: what a script sent is echoed, not a page of it.
        raise invalid_input(
            "invalid_snooze", days=str(value).strip()[:12], max=str(MAX_SNOOZE_DAYS)
        )
    return days


async def _async_snooze(call: ServiceCall) -> None:
    """Remind about each targeted card again after some days."""
    days = snooze_days(call.data["days"])
    hub, card_ids = _targets(call.hass, call)
    await hub.changes.async_snooze(card_ids, days)


async def _async_confirm_renewal(call: ServiceCall) -> None:
    """Confirm each targeted card's last renewal, with the date the carrier shows if given."""
    hub, card_ids = _targets(call.hass, call)
    await hub.changes.async_confirm_renewal(card_ids, call.data.get("expiry_date"))


async def _async_read_message(call: ServiceCall) -> ServiceResponse:
    """Read one carrier message: find its card, and record what it says."""
    targeted: dict[str, SimRenewHub] | None = None
    if any(key in call.data for key in TARGET_KEYS):
        hub, card_ids = _targets(call.hass, call)
        targeted = dict.fromkeys(card_ids, hub)
    received = call.data.get("received")
    message = CarrierMessage(
        text=call.data["message"],
        sender=call.data.get("sender") or None,
        received=dt_util.utcnow() if received is None else dt_util.as_utc(received),
        # Named by the user's own call: what it states is the user's word.
        automatic=False,
    )
    answer = await async_handle_message(call.hass, _loaded_hubs(call.hass), message, targeted)
    return cast(dict[str, JsonValueType], answer)


async def _async_undo_renewal(call: ServiceCall) -> ServiceResponse:
    """Take back each targeted card's last renewal."""
    hub, card_ids = _targets(call.hass, call)
    undone = await hub.changes.async_undo_renewal(card_ids)
    results: list[JsonValueType] = [
        {"card_id": card_id, "old_expiry": old.isoformat(), "new_expiry": new.isoformat()}
        for card_id, old, new in undone
    ]
    return {"cards": results}


def _history_request(data: dict[str, Any]) -> tuple[set[str], int | None]:
    """Return the kinds of entry asked for and how many at most; refuse anything else."""
    kinds = data.get("kind", list(HISTORY_KINDS))
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list) or not all(kind in HISTORY_KINDS for kind in kinds):
        raise invalid_input("invalid_history_kind", kinds=", ".join(HISTORY_KINDS))
    limit = data.get("limit")
    if limit is not None:
        try:
            limit = whole_number(limit)
        except vol.Invalid:
            limit = 0
        if not 1 <= limit <= MAX_HISTORY_LIMIT:
            raise invalid_input("invalid_history_limit", max=str(MAX_HISTORY_LIMIT))
    return set(kinds), limit


async def _async_history(call: ServiceCall) -> ServiceResponse:
    """Return each targeted card's history, newest first, of the kinds asked for."""
    kinds, limit = _history_request(dict(call.data))
    hub, card_ids = _targets(call.hass, call)
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


async def _async_list_cards(call: ServiceCall) -> ServiceResponse:
    """Return every card, soonest deadline first."""
    presets = await async_get_presets(call.hass)
    hubs = {card_id: hub for hub in _loaded_hubs(call.hass) for card_id in hub.cards}
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
        DOMAIN, "read_message", _async_read_message, READ_MESSAGE_SCHEMA, SupportsResponse.OPTIONAL
    )
    hass.services.async_register(
        DOMAIN, "list_cards", _async_list_cards, vol.Schema({}), SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN, "history", _async_history, HISTORY_SCHEMA, SupportsResponse.ONLY
    )
