"""The checks of a card's answers, against each other and the household's other cards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import math
from typing import Any
import unicodedata

from yarl import URL

from homeassistant.util import dt as dt_util, slugify

from .card_numbers import check_phone_numbers
from .carrier_zone import (
    AUTOMATIC_ZONE,
    etc_hours_behind_utc,
    evidenced_time_zone,
    inferred_time_zone,
)
from .const import (
    CONF_ACTIVITY_INTERVAL_DAYS,
    CONF_CARD_TYPE,
    CONF_CARRIER,
    CONF_EXPIRY_DATE,
    CONF_GRACE_DAYS,
    CONF_NAME,
    CONF_NOTES,
    CONF_PHONE_NUMBER,
    CONF_REMINDER_DAYS,
    CONF_RENEWAL_COST,
    CONF_RENEWAL_PERIOD,
    CONF_RENEWAL_PERIOD_UNIT,
    CONF_RENEWAL_URL,
    CONF_SECOND_PHONE_NUMBER,
    CONF_TIME_ZONE,
)
from .hidden_characters import has_hidden_characters
from .model import (
    DEFAULT_TIME_ZONE,
    MAX_DAYS,
    MAX_REMINDER_DAYS,
    MONEY_MAX,
    PERIOD_LIMITS,
    PeriodUnit,
    expiry_is_plausible,
    local_today,
)
from .plan_form import PeriodNamer, check_plans
from .plans import plain_name
from .stored_values import parse_iso_date
from .zones import async_canonical_zone_name, async_get_zone

# Longer names and carriers are pasted text, not labels; they also make unwieldy entity ids.
MAX_TEXT_LENGTH = 64
MAX_URL_LENGTH = 2000
# Room for how to renew, a balance-check code, the hotline and the accounts bound to the number.
MAX_NOTES_LENGTH = 2000


def parse_reminder_days(values: Iterable[str | int | float]) -> list[int] | None:
    """Return the days as sorted whole numbers, or None if any is not a day from 0 to 365."""
    try:
        days = sorted({int(str(value).strip()) for value in values}, reverse=True)
    except ValueError:
        return None
    if not all(0 <= day <= MAX_REMINDER_DAYS for day in days):
        return None
    return days


def _is_https_url(value: str) -> bool:
    """Return whether `value` is an absolute https URL with a host."""
    if len(value) > MAX_URL_LENGTH or has_hidden_characters(value):
        return False
    try:
        url = URL(value)
    except ValueError:
        return False
    return url.scheme == "https" and bool(url.host)


def _check_numbers(data: Mapping[str, Any]) -> dict[str, str]:
    """Return errors for counts, cost and URL outside what a card can have."""
    errors: dict[str, str] = {}
    period = data.get(CONF_RENEWAL_PERIOD, 1)
    longest = PERIOD_LIMITS.get(data.get(CONF_RENEWAL_PERIOD_UNIT, PeriodUnit.DAYS), 0)
    if not (type(period) is int and 0 < period <= longest):
        errors[CONF_RENEWAL_PERIOD] = "invalid_period"
    for key in (CONF_GRACE_DAYS, CONF_ACTIVITY_INTERVAL_DAYS):
        days = data.get(key, 0)
        if not (type(days) is int and 0 <= days <= MAX_DAYS):
            errors[key] = "invalid_days"
    cost = data.get(CONF_RENEWAL_COST, 0)
    if not (isinstance(cost, (int, float)) and math.isfinite(cost) and 0 <= cost <= MONEY_MAX):
        errors[CONF_RENEWAL_COST] = "invalid_cost"
    if (url := data.get(CONF_RENEWAL_URL)) is not None and not _is_https_url(url):
        errors[CONF_RENEWAL_URL] = "invalid_url"
    return errors


def _resolve_zone(data: dict[str, Any], home_zone: str) -> None:
    """Replace an automatic or empty zone with the one the card's numbers and type give."""
    if data.get(CONF_TIME_ZONE, AUTOMATIC_ZONE) != AUTOMATIC_ZONE:
        return
    card_type = data.get(CONF_CARD_TYPE)
    data[CONF_TIME_ZONE] = inferred_time_zone(
        data.get(CONF_PHONE_NUMBER),
        data.get(CONF_SECOND_PHONE_NUMBER),
        card_type if isinstance(card_type, str) else None,
        home_zone,
    )


async def _reversed_sign(data: Mapping[str, Any], zone: str) -> bool:
    """Return whether an Etc/GMT+N zone was most likely meant as UTC+N.

    "Etc/GMT+8" is eight hours behind UTC; chosen for a card whose number or type puts it
    ahead of UTC (a Hong Kong card), it would move every day of the card to the wrong date.
    A card whose numbers and type say nothing keeps any zone, west of UTC or not.
    """
    if etc_hours_behind_utc(zone) is None:
        return False
    card_type = data.get(CONF_CARD_TYPE)
    evidenced = evidenced_time_zone(
        data.get(CONF_PHONE_NUMBER),
        data.get(CONF_SECOND_PHONE_NUMBER),
        card_type if isinstance(card_type, str) else None,
    )
    if evidenced is None or (expected := await async_get_zone(evidenced)) is None:
        return False
    offset = expected.utcoffset(dt_util.utcnow())
    return offset is not None and offset.total_seconds() > 0


async def _check_dates(data: dict[str, Any]) -> dict[str, str]:
    """Return errors for an unknown time zone or an expiry that is not a plausible date."""
    # Answers come through `flatten_input`, which makes the zone text.
    name = await async_canonical_zone_name(str(data.get(CONF_TIME_ZONE, DEFAULT_TIME_ZONE)))
    zone = await async_get_zone(name)
    if zone is None:
        return {CONF_TIME_ZONE: "invalid_time_zone"}
    data[CONF_TIME_ZONE] = name
    if await _reversed_sign(data, name):
        return {CONF_TIME_ZONE: "zone_sign_reversed"}
    if not data.get(CONF_EXPIRY_DATE):
        # Never today by default: an untouched date would raise a false last-day alarm.
        return {CONF_EXPIRY_DATE: "expiry_required"}
    # The date selector accepts "2027-5-15"; only the ISO form is stored.
    expiry = parse_iso_date(data[CONF_EXPIRY_DATE])
    if expiry is None:
        return {CONF_EXPIRY_DATE: "invalid_date"}
    if not expiry_is_plausible(expiry, local_today(dt_util.utcnow(), zone)):
        return {CONF_EXPIRY_DATE: "expiry_out_of_range"}
    return {}


def _text_error(text: str) -> str | None:
    """Return the error of a label that is too long or hides characters, if any."""
    if len(text) > MAX_TEXT_LENGTH:
        return "too_long"
    if has_hidden_characters(text):
        return "invalid_characters"
    return None


def _name_keys(name: str) -> set[str]:
    """Return the forms under which two names count as the same."""
    # The entity ids' form, and the letters and digits alone: a name with a typographic
    # apostrophe reads as the same name with a straight one, although its entity ids differ.
    letters = "".join(
        char for char in unicodedata.normalize("NFKC", name).casefold() if char.isalnum()
    )
    return {slugify(name), letters}


def _same_name(name: str, other: str) -> bool:
    """Return whether two names would read alike or give the same entity ids."""
    return not _name_keys(name).isdisjoint(_name_keys(other))


def _notes_error(notes: str) -> str | None:
    """Return the error of notes that are too long or hide characters other than line ends."""
    if len(notes) > MAX_NOTES_LENGTH:
        return "notes_too_long"
    if has_hidden_characters(notes.replace("\n", "")):
        return "invalid_characters"
    return None


def _check_labels(data: Mapping[str, Any], others: list[Mapping[str, Any]]) -> dict[str, str]:
    """Return errors for a missing, unreadable or taken name, and unreadable carrier or notes."""
    errors: dict[str, str] = {}
    if (notes := data.get(CONF_NOTES)) is not None and (error := _notes_error(notes)):
        errors[CONF_NOTES] = error
    if (carrier := data.get(CONF_CARRIER)) is not None and (error := _text_error(carrier)):
        errors[CONF_CARRIER] = error
    if (name := data.get(CONF_NAME)) is None:
        errors[CONF_NAME] = "name_required"
    elif error := _text_error(name):
        errors[CONF_NAME] = error
    elif any(_same_name(name, str(other[CONF_NAME])) for other in others):
        errors[CONF_NAME] = "name_in_use"
    return errors


async def async_validate_card(
    flat: dict[str, Any],
    other_cards: Iterable[Mapping[str, Any]],
    label: PeriodNamer = plain_name,
    *,
    home_zone: str,
) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """Check a card's answers against each other and the household's other cards.

    Returns the data to store, the errors per field, and an abort reason for a card
    that is already registered. `label` names a default plan the user left unnamed; an
    automatic zone becomes the one the card's numbers and type give, else `home_zone`.
    """
    others = list(other_cards)
    data = dict(flat)
    errors = _check_labels(data, others)
    if (abort := check_phone_numbers(data, others, errors)) is not None:
        return data, errors, abort
    if CONF_REMINDER_DAYS in data:
        days = parse_reminder_days(data[CONF_REMINDER_DAYS])
        if days is None:
            errors[CONF_REMINDER_DAYS] = "invalid_reminder_days"
        elif days:
            data[CONF_REMINDER_DAYS] = days
        else:
            del data[CONF_REMINDER_DAYS]
    # After the numbers are in E.164 form, which their country code is read from.
    _resolve_zone(data, home_zone)
    errors.update(await _check_dates(data))
    errors.update(_check_numbers(data))
    errors.update(check_plans(data, label))
    return data, errors, None
