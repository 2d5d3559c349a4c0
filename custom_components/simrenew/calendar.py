"""The household calendar: every card's reminder days, deadlines, expiries and grace ends."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
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
from .money import written_amount
from .spoken_dates import spoken_date

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

    _cached_version = -1
    _cached_days: list[CalendarDay]
    _cached_events: list[CalendarEvent | None]

    def _days(self) -> list[CalendarDay]:
        """Return every card's calendar days in date order, computed once per change."""
        if self._cached_version != self.hub.calendar_version:
            days = [
                day
                for view in self.hub.cards.values()
                for day in calendar_days(
                    card_id=view.card_id,
                    name=view.config.name,
                    # Until confirmed, the expiry a renewal replaced is the one on the calendar.
                    expiry=view.config.expiry_date
                    if view.standing_expiry is None
                    else min(view.standing_expiry, view.config.expiry_date),
                    deadline=view.state.deadline,
                    grace_days=view.config.grace_days,
                    reminder_days=self.hub.reminder_days(view.config),
                    auto_renew=view.self_renewing,
                    added=view.added,
                )
            ]
            self._cached_days = sorted(days, key=lambda item: (item.day, item.name))
            self._cached_events = [None] * len(days)
            self._cached_version = self.hub.calendar_version
        return self._cached_days

    def _event(self, index: int) -> CalendarEvent:
        """Return the calendar event of one calendar day, built on first use."""
        if (event := self._cached_events[index]) is None:
            day = self._cached_days[index]
            event = self._cached_events[index] = CalendarEvent(
                start=day.day,
                end=day.day + timedelta(days=1),
                # The kind comes first: a month view cuts titles short.
                summary=self.text(day.kind, day.kind + ": {name}", name=day.name),
                description=self._description(day),
                uid=day.uid,
            )
        return event

    def _description(self, day: CalendarDay) -> str:
        """Return what the day asks, then the card's expiry, cost and official page."""
        language = self.hass.config.language

        def spoken(when: date) -> str:
            # The year is left out when it is the event's own.
            return spoken_date(when, language, day.day)

        lines = [
            self.text(
                f"{day.kind}_description",
                "",
                name=day.name,
                deadline=spoken(day.deadline),
                days=self._texts.days(day.days),
            )
        ]
        if (view := self.hub.cards.get(day.card_id)) is not None:
            config = view.config
            if day.kind == "grace_end":
                # Under the last day to save the number, "valid until" a month earlier misleads.
                lines.append(self.text("lapsed_on", "", expiry=spoken(day.deadline)))
            else:
                lines.append(
                    self.text(
                        "valid_until", "Valid until {expiry}.", expiry=spoken(config.expiry_date)
                    )
                )
            if day.kind == "expiry" and config.grace_days > 0:
                lines.append(self.text("grace_note", "", grace_end=spoken(view.grace_end)))
            if config.renewal_cost is not None:
                cost = written_amount(config.renewal_cost, config.currency)
                lines.append(self.text("cost", "One renewal costs {cost}.", cost=cost))
            if config.renewal_url:
                lines.append(f"{self.text('official_page', '')} {config.renewal_url}".strip())
        return "\n".join(line for line in lines if line)

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """Return the current or next event."""
        days = self._days()
        index = bisect_left(days, dt_util.now().date(), key=_day)
        return None if index == len(days) else self._event(index)

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the events that overlap the given range."""
        zone = dt_util.get_default_time_zone()
        first = start_date.astimezone(zone).date()
        last = end_date.astimezone(zone).date()
        if start_of_day(last, zone) >= end_date:
            last -= timedelta(days=1)  # the range ends at or before that day begins
        days = self._days()
        low = bisect_left(days, first, key=_day)
        high = bisect_right(days, last, key=_day)
        return [self._event(index) for index in range(low, high)]


def _day(item: CalendarDay) -> date:
    """Return the date of a calendar day, to search by."""
    return item.day
