"""The three languages stay in step, and every string the code uses exists."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.simrenew.card_fields import COMMON_TIME_ZONES, REMINDER_DAY_CHOICES
from custom_components.simrenew.model import CardStatus, CardType, PeriodUnit, RenewalMode
from custom_components.simrenew.zone_labels import zone_key

ROOT = Path(__file__).parent.parent / "custom_components" / "simrenew"
LANGUAGES = ("en", "zh-Hant", "zh-Hans")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def flatten(node: Any, prefix: str = "") -> dict[str, str]:
    """Return every leaf string keyed by its dotted path."""
    if isinstance(node, dict):
        flat: dict[str, str] = {}
        for key, value in node.items():
            flat.update(flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): node}


def load(language: str) -> dict[str, str]:
    """Return a language's strings, flattened."""
    return flatten(json.loads((ROOT / "translations" / f"{language}.json").read_text("utf-8")))


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_same_keys_and_placeholders(language: str) -> None:
    """Every key exists in every language, with the same placeholders."""
    english = load("en")
    other = load(language)
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key
        assert other[key].strip(), key


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_chinese_is_written_in_chinese(language: str) -> None:
    """Nearly every Chinese string has Chinese characters in it."""
    strings = load(language)
    english_only = [key for key, text in strings.items() if not CJK.search(text)]
    assert len(english_only) <= len(strings) // 10, english_only


def test_enums_and_states_are_translated() -> None:
    """Every selector option and status state has an English label."""
    english = load("en")
    for key, enum in (
        ("card_type", CardType),
        ("renewal_period_unit", PeriodUnit),
        ("renewal_mode", RenewalMode),
    ):
        for member in enum:
            assert f"selector.{key}.options.{member}" in english
    for status in CardStatus:
        assert f"entity.sensor.status.state.{status}" in english
    for card_type in CardType:
        assert f"selector.device_model.options.{card_type}" in english
    for zone in COMMON_TIME_ZONES:
        assert f"selector.time_zone.options.{zone_key(zone)}" in english


def test_keys_used_in_code_are_translated() -> None:
    """Every error, exception, issue, entity and device key the code names has a string."""
    english = load("en")
    source = "\n".join(path.read_text("utf-8") for path in ROOT.glob("*.py"))
    errors = set(re.findall(r'errors\[[A-Z_a-z"]+\] = "([a-z_]+)"', source))
    errors |= set(re.findall(r'return \{[A-Z_]+: "([a-z_]+)"\}', source))
    raised = set(re.findall(r'invalid_input\(\s*"([a-z_]+)"', source))
    named = set(re.findall(r'translation_key="([a-z_]+)"', source))
    issues = set(re.findall(r'\("(card_[a-z_]+)", ir\.IssueSeverity', source))
    for found, what in (
        (errors, "errors"),
        (raised, "raised"),
        (named, "named"),
        (issues, "issues"),
    ):
        assert found, f"no {what} keys found: the pattern no longer matches the code"
    for key in errors:
        assert f"config.error.{key}" in english or f"options.error.{key}" in english, key
    for key in raised:
        assert f"exceptions.{key}.message" in english, key
    for key in issues:
        assert f"issues.{key}.title" in english, key
    for key in named:
        assert (
            f"exceptions.{key}.message" in english
            or f"issues.{key}.title" in english
            or f"device.{key}.name" in english
            or any(name.startswith(f"selector.{key}.options.") for name in english)
            or any(k.startswith("entity.") and k.split(".")[2] == key for k in english)
        ), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reminder_day_choice_reads_as_days_before(language: str) -> None:
    """The reminder-day chips are labelled in every language, not shown as bare numbers."""
    texts = load(language)
    for day in REMINDER_DAY_CHOICES:
        label = texts[f"selector.reminder_day.options.{day}"]
        assert label
        assert label != day


QUOTES = {"en": ("", ""), "zh-Hant": ("「", "」"), "zh-Hans": ("“", "”")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_default_plan_step_quotes_the_renew_button_by_its_name(language: str) -> None:
    """The step names the button as the device page shows it, so that it can be found."""
    strings = load(language)
    button = strings["entity.button.renew.name"]
    opening, closing = QUOTES[language]
    description = strings["config_subentries.card.step.default_plan.description"]
    assert f"{opening}{button}{closing}" in description


@pytest.mark.parametrize("language", LANGUAGES)
def test_listed_time_zones_are_named_not_coded(language: str) -> None:
    """The form shows listed zones by name: no text points the user to a code instead."""
    strings = load(language)
    codes = [zone for zone in COMMON_TIME_ZONES if "/" in zone]
    assert not [key for key, text in strings.items() if any(code in text for code in codes)]
    hong_kong = strings["selector.time_zone.options.asia_hong_kong"]
    opening, closing = QUOTES[language]
    hint = strings["config.step.user.data_description.time_zone"]
    assert f"{opening}{hong_kong}{closing}" in hint or (language == "en" and hong_kong in hint)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_zone_hint_says_what_the_automatic_choice_does(language: str) -> None:
    """Every card form's zone hint, in sight beside the number, names +852 and the card types."""
    strings = load(language)
    steps = [
        "config.step.user",
        "config.step.add_card",
        "config_subentries.card.step.user",
        "config_subentries.card.step.reconfigure",
    ]
    for step in steps:
        hint = strings[f"{step}.data_description.time_zone"]
        assert "+852" in hint, step
        assert "Home Assistant" in hint, step
        for card_type in ("number_keeping", "china_hk"):
            named = strings[f"selector.card_type.options.{card_type}"].removesuffix(" card")
            named = named.removesuffix(" dual-number")
            assert named.casefold() in hint.casefold(), (step, card_type)
        assert strings[f"{step}.data.time_zone"]
        assert f"{step}.sections.advanced.data.time_zone" not in strings
    assert strings["selector.time_zone.options.auto"]
