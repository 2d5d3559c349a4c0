"""Tests for the carrier's zone a new card is given: from its numbers, its type, else the home's."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, strategies as st
import pytest

from custom_components.simrenew.carrier_zone import (
    COUNTRY_ZONES,
    HONG_KONG_ZONE,
    inferred_time_zone,
    number_zone,
)
from custom_components.simrenew.model import CardType
from custom_components.simrenew.phone_number_format import normalize_phone_number

LONDON = "Europe/London"


@pytest.mark.parametrize(
    ("number", "zone"),
    [
        ("9123 4567", "Asia/Hong_Kong"),
        ("+852 6123-4567", "Asia/Hong_Kong"),
        ("85291234567", "Asia/Hong_Kong"),
        ("+853 6612 3456", "Asia/Macau"),
        ("138 0013 8000", "Asia/Shanghai"),
        ("+86 138 0013 8000", "Asia/Shanghai"),
        ("+886 912 345 678", "Asia/Taipei"),
        ("+65 8123 4567", "Asia/Singapore"),
        ("+81 90 1234 5678", "Asia/Tokyo"),
        ("+82 10 1234 5678", "Asia/Seoul"),
        ("+60 12 345 6789", "Asia/Kuala_Lumpur"),
        ("+66 81 234 5678", "Asia/Bangkok"),
        ("+63 917 123 4567", "Asia/Manila"),
        ("+44 7700 900123", "Europe/London"),
        ("+49 151 23456789", "Europe/Berlin"),
        ("+33 6 12 34 56 78", "Europe/Paris"),
        ("+64 21 123 4567", "Pacific/Auckland"),
        ("＋８５２ ９１２３ ４５６７", "Asia/Hong_Kong"),
    ],
)
def test_a_number_names_its_country_zone(number: str, zone: str) -> None:
    """A number from a country with one clock is counted on that clock, however it is written."""
    assert number_zone(number) == zone
    assert inferred_time_zone(number, None, "data", LONDON) == zone


@pytest.mark.parametrize(
    "number",
    [
        "+1 212 555 0100",
        "+7 912 345 6789",
        "+61 412 345 678",
        "+55 11 91234 5678",
        "+62 812 3456 7890",
        "+52 55 1234 5678",
        "+34 612 345 678",
    ],
)
def test_a_country_with_several_clocks_says_nothing(number: str) -> None:
    """A number from a country that spans zones leaves the zone to the card type or the home."""
    assert number_zone(number) is None
    assert inferred_time_zone(number, None, "data", LONDON) == LONDON
    assert inferred_time_zone(number, None, "number_keeping", LONDON) == HONG_KONG_ZONE


@pytest.mark.parametrize("number", [None, "", "call me", "+1234", "0123456789"])
def test_no_number_or_a_wrong_one_says_nothing(number: str | None) -> None:
    """A missing or unreadable number gives no zone: the form refuses the unreadable one."""
    assert number_zone(number) is None


@pytest.mark.parametrize(
    ("card_type", "zone"),
    [
        ("number_keeping", "Asia/Hong_Kong"),
        ("china_hk", "Asia/Hong_Kong"),
        ("data", LONDON),
        ("virtual_number", LONDON),
        ("other", LONDON),
        (None, LONDON),
        ("not a type", LONDON),
    ],
)
def test_without_a_number_a_hong_kong_card_type_decides(card_type: str | None, zone: str) -> None:
    """Number-keeping and China-Hong Kong cards count Hong Kong days; other cards the home's."""
    assert inferred_time_zone(None, None, card_type, LONDON) == zone


def test_the_number_comes_before_the_type_and_the_first_before_the_second() -> None:
    """A number says more than a type; the first number more than the second."""
    assert inferred_time_zone("+44 7700 900123", None, "number_keeping", "UTC") == LONDON
    assert inferred_time_zone("+86 138 0013 8000", "9123 4567", "china_hk", "UTC") == (
        "Asia/Shanghai"
    )
    # A first number that says nothing leaves the choice to the second.
    assert inferred_time_zone("+1 212 555 0100", "9123 4567", "data", "UTC") == HONG_KONG_ZONE


def test_the_longest_country_code_wins() -> None:
    """+852 and +853 are Hong Kong and Macau, not mainland China's +86 or anything under +8."""
    assert number_zone("+85291234567") == "Asia/Hong_Kong"
    assert number_zone("+85366123456") == "Asia/Macau"
    assert number_zone("+8613800138000") == "Asia/Shanghai"
    assert number_zone("+886912345678") == "Asia/Taipei"


def test_the_country_codes_are_real_zones_and_prefix_free() -> None:
    """Every zone exists, and no code begins another, so one code at most matches a number."""
    known = available_timezones()
    for zone in COUNTRY_ZONES.values():
        assert zone is None or zone in known, zone
    for code in COUNTRY_ZONES:
        assert code.isdigit()
        assert not any(other != code and other.startswith(code) for other in COUNTRY_ZONES), code


HOMES = st.sampled_from(["Europe/London", "America/New_York", "Asia/Tokyo", "UTC"])
NUMBERS = st.one_of(
    st.none(),
    st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True),
    st.from_regex(r"[0-9 ()\-+]{0,20}", fullmatch=True),
    st.text(max_size=20),
)
TYPES = st.one_of(st.none(), st.sampled_from(list(CardType)), st.text(max_size=10))


@given(first=NUMBERS, second=NUMBERS, card_type=TYPES, home=HOMES)
def test_any_card_gets_a_real_zone(
    first: str | None, second: str | None, card_type: str | None, home: str
) -> None:
    """Whatever the answers, the zone is a real IANA zone, and the home's only as a last resort."""
    zone = inferred_time_zone(first, second, card_type, home)
    assert ZoneInfo(zone).key == zone
    said = [number_zone(number) for number in (first, second)]
    if any(said):
        assert zone == next(found for found in said if found)
    elif card_type in {"number_keeping", "china_hk"}:
        assert zone == HONG_KONG_ZONE
    else:
        assert zone == home


@given(
    code=st.sampled_from(sorted(COUNTRY_ZONES)),
    rest=st.from_regex(r"[0-9]{7,12}", fullmatch=True),
    card_type=TYPES,
)
def test_a_number_is_counted_on_its_country_clock(
    code: str, rest: str, card_type: str | None
) -> None:
    """A valid number from a one-clock country is counted on that clock, whatever the type."""
    number = f"+{code}{rest}"
    try:
        normalize_phone_number(number)
    except ValueError:
        return
    zone = inferred_time_zone(number, None, card_type, "UTC")
    if (expected := COUNTRY_ZONES[code]) is not None:
        assert zone == expected
    else:
        assert zone in {HONG_KONG_ZONE, "UTC"}
