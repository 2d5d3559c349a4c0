"""What each action accepts: its schema, and the checks that refuse a value in words."""

from __future__ import annotations

import math
from typing import Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import ServiceCall
from homeassistant.helpers import config_validation as cv

from .changes import MAX_SNOOZE_DAYS, invalid_input
from .hidden_characters import has_hidden_characters
from .receipts import HISTORY_KINDS
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


def check_notes(call: ServiceCall) -> None:
    """Refuse a payment method or reference that is too long or hides characters."""
    for key in ("payment_method", "reference"):
        note = call.data.get(key)
        if note is not None and (len(note) > MAX_NOTE_LENGTH or has_hidden_characters(note)):
            raise invalid_input("invalid_note", max=str(MAX_NOTE_LENGTH))


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


def history_request(data: dict[str, Any]) -> tuple[set[str], int | None]:
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
