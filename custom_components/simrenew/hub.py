"""The runtime object of one household: its cards, their views and the scheduler."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .card_events import event_fields
from .card_refresh import CardRefresh
from .card_view import CardView
from .card_views import card_view
from .changes import CardChanges
from .const import DOMAIN
from .device_models import DeviceModels
from .devices import registered_device_ids
from .entry_reading import apply_options, entry_contents, read_cards
from .entry_sync import async_entry_updated, start_household
from .hub_options import HubOptions
from .lapsed_issues import LAPSED_PREFIX, async_sync_unreadable_issues
from .ledger import Ledger
from .message_sources import MessageSources
from .notifications import ReminderNotifier
from .records import CardRecord
from .scheduler import WakeScheduler
from .store import SimRenewStore

if TYPE_CHECKING:
    from .entity_room import EntityPlan

type SimRenewConfigEntry = ConfigEntry[SimRenewHub]

__all__ = ["CardView", "SimRenewConfigEntry", "SimRenewHub"]


class SimRenewHub:
    """Holds every card of one config entry and keeps their states current."""

    def __init__(self, hass: HomeAssistant, entry: SimRenewConfigEntry, ledger: Ledger) -> None:
        """Read the entry; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.ledger = ledger
        self.options: HubOptions
        # Each card's settings, with the expiry its history holds.
        self.configs: dict[str, CardConfig]
        self.cards: dict[str, CardView] = {}
        self.scheduler = WakeScheduler(hass, self.async_refresh)
        self.refresher = CardRefresh(self)
        self.changes = CardChanges(self)
        self._listeners: dict[str | None, list[CALLBACK_TYPE]] = {}
        self._device_ids: dict[str, str] = {}
        self.stopped = False
        # Counts the changes to anything the household calendar is made from.
        self.calendar_version = 0
        self.notifier = ReminderNotifier(hass, persistent=True, targets=[])
        self.notifier.speakers.wake = self.wake_by
        self.notifier.speakers.today_of = self.carrier_today
        # Cards whose stored settings cannot be read, by id, with the title they were saved as.
        self.unreadable: dict[str, str] = {}
        self.device_models = DeviceModels(hass)
        # Set up by the integration, which knows how to read a message; followed from start.
        self.message_sources: MessageSources | None = None
        # One per platform: adds the entities of cards added while the hub runs.
        self.entity_adders: list[Callable[[Iterable[str]], None]] = []
        # Which cards get entities under Home Assistant's cap; decided before the platforms start.
        self.entity_plan: EntityPlan | None = None
        self.read_entry()

    @property
    def store(self) -> SimRenewStore:
        """Return the household's history file."""
        return self.ledger.store

    @property
    def records(self) -> dict[str, CardRecord]:
        """Return what is recorded per card."""
        return self.ledger.records

    def read_entry(self) -> None:
        """Parse the options and every card subentry of the entry."""
        self.read_from = entry_contents(self.entry)
        self.options = HubOptions.from_options(self.entry.options)
        apply_options(self.notifier, self.message_sources, self.options)
        settings, self.unreadable = read_cards(self.entry)
        self.configs = {
            card_id: self.ledger.with_recorded_expiry(card_id, config)
            for card_id, config in settings.items()
        }
        async_sync_unreadable_issues(self.hass, self.entry, self.unreadable)
        self.notifier.zones = {
            card_id: config.time_zone.key for card_id, config in self.configs.items()
        }

    async def async_start(self) -> None:
        """Match the history to the cards, compute every card's state and arm the scheduler."""
        now = dt_util.utcnow()
        async with self.ledger.lock:
            # A change that held the lock may have moved an expiry since __init__ read them.
            self.read_entry()
            if start_household(self, now):
                await self.ledger.async_save()
        self.delete_stale_issues()
        self.async_refresh(now)

    async def async_entry_updated(self) -> bool:
        """Re-read the entry; return False when devices must be rebuilt by a reload."""
        return await async_entry_updated(self)

    @callback
    def async_stop(self) -> None:
        """Cancel the scheduler; calls still under way finish through the shared ledger."""
        self.stopped = True
        self.scheduler.cancel()
        if self.message_sources is not None:
            self.message_sources.stop()

    @callback
    def async_core_config_updated(self, event: Event) -> None:
        """Work every reminder out again in Home Assistant's new time zone."""
        self.refresher.reminder_wakes.clear()
        self.refresher.household_stale = True
        self.async_refresh(dt_util.utcnow())

    async def async_language_changed(self, event: Event) -> None:
        """Show every card's device model in Home Assistant's new language."""
        await self.device_models.async_load()
        self.device_models.async_apply(
            self.entry.entry_id,
            {card_id: config.card_type for card_id, config in self.configs.items()},
        )

    def delete_stale_issues(self) -> None:
        """Remove lapsed-card issues of cards that no longer exist."""
        registry = ir.async_get(self.hass)
        for domain, issue_id in list(registry.issues):
            if (
                domain == DOMAIN
                and issue_id.startswith(LAPSED_PREFIX)
                and issue_id.removeprefix(LAPSED_PREFIX) not in self.configs
            ):
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    def device_layout(self) -> dict[str, tuple[str, str | None, str, str | None]]:
        """Return what each card's device shows, to tell when a reload is needed."""
        # The official page is the device's configuration URL: a new one must reach it.
        return {
            card_id: (config.name, config.carrier, config.card_type, config.renewal_url)
            for card_id, config in self.configs.items()
        }

    def reminder_days(self, config: CardConfig) -> tuple[int, ...]:
        """Return the card's own reminder days, or the household's."""
        return config.reminder_days or self.options.reminder_days

    def card_view(self, card_id: str, config: CardConfig, now: datetime) -> CardView:
        """Return a card's view at `now`; one that renewed itself gets the record of it."""
        figures = self.ledger.figures(card_id)
        view, rolled = card_view(
            card_id,
            config,
            self.records[card_id],
            figures,
            reminder_days=self.reminder_days(config),
            now=now,
        )
        if rolled:
            self.changes.schedule_roll_forward(card_id)
        return view

    @callback
    def async_refresh(self, now: datetime) -> None:
        """Recompute the cards, tell the entities, and plan the next wake."""
        if self.stopped:
            if (live := self.live_hub()) is not None:
                live.async_refresh(now)
            return
        self.refresher.run(now)

    @callback
    def async_started(self, hass: HomeAssistant) -> None:
        """Once Home Assistant is up, say what waited through its restart."""
        if self.notifier.speakers.waiting:
            self.wake_by(dt_util.utcnow())

    @callback
    def wake_by(self, when: datetime) -> None:
        """Have the hub's one timer wake by `when`, keeping an earlier wake it already has."""
        if self.stopped:
            return
        if self.scheduler.next_wake is None or when < self.scheduler.next_wake:
            self.scheduler.schedule(when)

    def spoken_now(self, card_id: str) -> tuple[str, date] | None:
        """Return a card's name and deadline now, for an announcement that waited."""
        if (view := self.cards.get(card_id)) is None or card_id not in self.configs:
            return None
        return view.config.name, view.state.deadline

    def carrier_today(self, card_id: str) -> date:
        """Return today on a card's carrier's clock (Home Assistant's for one no longer known)."""
        config = self.configs.get(card_id)
        return dt_util.now(config.time_zone if config else None).date()

    def live_hub(self) -> SimRenewHub | None:
        """Return the hub now running for this household: this one, or the one that replaced it."""
        if not self.stopped:
            return self
        current = getattr(self.entry, "runtime_data", None)
        if isinstance(current, SimRenewHub) and not current.stopped:
            return current
        return None

    @callback
    def async_add_listener(self, card_id: str | None, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` when the card's view changes (any card's, for None)."""
        listeners = self._listeners.setdefault(card_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    def listeners_of(self, card_id: str | None) -> list[CALLBACK_TYPE]:
        """Return who listens to a card's view (to any card's, for None)."""
        return list(self._listeners.get(card_id, ()))

    def event_base(self, view: CardView) -> dict[str, Any]:
        """Return the fields every simrenew event carries."""
        if view.card_id not in self._device_ids:
            self._device_ids = registered_device_ids(self.hass, self.entry.entry_id)
        return event_fields(view, self._device_ids.get(view.card_id))
