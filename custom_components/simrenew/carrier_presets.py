"""The carrier presets in Home Assistant: read once, off the event loop, and shown in forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
import unicodedata

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.util.hass_dict import HassKey

from .const import CONF_PRODUCT, CONF_RENEWAL_URL, DOMAIN
from .presets import OTHER_PRODUCT, Preset, Presets, Source, is_official, load_presets
from .texts import SelectorTexts
from .validation import vol

PRESETS: HassKey[Presets] = HassKey(f"{DOMAIN}_presets")
# Where the translations keep the words that say where a preset's values come from.
NOTE_TEXTS = "preset_note"


async def async_get_presets(hass: HomeAssistant) -> Presets:
    """Return the presets, reading the file in the executor on first use."""
    if (presets := hass.data.get(PRESETS)) is None:
        presets = hass.data[PRESETS] = await hass.async_add_executor_job(load_presets)
    return presets


def _key(text: str) -> str:
    """Return the form under which two typed names count as the same."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class ProductChoice:
    """The product question: names in Home Assistant's language, typed ones read in any."""

    def __init__(self, presets: Presets, language: str, other: str) -> None:
        """List the products by name; `other` is "Other / enter it myself" in words."""
        self.presets = presets
        self.other = other
        self.names = sorted(
            (preset.name.read(language) for preset in presets.products.values()),
            key=_key,
        )
        self._keys: dict[str, str | None] = {_key(other): None, OTHER_PRODUCT: None, "": None}
        for preset in presets.products.values():
            for name in (preset.key, preset.name.en, preset.name.zh_hant, preset.name.zh_hans):
                self._keys.setdefault(_key(name), preset.key)

    def schema(self) -> vol.Schema:
        """Return the first question for a new card: which product it is, "Other" first."""
        # Each choice's value is its name: a field that takes typed values shows its value.
        options = [SelectOptionDict(value=name, label=name) for name in (self.other, *self.names)]
        return vol.Schema(
            {
                vol.Required(CONF_PRODUCT, default=self.other): SelectSelector(
                    SelectSelectorConfig(
                        options=options,
                        # Typing filters the list: the picker is searchable only with it.
                        custom_value=True,
                        mode=SelectSelectorMode.DROPDOWN,
                        sort=False,
                    )
                )
            }
        )

    def read(self, value: object) -> tuple[bool, Preset | None]:
        """Return whether the answer names a product or "Other", and the product it names."""
        if not isinstance(value, str) or (found := _key(value)) not in self._keys:
            return False, None
        return True, self.presets.get(self._keys[found])


async def async_product_choice(hass: HomeAssistant) -> ProductChoice:
    """Return the product question in Home Assistant's language."""
    texts = SelectorTexts(hass, NOTE_TEXTS)
    await texts.async_load()
    return ProductChoice(
        await async_get_presets(hass),
        hass.config.language,
        texts.fill("other", "Other / enter it myself"),
    )


def _source_text(texts: SelectorTexts, source: Source) -> str:
    """Return one source as the form names it: "official page valuegb.com/…, undated"."""
    kind = texts.fill(f"kind_{source.kind}", source.kind)
    dated = source.dated or texts.fill("undated", "undated")
    where = f" {source.where}" if source.where else ""
    return texts.fill("source", "{kind}{where} ({dated})", kind=kind, where=where, dated=dated)


async def async_preset_note(hass: HomeAssistant, preset: Preset | None, collected: str) -> str:
    """Return what the card form says of a preset's values: their sources and when checked."""
    if preset is None:
        return ""
    texts = SelectorTexts(hass, NOTE_TEXTS)
    await texts.async_load()
    sources = "; ".join(_source_text(texts, source) for source in preset.sources())
    return texts.fill(
        "note",
        "Filled in from {product}. Sources: {sources}; collected {collected}.",
        product=preset.name.read(hass.config.language),
        sources=sources,
        collected=collected,
    )


def unofficial_url(preset: Preset | None, data: Mapping[str, Any]) -> str | None:
    """Return the renewal page's address if it is on none of the product's official domains."""
    url = data.get(CONF_RENEWAL_URL)
    if preset is None or not isinstance(url, str) or is_official(url, preset.official_domains):
        return None
    return url


def chosen_preset(presets: Presets, data: Mapping[str, Any]) -> Preset | None:
    """Return the product a card was made from, if it is still one of the presets."""
    return presets.get(data.get(CONF_PRODUCT))


def balance_checks(presets: Presets, data: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the ways a card's product gives its balance and expiry: method and code each."""
    if (preset := chosen_preset(presets, data)) is None:
        return []
    return [{"method": check.method, "code": check.code} for check in preset.checks]
