"""The runtime object of one household: its cards, their history and the scheduler."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.util import dt as dt_util

from .card_config import CardConfig, HubOptions
from .const import CONF_EXPIRY_DATE, DOMAIN, EVENT_RENEWED, LOGGER, SUBENTRY_CARD
from .devices import registered_device_ids
from .history import last_renewed, spent_in_window
from .lapsed_issues import async_sync_lapsed_issue
from .model import (
    CardState,
    card_state,
    expiry_is_plausible,
    local_today,
    next_transition,
    renewed_expiry,
)
from .reminder_keeper import async_process_reminders
from .scheduler import WakeScheduler
from .store import BalanceRecord, CardRecord, HistoryEntry, SimRenewStore, empty_record

type SimRenewConfigEntry = ConfigEntry[SimRenewHub]


@dataclass(frozen=True, slots=True)
class CardView:
    """One card as the entities see it: settings, today's state and recorded figures."""

    card_id: str
    config: CardConfig
    state: CardState
    last_renewed: datetime | None
    balance: BalanceRecord | None
    spent_last_365_days: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Renewal:
    """What the user says about one renewal; unset fields take the card's defaults."""

    source: str
    renewal_date: date | None = None
    amount: float | None = None
    currency: str | None = None
    channel: str = "other"
    payment_method: str | None = None
    reference: str | None = None
    new_expiry: date | None = None


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


class SimRenewHub:
    """Holds every card of one config entry and keeps their states current."""

    def __init__(self, hass: HomeAssistant, entry: SimRenewConfigEntry) -> None:
        """Read the entry; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.options: HubOptions
        self.configs: dict[str, CardConfig]
        self.cards: dict[str, CardView] = {}
        self.records: dict[str, CardRecord] = {}
        self.store = SimRenewStore(hass, entry.entry_id)
        self.scheduler = WakeScheduler(hass, self._async_refresh)
        self._listeners: dict[str | None, list[CALLBACK_TYPE]] = {}
        self._lock = asyncio.Lock()
        self._device_ids: dict[str, str] = {}
        self._read_entry()

    def _read_entry(self) -> None:
        """Parse the options and every card subentry of the entry."""
        self.options = HubOptions.from_options(self.entry.options)
        self.configs = {
            subentry_id: CardConfig.from_data(subentry.data)
            for subentry_id, subentry in self.entry.subentries.items()
            if subentry.subentry_type == SUBENTRY_CARD
        }

    async def async_start(self) -> None:
        """Load the history, compute every card's state and arm the scheduler."""
        now = dt_util.utcnow()
        data = await self.store.async_load_safely(now)
        # Cards removed while the hub was not running lose their history now.
        self.records = {
            card_id: record for card_id, record in data["cards"].items() if card_id in self.configs
        }
        missing = [card_id for card_id in self.configs if card_id not in self.records]
        for card_id in missing:
            today = local_today(now, self.configs[card_id].time_zone)
            self.records[card_id] = empty_record(today.isoformat())
        if missing or len(self.records) != len(data["cards"]):
            await self._async_save()
        self._async_refresh(now)

    @callback
    def async_stop(self) -> None:
        """Cancel the scheduler."""
        self.scheduler.cancel()

    async def _async_save(self) -> None:
        """Write the history file now."""
        await self.store.async_save({"cards": self.records})

    def device_layout(self) -> dict[str, tuple[str, str | None, str]]:
        """Return what each card's device shows, to tell when a reload is needed."""
        return {
            card_id: (config.name, config.carrier, config.card_type)
            for card_id, config in self.configs.items()
        }

    async def async_entry_updated(self) -> bool:
        """Re-read the entry; return False when devices must be rebuilt by a reload."""
        before = self.device_layout()
        old_configs = self.configs
        self._read_entry()
        changed = self._record_reconfigured_expiries(old_configs)
        removed = [card_id for card_id in self.records if card_id not in self.configs]
        for card_id in removed:
            del self.records[card_id]
        if changed or removed:
            await self._async_save()
        if self.device_layout() != before:
            return False
        self._async_refresh(dt_util.utcnow())
        return True

    def _record_reconfigured_expiries(self, old_configs: dict[str, CardConfig]) -> bool:
        """Record expiry changes made in the card's settings form as corrections."""
        recorded = False
        for card_id, config in self.configs.items():
            old = old_configs.get(card_id)
            if old is None or old.expiry_date == config.expiry_date:
                continue
            history = self.records[card_id]["history"]
            new = config.expiry_date.isoformat()
            if history and history[-1].get("new_expiry") == new:
                continue  # written by a renewal or correction that is already recorded
            history.append(
                {
                    "kind": "correction",
                    "at": dt_util.utcnow().isoformat(),
                    "source": "reconfigure",
                    "old_expiry": old.expiry_date.isoformat(),
                    "new_expiry": new,
                }
            )
            recorded = True
        return recorded

    def reminder_days(self, config: CardConfig) -> tuple[int, ...]:
        """Return the card's own reminder days, or the household's."""
        return config.reminder_days or self.options.reminder_days

    def _view(self, card_id: str, config: CardConfig, now: datetime) -> CardView:
        """Return a card's view at `now`."""
        record = self.records[card_id]
        last_activity = record["last_activity"]
        state = card_state(
            config.rules(None if last_activity is None else date.fromisoformat(last_activity)),
            now,
            self.reminder_days(config),
        )
        return CardView(
            card_id=card_id,
            config=config,
            state=state,
            last_renewed=last_renewed(record["history"]),
            balance=record["balance"],
            spent_last_365_days=spent_in_window(record["history"], config.currency, state.today),
        )

    @callback
    def _async_refresh(self, now: datetime) -> None:
        """Recompute views, fire due reminders, tell the entities, and plan the next wake."""
        changed: list[str] = []
        for card_id, config in self.configs.items():
            view = self._view(card_id, config, now)
            if self.cards.get(card_id) != view:
                self.cards[card_id] = view
                changed.append(card_id)
        wakes = [next_transition(config.rules(), now) for config in self.configs.values()]
        records_changed = False
        for card_id, view in self.cards.items():
            record = self.records[card_id]
            reminders, wake = async_process_reminders(
                self.hass,
                view,
                record=record["reminders"],
                base=partial(self.event_base, view),
                reminder_days=self.reminder_days(view.config),
                at=self.options.reminder_time,
                now=now,
            )
            if reminders != record["reminders"]:
                record["reminders"] = reminders
                records_changed = True
            if wake is not None:
                wakes.append(wake)
        if records_changed:
            self.entry.async_create_task(self.hass, self._async_save(), "simrenew save reminders")
        for card_id in changed:
            async_sync_lapsed_issue(self.hass, self.entry.entry_id, self.cards[card_id])
            for listener in (*self._listeners.get(card_id, ()), *self._listeners.get(None, ())):
                listener()
        wake = min(wakes, default=None)
        self.scheduler.schedule(wake)
        LOGGER.debug(
            "Refreshed %d of %d cards; next wake %s", len(changed), len(self.configs), wake
        )

    @callback
    def async_add_listener(self, card_id: str | None, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` when the card's view changes (any card's, for None)."""
        listeners = self._listeners.setdefault(card_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    def _current(self, card_id: str) -> tuple[CardConfig, date]:
        """Return the card's stored settings, fresher than `configs`, and its today."""
        config = CardConfig.from_data(self.entry.subentries[card_id].data)
        return config, local_today(dt_util.utcnow(), config.time_zone)

    def _check_day(self, card_id: str, day: date, today: date) -> None:
        """Refuse a day in the future or before the card was added."""
        if day > today:
            raise invalid_input("date_in_future", date=day.isoformat())
        added = self.records[card_id]["added"]
        if day.isoformat() < added:
            raise invalid_input("date_before_card", date=day.isoformat(), added=added)

    @staticmethod
    def _check_money(amount: float | None, currency: str) -> None:
        """Refuse a negative amount or an unknown currency."""
        if amount is not None and amount < 0:
            raise invalid_input("negative_amount", amount=str(amount))
        if currency not in ACTIVE_CURRENCIES:
            raise invalid_input("invalid_currency", currency=currency)

    @staticmethod
    def _check_expiry(expiry: date, today: date) -> None:
        """Refuse an expiry too far from today to be real."""
        if not expiry_is_plausible(expiry, today):
            raise invalid_input("expiry_out_of_range", expiry_date=expiry.isoformat())

    async def _async_record(self, card_id: str, entry: HistoryEntry) -> None:
        """Append to a card's history and write it before anything else changes."""
        self.records[card_id]["history"].append(entry)
        await self._async_save()

    @callback
    def _store_expiry(self, card_id: str, expiry: date) -> None:
        """Write the new expiry into the card's settings."""
        subentry = self.entry.subentries[card_id]
        self.hass.config_entries.async_update_subentry(
            self.entry, subentry, data={**subentry.data, CONF_EXPIRY_DATE: expiry.isoformat()}
        )

    async def async_renew(self, card_id: str, renewal: Renewal) -> tuple[date, date]:
        """Record a renewal and move the expiry by the card's rule; return old and new."""
        async with self._lock:
            config, today = self._current(card_id)
            day = renewal.renewal_date or today
            self._check_day(card_id, day, today)
            amount = renewal.amount if renewal.amount is not None else config.renewal_cost
            currency = (renewal.currency or config.currency).upper()
            self._check_money(amount, currency)
            old = config.expiry_date
            if renewal.new_expiry is not None:
                new = renewal.new_expiry
            elif config.period is None:
                raise invalid_input("no_renewal_period", name=config.name)
            else:
                new = renewed_expiry(
                    expiry_date=old,
                    renewal_date=day,
                    period=config.period,
                    mode=config.renewal_mode,
                )
            self._check_expiry(new, today)
            entry: HistoryEntry = {
                "kind": "renewal",
                "at": dt_util.utcnow().isoformat(),
                "source": renewal.source,
                "date": day.isoformat(),
                "old_expiry": old.isoformat(),
                "new_expiry": new.isoformat(),
                "currency": currency,
                "channel": renewal.channel,
            }
            if amount is not None:
                entry["amount"] = amount
            if renewal.payment_method:
                entry["payment_method"] = renewal.payment_method
            if renewal.reference:
                entry["reference"] = renewal.reference
            await self._async_record(card_id, entry)
            self._store_expiry(card_id, new)
            self._fire_renewed(card_id, entry)
            return old, new

    def _fire_renewed(self, card_id: str, entry: HistoryEntry) -> None:
        """Tell automations that a card was renewed, with its state after the renewal."""
        config = CardConfig.from_data(self.entry.subentries[card_id].data)
        view = self._view(card_id, config, dt_util.utcnow())
        self.hass.bus.async_fire(
            EVENT_RENEWED,
            {
                **self.event_base(view),
                "old_expiry": entry["old_expiry"],
                "new_expiry": entry["new_expiry"],
                "amount": entry.get("amount"),
                "currency": entry["currency"],
                "channel": entry["channel"],
            },
        )

    def event_base(self, view: CardView) -> dict[str, Any]:
        """Return the fields every simrenew event carries."""
        if view.card_id not in self._device_ids:
            self._device_ids = registered_device_ids(self.hass, self.entry.entry_id)
        return {
            "card_id": view.card_id,
            "device_id": self._device_ids.get(view.card_id),
            "name": view.config.name,
            "expiry_date": view.config.expiry_date.isoformat(),
            "days_until_expiry": view.state.days_until_expiry,
            "deadline": view.state.deadline.isoformat(),
            "days_until_deadline": view.state.days_until_deadline,
            "status": view.state.status.value,
            "renewal_url": view.config.renewal_url,
        }

    async def async_set_expiry(
        self, card_id: str, expiry: date, source: str, reference: str | None = None
    ) -> None:
        """Record a manual correction of the expiry date."""
        async with self._lock:
            config, today = self._current(card_id)
            self._check_expiry(expiry, today)
            entry: HistoryEntry = {
                "kind": "correction",
                "at": dt_util.utcnow().isoformat(),
                "source": source,
                "old_expiry": config.expiry_date.isoformat(),
                "new_expiry": expiry.isoformat(),
            }
            if reference:
                entry["reference"] = reference
            await self._async_record(card_id, entry)
            self._store_expiry(card_id, expiry)

    async def async_set_balance(
        self, card_id: str, amount: float, currency: str | None, as_of: datetime | None
    ) -> None:
        """Record the card's balance as the carrier shows it."""
        async with self._lock:
            config, _ = self._current(card_id)
            currency = (currency or config.currency).upper()
            self._check_money(amount, currency)
            now = dt_util.utcnow()
            when = now if as_of is None else dt_util.as_utc(as_of)
            if when > now:
                raise invalid_input("date_in_future", date=when.isoformat())
            balance: BalanceRecord = {
                "amount": amount,
                "currency": currency,
                "as_of": when.isoformat(),
            }
            self.records[card_id]["balance"] = balance
            await self._async_record(
                card_id,
                {
                    "kind": "balance",
                    "at": now.isoformat(),
                    "source": "action",
                    "amount": amount,
                    "currency": currency,
                },
            )
            self._async_refresh(now)

    async def async_record_activity(self, card_id: str, day: date | None) -> None:
        """Record a chargeable use of the card, which restarts its activity interval."""
        async with self._lock:
            _, today = self._current(card_id)
            day = day or today
            self._check_day(card_id, day, today)
            record = self.records[card_id]
            if record["last_activity"] is None or day.isoformat() > record["last_activity"]:
                record["last_activity"] = day.isoformat()
            now = dt_util.utcnow()
            await self._async_record(
                card_id,
                {
                    "kind": "activity",
                    "at": now.isoformat(),
                    "source": "action",
                    "date": day.isoformat(),
                },
            )
            self._async_refresh(now)

    async def async_snooze(self, card_id: str, days: int) -> date:
        """Remind about the card again in `days` days, at the reminder time."""
        async with self._lock:
            if days < 1:
                raise invalid_input("invalid_snooze", days=str(days))
            until = dt_util.now().date() + timedelta(days=days)
            record = self.records[card_id]
            record["reminders"] = {**record["reminders"], "snoozed_until": until.isoformat()}
            await self._async_save()
            self._async_refresh(dt_util.utcnow())
            return until
