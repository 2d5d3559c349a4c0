"""Finding the devices simrenew registered, with what every supported release offers."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN


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
