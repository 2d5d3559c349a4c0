"""What the card flows share about products: the first question, its values, and the page guard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant

from .card_form_data import nest_data
from .carrier_presets import (
    async_get_presets,
    async_preset_note,
    async_product_choice,
    chosen_preset,
    unofficial_url,
)
from .const import CONF_PRODUCT, CONF_RENEWAL_URL
from .plan_form import PeriodNamer
from .presets import Preset
from .validation import vol

STEP_PRODUCT = "product"
STEP_UNOFFICIAL = "unofficial_url"
# The two ways out of the page warning, as menu options (each one a step of the flow).
KEEP_URL = "keep_url"
CHANGE_URL = "change_url"


@dataclass(slots=True)
class ProductSteps:
    """One card flow's product: asked first for a new card, then guarding its renewal page."""

    # Whether the product question was answered; `preset` is None for "Other".
    chosen: bool = False
    preset: Preset | None = None
    # The product's id as the card stores it: kept even once the product is no longer listed.
    key: str | None = None
    # A card whose page is on none of its product's domains: its data and the form's answers.
    waiting: tuple[dict[str, Any], dict[str, Any]] | None = None
    # The page the user agreed to keep, after the warning.
    accepted_url: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    async def async_ask(
        self, hass: HomeAssistant, user_input: Mapping[str, Any] | None
    ) -> vol.Schema | None:
        """Take the answer to the product question; return the question while it is open."""
        choice = await async_product_choice(hass)
        self.errors = {}
        if user_input is not None:
            known, preset = choice.read(user_input.get(CONF_PRODUCT))
            if known:
                self.chosen, self.preset = True, preset
                self.key = None if preset is None else preset.key
                return None
            self.errors = {CONF_PRODUCT: "unknown_product"}
        return choice.schema()

    def shown(
        self, suggested: Mapping[str, Any], language: str, label: PeriodNamer
    ) -> dict[str, Any]:
        """Return what a new card's form shows: the product's values over the suggestions."""
        if self.preset is None:
            return dict(suggested)
        nested = nest_data(self.preset.card_data(language), label)
        return {**suggested, **nested}

    @property
    def with_plans(self) -> bool:
        """Return whether the new card's form lists plans: those the product sells."""
        return self.preset is not None and bool(self.preset.plans)

    async def async_note(self, hass: HomeAssistant) -> dict[str, str]:
        """Return the form's words on where its values come from, empty for "Other"."""
        if self.preset is None:
            return {"preset_note": ""}
        presets = await async_get_presets(hass)
        collected = presets.collected.read(hass.config.language)
        return {"preset_note": await async_preset_note(hass, self.preset, collected)}

    def stamp(self, data: dict[str, Any]) -> dict[str, Any]:
        """Return a card's data naming the product it was made from."""
        if self.key is not None:
            return {**data, CONF_PRODUCT: self.key}
        return data

    def needs_warning(self, data: dict[str, Any], answers: dict[str, Any]) -> bool:
        """Return whether the card's page needs the warning first; hold the card if so."""
        url = unofficial_url(self.preset, data)
        if url is None or url == self.accepted_url:
            return False
        self.waiting = (data, answers)
        return True

    def warning_placeholders(self, language: str) -> dict[str, str]:
        """Return the page and the product's own domains, for the warning's text."""
        data, _ = self.waiting or ({}, {})
        preset = self.preset
        return {
            "url": str(data.get(CONF_RENEWAL_URL, "")),
            "product": "" if preset is None else preset.name.read(language),
            "domains": "" if preset is None else ", ".join(preset.official_domains),
        }

    def keep(self) -> dict[str, Any]:
        """Return the held card, its page accepted after the warning."""
        data, _ = self.waiting or ({}, {})
        self.accepted_url = data.get(CONF_RENEWAL_URL)
        self.waiting = None
        return data

    def change(self) -> dict[str, Any]:
        """Return the held card's answers, to show the form again for another page."""
        _, answers = self.waiting or ({}, {})
        self.waiting = None
        return answers


async def async_stored_product(hass: HomeAssistant, data: Mapping[str, Any]) -> ProductSteps:
    """Return the product steps of a card being reconfigured: its product, already chosen."""
    key = data.get(CONF_PRODUCT)
    return ProductSteps(
        chosen=True,
        preset=chosen_preset(await async_get_presets(hass), data),
        key=key if isinstance(key, str) else None,
    )
