"""The household's to-do list of cards to renew; ticking one off records the renewal."""

from __future__ import annotations

from typing import override

from homeassistant.components.todo import (
    TodoItem,
    TodoItemStatus,
    TodoListEntity,
    TodoListEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .card_view import CardView
from .const import DOMAIN
from .household_entity import SimRenewHouseholdEntity
from .hub import SimRenewConfigEntry
from .model import CardStatus
from .renewal import Renewal
from .spoken_dates import spoken_date

PARALLEL_UPDATES = 1

RENEWALS = EntityDescription(key="renewals", translation_key="renewals")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the household's renewal list."""
    async_add_entities([SimRenewTodoList(entry.runtime_data, RENEWALS)])


class SimRenewTodoList(SimRenewHouseholdEntity, TodoListEntity):
    """One open item per card whose renewal is due."""

    _attr_supported_features = TodoListEntityFeature.UPDATE_TODO_ITEM

    @override
    def shown(self) -> object:
        """Return the list's items: a change to any of them must reach the frontend."""
        return tuple(self.todo_items)

    @property
    @override
    def todo_items(self) -> list[TodoItem]:
        """Return the cards that need renewing, soonest deadline first."""
        due = sorted(
            (
                view
                for view in self.hub.cards.values()
                if view.state.status is not CardStatus.ACTIVE
            ),
            key=lambda view: (view.state.deadline, view.config.name),
        )
        return [
            TodoItem(
                uid=view.card_id,
                summary=self._summary(view),
                status=TodoItemStatus.NEEDS_ACTION,
                # In grace the deadline is gone: the day that matters is the last to save it.
                due=view.grace_end
                if view.state.status is CardStatus.GRACE_PERIOD
                else view.state.deadline,
            )
            for view in due
        ]

    def _summary(self, view: CardView) -> str:
        """Return what an item asks: a renewal, or that the carrier shows one already recorded."""
        today = dt_util.now().date()
        if view.recorded_expiry is None and view.state.status is CardStatus.GRACE_PERIOD:
            return self.text(
                "todo_grace",
                "Top up {name} by {grace_end} or lose the number",
                name=view.config.name,
                grace_end=spoken_date(view.grace_end, self.hass.config.language, today),
            )
        if view.recorded_expiry is None:
            return self.text("todo", "Renew {name}", name=view.config.name)
        return self.text(
            "todo_confirm",
            "Check that the carrier shows {name} valid until {recorded_expiry}",
            name=view.config.name,
            recorded_expiry=spoken_date(view.recorded_expiry, self.hass.config.language, today),
        )

    @override
    async def async_update_todo_item(self, item: TodoItem) -> None:
        """Record a renewal with the plan's defaults when an item is ticked off."""
        card_id = item.uid or ""
        if card_id not in self.hub.cards:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_target",
                translation_placeholders={"target": card_id},
            )
        if item.status != TodoItemStatus.COMPLETED:
            return
        if self.hub.cards[card_id].recorded_expiry is not None:
            # The item asked whether the carrier shows the renewal: ticking it says it does.
            await self.hub.changes.async_confirm_renewal([card_id], None, pending_only=True)
            return
        await self.hub.changes.async_renew([card_id], Renewal(source="todo"))
