"""One pass over a household's cards: their views, their due reminders, the next wake.

The hub runs a pass when its timer fires and after every change; the listeners of each card
whose view changed are told, and the household's own entities once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from .card_view import CardView
from .const import LOGGER
from .lapsed_issues import async_sync_lapsed_issue
from .model import next_transition
from .records import ReminderRecord
from .reminder_keeper import async_process_reminders
from .rule_issues import async_schedule_rule_issue

if TYPE_CHECKING:
    from .hub import SimRenewHub


class CardRefresh:
    """Keeps a household's views current and its reminders sent, card by card."""

    def __init__(self, hub: SimRenewHub) -> None:
        """Refresh the cards of `hub`."""
        self.hub = hub
        # Per card: what its reminders depended on when last worked out, and its next instant.
        self.reminder_wakes: dict[str, tuple[tuple[object, ...], datetime | None]] = {}
        # Set when the household's entities must be told even if no card changed.
        self.household_stale = True
        self._failing: set[str] = set()

    def guarded[T](self, what: str, card_id: str | None, work: Callable[[], T]) -> T | None:
        """Run one card's part of a refresh; a failure is logged once and spares the others."""
        key = f"{what}:{card_id}"
        try:
            result = work()
        except Exception:
            if key not in self._failing:
                self._failing.add(key)
                LOGGER.exception("Could not %s for card %s; other cards go on", what, card_id)
            return None
        return result

    def run(self, now: datetime) -> None:
        """Recompute views, fire due reminders, tell the entities, and plan the next wake."""
        hub = self.hub
        changed, wakes = self._refresh_views(now)
        wakes.extend(self._process_reminders(now))
        if released := hub.notifier.speakers.release(hub.spoken_now):
            wakes.append(released)
        for card_id in changed:
            view = hub.cards[card_id]
            self.guarded(
                "update the repair",
                card_id,
                partial(async_sync_lapsed_issue, hub.hass, hub.entry.entry_id, view),
            )
            self.guarded(
                "check the learned rule",
                card_id,
                partial(async_schedule_rule_issue, hub.hass, hub, card_id),
            )
            for listener in hub.listeners_of(card_id):
                self.guarded("update an entity", card_id, listener)
        if changed or self.household_stale:
            # The household's entities read every card: told once, however many changed.
            self.household_stale = False
            for listener in hub.listeners_of(None):
                self.guarded("update a household entity", None, listener)
        wake = min(wakes, default=None)
        hub.scheduler.schedule(wake)
        LOGGER.debug("Refreshed %d of %d cards; next wake %s", len(changed), len(hub.configs), wake)

    def _refresh_views(self, now: datetime) -> tuple[list[str], list[datetime]]:
        """Recompute every card's view; return the changed cards and their next midnights."""
        hub = self.hub
        changed: list[str] = []
        wakes: list[datetime] = []
        for card_id, settings in list(hub.configs.items()):
            if card_id not in hub.records:
                continue
            # The history holds the expiry: a change recorded by any start of the hub shows.
            config = hub.configs[card_id] = hub.ledger.with_recorded_expiry(card_id, settings)
            view = self.guarded(
                "compute the state", card_id, partial(hub.card_view, card_id, config, now)
            )
            if view is None:
                continue
            old = hub.cards.get(card_id)
            if old != view:
                if (
                    old is None
                    or old.config != view.config
                    or old.state.deadline != view.state.deadline
                ):
                    hub.calendar_version += 1
                hub.cards[card_id] = view
                changed.append(card_id)
            wakes.append(next_transition(config.rules(), now))
        return changed, wakes

    def _process_reminders(self, now: datetime) -> list[datetime]:
        """Fire every card's due reminders; return when each card next needs a look."""
        hub = self.hub
        wakes: list[datetime] = []
        records_changed = False
        for card_id, view in hub.cards.items():
            if (record := hub.records.get(card_id)) is None:
                continue
            key = self._reminder_key(view, record["reminders"])
            cached = self.reminder_wakes.get(card_id)
            if cached is not None and cached[0] == key and (cached[1] is None or now < cached[1]):
                # Nothing that decides this card's reminders changed, and none is due yet.
                if cached[1] is not None:
                    wakes.append(cached[1])
                continue
            outcome = self.guarded(
                "send reminders",
                card_id,
                partial(
                    async_process_reminders,
                    hub.hass,
                    view,
                    record=record["reminders"],
                    base=partial(hub.event_base, view),
                    reminder_days=hub.reminder_days(view.config),
                    at=hub.options.reminder_time,
                    now=now,
                ),
            )
            if outcome is None:
                continue
            reminders, wake = outcome
            if reminders != record["reminders"]:
                record["reminders"] = reminders
                records_changed = True
            self.reminder_wakes[card_id] = (self._reminder_key(view, reminders), wake)
            if wake is not None:
                wakes.append(wake)
        if records_changed:
            hub.entry.async_create_task(
                hub.hass, hub.ledger.async_save_in_turn(), "simrenew save reminders"
            )
        return wakes

    def _reminder_key(self, view: CardView, record: ReminderRecord) -> tuple[object, ...]:
        """Return everything a card's reminders depend on besides the clock."""
        return (
            view.state.deadline,
            view.state.status,
            view.config.grace_days,
            view.self_renewing,
            view.standing_expiry,
            view.config.time_zone,
            self.hub.reminder_days(view.config),
            self.hub.options.reminder_time,
            dt_util.get_default_time_zone(),
            record["deadline"],
            tuple(record["fired"]),
            record["expired_for"],
            record["snoozed_until"],
            record.get("confirm"),
        )
