"""The card form's answers and a card's stored data, each turned into the other."""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any

from homeassistant.generated.currencies import ACTIVE_CURRENCIES

from .card_form import ADVANCED_FIELDS, PLAN_FIELDS, SECTION_ADVANCED
from .carrier_zone import AUTOMATIC_ZONE
from .const import (
    CONF_ACTIVITY_INTERVAL_DAYS,
    CONF_CARRIER,
    CONF_CURRENCY,
    CONF_GRACE_DAYS,
    CONF_NAME,
    CONF_NOTES,
    CONF_PHONE_NUMBER,
    CONF_RENEWAL_PERIOD,
    CONF_RENEWAL_PERIOD_UNIT,
    CONF_RENEWAL_URL,
    CONF_SECOND_PHONE_NUMBER,
    CONF_TIME_ZONE,
)
from .plan_form import (
    SECTION_PLANS,
    PeriodNamer,
    shown_plans,
)
from .plans import parse_period, plain_name, stored_period

INT_FIELDS = (CONF_RENEWAL_PERIOD, CONF_GRACE_DAYS, CONF_ACTIVITY_INTERVAL_DAYS)


def whole_number(value: object) -> object:
    """Return a whole number as int (the number selector hands back floats); else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return value
    return int(value)


def flatten_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the form's answers as one flat mapping, with counts as whole numbers."""
    sections = (SECTION_ADVANCED, SECTION_PLANS)
    flat = {key: value for key, value in user_input.items() if key not in sections}
    for key in sections:
        flat.update(user_input.get(key, {}))
    _flatten_period(flat)
    for key in INT_FIELDS:
        if key in flat:
            flat[key] = whole_number(flat[key])
    for key in (
        CONF_NAME,
        CONF_CARRIER,
        CONF_PHONE_NUMBER,
        CONF_SECOND_PHONE_NUMBER,
        CONF_RENEWAL_URL,
        CONF_TIME_ZONE,
        CONF_NOTES,
    ):
        if key in flat:
            flat[key] = str(flat[key]).strip()
            if not flat[key]:
                del flat[key]
    if CONF_NOTES in flat:
        # Pasted from Windows or an old Mac, a line ends in \r\n or \r: stored as \n.
        flat[CONF_NOTES] = flat[CONF_NOTES].replace("\r\n", "\n").replace("\r", "\n")
    return flat


def _flatten_period(flat: dict[str, Any]) -> None:
    """Turn the one period field into the stored length and unit; leave a wrong one to refuse."""
    value = flat.get(CONF_RENEWAL_PERIOD)
    if not isinstance(value, str):
        return
    if not value.strip():
        del flat[CONF_RENEWAL_PERIOD]
    elif (period := parse_period(value)) is not None:
        flat[CONF_RENEWAL_PERIOD] = period.length
        flat[CONF_RENEWAL_PERIOD_UNIT] = period.unit.value


def nest_data(data: Mapping[str, Any], label: PeriodNamer = plain_name) -> dict[str, Any]:
    """Return stored card data in the form's shape, periods in words, to show it again."""
    hidden = (*ADVANCED_FIELDS, *PLAN_FIELDS, CONF_RENEWAL_PERIOD, CONF_RENEWAL_PERIOD_UNIT)
    nested = {key: value for key, value in data.items() if key not in hidden}
    if (period := stored_period(data)) is not None:
        nested[CONF_RENEWAL_PERIOD] = label(period)
    nested[SECTION_ADVANCED] = {key: data[key] for key in ADVANCED_FIELDS if key in data}
    nested[SECTION_PLANS] = shown_plans(data, label)
    return nested


def new_card_suggestions(currency: str) -> dict[str, Any]:
    """Return what a new card's form shows: Home Assistant's currency and the automatic zone.

    The expiry date starts empty: it is the one value only the carrier can give.
    """
    suggested: dict[str, Any] = {}
    if currency in ACTIVE_CURRENCIES:
        suggested[CONF_CURRENCY] = currency
    suggested[CONF_TIME_ZONE] = AUTOMATIC_ZONE
    return suggested
