"""A household Assist can reach: Mum's and Dad's cards, the shipped sentences, exposure."""

from __future__ import annotations

from pathlib import Path
import shutil

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, setup_entry

SENTENCES = Path(__file__).parents[1] / "custom_sentences"
MUM_DAYS = "sensor.mum_s_cmhk_days_until_expiry"
DAD_DAYS = "sensor.dad_s_csl_days_until_expiry"
# The morning of 23 October 2026 in Hong Kong: Mum's card expires in 5 days, Dad's in January.
NOW = "2026-10-23T02:00:00+00:00"


async def async_household(
    hass: HomeAssistant,
    config_dir: Path,
    *,
    expose: tuple[str, ...] = (MUM_DAYS, DAD_DAYS),
    **mum: object,
) -> MockConfigEntry:
    """Set up Assist with the shipped sentences and the household, exposing some cards.

    The sentences go where a user copies them, the config folder's custom_sentences; the
    test's own folder, not the harness's shared one.
    """
    hass.config.config_dir = str(config_dir)
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    shutil.copytree(SENTENCES, hass.config.path("custom_sentences"), dirs_exist_ok=True)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(hass, "conversation", {})
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(**{"expiry_date": "2026-10-28", **mum}),
            card_subentry(**{**DAD_CARD, "carrier": "csl"}),
        ],
    )
    await setup_entry(hass, entry)
    for entity_id in expose:
        async_expose_entity(hass, "conversation", entity_id, True)
    await hass.async_block_till_done()
    return entry
