"""Time zones loaded off the event loop, then read by the cards without blocking."""

from __future__ import annotations

import asyncio
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from homeassistant.config_entries import ConfigEntry
from homeassistant.util import dt as dt_util

from .const import CONF_TIME_ZONE, SUBENTRY_CARD
from .model import DEFAULT_TIME_ZONE
from .zone_names import is_zone_name

# Reading a zone file is blocking I/O. Every zone a card can name was loaded here first, by the
# card form or when the hub starts; holding them keeps later lookups free of file reads.
_LOADED: dict[str, ZoneInfo] = {}
# Every IANA name by the key it is typed under; listing them reads the zone database's folders.
_NAMES: dict[str, str] = {}


def _typed_key(name: str) -> str:
    """Return the key a typed zone name is found by: "Asia/Hong Kong" is "asia/hong_kong"."""
    parts = unicodedata.normalize("NFKC", name).casefold().split("/")
    return "/".join("_".join(part.split()) for part in parts)


async def async_canonical_zone_name(typed: str) -> str:
    """Return the IANA name a zone typed in any case or with spaces is; else the text as typed.

    People type "asia/hong_kong" or "Asia/Hong Kong"; the zone database, and the card, name it
    "Asia/Hong_Kong". What names no zone is left for the zone check to refuse.
    """
    if typed in _LOADED:
        return typed
    if not _NAMES:
        names = await asyncio.get_running_loop().run_in_executor(None, available_timezones)
        _NAMES.update((_typed_key(name), name) for name in names)
    return _NAMES.get(_typed_key(typed), typed)


async def async_get_zone(name: str) -> ZoneInfo | None:
    """Return the time zone of an IANA name, read in the executor; None if there is none."""
    if (zone := _LOADED.get(name)) is not None:
        return zone
    if not is_zone_name(name):
        return None
    try:
        zone = await dt_util.async_get_time_zone(name)
    except ZoneInfoNotFoundError, ValueError, OSError:
        # Releases before 2026.11 let the errors of a file that is not a zone through.
        return None
    if zone is not None:
        _LOADED[name] = zone
    return zone


def loaded_zone(name: str) -> ZoneInfo | None:
    """Return a zone loaded beforehand, without touching the disk."""
    return _LOADED.get(name)


async def async_load_card_zones(entry: ConfigEntry) -> None:
    """Load the time zone of every card of the hub, and the default one."""
    names = {DEFAULT_TIME_ZONE}
    for subentry in entry.subentries.values():
        if subentry.subentry_type == SUBENTRY_CARD:
            names.add(str(subentry.data.get(CONF_TIME_ZONE, DEFAULT_TIME_ZONE)))
    for name in names:
        await async_get_zone(name)
