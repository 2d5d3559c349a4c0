"""The household's entry as its flows see it: its name, first options, reminder days and cards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .card_form_data import new_card_suggestions
from .const import CONF_REMINDER_DAYS, CONF_REMINDER_TIME, DEFAULT_REMINDER_TIME, SUBENTRY_CARD
from .hub_options import HubOptions
from .model import DEFAULT_REMINDER_DAYS
from .spoken_dates import written_days
from .texts import SelectorTexts

# The household's name on the integration page, in Home Assistant's language when it is made;
# the words come from the translations (this is what a language without them falls back to).
HUB_TITLE = "Household SIM cards"

DEFAULT_OPTIONS: dict[str, Any] = {
    CONF_REMINDER_DAYS: list(DEFAULT_REMINDER_DAYS),
    CONF_REMINDER_TIME: DEFAULT_REMINDER_TIME,
}


def suggestions_for_new_card(hass: HomeAssistant) -> dict[str, Any]:
    """Return a new card's defaults from Home Assistant's own currency."""
    return new_card_suggestions(hass.config.currency)


def household_days(hass: HomeAssistant, hub: ConfigEntry | None) -> dict[str, str]:
    """Return the household's reminder days, which a card left without its own will use."""
    days = HubOptions.from_options(hub.options if hub else DEFAULT_OPTIONS).reminder_days
    return {"household_days": written_days(days, hass.config.language)}


async def async_household_title(hass: HomeAssistant) -> str:
    """Return the new household's name in Home Assistant's language: "家中的卡", "家里的卡"."""
    texts = SelectorTexts(hass, "household")
    await texts.async_load()
    return texts.fill("title", HUB_TITLE)


def cards_of(hub: ConfigEntry, exclude: str | None = None) -> list[Mapping[str, Any]]:
    """Return the data of the hub's cards other than `exclude`."""
    return [
        subentry.data
        for subentry_id, subentry in hub.subentries.items()
        if subentry.subentry_type == SUBENTRY_CARD and subentry_id != exclude
    ]
