"""The words and choices of a lapsed card's fix: its dates, a renewal's outcome, its plans."""

from __future__ import annotations

from datetime import date

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.util import dt as dt_util

from .hub import SimRenewHub
from .money import written_amount
from .renewal import Renewal
from .spoken_dates import spoken_date
from .texts import SelectorTexts
from .validation import vol

CONF_PLAN = "plan"


def card_placeholders(hass: HomeAssistant, hub: SimRenewHub, card_id: str) -> dict[str, str]:
    """Return the card's name and dates for the texts."""
    view = hub.cards[card_id]
    language, today = hass.config.language, dt_util.now().date()
    placeholders = {
        "name": view.config.name,
        "deadline": spoken_date(view.state.deadline, language, today),
    }
    if view.recorded_expiry is not None:
        placeholders["recorded_expiry"] = spoken_date(view.recorded_expiry, language, today)
    return placeholders


def renewal_preview(
    hass: HomeAssistant, hub: SimRenewHub, card_id: str, plan: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Return the placeholders of the renewal the step would record, and why it cannot."""
    language = hass.config.language
    today = dt_util.now().date()
    # The expiry the card has now is known even when the renewal cannot be recorded.
    expiry = spoken_date(hub.cards[card_id].config.expiry_date, language, today)
    placeholders = {
        **card_placeholders(hass, hub, card_id),
        "old_expiry": expiry,
        "new_expiry": "—",
        "amount": "—",
    }
    try:
        entry = hub.changes.preview_renewal(card_id, Renewal(source="repair", plan=plan))
    except ServiceValidationError as err:
        return placeholders, {"base": err.translation_key or "unknown"}
    placeholders["new_expiry"] = spoken_date(
        date.fromisoformat(entry["new_expiry"]), language, today
    )
    if (amount := entry.get("amount")) is not None:
        placeholders["amount"] = written_amount(amount, entry["currency"])
    return placeholders, {}


async def async_plan_schema(hass: HomeAssistant, hub: SimRenewHub, card_id: str) -> vol.Schema:
    """Return the choice of plan, each with the expiry and amount it gives; default first."""
    config = hub.cards[card_id].config
    default = config.default_plan or config.plans[0]
    texts = SelectorTexts(hass, "plan_outcome")
    await texts.async_load()
    options: list[SelectOptionDict] = []
    for plan in config.plans:
        outcome, errors = renewal_preview(hass, hub, card_id, plan.name)
        values = {"plan": plan.name, **outcome}
        if errors:
            label = plan.name
        elif outcome["amount"] == "—":
            label = texts.fill("without_amount", "{plan}: until {new_expiry}", **values)
        else:
            label = texts.fill("with_amount", "{plan}: until {new_expiry}, {amount}", **values)
        options.append(SelectOptionDict(value=plan.name, label=label))
    return vol.Schema(
        {
            vol.Required(CONF_PLAN, default=default.name): SelectSelector(
                SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
            )
        }
    )
