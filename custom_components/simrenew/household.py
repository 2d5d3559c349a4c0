"""What the household view shows: calendar days and due cards; free of Home Assistant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .reminders import stages_for


@dataclass(frozen=True, kw_only=True, slots=True)
class CalendarDay:
    """One all-day calendar event about one card."""

    day: date
    kind: str
    card_id: str
    name: str
    deadline: date
    days: int = 0

    @property
    def uid(self) -> str:
        """Return an id that stays the same while the event does."""
        return f"{self.card_id}_{self.kind}_{self.day.isoformat()}"


def calendar_days(
    *,
    card_id: str,
    name: str,
    expiry: date,
    deadline: date,
    grace_days: int,
    reminder_days: tuple[int, ...],
    auto_renew: bool,
    added: date | None = None,
) -> list[CalendarDay]:
    """Return a card's calendar: reminder days, the deadline, the expiry and grace end.

    Reminder days before the card was added are left out: nobody could have been reminded then.
    """
    # Before a deadline set by activity, the reminders ask for a use, not a top-up.
    reminder = "reminder" if deadline == expiry else "use_reminder"
    days = [
        CalendarDay(
            day=deadline - timedelta(days=stage),
            kind=reminder,
            card_id=card_id,
            name=name,
            deadline=deadline,
            days=stage,
        )
        for stage in stages_for(reminder_days, auto_renew)
        if stage > 0 and (added is None or deadline - timedelta(days=stage) >= added)
    ]
    if deadline != expiry:
        days.append(
            CalendarDay(
                day=deadline, kind="activity_due", card_id=card_id, name=name, deadline=deadline
            )
        )
    days.append(
        CalendarDay(day=expiry, kind="expiry", card_id=card_id, name=name, deadline=deadline)
    )
    if grace_days > 0:
        days.append(
            CalendarDay(
                day=deadline + timedelta(days=grace_days),
                kind="grace_end",
                card_id=card_id,
                name=name,
                deadline=deadline,
            )
        )
    return sorted(days, key=lambda item: (item.day, item.name))
