"""Texts shown by the household's entities and notifications, in Home Assistant's language."""

from __future__ import annotations

import re

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .spoken_dates import plural_form

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A number of days in words, for the texts that say how many are left.
_DAY_COUNT = f"component.{DOMAIN}.selector.day_count.options."
_ENGLISH_DAYS = {"one": "{count} day", "other": "{count} days"}


class SelectorTexts:
    """One group of texts kept under the translations' `selector` section, with placeholders."""

    def __init__(self, hass: HomeAssistant, group: str) -> None:
        """Name the group; nothing is read until `async_load`."""
        self.hass = hass
        self._prefix = f"component.{DOMAIN}.selector.{group}.options."
        self._texts: dict[str, str] = {}

    async def async_load(self) -> None:
        """Read the group in Home Assistant's current language."""
        self._texts = await async_get_translations(
            self.hass, self.hass.config.language, "selector", [DOMAIN]
        )

    def fill(self, key: str, default: str, **values: str) -> str:
        """Return a text with its placeholders filled in; `default` when it has none."""
        template = self._texts.get(self._prefix + key, default)
        # One pass: a value that reads like a placeholder (a card called "{days}") stays as is.
        return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)

    def days(self, count: int) -> str:
        """Return a number of days in words: "1 day", "3 days", "3日", "3天"."""
        form = plural_form(count)
        template = self._texts.get(_DAY_COUNT + form, _ENGLISH_DAYS[form])
        return template.replace("{count}", str(count))
