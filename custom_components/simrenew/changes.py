"""The changes a household's cards take: renewals, corrections, balance, use, snoozes.

Each change is checked for every targeted card before anything is written, written to the
history first, then applied, under the household's lock and to the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
import math
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.util import dt as dt_util

from .card_config import CardConfig, HubOptions
from .card_view import CardView
from .const import CONF_ANCHOR_DAY, CONF_EXPIRY_DATE, DOMAIN, EVENT_CONFIRMED, LOGGER
from .ledger import Ledger
from .message_outcomes import LONGEST_WITHOUT_PLANS
from .model import (
    MONEY_MAX,
    Period,
    PeriodUnit,
    RenewalMode,
    add_months,
    expiry_is_plausible,
    local_today,
    renewed_expiry,
    rolled_steps,
)
from .notifications import ReminderNotifier
from .plans import Plan
from .receipts import recorded_event
from .reminder_keeper import snooze_until
from .renewal import Renewal
from .store import BalanceRecord, CardRecord, ConfirmRecord, HistoryEntry, ReminderRecord
from .zones import loaded_zone

MAX_SNOOZE_DAYS = 30


def invalid_input(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated validation error."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def correction(at: str, source: str, old_expiry: str, new_expiry: str) -> HistoryEntry:
    """Return the history entry of an expiry set by hand, not by a renewal."""
    return {
        "kind": "correction",
        "at": at,
        "source": source,
        "old_expiry": old_expiry,
        "new_expiry": new_expiry,
    }


def _iso(day: date | None) -> str | None:
    """Return a day in ISO form, or None."""
    return None if day is None else day.isoformat()


def later_day(recorded: str | None, day: str) -> str:
    """Return the later of a recorded day (if any) and `day`, both ISO dates."""
    return day if recorded is None or day > recorded else recorded


def keeps_day_of_month(config: CardConfig, entry: HistoryEntry) -> bool:
    """Return whether a renewal added calendar months to the old expiry.

    Monthly plans that extend the expiry do; so does a self-renewing card rolling forward.
    """
    plan = config.plan_named(entry["plan"]) if "plan" in entry else None
    period = config.period if plan is None else plan.period
    return (
        period is not None
        and period.unit is PeriodUnit.MONTHS
        and (entry["source"] == "auto_renew" or config.renewal_mode is RenewalMode.EXTEND_EXPIRY)
    )


def mark_confirmed(history: list[HistoryEntry]) -> list[HistoryEntry]:
    """Mark every renewal waiting for the carrier's word confirmed; return those marked.

    The carrier shows the expiry every renewal since the standing one led to.
    """
    marked = [e for e in history if e["kind"] == "renewal" and e.get("confirmed") is False]
    for entry in marked:
        entry["confirmed"] = True
    return marked


def earliest_day(added: date, reach: Period | None) -> date:
    """Return the earliest day a renewal or use may be dated, for a card added on `added`.

    People add a card after topping it up, often the next day. A renewal counts as long as
    its period had not run out when the card was added: it may be what gave the card the
    expiry it was added with. One older than that had lapsed before, and is a mistyped date.
    Without a period (only the carrier's stated expiry), the reach of the longest renewal
    carriers sell. Nothing else relies on history starting on the day the card was added:
    history is ordered by when it was written, reminders and the calendar only look ahead
    of it, and the activity rule counts from the latest use, whose deadline `activity_reach`
    keeps from falling before that day.
    """
    if reach is None:
        return added - LONGEST_WITHOUT_PLANS
    if reach.unit is PeriodUnit.MONTHS:
        return add_months(added, -reach.length)
    return added - timedelta(days=reach.length)


def activity_reach(config: CardConfig) -> Period | None:
    """Return how far before the card was added a use may be dated.

    Under an activity rule, a use older than its interval had already lost the card by the
    day it was added; without a rule a use is history, dated like a renewal without a plan.
    """
    if config.activity_interval_days:
        return Period(length=config.activity_interval_days, unit=PeriodUnit.DAYS)
    return None


def chosen_plan(config: CardConfig, name: str | None) -> Plan | None:
    """Return the plan a renewal names, or the default; refuse a name the card has no plan by."""
    if name is None:
        return config.default_plan
    if not config.plans:
        raise invalid_input("no_renewal_period", name=config.name)
    if (plan := config.plan_named(name)) is None:
        raise invalid_input(
            "unknown_plan", name=config.name, plans=", ".join(plan.name for plan in config.plans)
        )
    return plan


class CardChanges:
    """The household's changes; the hub that holds the cards provides what they read."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    ledger: Ledger
    options: HubOptions
    configs: dict[str, CardConfig]
    cards: dict[str, CardView]
    notifier: ReminderNotifier
    stopped: bool
    _rolling: set[str]

    @property
    def records(self) -> dict[str, CardRecord]:
        """Return what is recorded per card."""
        return self.ledger.records

    def reminder_days(self, config: CardConfig) -> tuple[int, ...]:
        """Return the card's own reminder days, or the household's."""
        raise NotImplementedError

    def _view(self, card_id: str, config: CardConfig, now: datetime) -> CardView:
        """Return a card's view at `now`."""
        raise NotImplementedError

    def _async_refresh(self, now: datetime) -> None:
        """Recompute the cards and tell the entities."""
        raise NotImplementedError

    def event_base(self, view: CardView) -> dict[str, Any]:
        """Return the fields every simrenew event carries."""
        raise NotImplementedError

    async def _exclusive[T](self, work: Callable[[], Awaitable[T]]) -> T:
        """Run a change under the household's lock, to the end even if the caller goes away.

        A change is checked, written to the history, then applied; a cancelled caller must not
        leave it half done.
        """

        async def locked() -> T:
            async with self.ledger.lock:
                return await work()

        return await asyncio.shield(locked())

    def _current(self, card_id: str) -> tuple[CardConfig, date]:
        """Return the card's stored settings, fresher than `configs`, and its today."""
        subentry = self.entry.subentries.get(card_id)
        if subentry is None or card_id not in self.records or self.ledger.removed:
            raise invalid_input("card_removed")
        try:
            config = CardConfig.from_data(subentry.data, loaded_zone)
        except (KeyError, TypeError, ValueError) as err:
            raise invalid_input("card_unreadable", name=subentry.title) from err
        return config, local_today(dt_util.utcnow(), config.time_zone)

    def _check_day(self, card_id: str, day: date, today: date, *reaches: Period | None) -> None:
        """Refuse a day in the future, or further before the card was added than any reach."""
        if day > today:
            raise invalid_input("date_in_future", date=day.isoformat())
        added = date.fromisoformat(self.records[card_id]["added"])
        if day < (earliest := max(earliest_day(added, reach) for reach in reaches)):
            raise invalid_input(
                "date_before_card",
                date=day.isoformat(),
                added=added.isoformat(),
                earliest=earliest.isoformat(),
            )

    @staticmethod
    def _check_money(amount: float | None, currency: str) -> None:
        """Refuse an amount that is not a finite sum from 0 to the cap, or an unknown currency."""
        if amount is not None and not (math.isfinite(amount) and 0 <= amount <= MONEY_MAX):
            raise invalid_input("invalid_amount", amount=str(amount), max=f"{MONEY_MAX:,.0f}")
        if currency not in ACTIVE_CURRENCIES:
            raise invalid_input("invalid_currency", currency=currency)

    @staticmethod
    def _check_expiry(expiry: date, today: date) -> None:
        """Refuse an expiry too far from today to be real."""
        if not expiry_is_plausible(expiry, today):
            raise invalid_input("expiry_out_of_range", expiry_date=expiry.isoformat())

    @callback
    def _store_expiry(self, card_id: str, expiry: date, anchor_day: int | None = None) -> None:
        """Write the new expiry into the card's settings, if the card still exists.

        A renewal keeps the monthly plan's day (`anchor_day`); a correction sets a new one.
        """
        if (subentry := self.entry.subentries.get(card_id)) is None:
            return
        data = {**subentry.data, CONF_EXPIRY_DATE: expiry.isoformat()}
        if anchor_day is None or anchor_day == expiry.day:
            data.pop(CONF_ANCHOR_DAY, None)
        else:
            data[CONF_ANCHOR_DAY] = anchor_day
        self.hass.config_entries.async_update_subentry(self.entry, subentry, data=data)

    def _plan_renewal(self, card_id: str, renewal: Renewal, at: str) -> HistoryEntry:
        """Check one card's renewal and return its history entry, changing nothing."""
        config, today = self._current(card_id)
        day = renewal.renewal_date or today
        plan = chosen_plan(config, renewal.plan)
        # A top-up is also a use: under an activity rule it may not reach further back than
        # the rule's interval, or the card would count as lost on the day it was added.
        self._check_day(
            card_id, day, today, None if plan is None else plan.period, activity_reach(config)
        )
        amount = renewal.amount
        if amount is None:
            amount = config.renewal_cost if plan is None else plan.cost
        currency = (renewal.currency or config.currency).upper()
        self._check_money(amount, currency)
        old = config.expiry_date
        if renewal.new_expiry is not None:
            new = renewal.new_expiry
        elif plan is None:
            raise invalid_input("no_renewal_period", name=config.name)
        else:
            try:
                new = renewed_expiry(
                    expiry_date=old,
                    renewal_date=day,
                    period=plan.period,
                    mode=config.renewal_mode,
                    anchor_day=config.anchor_day or old.day,
                )
            except (OverflowError, ValueError) as err:
                raise invalid_input("expiry_out_of_range", expiry_date="9999-12-31") from err
        self._check_expiry(new, today)
        if new < day:
            # A renewal that ends before it is made would expire the card on the spot.
            raise invalid_input(
                "new_expiry_before_renewal", new_expiry=new.isoformat(), date=day.isoformat()
            )
        entry: HistoryEntry = {
            "kind": "renewal",
            "at": at,
            "source": renewal.source,
            "date": day.isoformat(),
            "old_expiry": old.isoformat(),
            "new_expiry": new.isoformat(),
            "currency": currency,
            "channel": renewal.channel,
            # Only an expiry the carrier stated is known to be right.
            "confirmed": renewal.new_expiry is not None
            if renewal.confirmed is None
            else renewal.confirmed,
        }
        if amount is not None:
            entry["amount"] = amount
        if plan is not None:
            entry["plan"] = plan.name
        if renewal.payment_method:
            entry["payment_method"] = renewal.payment_method
        if renewal.reference:
            entry["reference"] = renewal.reference
        return entry

    def preview_renewal(self, card_id: str, renewal: Renewal) -> HistoryEntry:
        """Return the history entry the renewal would write now, writing nothing."""
        return self._plan_renewal(card_id, renewal, dt_util.utcnow().isoformat())

    async def async_renew(
        self, card_ids: list[str], renewal: Renewal
    ) -> list[tuple[str, date, date]]:
        """Renew every card or none: each is checked before any is written.

        Returns each card with its old and new expiry.
        """
        return await self._exclusive(partial(self._renew, card_ids, renewal))

    async def _renew(self, card_ids: list[str], renewal: Renewal) -> list[tuple[str, date, date]]:
        """Renew every card or none: each is checked before any is written.

        Returns each card with its old and new expiry.
        """
        at = dt_util.utcnow().isoformat()
        planned = [(card_id, self._plan_renewal(card_id, renewal, at)) for card_id in card_ids]
        await self._commit_renewals(planned, self._unrecorded_corrections(card_ids, at))
        return [
            (
                card_id,
                date.fromisoformat(entry["old_expiry"]),
                date.fromisoformat(entry["new_expiry"]),
            )
            for card_id, entry in planned
        ]

    def _unrecorded_corrections(
        self, card_ids: list[str], at: str
    ) -> list[tuple[str, HistoryEntry]]:
        """Return corrections for expiries changed in the card's form but not yet recorded.

        A change that waited for the lock builds on the settings as they are now, so the
        history must say how they got there before it records that change.
        """
        corrections: list[tuple[str, HistoryEntry]] = []
        for card_id in card_ids:
            known = self.ledger.recorded_expiry(card_id)
            if known is None and (config := self.configs.get(card_id)) is not None:
                known = config.expiry_date.isoformat()  # as the hub last read it
            stored = self.entry.subentries[card_id].data[CONF_EXPIRY_DATE]
            if known is not None and known != stored:
                corrections.append((card_id, correction(at, "reconfigure", known, stored)))
        return corrections

    async def _commit_renewals(
        self,
        planned: list[tuple[str, HistoryEntry]],
        corrections: list[tuple[str, HistoryEntry]] | None = None,
    ) -> None:
        """Write renewals to the history, then move each card's expiry and tell automations."""
        tomorrow = (dt_util.now() + timedelta(days=1)).date().isoformat()
        fields: dict[str, dict[str, Any]] = {}
        for card_id, entry in planned:
            record = self.records[card_id]
            changed = fields.setdefault(card_id, {})
            # A top-up is a use of the card as far as carriers' activity rules go.
            changed["last_activity"] = later_day(
                changed.get("last_activity", record["last_activity"]), entry["date"]
            )
            reminders = changed.get("reminders", record["reminders"])
            waiting = reminders.get("confirm")
            confirm: ConfirmRecord | None = None
            if not entry.get("confirmed"):
                # The expiry in force before the first renewal nobody confirmed stands until
                # one is: a tap that never reached the carrier must not silence the deadline.
                standing = entry["old_expiry"]
                if waiting is not None:
                    standing = (
                        waiting.get("standing")
                        or _iso(self.ledger.standing_expiry(card_id))
                        or standing
                    )
                confirm = {
                    "renewal": entry["at"],
                    "due": tomorrow,
                    "fired": False,
                    "standing": standing,
                }
            changed["reminders"] = {**reminders, "confirm": confirm}
        # The receipts are on disk before any expiry moves.
        await self.ledger.async_append([*(corrections or []), *planned], fields)
        self._announce(corrections or [])
        anchors: dict[str, int | None] = {}
        for card_id, entry in planned:
            config = self.configs.get(card_id)
            if config is not None and keeps_day_of_month(config, entry):
                # The plan's day is the first renewal's: later steps may sit on a short month.
                first = date.fromisoformat(entry["old_expiry"]).day
                anchors.setdefault(card_id, config.anchor_day or first)
            anchor = anchors.get(card_id)
            self._store_expiry(card_id, date.fromisoformat(entry["new_expiry"]), anchor)
            self._announce([(card_id, entry)])
        if any(entry["new_expiry"] == entry["old_expiry"] for _, entry in planned):
            # The settings did not change, so nothing else will show the new receipt.
            self._async_refresh(dt_util.utcnow())

    async def async_confirm_renewal(
        self, card_ids: list[str], expiry: date | None, *, pending_only: bool = False
    ) -> None:
        """Confirm each card's last renewal; a different date from the carrier corrects it.

        With `pending_only`, a card with no renewal waiting for confirmation is refused: a
        button press that confirms nothing would read as a confirmation that happened.
        """
        await self._exclusive(partial(self._confirm_renewal, card_ids, expiry, pending_only))

    async def _confirm_renewal(
        self,
        card_ids: list[str],
        expiry: date | None,
        pending_only: bool = False,
        *,
        source: str = "confirm",
        notes: Sequence[tuple[str, HistoryEntry]] = (),
    ) -> None:
        """Confirm every card's renewal, or none.

        `source` is where the carrier's date came from; `notes` are written with the change (a
        carrier message's own entry, say).
        """
        at = dt_util.utcnow().isoformat()
        corrections: list[tuple[str, HistoryEntry]] = []
        for card_id in card_ids:
            config, today = self._current(card_id)
            if pending_only and self.records[card_id]["reminders"].get("confirm") is None:
                raise invalid_input("nothing_to_confirm", name=config.name)
            if expiry is not None and expiry != config.expiry_date:
                self._check_expiry(expiry, today)
                corrections.append(
                    (
                        card_id,
                        correction(at, source, config.expiry_date.isoformat(), expiry.isoformat()),
                    )
                )
        confirmed = await self._async_append_settling([*notes, *corrections], card_ids)
        for card_id, entry in corrections:
            self._store_expiry(card_id, date.fromisoformat(entry["new_expiry"]))
        self._announce(corrections)
        corrected = {card_id for card_id, _ in corrections}
        # A confirmation by the action is the default; any other names where it came from.
        named = {} if source == "confirm" else {"source": source}
        for card_id in confirmed:
            self._fire(card_id, EVENT_CONFIRMED, {"corrected": card_id in corrected, **named})
        self._async_refresh(dt_util.utcnow())

    async def _async_append_settling(
        self, entries: list[tuple[str, HistoryEntry]], settle: list[str]
    ) -> list[str]:
        """Write entries, and mark the renewals waiting on these cards confirmed, together.

        Return the cards on which one waited. A write that fails leaves nothing confirmed in
        memory either: the file and memory never disagree.
        """
        flipped: list[HistoryEntry] = []
        fields: dict[str, dict[str, Any]] = {}
        for card_id in dict.fromkeys(settle):
            record = self.records[card_id]
            if record["reminders"].get("confirm") is None:
                continue
            flipped += mark_confirmed(record["history"])
            fields[card_id] = {"reminders": {**record["reminders"], "confirm": None}}
        try:
            await self.ledger.async_append(entries, fields)
        except BaseException:
            for entry in flipped:
                entry["confirmed"] = False
            raise
        for card_id in fields:
            # What the card's notification asked is answered; a card with nothing waiting
            # keeps its reminder, since a correction may leave it as due as before.
            self.notifier.dismiss(card_id)
        return list(fields)

    def _undoable(self, card_id: str, expiry: date) -> HistoryEntry | None:
        """Return the renewal an undo would take back: the one that set the current expiry.

        Undone renewals are gone from the history, so undoing again takes back the one before,
        as long as nothing but undos came after it.
        """
        history: list[HistoryEntry] = self.records[card_id]["history"]
        for change in reversed(history):
            if change["kind"] == "undo" or change.get("new_expiry") is None:
                continue
            if change["kind"] == "renewal" and change.get("new_expiry") == expiry.isoformat():
                found: HistoryEntry = change
                return found
            return None
        return None

    def _still_waiting(
        self, card_id: str, confirm: ConfirmRecord, undone: HistoryEntry
    ) -> ConfirmRecord | None:
        """Return what still waits for confirmation once the renewal `undone` is taken back.

        An earlier renewal nobody confirmed still waits, from the same standing expiry; with
        none, the expiry restored is the one in force and nothing is asked.
        """
        earlier = next(
            (
                entry
                for entry in reversed(self.records[card_id]["history"])
                if entry["kind"] == "renewal"
                and entry is not undone
                and entry.get("confirmed") is False
                and entry["new_expiry"] == undone["old_expiry"]
            ),
            None,
        )
        if earlier is None:
            return None
        return {**confirm, "renewal": earlier["at"]}

    async def async_undo_renewal(self, card_ids: list[str]) -> list[tuple[str, date, date]]:
        """Take back each card's last renewal and restore the expiry it replaced."""
        return await self._exclusive(partial(self._undo_renewal, card_ids))

    async def _undo_renewal(self, card_ids: list[str]) -> list[tuple[str, date, date]]:
        """Undo every card's last renewal, or none; the undoing is itself recorded."""
        at = dt_util.utcnow().isoformat()
        planned: list[tuple[str, HistoryEntry, HistoryEntry]] = []
        for card_id in card_ids:
            config, today = self._current(card_id)
            last = self._undoable(card_id, config.expiry_date)
            if last is None:
                raise invalid_input("nothing_to_undo", name=config.name)
            restored = date.fromisoformat(last["old_expiry"])
            self._check_expiry(restored, today)
            undo: HistoryEntry = {
                "kind": "undo",
                "at": at,
                "source": "action",
                "old_expiry": config.expiry_date.isoformat(),
                "new_expiry": restored.isoformat(),
                "renewal": dict(last),
            }
            planned.append((card_id, last, undo))
        positions: list[int] = []
        unasked: dict[str, dict[str, Any]] = {}
        for card_id, last, _ in planned:
            history = self.records[card_id]["history"]
            positions.append(history.index(last))
            history.remove(last)
            self.ledger.forget_figures(card_id)
            # The top-up counted as a use; taken back, the last use is the one before it.
            uses = [
                e["date"] for e in history if e["kind"] in ("renewal", "activity") and "date" in e
            ]
            reminders: ReminderRecord = {**self.records[card_id]["reminders"]}
            if last.get("channel") == "auto_renew":
                # Taken back means it did not happen: the card must not renew itself again
                # from the expiry restored, or the undo would be undone at once.
                reminders["roll_undone"] = last["old_expiry"]
            if (confirm := reminders.get("confirm")) is not None and (
                confirm["renewal"] == last["at"]
            ):
                reminders["confirm"] = self._still_waiting(card_id, confirm, last)
            unasked[card_id] = {"reminders": reminders, "last_activity": max(uses, default=None)}
        try:
            await self.ledger.async_append(
                [(card_id, undo) for card_id, _, undo in planned], unasked
            )
        except BaseException:
            for (card_id, last, _), position in zip(planned, positions, strict=True):
                self.records[card_id]["history"].insert(position, last)
                self.ledger.forget_figures(card_id)
            raise
        for card_id, _, undo in planned:
            self._store_expiry(card_id, date.fromisoformat(undo["new_expiry"]))
            # What the renewal's notification said no longer holds.
            self.notifier.dismiss(card_id)
        self._announce([(card_id, undo) for card_id, _, undo in planned])
        # A renewal that had left the expiry where it was changes no settings when undone.
        self._async_refresh(dt_util.utcnow())
        return [
            (
                card_id,
                date.fromisoformat(undo["old_expiry"]),
                date.fromisoformat(undo["new_expiry"]),
            )
            for card_id, _, undo in planned
        ]

    def _schedule_roll_forward(self, card_id: str) -> None:
        """Record, once, the renewal a self-renewing card made at the end of its expiry day."""
        if card_id in self._rolling or self.stopped:
            return
        self._rolling.add(card_id)
        self.entry.async_create_background_task(
            self.hass, self._exclusive(partial(self._roll_forward, card_id)), "simrenew roll"
        )

    async def _roll_forward(self, card_id: str) -> None:
        """Record one renewal per period the card has renewed itself, unconfirmed."""
        try:
            config, today = self._current(card_id)
            if (
                config.period is None
                or not config.auto_renew
                or self.ledger.roll_undone(card_id, config.expiry_date)
            ):
                return
            at = dt_util.utcnow().isoformat()
            planned: list[tuple[str, HistoryEntry]] = []
            for expiry, new in rolled_steps(
                config.expiry_date, config.period, today, config.anchor_day
            ):
                entry: HistoryEntry = {
                    "kind": "renewal",
                    "at": at,
                    "source": "auto_renew",
                    "date": (expiry + timedelta(days=1)).isoformat(),
                    "old_expiry": expiry.isoformat(),
                    "new_expiry": new.isoformat(),
                    "currency": config.currency,
                    "channel": "auto_renew",
                    "confirmed": False,
                }
                if config.renewal_cost is not None:
                    entry["amount"] = config.renewal_cost
                if config.default_plan is not None:
                    entry["plan"] = config.default_plan.name
                planned.append((card_id, entry))
            if planned:
                await self._commit_renewals(planned)
        except ServiceValidationError:
            LOGGER.warning("Card %s could not roll forward; it was removed", card_id)
        finally:
            self._rolling.discard(card_id)

    def _fire(self, card_id: str, event_type: str, fields: dict[str, Any]) -> None:
        """Tell automations and the logbook of a change, with the card's state after it."""
        if (subentry := self.entry.subentries.get(card_id)) is None:
            return
        config = CardConfig.from_data(subentry.data, loaded_zone)
        view = self._view(card_id, config, dt_util.utcnow())
        self.hass.bus.async_fire(event_type, {**self.event_base(view), **fields})

    def _announce(self, recorded: list[tuple[str, HistoryEntry]]) -> None:
        """Fire the event of each history entry written, in the order written."""
        for card_id, entry in recorded:
            if (event := recorded_event(entry)) is not None:
                self._fire(card_id, *event)

    async def async_set_expiry(
        self, card_ids: list[str], expiry: date, source: str, reference: str | None = None
    ) -> None:
        """Record a manual correction of the expiry date of every card, or of none."""
        await self._exclusive(partial(self._set_expiry, card_ids, expiry, source, reference))

    async def _set_expiry(
        self, card_ids: list[str], expiry: date, source: str, reference: str | None = None
    ) -> None:
        """Record a manual correction of the expiry date of every card, or of none."""
        at = dt_util.utcnow().isoformat()
        planned: list[tuple[str, HistoryEntry]] = []
        for card_id in card_ids:
            config, today = self._current(card_id)
            self._check_expiry(expiry, today)
            entry = correction(at, source, config.expiry_date.isoformat(), expiry.isoformat())
            if reference:
                entry["reference"] = reference
            planned.append((card_id, entry))
        # The date a user enters is the one the carrier shows: that settles a pending check.
        recorded = [*self._unrecorded_corrections(card_ids, at), *planned]
        confirmed = await self._async_append_settling(recorded, card_ids)
        for card_id, _ in planned:
            self._store_expiry(card_id, expiry)
        self._announce(recorded)
        for card_id in confirmed:
            self._fire(card_id, EVENT_CONFIRMED, {"corrected": True})
        # An expiry set to what it was changes no settings, and so refreshes nothing by itself.
        self._async_refresh(dt_util.utcnow())

    async def async_set_balance(
        self, card_ids: list[str], amount: float, currency: str | None, as_of: datetime | None
    ) -> None:
        """Record the balance of every card, or of none, as the carrier shows it."""
        await self._exclusive(partial(self._set_balance, card_ids, amount, currency, as_of))

    async def _set_balance(
        self,
        card_ids: list[str],
        amount: float,
        currency: str | None,
        as_of: datetime | None,
        *,
        source: str = "action",
        notes: Sequence[tuple[str, HistoryEntry]] = (),
    ) -> None:
        """Record the balance of every card, or of none, as the carrier shows it.

        `notes` are written with the balance (a carrier message's own entry, say).
        """
        now = dt_util.utcnow()
        planned: list[tuple[str, HistoryEntry, BalanceRecord]] = []
        for card_id in card_ids:
            config, _ = self._current(card_id)
            code = (currency or config.currency).upper()
            self._check_money(amount, code)
            try:
                when = now if as_of is None else dt_util.as_utc(as_of)
            except OverflowError as err:
                raise invalid_input("invalid_date", date=str(as_of)) from err
            if when > now:
                raise invalid_input("date_in_future", date=when.isoformat())
            balance: BalanceRecord = {
                "amount": amount,
                "currency": code,
                "as_of": when.isoformat(),
            }
            entry: HistoryEntry = {
                "kind": "balance",
                "at": now.isoformat(),
                "source": source,
                "amount": amount,
                "currency": code,
            }
            planned.append((card_id, entry, balance))
        # Written with its entry: a failed write leaves no trace.
        await self.ledger.async_append(
            [*notes, *((card_id, entry) for card_id, entry, _ in planned)],
            {card_id: {"balance": balance} for card_id, _, balance in planned},
        )
        self._async_refresh(now)
        self._announce([(card_id, entry) for card_id, entry, _ in planned])

    async def async_record_activity(self, card_ids: list[str], day: date | None) -> None:
        """Record a chargeable use of every card, or of none; it restarts the activity interval."""
        await self._exclusive(partial(self._record_activity, card_ids, day))

    async def _record_activity(self, card_ids: list[str], day: date | None) -> None:
        """Record a chargeable use of every card, or of none; it restarts the activity interval."""
        now = dt_util.utcnow()
        planned: list[tuple[str, HistoryEntry]] = []
        for card_id in card_ids:
            config, today = self._current(card_id)
            used = day or today
            self._check_day(card_id, used, today, activity_reach(config))
            planned.append(
                (
                    card_id,
                    {
                        "kind": "activity",
                        "at": now.isoformat(),
                        "source": "action",
                        "date": used.isoformat(),
                    },
                )
            )
        # Written with its entry: a failed write leaves no trace.
        await self.ledger.async_append(
            planned,
            {
                card_id: {
                    "last_activity": later_day(
                        self.records[card_id]["last_activity"], entry["date"]
                    )
                }
                for card_id, entry in planned
            },
        )
        self._async_refresh(now)
        self._announce(planned)

    async def async_snooze(self, card_ids: list[str], days: int) -> date:
        """Remind about every card again in `days` days, at the reminder time."""
        return await self._exclusive(partial(self._snooze, card_ids, days))

    async def _snooze(self, card_ids: list[str], days: int) -> date:
        """Remind about every card again in `days` days, at the reminder time."""
        if not 1 <= days <= MAX_SNOOZE_DAYS:
            raise invalid_input("invalid_snooze", days=str(days), max=str(MAX_SNOOZE_DAYS))
        for card_id in card_ids:
            self._current(card_id)
        now = dt_util.utcnow()
        for card_id in card_ids:
            if (view := self.cards.get(card_id)) is None:
                continue
            at = snooze_until(
                view, days, self.reminder_days(view.config), self.options.reminder_time, now
            )
            record = self.records[card_id]
            record["reminders"] = {**record["reminders"], "snoozed_until": at.isoformat()}
        await self.ledger.async_save()
        self._async_refresh(now)
        return dt_util.now().date() + timedelta(days=days)
