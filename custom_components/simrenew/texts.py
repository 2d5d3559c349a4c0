"""Texts shown by the household's entities and notifications, in Home Assistant's language."""

from __future__ import annotations

import re

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


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
