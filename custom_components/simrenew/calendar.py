"""The household calendar: every card's reminder days, deadlines, expiries and grace ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import override

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .household import CalendarDay, calendar_days
from .household_entity import SimRenewHouseholdEntity
from .hub import SimRenewConfigEntry
from .model import start_of_day

PARALLEL_UPDATES = 0

CALENDAR = CalendarEntityDescription(key="calendar", translation_key="calendar")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SimRenewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the household calendar."""
    async_add_entities([SimRenewCalendar(entry.runtime_data, CALENDAR)])


class SimRenewCalendar(SimRenewHouseholdEntity, CalendarEntity):
    """All-day events for every date that matters to a card."""

    def _days(self) -> list[CalendarDay]:
        """Return every card's calendar days, in date order."""
        days = [
            day
            for view in self.hub.cards.values()
            for day in calendar_days(
                card_id=view.card_id,
                name=view.config.name,
                expiry=view.config.expiry_date,
                deadline=view.state.deadline,
                grace_days=view.config.grace_days,
                reminder_days=self.hub.reminder_days(view.config),
                auto_renew=view.config.auto_renew,
            )
        ]
        return sorted(days, key=lambda item: (item.day, item.name))

    def _event(self, day: CalendarDay) -> CalendarEvent:
        """Return the calendar event of one calendar day."""
        return CalendarEvent(
            start=day.day,
            end=day.day + timedelta(days=1),
            summary=self.text(
                day.kind, "{name}: " + day.kind, name=day.name, deadline=day.deadline.isoformat()
            ),
            uid=day.uid,
        )

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """Return the current or next event."""
        today = dt_util.now().date()
        upcoming = (day for day in self._days() if day.day >= today)
        first = next(upcoming, None)
        return None if first is None else self._event(first)

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the events that overlap the given range."""
        zone = dt_util.get_default_time_zone()
        return [
            self._event(day)
            for day in self._days()
            if start_of_day(day.day, zone) < end_date
            and start_of_day(day.day + timedelta(days=1), zone) > start_date
        ]
