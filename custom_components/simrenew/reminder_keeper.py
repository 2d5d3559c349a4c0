"""Fires each card's reminders and its expiry exactly once, and says when to look again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .card_view import CardView
from .const import EVENT_EXPIRED, EVENT_REMINDER
from .model import CardStatus, start_of_day
from .records import ReminderRecord, empty_reminders
from .reminders import ReminderKind, ReminderPlan, at_time, is_late, kind_of, stages_for


@callback
def async_process_reminders(
    hass: HomeAssistant,
    view: CardView,
    *,
    record: ReminderRecord,
    base: Callable[[], dict[str, Any]],
    reminder_days: tuple[int, ...],
    at: time,
    now: datetime,
) -> tuple[ReminderRecord, datetime | None]:
    """Fire what is due for one card; return its new record and its next reminder instant.

    `base` builds the common event fields; it is called only when an event fires.
    """
    state = view.state
    deadline = state.deadline.isoformat()
    if record["deadline"] != deadline:
        # A new deadline (a renewal or correction) re-arms every stage; a renewal waiting for
        # the carrier's confirmation still waits.
        # Back to the deadline before (an undo the same day): what went out for it stays out.
        previous = record.get("previous")
        fired = previous["fired"] if previous and previous["deadline"] == deadline else []
        record = {
            **empty_reminders(),
            "deadline": deadline,
            "fired": list(fired),
            "confirm": record.get("confirm"),
            "roll_undone": record.get("roll_undone"),
            "previous": {"deadline": record["deadline"], "fired": list(record["fired"])}
            if record["deadline"] is not None
            else None,
        }
    else:
        record = {**record, "fired": list(record["fired"])}
    confirm_wake = _process_confirmation(hass, base, record, at, now)
    if state.status is CardStatus.EXPIRED:
        if record["expired_for"] != deadline:
            lost_at = start_of_day(view.grace_end + timedelta(days=1), view.config.time_zone)
            hass.bus.async_fire(EVENT_EXPIRED, {**base(), "late": is_late(lost_at, now)})
            record["expired_for"] = deadline
        return record, confirm_wake

    plan = reminder_plan(view, reminder_days, at)
    due, next_instant = plan.scan(record["fired"], now)
    if due:
        # Only the latest missed stage is worth sending, and only while its card day lasts.
        if (stage := plan.to_send(due, now)) is not None:
            _fire(hass, base, view, stage, late=is_late(plan.instant(stage), now), snoozed=False)
        record["fired"] = sorted({*record["fired"], *due}, reverse=True)
        record["snoozed_until"] = None

    if record["snoozed_until"] is not None:
        snooze_at = snoozed_instant(record["snoozed_until"], plan, last_stage(view), now)
        if snooze_at <= now:
            stage = state.days_until_deadline
            _fire(hass, base, view, stage, late=is_late(snooze_at, now), snoozed=True)
            record["snoozed_until"] = None
        else:
            next_instant = snooze_at if next_instant is None else min(next_instant, snooze_at)
    return record, min((i for i in (next_instant, confirm_wake) if i is not None), default=None)


def _process_confirmation(
    hass: HomeAssistant,
    base: Callable[[], dict[str, Any]],
    record: ReminderRecord,
    at: time,
    now: datetime,
) -> datetime | None:
    """Ask each day at the reminder time, from the day after, until the renewal is settled."""
    if (confirm := record.get("confirm")) is None:
        return None
    zone = dt_util.get_default_time_zone()
    due = date.fromisoformat(confirm["due"])
    if confirm["fired"]:
        # Older files asked once, on `due`: the next question is the next day's.
        due += timedelta(days=1)
        confirm = record["confirm"] = {**confirm, "due": due.isoformat(), "fired": False}
    instant = at_time(due, at, zone)
    if instant > now:
        return instant
    hass.bus.async_fire(
        EVENT_REMINDER,
        {
            **base(),
            "kind": ReminderKind.CONFIRM.value,
            "renewed_at": confirm["renewal"],
            "late": is_late(instant, now),
            "snoozed": False,
        },
    )
    # Days missed while Home Assistant was down are asked once, now; then daily again.
    following = max(due, now.astimezone(zone).date()) + timedelta(days=1)
    record["confirm"] = {**confirm, "due": following.isoformat()}
    return at_time(following, at, zone)


def snoozed_instant(stored: str, plan: ReminderPlan, final_stage: int, now: datetime) -> datetime:
    """Return when a snoozed reminder goes out.

    Snoozes store the instant fixed when the user snoozed; older files stored only the date.
    """
    if len(stored) == len("2026-11-23"):
        return plan.snooze_instant(date.fromisoformat(stored), final_stage, now)
    return datetime.fromisoformat(stored)


def snooze_until(
    view: CardView, days: int, reminder_days: tuple[int, ...], at: time, now: datetime
) -> datetime:
    """Return when a reminder snoozed now for `days` days goes out: never after the last chance."""
    plan = reminder_plan(view, reminder_days, at)
    until = now.astimezone(plan.zone).date() + timedelta(days=days)
    return plan.snooze_instant(until, last_stage(view), now)


def last_stage(view: CardView) -> int:
    """Return the stage of the card's last savable day: its last grace day, or its deadline."""
    # A self-renewing card rolls forward instead of entering grace.
    return 0 if view.self_renewing else -view.config.grace_days


def reminder_plan(view: CardView, reminder_days: tuple[int, ...], at: time) -> ReminderPlan:
    """Return the card's reminders for its current deadline, at Home Assistant's reminder time."""
    return ReminderPlan(
        deadline=view.state.deadline,
        stages=stages_for(reminder_days, view.self_renewing, -last_stage(view)),
        at=at,
        zone=dt_util.get_default_time_zone(),
        card_zone=view.config.time_zone,
    )


def _fire(
    hass: HomeAssistant,
    base: Callable[[], dict[str, Any]],
    view: CardView,
    stage: int,
    *,
    late: bool,
    snoozed: bool,
) -> None:
    """Fire one reminder event."""
    kind = kind_of(stage)
    data: dict[str, Any] = {
        **base(),
        "kind": kind.value,
        "stage": stage,
        "late": late,
        "snoozed": snoozed,
    }
    if kind is ReminderKind.GRACE:
        data["grace_end"] = view.grace_end.isoformat()
        data["days_until_grace_end"] = (view.grace_end - view.state.today).days
    hass.bus.async_fire(EVENT_REMINDER, data)
