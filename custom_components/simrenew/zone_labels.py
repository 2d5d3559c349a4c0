"""Readable names for the time zones most cards use, in Home Assistant's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
import unicodedata

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.translation import async_get_translations

from .card_form import CARD_SCHEMA, COMMON_TIME_ZONES, SECTION_ADVANCED
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
    """The common zones by name; the field's values are the names, as the field shows its value.

    A zone field that also takes typed zones shows the chosen value itself, not its label, so
    each common zone's value is its name in Home Assistant's language; any IANA zone may be typed.
    """

    def __init__(self, shown: Mapping[str, str], known: Mapping[str, str]) -> None:
        """Take each zone's name to show, and every name read back, by language-neutral key."""
        self._shown = dict(shown)
        self._known = dict(known)

    def options(self) -> list[SelectOptionDict]:
        """Return the common zones, each named in Home Assistant's language."""
        return [
            SelectOptionDict(value=self.name(zone), label=self.name(zone))
            for zone in COMMON_TIME_ZONES
        ]

    def name(self, zone: str) -> str:
        """Return the name the form shows for a zone: its own name, or the IANA one."""
        return self._shown.get(zone, zone)

    def zone(self, answer: object) -> object:
        """Return the IANA zone a form answer names; anything else is left to be refused."""
        if not isinstance(answer, str):
            return answer
        return self._known.get(_name_key(answer), answer)

    def shown(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return a card form's values with its zone shown by name; none stored is the default."""
        advanced = values.get(SECTION_ADVANCED)
        if isinstance(advanced, Mapping) and CONF_TIME_ZONE not in advanced:
            # Left out, the field would show its default as it is stored: "Asia/Hong_Kong".
            values = {**values, SECTION_ADVANCED: {**advanced, CONF_TIME_ZONE: DEFAULT_TIME_ZONE}}
        return self._with_zone(values, self.name)

    def read(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Return a card form's answers with its zone as an IANA name."""
        return self._with_zone(answers, self.zone)

    @staticmethod
    def _with_zone(values: Mapping[str, Any], change: Callable[[Any], Any]) -> dict[str, Any]:
        """Return the values with the advanced section's zone passed through `change`."""
        advanced = values.get(SECTION_ADVANCED)
        if not isinstance(advanced, Mapping) or CONF_TIME_ZONE not in advanced:
            return dict(values)
        zone = advanced[CONF_TIME_ZONE]
        return {**values, SECTION_ADVANCED: {**advanced, CONF_TIME_ZONE: change(zone)}}


async def async_zone_names(hass: HomeAssistant) -> ZoneNames:
    """Return the common zones' names in Home Assistant's language, and in every one to read."""
    known: dict[str, str] = {}
    shown: dict[str, str] = {}
    for language in dict.fromkeys((*LANGUAGES, hass.config.language)):
        texts = await async_get_translations(hass, language, "selector", [DOMAIN])
        for zone in COMMON_TIME_ZONES:
            if (name := texts.get(_PREFIX + zone_key(zone))) is None:
                continue
            known[_name_key(name)] = zone
            if language == hass.config.language:
                shown[zone] = name
    return ZoneNames(shown, known)


def with_zone_picker(schema: vol.Schema, picker: SelectSelector) -> vol.Schema:
    """Return the schema with `picker` as its time zone field, in a section or not."""
    fields: dict[object, object] = {}
    for key, field in schema.schema.items():
        if key == CONF_TIME_ZONE:
            fields[key] = picker
        elif isinstance(field, section):
            fields[key] = section(with_zone_picker(field.schema, picker), field.options)
        else:
            fields[key] = field
    return vol.Schema(fields)


def card_schema_with_zones(names: ZoneNames, schema: vol.Schema = CARD_SCHEMA) -> vol.Schema:
    """Return a card form with readable time zone names; any other IANA zone may be typed."""
    picker = SelectSelector(
        SelectSelectorConfig(
            options=names.options(), custom_value=True, mode=SelectSelectorMode.DROPDOWN
        )
    )
    return with_zone_picker(schema, picker)
