"""Shared pieces of the fuzzing tests: adversarial values, and what must hold after each input."""

from __future__ import annotations

from collections.abc import Collection, Mapping
import copy
from datetime import date
import json
import math
from pathlib import Path
import re
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

from custom_components.simrenew import zones
from custom_components.simrenew.card_checks import MAX_NOTES_LENGTH, MAX_TEXT_LENGTH
from custom_components.simrenew.card_config import CardConfig
from custom_components.simrenew.card_fields import COMMON_TIME_ZONES
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.hidden_characters import has_hidden_characters
from custom_components.simrenew.model import (
    MONEY_MAX,
    CardType,
    RenewalMode,
)
from custom_components.simrenew.phone_number_format import normalize_phone_number
from custom_components.simrenew.plans import COMMON_PERIODS, parse_period, period_choice
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers import entity_registry as er

from .conftest import SECTION_OF

# Every entry point runs thousands of examples under "ci"; a quick local run fewer.
FUZZ_EXAMPLES = (
    max(2000, settings().max_examples)
    if settings.get_current_profile_name() == "ci"
    else settings().max_examples * 4
)
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    # One Home Assistant serves every example of a test; examples only reset what they change.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    deadline=None,
)

TRANSLATIONS: dict[str, Any] = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations" / "en.json"
    ).read_text("utf-8")
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Values a person, a script or an attacker might type, beside the plain ones.
SPECIAL_TEXTS = [
    "",
    " ",
    "\x00",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ud800",
    "nan",
    "inf",
    "-1",
    "1e400",
    "0x10",
    "１２",
    "٣",
    "../etc",
    "/etc/localtime",
    "Asia/../Asia/Hong_Kong",
    "媽媽的卡",
    "💳",
    "Mum's CMHK",
    "Mum’s CMHK",
    "mum s cmhk",
    "Dad's csl",
    "null",
    "<b>x</b>",
    "a" * 65,
    "x" * 300,
]
WRONG_TYPES: list[object] = [
    None,
    True,
    0,
    -1,
    1.5,
    math.nan,
    math.inf,
    [],
    {},
    ["x"],
    {"a": 1},
    date(2027, 1, 1),
]


def mostly[T](
    usual: st.SearchStrategy[T], other: st.SearchStrategy[Any], tenths: int = 7
) -> st.SearchStrategy[Any]:
    """Return values from `usual` about `tenths` times in ten, from `other` otherwise."""
    return st.integers(min_value=0, max_value=9).flatmap(
        lambda roll: usual if roll < tenths else other
    )


def texts() -> st.SearchStrategy[str]:
    """Return text of every kind: plain, special, unicode, long."""
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(SPECIAL_TEXTS),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=60, max_size=120),
    )


def wrong_types() -> st.SearchStrategy[object]:
    """Return values of the wrong type for any field."""
    return st.sampled_from(WRONG_TYPES)


def numbers(*, huge: bool = False) -> st.SearchStrategy[Any]:
    """Return numbers: plausible, boundary, negative, fractional, nan, inf and huge ones.

    Integers past 64 bits cannot arrive through JSON, so only actions (called from scripts)
    get them.
    """
    bounds = 10**400 if huge else 2**63 - 1
    return st.one_of(
        st.integers(min_value=-3, max_value=400),
        st.sampled_from([0, 1, 120, 121, 365, 366, 3660, 3661, 10**6, 10**7, 1_000_001]),
        st.integers(min_value=-bounds, max_value=bounds),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0.0, 1.5, 180.0, -0.0, 1e308, math.nan, math.inf, -math.inf]),
    )


def date_texts() -> st.SearchStrategy[str]:
    """Return dates as text: near today, far off, and not quite dates."""
    return st.one_of(
        st.dates(min_value=date(2025, 6, 1), max_value=date(2047, 6, 1)).map(date.isoformat),
        st.dates().map(date.isoformat),
        st.sampled_from(
            [
                "0001-01-01",
                "9999-12-31",
                "2027-5-15",
                "2027-05-1",
                "2027-02-30",
                "2027-05-15T00:00",
                "20270515",
                "２０２７-０５-１５",
                "today",
                "",
            ]
        ),
    )


def period_texts() -> st.SearchStrategy[str]:
    """Return periods as the one period field hands them back: chosen, typed, or not periods."""
    return st.one_of(
        st.sampled_from([period_choice(period) for period in COMMON_PERIODS]),
        st.builds(
            "{}{}{}".format,
            st.integers(min_value=-2, max_value=4000).map(str),
            st.sampled_from(["", " ", "_"]),
            st.sampled_from(
                ["", "days", "d", "日", "天", "months", "個月", "个月", "m", "years", "週", "x"]
            ),
        ),
        st.sampled_from(["0_days", "121_months", "3661 days", "1.5", "nan", "_days", "１２ 個月"]),
        texts(),
    )


ZONE_NAMES = [
    *COMMON_TIME_ZONES,
    # The automatic choice, by its code and by its names in two languages.
    "auto",
    "Automatic: from the phone number or card type",
    "自動：按電話號碼或卡類型",
    "Automatic",
    "America/Argentina/Buenos_Aires",
    "Etc/GMT+12",
    "Pacific/Kiritimati",
    "Asia",
    "Asia/../Asia/Hong_Kong",
    "/etc/localtime",
    "../etc",
    "Mars/Olympus_Mons",
    "Asia/Hong\x00Kong",
    "A" * 300,
    "Factory",
    "posixrules",
    "leapseconds",
    "zone1970.tab",
    " Asia/Tokyo ",
]
PHONE_NUMBERS = [
    "91234567",
    "85291234567",
    "(852) 9123-4567",
    "９１２３４５６７",
    "+85261234567",
    "61234567",
    "13812345678",
    "+8613812345678",
    "+44 20 7946 0958",
    "+1234",
    "call me",
    "+0123456789",
    "٩١٢٣٤٥٦٧",
    "9123\u200b4567",
]
URLS = [
    "https://www.hkcsl.com/en/prepaid/",
    "http://phish.example/top-up",
    "https://",
    "https://[bad",
    "javascript:alert(1)",
    "https://a.example/\u200b",
    "https://例子.香港/充值",
    "https://" + "a" * 70 + ".example",
]
NOTES = [
    "Top up in the app.\nBalance: *#1345#\r\nHotline 1000",
    "\r\r\n\n",
    "line\tend",
    "bound: HSBC\u200b",
    "x" * MAX_NOTES_LENGTH,
    "x" * (MAX_NOTES_LENGTH + 1),
    " \n 增值：7-Eleven 或 App\n ",
]
REMINDER_DAY_TEXTS = ["30", "21", "14", "10", "7", "5", "3", "2", "1", "0", "366", "-1", " 7 "]


def card_fields() -> dict[str, st.SearchStrategy[object]]:
    """Return what each field of the card form may be sent, valid or not."""
    return {
        "name": st.one_of(texts(), st.text(alphabet="abcdefgh '", min_size=1, max_size=12)),
        "carrier": texts(),
        "card_type": st.one_of(st.sampled_from(list(CardType)), texts()),
        "phone_number": st.one_of(
            st.sampled_from(PHONE_NUMBERS),
            st.from_regex(r"\+?[0-9 ()\-]{0,18}", fullmatch=True),
            texts(),
        ),
        "expiry_date": date_texts(),
        "renewal_period": period_texts(),
        "renewal_mode": st.one_of(st.sampled_from(list(RenewalMode)), texts()),
        "renewal_cost": numbers(),
        "currency": st.one_of(st.sampled_from(["HKD", "CNY", "USD", "hkd", "XXX"]), texts()),
        "reminder_days": st.lists(
            st.one_of(st.sampled_from(REMINDER_DAY_TEXTS), texts()), max_size=5
        ),
        "time_zone": st.one_of(
            st.sampled_from(ZONE_NAMES),
            st.from_regex(r"[A-Za-z]{1,8}(/[A-Za-z_]{1,10}){0,2}", fullmatch=True),
            texts(),
        ),
        "grace_days": numbers(),
        "activity_interval_days": numbers(),
        "renewal_url": st.one_of(st.sampled_from(URLS), texts()),
        "auto_renew": st.booleans(),
        "esim": st.booleans(),
        "second_phone_number": st.one_of(
            st.sampled_from(PHONE_NUMBERS),
            st.from_regex(r"\+?[0-9 ()\-]{0,18}", fullmatch=True),
            texts(),
        ),
        "notes": st.one_of(
            texts(),
            st.sampled_from(NOTES),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=MAX_NOTES_LENGTH + 20),
        ),
    }


CARD_FIELDS = card_fields()
# Marks a field left out of the answers.
DROP = object()
# The fields in the form's "advanced" section, as the tests know them.
ADVANCED = {field for field, name in SECTION_OF.items() if name == "advanced"}


def card_input(base: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Return the card form's answers: the valid `base` with a few fields changed or dropped.

    Changing a few fields at a time keeps some answers valid, so the stored values are checked
    as often as the refusals.
    """
    change = st.one_of(
        *(
            st.tuples(st.just(key), st.one_of(strategy, wrong_types(), st.just(DROP)))
            for key, strategy in CARD_FIELDS.items()
        ),
        st.tuples(st.sampled_from(["extra", "advanced"]), st.one_of(texts(), wrong_types())),
    )
    return st.lists(change, max_size=3).map(lambda changes: _apply(base, changes))


def _apply(base: Mapping[str, Any], changes: list[tuple[str, object]]) -> dict[str, Any]:
    """Return the form's answers with some fields changed."""
    answers = copy.deepcopy(dict(base))
    for key, value in changes:
        target = answers["advanced"] if key in ADVANCED else answers
        if not isinstance(target, dict):
            continue
        if value is DROP:
            target.pop(key, None)
        else:
            target[key] = value
    return answers


def phone_numbers_of(entry: ConfigEntry) -> list[str]:
    """Return the digits of every stored phone number, as they must never be shown."""
    return [
        str(sub.data[key]).lstrip("+")
        for sub in entry.subentries.values()
        for key in ("phone_number", "second_phone_number")
        if sub.data.get(key)
    ]


def assert_form_errors(errors: Mapping[str, str], where: Mapping[str, Any]) -> None:
    """Every error of a form is a translated key."""
    assert errors
    for key in errors.values():
        assert key in where, key


def assert_translated(err: ServiceValidationError, hidden: list[str]) -> str:
    """Assert an action's refusal is translated with its placeholders; return its key."""
    assert err.translation_domain == DOMAIN
    key = err.translation_key
    assert key is not None
    assert key in TRANSLATIONS["exceptions"], key
    message = TRANSLATIONS["exceptions"][key]["message"]
    placeholders = err.translation_placeholders or {}
    assert set(PLACEHOLDER.findall(message)) == set(placeholders), key
    shown = " ".join(placeholders.values())
    for secret in hidden:
        assert secret not in shown, (key, secret)
    return key


def trim_history(entry: ConfigEntry, keep: int = 10) -> None:
    """Keep only each card's latest history entries, so that thousands of examples stay fast."""
    for record in entry.runtime_data.records.values():
        del record["history"][:-keep]


def snapshot(entry: ConfigEntry) -> tuple[Any, ...]:
    """Return everything a refused input must leave as it was."""
    return (
        {sid: (sub.title, dict(sub.data)) for sid, sub in entry.subentries.items()},
        dict(entry.options),
        copy.deepcopy(entry.runtime_data.records)
        if entry.state is ConfigEntryState.LOADED
        else None,
    )


def assert_card_stored_canonically(
    data: Mapping[str, Any], typed_names: Collection[str] = ()
) -> None:
    """Assert stored card data has the contract's types and reads back exactly as stored."""
    assert json.loads(json.dumps(dict(data))) == dict(data)
    config = CardConfig.from_data(data, zones.loaded_zone)
    assert config.name == data["name"] == data["name"].strip()
    assert 0 < len(config.name) <= MAX_TEXT_LENGTH
    assert not has_hidden_characters(config.name)
    assert config.expiry_date.isoformat() == data["expiry_date"]
    # A card stored by a form always has its zone, by its IANA name: never the automatic choice.
    assert config.time_zone.key == data["time_zone"] != "auto"
    if data.get("renewal_period") is not None:
        assert type(data["renewal_period"]) is int
        assert config.period is not None
        assert config.period.length == data["renewal_period"]
        assert config.period.unit == data["renewal_period_unit"]
        # The default plan is named; a name the integration gave it reads as its own period
        # (a name the user typed is theirs, whatever it says).
        assert config.default_plan is not None
        assert config.default_plan.name == data["default_plan"]
        if data["default_plan"] not in typed_names:
            assert parse_period(data["default_plan"]) in (None, config.period)
    else:
        assert "default_plan" not in data
        assert "plans" not in data
    for key in ("grace_days", "activity_interval_days"):
        assert type(data[key]) is int
        assert getattr(config, key) == data[key]
    if (phone := data.get("phone_number")) is not None:
        assert normalize_phone_number(phone) == phone
    if (second := data.get("second_phone_number")) is not None:
        assert normalize_phone_number(second) == second != phone
        assert config.second_phone_number == second
    if (notes := data.get("notes")) is not None:
        assert notes == notes.strip() == config.notes
        assert 0 < len(notes) <= MAX_NOTES_LENGTH
        assert "\r" not in notes
        assert not has_hidden_characters(notes.replace("\n", ""))
    assert config.esim is (data.get("esim") is True)
    if "reminder_days" in data:
        assert tuple(data["reminder_days"]) == config.reminder_days
    if (cost := data.get("renewal_cost")) is not None:
        assert config.renewal_cost == cost
        assert 0 <= cost <= MONEY_MAX
    assert data["currency"] in ACTIVE_CURRENCIES
    assert config.card_type == data["card_type"]
    assert config.renewal_mode == data["renewal_mode"]


def assert_numbers_unique(entry: ConfigEntry) -> None:
    """Assert no phone number, first or second, belongs to two cards or twice to one."""
    numbers = [
        normalize_phone_number(str(sub.data[key]))
        for sub in entry.subentries.values()
        for key in ("phone_number", "second_phone_number")
        if sub.data.get(key)
    ]
    assert len(numbers) == len(set(numbers))


def assert_hub_counts_days(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Assert the hub is loaded and every card's days-until-expiry sensor is a whole number."""
    assert entry.state is ConfigEntryState.LOADED
    registry = er.async_get(hass)
    for card_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_CARD:
            continue
        entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"{card_id}_days_until_expiry")
        assert entity_id is not None
        state = hass.states.get(entity_id)
        assert state is not None
        int(state.state)
