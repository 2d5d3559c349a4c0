"""Each card's device model, the kind of card it is, in Home Assistant's language."""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .devices import registered_device_ids
from .texts import SelectorTexts

# The models in English, for a language without its own texts; the action targets list these
# beside their translations, so cards stay targetable whatever language named their devices.
ENGLISH_MODELS: dict[str, str] = {
    "number_keeping": "Number-keeping SIM",
    "data": "Data SIM",
    "china_hk": "China-Hong Kong SIM",
    "virtual_number": "Virtual number",
    "other": "SIM card",
}


class DeviceModels:
    """The model names of card devices; Home Assistant has no translated model of its own."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Name the texts; nothing is read until `async_load`."""
        self.hass = hass
        self._texts = SelectorTexts(hass, "device_model")

    async def async_load(self) -> None:
        """Read the model names in Home Assistant's current language."""
        await self._texts.async_load()

    def model(self, card_type: str) -> str:
        """Return the model of a card of this type."""
        english = ENGLISH_MODELS.get(card_type, ENGLISH_MODELS["other"])
        return self._texts.fill(card_type, english)

    @callback
    def async_apply(self, entry_id: str, card_types: Mapping[str, str]) -> None:
        """Rename the model of every card device of the entry to the language loaded last."""
        registry = dr.async_get(self.hass)
        for identifier, device_id in registered_device_ids(self.hass, entry_id).items():
            if (card_type := card_types.get(identifier)) is not None:
                registry.async_update_device(device_id, model=self.model(card_type))
