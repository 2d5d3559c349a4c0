"""Carrier product presets: what is known of each product, and where it comes from.

Free of Home Assistant. The facts live in `carriers.json`; every fact names its source, so a
form can say where a value comes from, and a fact without one is never in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

from yarl import URL

from .model import CardType, Period, PeriodUnit, RenewalMode

PRESETS_FILE = Path(__file__).with_name("carriers.json")
# The form's choice for a card no preset describes: today's form, nothing filled in.
OTHER_PRODUCT = "other"
LANGUAGES = ("en", "zh-Hant", "zh-Hans")
# Home Assistant's languages that read each of the file's three.
_TRADITIONAL = ("zh-hant", "zh-hk", "zh-tw", "zh-mo")
_SIMPLIFIED = ("zh-hans", "zh-cn", "zh-sg", "zh")


def text_language(language: str) -> str:
    """Return which of the file's languages a Home Assistant language reads."""
    lowered = language.lower()
    if lowered in _TRADITIONAL:
        return "zh-Hant"
    if lowered in _SIMPLIFIED:
        return "zh-Hans"
    return "en"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: the page, whose page it is, and the page's own date."""

    key: str
    where: str | None
    kind: str
    dated: str | None


@dataclass(frozen=True, slots=True)
class Texts:
    """One text in the three languages."""

    en: str
    zh_hant: str
    zh_hans: str

    def read(self, language: str) -> str:
        """Return the text in the file's language nearest Home Assistant's."""
        return {"zh-Hant": self.zh_hant, "zh-Hans": self.zh_hans}.get(
            text_language(language), self.en
        )


@dataclass(frozen=True, slots=True)
class PresetPlan:
    """A plan of a product: a top-up tier and the validity it gives."""

    name: Texts
    period: Period
    cost: float | None
    currency: str
    source: Source


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    """A way to ask the carrier for the balance and expiry: a code to dial or a hotline."""

    method: str
    code: str
    source: Source


@dataclass(frozen=True, slots=True)
class Preset:
    """One carrier product, each fact with its source."""

    key: str
    name: Texts
    facts: Mapping[str, tuple[Any, Source]]
    plans: tuple[PresetPlan, ...]
    renewal_urls: tuple[tuple[str, Source], ...]
    official_domains: tuple[str, ...]
    checks: tuple[BalanceCheck, ...]

    def sources(self) -> tuple[Source, ...]:
        """Return every source the product's facts name, each once, in the file's order."""
        found = [source for _, source in self.facts.values()]
        found += [plan.source for plan in self.plans]
        found += [source for _, source in self.renewal_urls]
        found += [check.source for check in self.checks]
        return tuple(dict.fromkeys(found))

    def card_data(self, language: str) -> dict[str, Any]:
        """Return the card data the product gives, as the card form stores it."""
        data: dict[str, Any] = {key: value for key, (value, _) in self.facts.items()}
        if self.plans:
            first, *others = self.plans
            data["renewal_period"] = first.period.length
            data["renewal_period_unit"] = first.period.unit.value
            data["default_plan"] = first.name.read(language)
            data["currency"] = first.currency
            if first.cost is not None:
                data["renewal_cost"] = first.cost
            if others:
                data["plans"] = [_plan_data(plan, language) for plan in others]
        if self.renewal_urls:
            data["renewal_url"] = self.renewal_urls[0][0]
        return data

    def balance_check(self) -> str | None:
        """Return the codes that ask for the balance and expiry, as one line: "*#137*137#, *123"."""
        return ", ".join(check.code for check in self.checks) or None


def _plan_data(plan: PresetPlan, language: str) -> dict[str, Any]:
    """Return a plan as the card's `plans` list stores it."""
    data: dict[str, Any] = {
        "name": plan.name.read(language),
        "renewal_period": plan.period.length,
        "renewal_period_unit": plan.period.unit.value,
    }
    if plan.cost is not None:
        data["renewal_cost"] = plan.cost
    return data


def is_official(url: str, domains: tuple[str, ...]) -> bool:
    """Return whether a page is on one of the domains or below it: "www.three.com.hk"."""
    try:
        host = URL(url).host
    except ValueError:
        return False
    if not host:
        return False
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


class PresetError(ValueError):
    """The presets file names a fact without its source, or holds what no card can have."""


_CHECKS: dict[str, type | tuple[type, ...]] = {
    "carrier": str,
    "card_type": str,
    "renewal_mode": str,
    "grace_days": int,
    "activity_interval_days": int,
    "esim": bool,
    "time_zone": str,
}
_CHOICES: dict[str, frozenset[str]] = {
    "card_type": frozenset(CardType),
    "renewal_mode": frozenset(RenewalMode),
}


def _texts(value: object) -> Texts:
    """Return a text in the three languages, or raise if one is missing."""
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES
    ):
        raise PresetError("a text lacks one of the three languages")
    return Texts(value["en"], value["zh-Hant"], value["zh-Hans"])


def _source(sources: Mapping[str, Source], item: Mapping[str, Any]) -> Source:
    """Return the source a fact names, or raise if it names none the file lists."""
    key = item.get("source")
    if not isinstance(key, str) or key not in sources:
        raise PresetError("a fact names no known source")
    return sources[key]


def _fact(sources: Mapping[str, Source], name: str, item: object) -> tuple[Any, Source]:
    """Return one fact's value and source, checked for its type."""
    if not isinstance(item, dict) or "value" not in item:
        raise PresetError(f"fact {name} has no value")
    value = item["value"]
    kind = _CHECKS[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PresetError(f"fact {name} has the wrong type")
    if name in _CHOICES and value not in _CHOICES[name]:
        raise PresetError(f"fact {name} is not one a card can have")
    return value, _source(sources, item)


def _plan(sources: Mapping[str, Source], item: object) -> PresetPlan:
    """Return one plan of a product, checked."""
    if not isinstance(item, dict):
        raise PresetError("a plan is not a mapping")
    length, unit, cost = item.get("period"), item.get("unit"), item.get("cost")
    if not isinstance(length, int) or isinstance(length, bool) or unit not in set(PeriodUnit):
        raise PresetError("a plan has no period")
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, float))):
        raise PresetError("a plan's cost is not a sum")
    currency = item.get("currency")
    if not isinstance(currency, str):
        raise PresetError("a plan has no currency")
    return PresetPlan(
        name=_texts(item.get("name")),
        period=Period(length=length, unit=PeriodUnit(unit)),
        cost=None if cost is None else float(cost),
        currency=currency,
        source=_source(sources, item),
    )


def _preset(sources: Mapping[str, Source], item: Mapping[str, Any]) -> Preset:
    """Return one product of the file, checked."""
    key = item.get("id")
    if not isinstance(key, str) or not key or key == OTHER_PRODUCT:
        raise PresetError("a product has no id")
    facts = {name: _fact(sources, name, item[name]) for name in _CHECKS if name in item}
    domains = item.get("official_domains")
    if not isinstance(domains, dict):
        raise PresetError(f"product {key} names no official domain")
    _source(sources, domains)
    names = domains.get("value")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise PresetError(f"product {key} names no official domain")
    urls = tuple(
        (url["value"], _source(sources, url))
        for url in item.get("renewal_urls", [])
        if isinstance(url, dict) and isinstance(url.get("value"), str)
    )
    checks = tuple(
        BalanceCheck(
            method=str(check["method"]), code=str(check["code"]), source=_source(sources, check)
        )
        for check in item.get("checks", [])
    )
    return Preset(
        key=key,
        name=_texts(item.get("name")),
        facts=facts,
        plans=tuple(_plan(sources, plan) for plan in item.get("plans", [])),
        renewal_urls=urls,
        official_domains=tuple(name.lower() for name in names),
        checks=checks,
    )


@dataclass(frozen=True, slots=True)
class Presets:
    """Every product of the file, by id, and when its facts were collected."""

    products: Mapping[str, Preset]
    collected: Texts

    def get(self, key: object) -> Preset | None:
        """Return the product with this id, or None for "other" or one no longer listed."""
        return self.products.get(key) if isinstance(key, str) else None


def parse_presets(text: str) -> Presets:
    """Return the products of a presets file's text, or raise PresetError."""
    raw = json.loads(text)
    sources = {
        key: Source(key=key, where=value.get("where"), kind=value["kind"], dated=value.get("dated"))
        for key, value in raw["sources"].items()
    }
    products: dict[str, Preset] = {}
    for item in raw["products"]:
        preset = _preset(sources, item)
        if preset.key in products:
            raise PresetError(f"product {preset.key} is listed twice")
        products[preset.key] = preset
    return Presets(products=products, collected=_texts(raw["collected"]))


def load_presets(path: Path = PRESETS_FILE) -> Presets:
    """Read the presets file; blocking, so Home Assistant runs it in its executor."""
    return parse_presets(path.read_text(encoding="utf-8"))
