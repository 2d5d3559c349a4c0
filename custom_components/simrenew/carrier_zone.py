"""The time zone a card's carrier most likely counts its days in; free of Home Assistant."""

from __future__ import annotations

import re

from .phone_number_format import normalize_phone_number

# A form's answer that asks for the zone to be worked out from the card's number and type.
AUTOMATIC_ZONE = "auto"

# Country calling codes whose whole country keeps one clock, by the zone of that clock. The
# codes of countries with several clocks map to None: a number from there says nothing sure.
# E.164 country codes are prefix-free, so at most one of them begins a number.
COUNTRY_ZONES: dict[str, str | None] = {
    "852": "Asia/Hong_Kong",
    "853": "Asia/Macau",
    "86": "Asia/Shanghai",
    "886": "Asia/Taipei",
    "65": "Asia/Singapore",
    "81": "Asia/Tokyo",
    "82": "Asia/Seoul",
    "60": "Asia/Kuala_Lumpur",
    "66": "Asia/Bangkok",
    "63": "Asia/Manila",
    "84": "Asia/Ho_Chi_Minh",
    "855": "Asia/Phnom_Penh",
    "91": "Asia/Kolkata",
    "971": "Asia/Dubai",
    "44": "Europe/London",
    "353": "Europe/Dublin",
    "49": "Europe/Berlin",
    "33": "Europe/Paris",
    "39": "Europe/Rome",
    "41": "Europe/Zurich",
    "43": "Europe/Vienna",
    "31": "Europe/Amsterdam",
    "32": "Europe/Brussels",
    "45": "Europe/Copenhagen",
    "46": "Europe/Stockholm",
    "47": "Europe/Oslo",
    "48": "Europe/Warsaw",
    "64": "Pacific/Auckland",
    "27": "Africa/Johannesburg",
    # North America, Russia and Kazakhstan, Australia, Brazil, Indonesia, Mexico, Spain (the
    # Canaries), Portugal (the Azores), Chile (Easter Island).
    "1": None,
    "7": None,
    "61": None,
    "55": None,
    "62": None,
    "52": None,
    "34": None,
    "351": None,
    "56": None,
}
LONGEST_CODE = max(map(len, COUNTRY_ZONES))

# Hong Kong number-keeping and China-Hong Kong cards run on a Hong Kong carrier's clock.
HONG_KONG_ZONE = "Asia/Hong_Kong"
HONG_KONG_CARD_TYPES = frozenset({"number_keeping", "china_hk"})


def number_zone(phone_number: str | None) -> str | None:
    """Return the zone of a number's country, if it has one clock; None for anything else."""
    if phone_number is None:
        return None
    try:
        digits = normalize_phone_number(phone_number).removeprefix("+")
    except ValueError:
        return None
    # Longest first: "852" is Hong Kong, where a shorter code would be another country.
    for length in range(LONGEST_CODE, 0, -1):
        if (code := digits[:length]) in COUNTRY_ZONES:
            return COUNTRY_ZONES[code]
    return None


# POSIX counts Etc/GMT zones the other way round: "Etc/GMT+8" is eight hours behind UTC.
_ETC_WEST_OF_UTC = re.compile(r"Etc/GMT\+([1-9]|1[0-2])")


def etc_hours_behind_utc(zone: str) -> int | None:
    """Return how many hours an Etc/GMT+N zone is behind UTC, or None for any other zone."""
    if (match := _ETC_WEST_OF_UTC.fullmatch(zone)) is None:
        return None
    return int(match.group(1))


def evidenced_time_zone(
    phone_number: str | None, second_phone_number: str | None, card_type: str | None
) -> str | None:
    """Return the zone a card's numbers or type point to; None if they say nothing sure."""
    return inferred_time_zone(phone_number, second_phone_number, card_type, "") or None


def inferred_time_zone(
    phone_number: str | None,
    second_phone_number: str | None,
    card_type: str | None,
    home_zone: str,
) -> str:
    """Return the zone a card counts its days in: from its numbers, its type, else the home's."""
    for number in (phone_number, second_phone_number):
        if (zone := number_zone(number)) is not None:
            return zone
    if card_type in HONG_KONG_CARD_TYPES:
        return HONG_KONG_ZONE
    return home_zone
