"""Carrier presets are data: each fact sourced and dated, each page official, each plan valid."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.simrenew.card_checks import async_validate_card
from custom_components.simrenew.card_form_data import flatten_input, nest_data
from custom_components.simrenew.presets import (
    LANGUAGES,
    PRESETS_FILE,
    PresetError,
    is_official,
    load_presets,
    parse_presets,
    text_language,
)

RAW: dict[str, Any] = json.loads(PRESETS_FILE.read_text("utf-8"))
PRESETS = load_presets()
FACTS = ("carrier", "card_type", "renewal_mode", "grace_days", "esim", "time_zone")


def test_every_fact_names_a_source_with_its_date() -> None:
    """Every fact, plan, page, code and domain list names a listed source; each source is dated."""
    sources = RAW["sources"]
    for source in sources.values():
        assert source["kind"] in ("official", "blog", "forum")
        # `null` says the page itself carries no date, as the collected notes write it.
        assert "dated" in source
    assert set(RAW["collected"]) == set(LANGUAGES)
    for product in RAW["products"]:
        named = [product[key] for key in FACTS if key in product]
        named += product.get("plans", []) + product.get("renewal_urls", [])
        named += [*product.get("checks", []), product["official_domains"]]
        assert named, product["id"]
        for fact in named:
            assert fact["source"] in sources, product["id"]


def test_a_fact_without_a_source_is_refused() -> None:
    """The file cannot hold a guess: a fact or plan with no source stops it loading."""
    for broken in ("fact", "plan", "domains"):
        raw = json.loads(json.dumps(RAW))
        product = next(item for item in raw["products"] if item["id"] == "shinetown")
        if broken == "fact":
            del product["grace_days"]["source"]
        elif broken == "plan":
            product["plans"][0]["source"] = "nowhere"
        else:
            del product["official_domains"]
        with pytest.raises(PresetError):
            parse_presets(json.dumps(raw))


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("grace_days", {"value": "30", "source": "shinetown_faq"}),
        ("renewal_mode", {"value": "whenever", "source": "shinetown_faq"}),
        ("grace_days", {"value": True, "source": "shinetown_faq"}),
        ("grace_days", {"source": "shinetown_faq"}),
        ("name", {"en": "Shinetown"}),
        (
            "plans",
            [{"period": "210", "unit": "days", "currency": "HKD", "source": "shinetown_faq"}],
        ),
        ("plans", ["HK$100"]),
        ("plans", [{"period": 1, "unit": "days", "cost": "1", "currency": "HKD"}]),
        ("plans", [{"period": 1, "unit": "days", "cost": 1, "source": "shinetown_faq"}]),
        ("official_domains", {"value": [], "source": "shinetown_faq"}),
        ("official_domains", ["shinetown.com.hk"]),
        ("id", "other"),
    ],
)
def test_what_no_card_can_have_is_refused(change: str, value: object) -> None:
    """A wrong type, an unknown mode, a missing language or domain stops the file loading."""
    raw = json.loads(json.dumps(RAW))
    product = next(item for item in raw["products"] if item["id"] == "shinetown")
    product[change] = value
    with pytest.raises(PresetError):
        parse_presets(json.dumps(raw))


def test_a_product_listed_twice_is_refused() -> None:
    """Two products with one id would leave one unreachable."""
    raw = json.loads(json.dumps(RAW))
    raw["products"].append(raw["products"][0])
    with pytest.raises(PresetError, match="twice"):
        parse_presets(json.dumps(raw))


def test_every_page_is_https_on_an_official_domain() -> None:
    """A renewal page a preset fills in is https and on the product's own domains."""
    for preset in PRESETS.products.values():
        assert preset.official_domains, preset.key
        for url, _ in preset.renewal_urls:
            assert url.startswith("https://"), url
            assert is_official(url, preset.official_domains), url


def test_three_languages_everywhere() -> None:
    """Every product and plan name is there in English, Hong Kong and mainland Chinese."""
    for preset in PRESETS.products.values():
        names = [preset.name, *(plan.name for plan in preset.plans)]
        for name in names:
            assert name.en, preset.key
            assert name.zh_hant, preset.key
            assert name.zh_hans, preset.key
        assert preset.name.read("zh-Hant") == preset.name.zh_hant
        assert preset.name.read("zh-Hans") == preset.name.zh_hans
        assert preset.name.read("fr") == preset.name.en


@pytest.mark.parametrize("language", ["en", "zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("key", sorted(PRESETS.products))
async def test_every_preset_passes_the_card_form(key: str, language: str) -> None:
    """What a preset fills in passes the card form's own checks, in every language."""
    preset = PRESETS.products[key]
    # As the form shows it and sends it back untouched.
    shown = nest_data({**preset.card_data(language), "name": "Card", "expiry_date": "2027-06-30"})
    stored, errors, abort = await async_validate_card(
        flatten_input(shown), [], home_zone="Asia/Hong_Kong"
    )
    assert (errors, abort) == ({}, None)
    assert stored["carrier"] == preset.facts["carrier"][0]
    assert len(stored.get("plans", [])) == max(len(preset.plans) - 1, 0)


def test_shinetown_follows_its_faq() -> None:
    """The issue's example: HK$100 gives 210 days from the top-up day, never stacking, no grace."""
    data = PRESETS.products["shinetown"].card_data("en")
    assert (data["renewal_period"], data["renewal_period_unit"]) == (210, "days")
    assert (data["renewal_mode"], data["grace_days"], data["renewal_cost"]) == (
        "from_renewal",
        0,
        100.0,
    )
    assert PRESETS.products["shinetown"].balance_check() == "*#137*137#, *123"
    assert PRESETS.products["csl_rechargeable"].balance_check() is None


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://www.three.com.hk/3Care/chi/prepay/payonline1.jsp", True),
        ("https://three.com.hk/", True),
        ("https://WWW.THREE.COM.HK./x", True),
        ("https://three.com.hk.top-up.example/", False),
        ("https://fakethree.com.hk/", False),
        ("https://three-com-hk.example/", False),
        ("https://user@evil.example/three.com.hk", False),
        ("https://", False),
        ("https://[bad", False),
    ],
)
def test_official_domains(url: str, official: bool) -> None:
    """A page is official on the domain or below it, never on a lookalike."""
    assert is_official(url, ("three.com.hk",)) is official


@given(st.text(max_size=80))
def test_any_text_is_a_page_or_not(text: str) -> None:
    """Whatever a user types as a page, the guard answers yes or no without failing."""
    answer = is_official(text, ("three.com.hk",))
    assert isinstance(answer, bool)
    if answer:
        assert "three.com.hk" in text.lower()


@given(st.text(max_size=12))
def test_any_language_reads_one_of_three(language: str) -> None:
    """Every Home Assistant language reads English, Hong Kong or mainland Chinese."""
    assert text_language(language) in LANGUAGES
