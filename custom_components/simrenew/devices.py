"""Finding the devices simrenew registered, with what every supported release offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .card_config import CardConfig
from .const import DOMAIN

if TYPE_CHECKING:
    # The models' names find the hub's device through this module.
    from .device_models import DeviceModels


def registered_device_ids(hass: HomeAssistant, entry_id: str) -> dict[str, str]:
    """Return the device id of each card and of the hub, by their identifier."""
    # Looking devices up by identifier alone is deprecated, and the per-entry lookup only
    # exists from 2026.8; the entry's own device list works on every supported release.
    return {
        identifier: device.id
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
        for domain, identifier in device.identifiers
        if domain == DOMAIN
    }


def card_device_info(card_id: str, config: CardConfig, models: DeviceModels) -> DeviceInfo:
    """Return how a card's device is described: one device per card."""
    return DeviceInfo(
        identifiers={(DOMAIN, card_id)},
        name=config.name,
        manufacturer=config.carrier,
        model=models.model(config.card_type),
        entry_type=DeviceEntryType.SERVICE,
        # The carrier's official renewal page: the way to top up without phishing sites.
        configuration_url=config.renewal_url,
    )


def register_card_devices(
    hass: HomeAssistant,
    entry_id: str,
    cards: dict[str, CardConfig],
    models: DeviceModels,
) -> None:
    """Register each card's device before anything about the card is announced.

    A reminder due as a card is added goes out before its entities exist; its event and its
    notification's link to the card need the device already.
    """
    registry = dr.async_get(hass)
    # Devices from an earlier run are already there; their entities keep them up to date.
    known = registered_device_ids(hass, entry_id)
    for card_id, config in cards.items():
        if card_id in known:
            continue
        registry.async_get_or_create(
            config_entry_id=entry_id,
            config_subentry_id=card_id,
            **card_device_info(card_id, config, models),
        )
