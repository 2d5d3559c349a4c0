"""IANA time zone names: which text is shaped like one, and loading the zone it names."""

from __future__ import annotations

from collections.abc import Callable
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

type ZoneLookup = Callable[[str], ZoneInfo | None]

# Components of IANA names ("America/Argentina/Buenos_Aires", "Etc/GMT+8"): no dots, so no
# path can climb out of the zone database, and no leading slash.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9][A-Za-z0-9_+\-]*)*")
MAX_ZONE_NAME_LENGTH = 64


def is_zone_name(name: object) -> bool:
    """Return whether `name` is shaped like an IANA time zone name."""
    return (
        isinstance(name, str)
        and len(name) <= MAX_ZONE_NAME_LENGTH
        and _ZONE_NAME.fullmatch(name) is not None
    )


def load_zone(name: str) -> ZoneInfo | None:
    """Return the time zone of an IANA name, or None; may read the zone file."""
    if not is_zone_name(name):
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError, ValueError, OSError:
        return None
