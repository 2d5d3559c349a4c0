"""The renew button: one tap records one renewal with the card's plan defaults."""

from __future__ import annotations

from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .card_config import CardConfig
from .entity import SimRenewCardEntity, add_card_entities
from .hub import SimRenewConfigEntry
from .renewal import Renewal

PARALLEL_UPDATES = 1

RENEW = ButtonEntityDescription(key="renew", translation_key="renew")
CONFIRM_RENEWAL = ButtonEntityDescription(key="confirm_renewal", translation_key="confirm_renewal")
UNDO_RENEWAL = ButtonEntityDescription(key="undo_renewal", translation_key="undo_renewal")
RECORD_USE = ButtonEntityDescription(key="record_use", translation_key="record_use")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add every card's buttons."""
    hub = entry.runtime_data
    add_card_entities(
        hub,
        async_add_entities,
        lambda card_id: [
            BUTTON_CLASSES[description.key](hub, card_id, description)
            for description in card_buttons(hub.cards[card_id].config)
        ],
    )


def card_buttons(config: CardConfig) -> tuple[ButtonEntityDescription, ...]:
    """Return the buttons a card has: record use only where the card must be used."""
    if config.activity_interval_days > 0:
        return (RENEW, CONFIRM_RENEWAL, UNDO_RENEWAL, RECORD_USE)
    return (RENEW, CONFIRM_RENEWAL, UNDO_RENEWAL)


class SimRenewCardButton(SimRenewCardEntity, ButtonEntity):
    """A card's button: it records something when pressed and shows nothing of the card."""

    @override
    def shown(self) -> object:
        """Return nothing: a card's changes never change its button."""
        return None


class SimRenewButton(SimRenewCardButton):
    """Records one renewal of one period, at the plan's cost, made today."""

    @override
    async def async_press(self) -> None:
        """Record the renewal."""
        await self.hub.changes.async_renew([self.card_id], Renewal(source="button"))


class SimRenewConfirmButton(SimRenewCardButton):
    """Confirms that the carrier shows the expiry the last renewal computed."""

    @override
    async def async_press(self) -> None:
        """Confirm the renewal waiting for confirmation."""
        await self.hub.changes.async_confirm_renewal([self.card_id], None, pending_only=True)


class SimRenewUndoButton(SimRenewCardButton):
    """Takes back the card's last renewal, as the undo_renewal action does.

    It stays available when there is nothing to undo, and pressing it then says so: Home
    Assistant's "unavailable" means the card cannot be reached, and a button that came and went
    with each renewal would write two lines into the card's logbook, among its receipts, for
    every renewal recorded or undone.
    """

    @override
    async def async_press(self) -> None:
        """Undo the renewal that set the card's expiry."""
        await self.hub.changes.async_undo_renewal([self.card_id])


class SimRenewUseButton(SimRenewCardButton):
    """Records a chargeable use of the card today, for cards that must be used regularly."""

    @override
    async def async_press(self) -> None:
        """Record the use."""
        await self.hub.changes.async_record_activity([self.card_id], None)


BUTTON_CLASSES: dict[str, type[SimRenewCardButton]] = {
    RENEW.key: SimRenewButton,
    CONFIRM_RENEWAL.key: SimRenewConfirmButton,
    UNDO_RENEWAL.key: SimRenewUndoButton,
    RECORD_USE.key: SimRenewUseButton,
}
