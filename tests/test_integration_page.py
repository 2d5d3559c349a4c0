"""The integration page in each language: its main button adds a card, the household has a name.

The page's main button is labelled by the integration's `config.initiate_flow.user` when it has
one (else by Home Assistant's "Add hub", from the manifest's `integration_type`), and each card
type's button by `config_subentries.<type>.initiate_flow.user`. The section header ("Hubs",
"Hub", "中枢") is the frontend's own text for the `integration_type`: no integration can change it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations

from .conftest import past_product
from .glossary import glossary_slips
from .test_config_flow import FORM_INPUT
from .test_translations import LANGUAGES

MANIFEST: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "custom_components" / DOMAIN / "manifest.json").read_text()
)
# What each language's user reads: the main button, the card button, and the household.
PAGE = {
    "en": ("Add SIM card", "Add card", "Household SIM cards"),
    "zh-Hant": ("新增SIM卡", "新增SIM卡", "家中的卡"),
    "zh-Hans": ("添加SIM卡", "添加SIM卡", "家里的卡"),
}
MAIN_BUTTON = f"component.{DOMAIN}.config.initiate_flow.user"
CARD_BUTTON = f"component.{DOMAIN}.config_subentries.{SUBENTRY_CARD}.initiate_flow.user"
HOUSEHOLD = f"component.{DOMAIN}.selector.household.options.title"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def test_every_language_of_the_page_is_checked() -> None:
    """The page's words are written down for every language the integration speaks."""
    assert set(PAGE) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_home_assistant_serves_the_page_words(hass: HomeAssistant, language: str) -> None:
    """The keys the frontend reads reach it, in the user's own words, not Home Assistant's."""
    main, card, household = PAGE[language]
    config = await async_get_translations(hass, language, "config", [DOMAIN])
    subentries = await async_get_translations(hass, language, "config_subentries", [DOMAIN])
    selector = await async_get_translations(hass, language, "selector", [DOMAIN])
    assert config[MAIN_BUTTON] == main
    assert subentries[CARD_BUTTON] == card
    assert selector[HOUSEHOLD] == household
    for text in (main, card, household):
        assert glossary_slips(text, language) == []


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Household SIM cards"),
        ("zh-Hant", "家中的卡"),
        ("zh-Hans", "家里的卡"),
        # A language without translations reads English, as the rest of the integration does.
        ("fr", "Household SIM cards"),
    ],
)
async def test_a_new_household_is_named_in_home_assistants_language(
    hass: HomeAssistant, language: str, title: str
) -> None:
    """The entry the first form creates is the household, named as its user would name it."""
    await hass.config.async_update(language=language)
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], FORM_INPUT)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["result"].title == title


def test_the_main_button_stays_on_the_page_with_a_household() -> None:
    """The household is one entry, but the page keeps its main button, which adds a card.

    `single_config_entry` would hide the button and turn "Add integration" → SIM Renew into
    "supports only one configuration", a dead end for a second card. The type stays `hub`: a
    household holds several devices, and the frontend files its entries by it.
    """
    assert "single_config_entry" not in MANIFEST
    assert MANIFEST["integration_type"] == "hub"
