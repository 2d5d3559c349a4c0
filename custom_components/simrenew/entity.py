"""The base of every per-card entity: one device per card, updates pushed by the hub."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import override

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .card_view import CardView
from .devices import card_device_info
from .hub import SimRenewHub


class WritesWhenShownChanges(Entity):
    """Writes its state only when what it shows changed, so a refresh of many cards stays cheap."""

    _shown: object = None

    def shown(self) -> object:
        """Return everything the entity's state shows."""
        return (
            self.state,
            self.unit_of_measurement,
            self.state_attributes,
            self.extra_state_attributes,
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what the state written when the entity was added shows."""
        await super().async_added_to_hass()
        self._shown = self.shown()

    @callback
    def async_hub_updated(self) -> None:
        """Write the state if the hub's update changed what the entity shows."""
        if (shown := self.shown()) != self._shown:
            self._shown = shown
            self.async_write_ha_state()


class SimRenewCardEntity(WritesWhenShownChanges):
    """An entity that shows one aspect of one card."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: SimRenewHub, card_id: str, description: EntityDescription) -> None:
        """Bind the entity to its card and describe its device."""
        self.hub = hub
        self.card_id = card_id
        self.entity_description = description
        config = hub.cards[card_id].config
        self._attr_unique_id = f"{card_id}_{description.key}"
        self._attr_device_info = card_device_info(card_id, config, hub.device_models)

    @property
    def card(self) -> CardView:
        """Return the card as the hub sees it now."""
        return self.hub.cards[self.card_id]

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the hub's updates for this card."""
        await super().async_added_to_hass()
        self.async_on_remove(self.hub.async_add_listener(self.card_id, self.async_hub_updated))


def add_card_entities(
    hub: SimRenewHub,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[str], Iterable[Entity]],
) -> None:
    """Add each card's entities under the card's own subentry, now and for cards added later."""

    @callback
    def add(card_ids: Iterable[str]) -> None:
        # Which cards get entities, and which kinds, is decided once for every platform: each
        # card whole or not at all, under Home Assistant's cap on one entry's entities.
        plan = hub.entity_plan
        for card_id in card_ids:
            if plan is not None and card_id not in plan.cards:
                continue
            entities = [
                entity
                for entity in build(card_id)
                if plan is None or entity.entity_description.key not in plan.off_kinds
            ]
            async_add_entities(entities, config_subentry_id=card_id)

    add(list(hub.cards))
    hub.entity_adders.append(add)
