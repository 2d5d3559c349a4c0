"""Corrections, balance, use and snoozes, written for the household's changes.

Each checks every targeted card before anything is written, writes in one write, and runs
under the household's lock, taken by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.util import dt as dt_util

from .change_checks import activity_reach, check_day, check_money
from .change_rules import later_day, plan_correction
from .change_writer import ChangeWriter, invalid_input, refusals_translated
from .const import EVENT_CONFIRMED
from .records import BalanceRecord, HistoryEntry
from .reminder_keeper import snooze_until

MAX_SNOOZE_DAYS = 30


async def async_set_expiry(
    writer: ChangeWriter,
    card_ids: list[str],
    expiry: date,
    source: str,
    reference: str | None = None,
) -> None:
    """Record a correction of the expiry date of every card, or of none."""
    at = dt_util.utcnow().isoformat()
    planned: list[tuple[str, HistoryEntry]] = []
    fields: dict[str, dict[str, Any]] = {}
    for card_id in card_ids:
        config, today = writer.current(card_id)
        with refusals_translated():
            entry, fields[card_id] = plan_correction(
                config, expiry, today=today, at=at, source=source, reference=reference
            )
        planned.append((card_id, entry))
    # The date a user enters is the one the carrier shows: that settles a pending check.
    confirmed = await writer.async_write_settling(planned, card_ids, fields)
    writer.refresh()
    writer.announce(planned)
    for card_id in confirmed:
        writer.fire(card_id, EVENT_CONFIRMED, {"corrected": True})


async def async_set_balance(
    writer: ChangeWriter,
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
        config, _ = writer.current(card_id)
        code = (currency or config.currency).upper()
        with refusals_translated():
            check_money(amount, code, ACTIVE_CURRENCIES)
        try:
            when = now if as_of is None else dt_util.as_utc(as_of)
        except OverflowError as err:
            raise invalid_input("invalid_date", date=str(as_of)) from err
        if when > now:
            raise invalid_input("date_in_future", date=when.isoformat())
        balance: BalanceRecord = {"amount": amount, "currency": code, "as_of": when.isoformat()}
        entry: HistoryEntry = {
            "kind": "balance",
            "at": now.isoformat(),
            "source": source,
            "amount": amount,
            "currency": code,
        }
        planned.append((card_id, entry, balance))
    # Written with its entry: a failed write leaves no trace.
    await writer.async_write(
        [*notes, *((card_id, entry) for card_id, entry, _ in planned)],
        {card_id: {"balance": balance} for card_id, _, balance in planned},
    )
    writer.refresh()
    writer.announce([(card_id, entry) for card_id, entry, _ in planned])


async def async_record_activity(
    writer: ChangeWriter, card_ids: list[str], day: date | None
) -> None:
    """Record a chargeable use of every card, or of none; it restarts the activity interval."""
    now = dt_util.utcnow()
    planned: list[tuple[str, HistoryEntry]] = []
    for card_id in card_ids:
        config, today = writer.current(card_id)
        used = day or today
        added = date.fromisoformat(writer.records[card_id]["added"])
        with refusals_translated():
            check_day(added, used, today, activity_reach(config))
        entry: HistoryEntry = {
            "kind": "activity",
            "at": now.isoformat(),
            "source": "action",
            "date": used.isoformat(),
        }
        planned.append((card_id, entry))
    # Written with its entry: a failed write leaves no trace.
    last = {card_id: writer.records[card_id]["last_activity"] for card_id in card_ids}
    await writer.async_write(
        planned,
        {
            card_id: {"last_activity": later_day(last[card_id], entry["date"])}
            for card_id, entry in planned
        },
    )
    writer.refresh()
    writer.announce(planned)


async def async_snooze(writer: ChangeWriter, card_ids: list[str], days: int) -> date:
    """Remind about every card again in `days` days, at the reminder time."""
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise invalid_input("invalid_snooze", days=str(days), max=str(MAX_SNOOZE_DAYS))
    for card_id in card_ids:
        writer.current(card_id)
    host = writer.host
    now = dt_util.utcnow()
    snoozed: dict[str, dict[str, Any]] = {}
    for card_id in card_ids:
        if (view := host.cards.get(card_id)) is None:
            continue
        at = snooze_until(
            view, days, host.reminder_days(view.config), host.options.reminder_time, now
        )
        snoozed[card_id] = {
            "reminders": {**writer.records[card_id]["reminders"], "snoozed_until": at.isoformat()}
        }
    # Written like any change: a failed write leaves the reminders as they were.
    await writer.async_write([], snoozed)
    writer.refresh()
    return dt_util.now().date() + timedelta(days=days)
