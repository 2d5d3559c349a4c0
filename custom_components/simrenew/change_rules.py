"""What a renewal records and what it settles, worked out from a card's settings and record.

Free of Home Assistant: the Home Assistant layer checks input, takes the household's lock,
writes what these return in one write, and announces it.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from .card_config import CardConfig
from .change_checks import (
    ChangeRefusedError,
    activity_reach,
    check_day,
    check_expiry,
    check_money,
    chosen_plan,
)
from .model import PeriodUnit, RenewalMode, renewed_expiry, rolled_steps
from .records import CardRecord, ConfirmRecord, HistoryEntry
from .renewal import Renewal


def correction(at: str, source: str, old_expiry: str, new_expiry: str) -> HistoryEntry:
    """Return the history entry of an expiry set by hand, not by a renewal."""
    return {
        "kind": "correction",
        "at": at,
        "source": source,
        "old_expiry": old_expiry,
        "new_expiry": new_expiry,
    }


def plan_correction(
    config: CardConfig,
    expiry: date,
    *,
    today: date,
    at: str,
    source: str,
    reference: str | None = None,
) -> tuple[HistoryEntry, dict[str, Any]]:
    """Return the correction an expiry set by hand records, and the record fields it moves.

    A date set by hand is the carrier's own day, so no monthly plan's day is kept past it.
    """
    check_expiry(expiry, today)
    entry = correction(at, source, config.expiry_date.isoformat(), expiry.isoformat())
    if reference:
        entry["reference"] = reference
    return entry, moved_expiry(expiry.isoformat())


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


def anchor_after(
    config: CardConfig, entries: Sequence[HistoryEntry], anchor: int | None
) -> int | None:
    """Return the monthly plan's day a card keeps after `entries`, from `anchor` before them.

    Worked out as each change worked it out: a monthly renewal keeps the day, any other
    renewal and a correction let it go. An undo's renewal is gone from the history, so the day
    before it is the one already reached.
    """
    for entry in entries:
        if entry["kind"] == "renewal":
            anchor = _kept_day(entry, anchor) if keeps_day_of_month(config, entry) else None
        elif entry["kind"] == "correction":
            anchor = None
    return anchor


def _kept_day(renewal: HistoryEntry, anchor: int | None) -> int:
    """Return the day a monthly renewal kept: as worked out, unless where it landed says else.

    The renewal landed on the day kept, or on the month's end before it; a day elsewhere is
    the one that was kept then (by settings since changed, say).
    """
    day = anchor or date.fromisoformat(renewal["old_expiry"]).day
    landed = date.fromisoformat(renewal["new_expiry"])
    if landed.day != min(day, calendar.monthrange(landed.year, landed.month)[1]):
        return landed.day
    return day


def mark_confirmed(history: list[HistoryEntry]) -> list[HistoryEntry]:
    """Mark every renewal waiting for the carrier's word confirmed; return those marked.

    The carrier shows the expiry every renewal since the standing one led to.
    """
    marked = [e for e in history if e["kind"] == "renewal" and e.get("confirmed") is False]
    for entry in marked:
        entry["confirmed"] = True
    return marked


def standing_expiry(record: CardRecord) -> date | None:
    """Return the expiry that stands while a renewal waits for confirmation, if one waits.

    Files from before the standing expiry was kept name only the waiting renewal: the
    expiry that renewal replaced is the one that stands.
    """
    if (confirm := record["reminders"].get("confirm")) is None:
        return None
    if (standing := confirm.get("standing")) is not None:
        return date.fromisoformat(standing)
    for entry in reversed(record["history"]):
        if entry["kind"] == "renewal" and entry["at"] == confirm["renewal"]:
            return date.fromisoformat(entry["old_expiry"])
    return None


def plan_renewal(
    config: CardConfig,
    added: date,
    renewal: Renewal,
    *,
    today: date,
    at: str,
    currencies: Collection[str],
) -> HistoryEntry:
    """Check one card's renewal and return its history entry; refuse what must not be."""
    day = renewal.renewal_date or today
    plan = chosen_plan(config, renewal.plan)
    # A top-up is also a use: under an activity rule it may not reach further back than
    # the rule's interval, or the card would count as lost on the day it was added.
    check_day(added, day, today, None if plan is None else plan.period, activity_reach(config))
    amount = renewal.amount
    if amount is None:
        amount = config.renewal_cost if plan is None else plan.cost
    currency = (renewal.currency or config.currency).upper()
    check_money(amount, currency, currencies)
    old = config.expiry_date
    if renewal.new_expiry is not None:
        new = renewal.new_expiry
    elif plan is None:
        raise ChangeRefusedError("no_renewal_period", name=config.name)
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
            raise ChangeRefusedError("expiry_out_of_range", expiry_date="9999-12-31") from err
    check_expiry(new, today)
    if new < day:
        # A renewal that ends before it is made would expire the card on the spot.
        raise ChangeRefusedError(
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


def rolled_renewals(config: CardConfig, today: date, at: str) -> list[HistoryEntry]:
    """Return one unconfirmed renewal per period a self-renewing card has renewed itself."""
    if config.period is None:
        return []
    entries: list[HistoryEntry] = []
    for expiry, new in rolled_steps(config.expiry_date, config.period, today, config.anchor_day):
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
        entries.append(entry)
    return entries


def plan_confirmation(
    config: CardConfig,
    record: CardRecord,
    expiry: date | None,
    *,
    today: date,
    at: str,
    source: str,
    pending_only: bool = False,
) -> HistoryEntry | None:
    """Return the correction a confirmation records, if the carrier's date differs; or none.

    With `pending_only`, a card with nothing waiting is refused: a button press that confirms
    nothing would read as a confirmation that happened. What waits is settled by the write.
    """
    if pending_only and record["reminders"].get("confirm") is None:
        raise ChangeRefusedError("nothing_to_confirm", name=config.name)
    if expiry is None or expiry == config.expiry_date:
        return None
    check_expiry(expiry, today)
    return correction(at, source, config.expiry_date.isoformat(), expiry.isoformat())


def moved_expiry(new_expiry: str, anchor_day: int | None = None) -> dict[str, Any]:
    """Return the record fields of a card's new expiry and the monthly plan's day it keeps.

    A day of month the expiry itself falls on needs no keeping.
    """
    kept = None if anchor_day == date.fromisoformat(new_expiry).day else anchor_day
    return {"expiry": new_expiry, "anchor_day": kept}


def renewal_fields(
    config: CardConfig, record: CardRecord, entries: Sequence[HistoryEntry], tomorrow: str
) -> dict[str, Any]:
    """Return what a card's record holds once its renewals `entries` are written, in order.

    The card is used, its expiry moves, and a renewal nobody confirmed is asked about.
    """
    last_activity = record["last_activity"]
    reminders = record["reminders"]
    anchor: int | None = None
    for entry in entries:
        # A top-up is a use of the card as far as carriers' activity rules go.
        last_activity = later_day(last_activity, entry["date"])
        waiting = reminders.get("confirm")
        confirm: ConfirmRecord | None = None
        if not entry.get("confirmed"):
            # The expiry in force before the first renewal nobody confirmed stands until
            # one is: a tap that never reached the carrier must not silence the deadline.
            standing = entry["old_expiry"]
            if waiting is not None:
                known = standing_expiry(record)
                standing = waiting.get("standing") or _iso(known) or standing
            confirm = {
                "renewal": entry["at"],
                "due": tomorrow,
                "fired": False,
                "standing": standing,
            }
        reminders = {**reminders, "confirm": confirm}
        if anchor is None and keeps_day_of_month(config, entry):
            # The plan's day is the first renewal's: later steps may sit on a short month.
            anchor = config.anchor_day or date.fromisoformat(entry["old_expiry"]).day
    return {
        "last_activity": last_activity,
        "reminders": reminders,
        **moved_expiry(entries[-1]["new_expiry"], anchor),
    }


def _iso(day: date | None) -> str | None:
    """Return a day in ISO form, or None."""
    return None if day is None else day.isoformat()
