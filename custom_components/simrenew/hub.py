"""The runtime object of one household: its cards, their views and the scheduler."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .card_config import CardConfig, HubOptions
from .card_view import CardView, renews_itself
from .changes import CardChanges, correction, invalid_input, mark_confirmed
from .const import (
    DOMAIN,
    EVENT_CONFIRMED,
    LOGGER,
    SUBENTRY_CARD,
)
from .device_models import DeviceModels
from .devices import register_card_devices, registered_device_ids
from .history_file import is_day
from .lapsed_issues import LAPSED_PREFIX, async_sync_lapsed_issue, async_sync_unreadable_issues
from .ledger import Ledger
from .message_sources import MessageSources
from .model import (
    card_state,
    local_today,
    next_transition,
    rolled_steps,
)
from .notifications import ReminderNotifier
from .reminder_keeper import async_process_reminders
from .renewal import Renewal
from .rule_issues import async_schedule_rule_issue
from .scheduler import WakeScheduler
from .store import (
    CardRecord,
    HistoryEntry,
    ReminderRecord,
    SimRenewStore,
    empty_record,
)
from .zones import loaded_zone

if TYPE_CHECKING:
    from .entity_room import EntityPlan

type SimRenewConfigEntry = ConfigEntry[SimRenewHub]

__all__ = ["CardView", "Renewal", "SimRenewConfigEntry", "SimRenewHub", "invalid_input"]


def _activity_since(record: CardRecord) -> str | None:
    """Return the day a card's activity rule was turned on, if the record holds a readable one."""
    since = cast(dict[str, Any], record).get("activity_since")
    return since if is_day(since) else None


class SimRenewHub(CardChanges):
    """Holds every card of one config entry and keeps their states current."""

    def __init__(self, hass: HomeAssistant, entry: SimRenewConfigEntry, ledger: Ledger) -> None:
        """Read the entry; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.ledger = ledger
        self.options: HubOptions
        self.configs: dict[str, CardConfig]
        self.cards: dict[str, CardView] = {}
        self.scheduler = WakeScheduler(hass, self._async_refresh)
        self._listeners: dict[str | None, list[CALLBACK_TYPE]] = {}
        self._failing: set[str] = set()
        self._device_ids: dict[str, str] = {}
        # Per card: what its reminders depended on when last worked out, and its next instant.
        self._reminder_wakes: dict[str, tuple[tuple[object, ...], datetime | None]] = {}
        self._rolling: set[str] = set()
        self.stopped = False
        # Counts the changes to anything the household calendar is made from.
        self.calendar_version = 0
        self._household_stale = True
        self.notifier = ReminderNotifier(hass, persistent=True, targets=[])
        self.notifier.speakers.wake = self._wake_by
        self.notifier.speakers.today_of = self._carrier_today
        # Cards whose stored settings cannot be read, by id, with the title they were saved as.
        self.unreadable: dict[str, str] = {}
        self.device_models = DeviceModels(hass)
        # Set up by the integration, which knows how to read a message; followed from start.
        self.message_sources: MessageSources | None = None
        # One per platform: adds the entities of cards added while the hub runs.
        self.entity_adders: list[Callable[[Iterable[str]], None]] = []
        # Which cards get entities under Home Assistant's cap; decided before the platforms start.
        self.entity_plan: EntityPlan | None = None
        self._read_entry()

    @property
    def changes(self) -> CardChanges:
        """Return what changes the household's cards: renewals, corrections, balance, use."""
        return self

    @property
    def store(self) -> SimRenewStore:
        """Return the household's history file."""
        return self.ledger.store

    def _read_entry(self) -> None:
        """Parse the options and every card subentry of the entry."""
        self.options = HubOptions.from_options(self.entry.options)
        self.notifier.persistent = self.options.persistent_notification
        self.notifier.targets = list(self.options.notify_targets)
        self.notifier.phones.phones = list(self.options.phones)
        self.notifier.phones.settle()
        speakers = self.notifier.speakers
        speakers.speakers = list(self.options.speakers)
        speakers.tts_entity = self.options.tts_entity
        speakers.quiet = self.options.quiet_hours
        speakers.settle()
        if self.message_sources is not None:
            self.message_sources.follow(self.options.message_sources)
        self.configs = {}
        unreadable: dict[str, str] = {}
        for subentry_id, subentry in self.entry.subentries.items():
            if subentry.subentry_type != SUBENTRY_CARD:
                continue
            try:
                self.configs[subentry_id] = CardConfig.from_data(subentry.data, loaded_zone)
            except KeyError, TypeError, ValueError:
                # A card edited by hand into something unreadable is set aside, with a repair
                # that names it: the household's other cards go on.
                unreadable[subentry_id] = subentry.title
        self.unreadable = unreadable
        async_sync_unreadable_issues(self.hass, self.entry, unreadable)
        self.notifier.zones = {
            card_id: config.time_zone.key for card_id, config in self.configs.items()
        }

    async def async_start(self) -> None:
        """Match the history to the cards, compute every card's state and arm the scheduler."""
        now = dt_util.utcnow()
        async with self.ledger.lock:
            # A change that held the lock may have moved an expiry since __init__ read them.
            self._read_entry()
            records = self.ledger.records
            # Cards removed while the hub was not running lose their history now; one that
            # cannot be read keeps it, for when it is mended.
            removed = [card_id for card_id in records if card_id not in self.entry.subentries]
            for card_id in removed:
                del records[card_id]
                self.ledger.forget_figures(card_id)
            missing = [card_id for card_id in self.configs if card_id not in records]
            for card_id in missing:
                today = local_today(now, self.configs[card_id].time_zone)
                records[card_id] = empty_record(today.isoformat())
            register_card_devices(self.hass, self.entry.entry_id, self.configs, self.device_models)
            recovered = self._reconcile_expiries(now)
            if missing or removed or recovered:
                await self.ledger.async_save()
        self._delete_stale_issues()
        self._async_refresh(now)

    def _reconcile_expiries(self, now: datetime) -> bool:
        """Make each card's expiry agree with its history after an interrupted write.

        The history is written first: a change recorded there whose expiry never reached the
        card's settings is completed; settings changed without a record get one.
        """
        recorded = False
        for card_id in list(self.configs):
            config = self.configs[card_id]
            last = self.ledger.last_expiry_change(card_id)
            stored = config.expiry_date.isoformat()
            if last is None or last["new_expiry"] == stored:
                continue
            if stored in self._expiry_chain(card_id):
                # Settings are saved a moment after the history: they may lag several changes.
                LOGGER.warning("Completing an interrupted expiry change of card %s", card_id)
                self._store_expiry(card_id, date.fromisoformat(last["new_expiry"]))
                self._read_entry()
                continue
            self.records[card_id]["history"].append(
                correction(now.isoformat(), "reconfigure", last["new_expiry"], stored)
            )
            recorded = True
        return recorded

    def _expiry_chain(self, card_id: str) -> set[str]:
        """Return every expiry the card's renewals and corrections moved from, newest run back."""
        chain: set[str] = set()
        history: list[HistoryEntry] = self.records[card_id]["history"]
        for entry in reversed(history):
            if "new_expiry" not in entry:
                continue
            if chain and entry["new_expiry"] not in chain:
                break
            chain.add(entry.get("old_expiry", entry["new_expiry"]))
        return chain

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
        self._reminder_wakes.clear()
        self._household_stale = True
        self._async_refresh(dt_util.utcnow())

    async def async_language_changed(self, event: Event) -> None:
        """Show every card's device model in Home Assistant's new language."""
        await self.device_models.async_load()
        self.device_models.async_apply(
            self.entry.entry_id,
            {card_id: config.card_type for card_id, config in self.configs.items()},
        )

    def _delete_stale_issues(self) -> None:
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

    async def async_entry_updated(self) -> bool:
        """Re-read the entry; return False when devices must be rebuilt by a reload."""
        before = self.device_layout()
        async with self.ledger.lock:
            # Read under the lock, so a change committed meanwhile is in both the settings and
            # the history before they are compared.
            old_configs, old_options = self.configs, self.options
            self._read_entry()
            added = self._start_added_cards(old_configs)
            if old_options.persistent_notification and not self.options.persistent_notification:
                # Turned off: the notifications already shown go too.
                for card_id in self.entry.subentries:
                    self.notifier.dismiss(card_id)
            corrections = self._record_reconfigured_expiries(old_configs)
            rules_set = self._start_activity_rules(old_configs)
            removed = [card_id for card_id in self.records if card_id not in self.entry.subentries]
            for card_id in removed:
                del self.records[card_id]
                self.ledger.forget_figures(card_id)
            if corrections or removed or rules_set or added:
                await self.ledger.async_save()
            self._announce(corrections)
            for card_id in removed:
                # A deleted card's reminder is no one's to act on.
                self.notifier.dismiss(card_id)
        self._delete_stale_issues()
        layout = self.device_layout()
        kept = {card_id: layout.get(card_id) for card_id in before}
        if kept != before or layout.keys() - before.keys() - set(added):
            return False
        if old_options.rarely_used_entities != self.options.rarely_used_entities:
            return False  # every card's entities change: the platforms start over
        self._household_stale = True
        self.calendar_version += 1
        register_card_devices(
            self.hass,
            self.entry.entry_id,
            {card_id: self.configs[card_id] for card_id in added if card_id in self.configs},
            self.device_models,
        )
        self._async_refresh(dt_util.utcnow())
        # A reload would take every entity of the household through "unavailable": a new
        # card's entities join the running platforms instead, once its state is known.
        shown = [card_id for card_id in added if card_id in self.cards]
        if self.entity_plan is not None:
            shown = self.entity_plan.admit(self.hass, self, shown)
        for adder in self.entity_adders:
            adder(shown)
        return True

    def _start_added_cards(self, old_configs: dict[str, CardConfig]) -> list[str]:
        """Give each card added since the last read a history from today; return them.

        A card that appears with a history already (one mended after it could not be read) is
        left to a reload, which checks that history against its settings.
        """
        appeared = [card_id for card_id in self.configs if card_id not in old_configs]
        if any(card_id in self.records for card_id in appeared):
            return []
        now = dt_util.utcnow()
        for card_id in appeared:
            today = local_today(now, self.configs[card_id].time_zone)
            self.records[card_id] = empty_record(today.isoformat())
        self.notifier.card_ids |= set(appeared)
        return appeared

    def _start_activity_rules(self, old_configs: dict[str, CardConfig]) -> bool:
        """Count a newly set activity rule from today, not from a use long ago.

        A card added months ago with no use recorded would otherwise be lost the moment the
        rule is turned on. Return whether any card's rule started.
        """
        started = False
        for card_id, config in self.configs.items():
            old = old_configs.get(card_id)
            if old is None or card_id not in self.records:
                continue
            if old.activity_interval_days == 0 < config.activity_interval_days:
                today = local_today(dt_util.utcnow(), config.time_zone).isoformat()
                cast(dict[str, Any], self.records[card_id])["activity_since"] = today
                started = True
        return started

    def _record_reconfigured_expiries(
        self, old_configs: dict[str, CardConfig]
    ) -> list[tuple[str, HistoryEntry]]:
        """Record expiry changes made in the card's settings form as corrections."""
        recorded: list[tuple[str, HistoryEntry]] = []
        for card_id, config in self.configs.items():
            old = old_configs.get(card_id)
            if old is None or old.expiry_date == config.expiry_date or card_id not in self.records:
                continue
            new = config.expiry_date.isoformat()
            known = self.ledger.recorded_expiry(card_id)
            if known == new:
                continue  # written by a renewal or correction that is already recorded
            entry = correction(
                dt_util.utcnow().isoformat(),
                "reconfigure",
                known or old.expiry_date.isoformat(),
                new,
            )
            self.records[card_id]["history"].append(entry)
            recorded.append((card_id, entry))
            self._settle_from_form(card_id)
        return recorded

    def _settle_from_form(self, card_id: str) -> None:
        """Count the date typed into the card's form as the carrier's: nothing waits any more.

        It is written with the correction the form's date is recorded as.
        """
        record = self.records[card_id]
        if record["reminders"].get("confirm") is None:
            return
        mark_confirmed(record["history"])
        record["reminders"] = {**record["reminders"], "confirm": None}
        self.notifier.dismiss(card_id)
        self.hass.bus.async_fire(
            EVENT_CONFIRMED,
            {
                **self.event_base(self._view(card_id, self.configs[card_id], dt_util.utcnow())),
                "corrected": True,
            },
        )

    @override
    def reminder_days(self, config: CardConfig) -> tuple[int, ...]:
        """Return the card's own reminder days, or the household's."""
        return config.reminder_days or self.options.reminder_days

    @override
    def _view(self, card_id: str, config: CardConfig, now: datetime) -> CardView:
        """Return a card's view at `now`."""
        record = self.records[card_id]
        figures = self.ledger.figures(card_id)
        # Until a first use is recorded, the activity interval counts from the day it was added.
        last_activity = date.fromisoformat(
            max(record["last_activity"] or record["added"], _activity_since(record) or "")
        )
        today = local_today(now, config.time_zone)
        standing = self.ledger.standing_expiry(card_id)
        roll_undone = self.ledger.roll_undone(card_id, config.expiry_date)
        unconfirmed = record["reminders"].get("confirm") is not None
        if (
            config.auto_renew
            and config.period is not None
            and config.expiry_date < today
            and not roll_undone
        ):
            # It has renewed itself at the end of its expiry day; the record follows shortly,
            # unconfirmed, so the expiry it replaced stands until the carrier shows the new one.
            steps = rolled_steps(config.expiry_date, config.period, today, config.anchor_day)
            standing = standing or config.expiry_date
            unconfirmed = True
            config = replace(config, expiry_date=steps[-1][1])
            self._schedule_roll_forward(card_id)
        if standing is not None and standing >= config.expiry_date:
            standing = None  # the recorded expiry is the earlier: it is the one that counts
        state = card_state(
            config.rules(last_activity, standing),
            now,
            self.reminder_days(config),
            renews_itself=renews_itself(config, standing, roll_undone),
        )
        spent = figures.spent(state.today)
        return CardView(
            card_id=card_id,
            config=config,
            state=state,
            last_renewed=figures.last_renewed,
            balance=record["balance"],
            spent_last_365_days=spent.get(config.currency, 0.0),
            spent_by_currency=spent,
            unconfirmed=unconfirmed,
            added=date.fromisoformat(record["added"]),
            standing_expiry=standing,
            roll_undone=roll_undone,
            receipts=figures.receipts(),
        )

    def _guarded[T](self, what: str, card_id: str | None, work: Callable[[], T]) -> T | None:
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

    @callback
    @override
    def _async_refresh(self, now: datetime) -> None:
        """Recompute views, fire due reminders, tell the entities, and plan the next wake."""
        if self.stopped:
            if (live := self.live_hub()) is not None:
                live._async_refresh(now)
            return
        changed, wakes = self._refresh_views(now)
        wakes.extend(self._process_reminders(now))
        if released := self.notifier.speakers.release(self._spoken_now):
            wakes.append(released)
        for card_id in changed:
            view = self.cards[card_id]
            self._guarded(
                "update the repair",
                card_id,
                partial(async_sync_lapsed_issue, self.hass, self.entry.entry_id, view),
            )
            self._guarded(
                "check the learned rule",
                card_id,
                partial(async_schedule_rule_issue, self.hass, self, card_id),
            )
            for listener in self._listeners.get(card_id, ()):
                self._guarded("update an entity", card_id, listener)
        if changed or self._household_stale:
            # The household's entities read every card: told once, however many changed.
            self._household_stale = False
            for listener in self._listeners.get(None, ()):
                self._guarded("update a household entity", None, listener)
        wake = min(wakes, default=None)
        self.scheduler.schedule(wake)
        LOGGER.debug(
            "Refreshed %d of %d cards; next wake %s", len(changed), len(self.configs), wake
        )

    def _refresh_views(self, now: datetime) -> tuple[list[str], list[datetime]]:
        """Recompute every card's view; return the changed cards and their next midnights."""
        changed: list[str] = []
        wakes: list[datetime] = []
        for card_id, config in self.configs.items():
            if card_id not in self.records:
                continue
            view = self._guarded(
                "compute the state", card_id, partial(self._view, card_id, config, now)
            )
            if view is None:
                continue
            old = self.cards.get(card_id)
            if old != view:
                if (
                    old is None
                    or old.config != view.config
                    or old.state.deadline != view.state.deadline
                ):
                    self.calendar_version += 1
                self.cards[card_id] = view
                changed.append(card_id)
            wakes.append(next_transition(config.rules(), now))
        return changed, wakes

    def _process_reminders(self, now: datetime) -> list[datetime]:
        """Fire every card's due reminders; return when each card next needs a look."""
        wakes: list[datetime] = []
        records_changed = False
        for card_id, view in self.cards.items():
            if (record := self.records.get(card_id)) is None:
                continue
            key = self._reminder_key(view, record["reminders"])
            cached = self._reminder_wakes.get(card_id)
            if cached is not None and cached[0] == key and (cached[1] is None or now < cached[1]):
                # Nothing that decides this card's reminders changed, and none is due yet.
                if cached[1] is not None:
                    wakes.append(cached[1])
                continue
            outcome = self._guarded(
                "send reminders",
                card_id,
                partial(
                    async_process_reminders,
                    self.hass,
                    view,
                    record=record["reminders"],
                    base=partial(self.event_base, view),
                    reminder_days=self.reminder_days(view.config),
                    at=self.options.reminder_time,
                    now=now,
                ),
            )
            if outcome is None:
                continue
            reminders, wake = outcome
            if reminders != record["reminders"]:
                record["reminders"] = reminders
                records_changed = True
            self._reminder_wakes[card_id] = (self._reminder_key(view, reminders), wake)
            if wake is not None:
                wakes.append(wake)
        if records_changed:
            self.entry.async_create_task(
                self.hass, self.ledger.async_save(), "simrenew save reminders"
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
            self.reminder_days(view.config),
            self.options.reminder_time,
            dt_util.get_default_time_zone(),
            record["deadline"],
            tuple(record["fired"]),
            record["expired_for"],
            record["snoozed_until"],
            record.get("confirm"),
        )

    @callback
    def async_started(self, hass: HomeAssistant) -> None:
        """Once Home Assistant is up, say what waited through its restart."""
        if self.notifier.speakers.waiting:
            self._wake_by(dt_util.utcnow())

    @callback
    def _wake_by(self, when: datetime) -> None:
        """Have the hub's one timer wake by `when`, keeping an earlier wake it already has."""
        if self.stopped:
            return
        if self.scheduler.next_wake is None or when < self.scheduler.next_wake:
            self.scheduler.schedule(when)

    def _spoken_now(self, card_id: str) -> tuple[str, date] | None:
        """Return a card's name and deadline now, for an announcement that waited."""
        if (view := self.cards.get(card_id)) is None or card_id not in self.configs:
            return None
        return view.config.name, view.state.deadline

    def _carrier_today(self, card_id: str) -> date:
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

    @override
    def event_base(self, view: CardView) -> dict[str, Any]:
        """Return the fields every simrenew event carries."""
        if view.card_id not in self._device_ids:
            self._device_ids = registered_device_ids(self.hass, self.entry.entry_id)
        return {
            "card_id": view.card_id,
            "device_id": self._device_ids.get(view.card_id),
            "name": view.config.name,
            "expiry_date": view.config.expiry_date.isoformat(),
            # While a renewal waits for the carrier's word, the deadline counts from the expiry
            # it replaced; this is the one it recorded.
            "recorded_expiry": None
            if view.recorded_expiry is None
            else view.recorded_expiry.isoformat(),
            "days_until_expiry": view.state.days_until_expiry,
            "deadline": view.state.deadline.isoformat(),
            "days_until_deadline": view.state.days_until_deadline,
            "status": view.state.status.value,
            "deadline_reason": view.state.deadline_reason.value,
            # The last day a top-up still keeps the number: the deadline when there is no grace.
            "grace_end": view.grace_end.isoformat(),
            "unconfirmed": view.unconfirmed,
            "renewal_url": view.config.renewal_url,
        }
