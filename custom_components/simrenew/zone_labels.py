"""Readable names for the time zones most cards use, in Home Assistant's language."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .card_form import CARD_SCHEMA, COMMON_TIME_ZONES
from .const import CONF_TIME_ZONE
from .texts import SelectorTexts
from .validation import vol


def zone_key(name: str) -> str:
    """Return the translation key of a zone's name: "Asia/Hong_Kong" is "asia_hong_kong"."""
    return name.lower().replace("/", "_")


async def async_zone_options(hass: HomeAssistant) -> list[SelectOptionDict]:
    """Return the common zones, each labelled with its name in Home Assistant's language."""
    texts = SelectorTexts(hass, "time_zone")
    await texts.async_load()
    return [
        SelectOptionDict(value=zone, label=texts.fill(zone_key(zone), zone))
        for zone in COMMON_TIME_ZONES
    ]


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


async def async_card_schema(hass: HomeAssistant, schema: vol.Schema = CARD_SCHEMA) -> vol.Schema:
    """Return a card form with readable time zone names; any other IANA zone may be typed."""
    picker = SelectSelector(
        SelectSelectorConfig(
            options=await async_zone_options(hass),
            custom_value=True,
            mode=SelectSelectorMode.DROPDOWN,
        )
    )
    return with_zone_picker(schema, picker)
