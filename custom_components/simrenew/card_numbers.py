"""A card's phone numbers: stored in one form, and each held by one card of the household."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .const import CONF_PHONE_NUMBER, CONF_SECOND_PHONE_NUMBER
from .phone_number_format import normalize_phone_number, same_phone_number


def _taken(number: str, others: list[Mapping[str, Any]]) -> bool:
    """Return whether another card of the household has `number` as either of its numbers."""
    return any(
        same_phone_number(other.get(key), number)
        for other in others
        for key in (CONF_PHONE_NUMBER, CONF_SECOND_PHONE_NUMBER)
    )


def check_phone_numbers(
    data: dict[str, Any], others: list[Mapping[str, Any]], errors: dict[str, str]
) -> str | None:
    """Store the card's numbers in E.164 form and add their errors; return an abort reason.

    A card is known by its first number: another card with it means the card is registered
    already. A second number another card has, or the first one again, is an error of its field.
    """
    if (phone := data.get(CONF_PHONE_NUMBER)) is not None:
        try:
            data[CONF_PHONE_NUMBER] = normalize_phone_number(phone)
        except ValueError:
            errors[CONF_PHONE_NUMBER] = "invalid_phone_number"
        else:
            if _taken(data[CONF_PHONE_NUMBER], others):
                return "already_configured"
    if (second := data.get(CONF_SECOND_PHONE_NUMBER)) is not None:
        try:
            data[CONF_SECOND_PHONE_NUMBER] = normalize_phone_number(second)
        except ValueError:
            errors[CONF_SECOND_PHONE_NUMBER] = "invalid_phone_number"
        else:
            if data[CONF_SECOND_PHONE_NUMBER] == data.get(CONF_PHONE_NUMBER):
                errors[CONF_SECOND_PHONE_NUMBER] = "same_phone_number"
            elif _taken(data[CONF_SECOND_PHONE_NUMBER], others):
                errors[CONF_SECOND_PHONE_NUMBER] = "phone_number_in_use"
    return None
