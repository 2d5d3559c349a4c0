"""Readable names for the time zones most cards use, in Home Assistant's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
import unicodedata

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.translation import async_get_translations

from .card_fields import ZONE_CHOICES
from .card_form import CARD_SCHEMA
from .const import CONF_TIME_ZONE, DOMAIN
from .model import DEFAULT_TIME_ZONE
from .validation import vol

# A name shown in one language may come back after Home Assistant's language changed.
LANGUAGES = ("en", "zh-Hant", "zh-Hans")
_PREFIX = f"component.{DOMAIN}.selector.time_zone.options."


def zone_key(name: str) -> str:
    """Return the translation key of a zone's name: "Asia/Hong_Kong" is "asia_hong_kong"."""
    return name.lower().replace("/", "_")


def _name_key(name: str) -> str:
    """Return the form under which a typed zone name is looked up, without its spaces.

    People type "中国大陆 (北京时间)" or "Mainland China(Beijing time)"; no two names differ
    only in their spaces.
    """
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


class ZoneNames:
    """The zone field's choices by name; its values are the names, as the field shows its value.

    A zone field that also takes typed zones shows the chosen value itself, not its label, so
    each choice's value is its name in Home Assistant's language: the automatic choice, then the
    common zones. Any IANA zone may be typed.
    """

    def __init__(self, shown: Mapping[str, str], known: Mapping[str, str]) -> None:
        """Take each zone's name to show, and every name read back, by language-neutral key."""
        self._shown = dict(shown)
        self._known = dict(known)

    def options(self) -> list[SelectOptionDict]:
        """Return the automatic choice and the common zones, named in Home Assistant's language."""
        return [
            SelectOptionDict(value=self.name(zone), label=self.name(zone)) for zone in ZONE_CHOICES
        ]

    def name(self, zone: str) -> str:
        """Return the name the form shows for a zone: its own name, or the IANA one."""
        return self._shown.get(zone, zone)

    def zone(self, answer: object) -> object:
        """Return the IANA zone (or the automatic choice) an answer names; else leave it be."""
        if not isinstance(answer, str):
            return answer
        return self._known.get(_name_key(answer), answer)

    def shown(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return a card form's values with its zone shown by name; none stored is the default."""
        if CONF_TIME_ZONE not in values:
            # A card stored without a zone counts on the default one, which the field must name:
            # left out, it would show its own default, the automatic choice.
            values = {**values, CONF_TIME_ZONE: DEFAULT_TIME_ZONE}
        return self._with_zone(values, self.name)

    def read(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Return a card form's answers with its zone as an IANA name or the automatic choice."""
        return self._with_zone(answers, self.zone)

    @staticmethod
    def _with_zone(values: Mapping[str, Any], change: Callable[[Any], Any]) -> dict[str, Any]:
        """Return the values with the zone passed through `change`."""
        if CONF_TIME_ZONE not in values:
            return dict(values)
        return {**values, CONF_TIME_ZONE: change(values[CONF_TIME_ZONE])}


async def async_zone_names(hass: HomeAssistant) -> ZoneNames:
    """Return the zone choices' names in Home Assistant's language, and in every one to read."""
    known: dict[str, str] = {}
    shown: dict[str, str] = {}
    for language in dict.fromkeys((*LANGUAGES, hass.config.language)):
        texts = await async_get_translations(hass, language, "selector", [DOMAIN])
        for zone in ZONE_CHOICES:
            if (name := texts.get(_PREFIX + zone_key(zone))) is None:
                continue
            known[_name_key(name)] = zone
            if language == hass.config.language:
                shown[zone] = name
    return ZoneNames(shown, known)


def with_zone_picker(schema: vol.Schema, picker: SelectSelector) -> vol.Schema:
    """Return the schema with `picker` as its time zone field."""
    return vol.Schema(
        {key: picker if key == CONF_TIME_ZONE else field for key, field in schema.schema.items()}
    )


def card_schema_with_zones(names: ZoneNames, schema: vol.Schema = CARD_SCHEMA) -> vol.Schema:
    """Return a card form with readable time zone names; any other IANA zone may be typed."""
    picker = SelectSelector(
        SelectSelectorConfig(
            options=names.options(), custom_value=True, mode=SelectSelectorMode.DROPDOWN
        )
    )
    return with_zone_picker(schema, picker)
