"""When reminders fall due; free of Home Assistant so it can be tested alone.

A stage is a count of days before the card's deadline: 7 is a week before, 0 the last day, and
negative stages are the days of the grace period (-1 is the first day after the deadline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from .model import start_of_day

# A reminder fired this long after its planned instant counts as late.
LATE_AFTER = timedelta(minutes=5)
# A reminder whose time falls after its card day has ended goes out this long before the end.
LAST_HOUR = timedelta(hours=1)
# A snoozed reminder for a card's last savable day comes at least this long before that day ends.
LAST_CALL_BEFORE_END = timedelta(hours=2)


class ReminderKind(StrEnum):
    """What a reminder asks of the user."""

    DEADLINE = "deadline"
    GRACE = "grace"
    CONFIRM = "confirm"


def kind_of(stage: int) -> ReminderKind:
    """Return whether a stage falls before the deadline or in the grace period."""
    return ReminderKind.DEADLINE if stage >= 0 else ReminderKind.GRACE


@dataclass(frozen=True, kw_only=True, slots=True)
class ReminderPlan:
    """The reminder instants of one card for one deadline.

    `zone` is Home Assistant's, where the reminder time is read; `card_zone` decides when each
    of the card's days ends.
    """

    deadline: date
    stages: tuple[int, ...]
    at: time
    zone: tzinfo
    card_zone: tzinfo

    def card_day(self, stage: int) -> date:
        """Return the card's day that a stage is about."""
        return self.deadline - timedelta(days=stage)

    def day_ends(self, stage: int) -> datetime:
        """Return the instant the stage's card day ends, in the card's zone."""
        return start_of_day(self.card_day(stage) + timedelta(days=1), self.card_zone)

    def instant(self, stage: int) -> datetime:
        """Return when a stage goes out: its day's reminder time, or before the day ends.

        Where Home Assistant's clock runs behind the card's, the reminder time of a day can fall
        after the card's day has ended; the reminder then goes out an hour before the end, so
        every day keeps a reminder of its own while the card still works.
        """
        end = self.day_ends(stage)
        planned = at_time(self.card_day(stage), self.at, self.zone)
        return planned if planned < end else end - LAST_HOUR

    def scan(self, fired: Iterable[int], now: datetime) -> tuple[list[int], datetime | None]:
        """Return the unfired stages whose instant has come (latest first), and the next instant.

        Stages run from the earliest day to the latest and their instants never go back, so the
        scan stops at the first stage still ahead: most cards cost one instant.
        """
        done = set(fired)
        due: list[int] = []
        for stage in sorted(self.stages, reverse=True):
            if stage in done:
                continue
            instant = self.instant(stage)
            if instant > now:
                return sorted(due), instant
            due.append(stage)
        return sorted(due), None

    def due(self, fired: Iterable[int], now: datetime) -> list[int]:
        """Return the unfired stages whose instant has come, latest stage first."""
        return self.scan(fired, now)[0]

    def to_send(self, due: list[int], now: datetime) -> int | None:
        """Return the one due stage worth sending now: the latest, unless its day has ended."""
        if not due:
            return None
        latest = due[0]
        return latest if now < self.day_ends(latest) else None

    def next_instant(self, fired: Iterable[int], now: datetime) -> datetime | None:
        """Return the next instant after `now` at which an unfired stage falls due."""
        return self.scan(fired, now)[1]

    def snooze_instant(self, until: date, last_stage: int, now: datetime) -> datetime:
        """Return when a reminder snoozed until `until` goes out: never after the last chance."""
        requested = at_time(until, self.at, self.zone)
        end = self.day_ends(last_stage)
        latest = end - LAST_CALL_BEFORE_END
        if latest <= now:
            latest = now + (end - now) / 2
        return min(requested, latest)


def stages_for(
    reminder_days: Iterable[int], auto_renew: bool, grace_days: int = 0
) -> tuple[int, ...]:
    """Return a card's stages: its reminder days, then each grace day.

    A self-renewing card is reminded only at its last reminder day, and never in grace.
    """
    stages = tuple(sorted(set(reminder_days), reverse=True))
    if auto_renew:
        return stages[-1:]
    return stages + tuple(-day for day in range(1, grace_days + 1))


def at_time(day: date, when: time, zone: tzinfo) -> datetime:
    """Return the instant of wall time `when` on `day` in `zone`, moved past any DST gap."""
    local = datetime.combine(day, when, tzinfo=zone)
    # A wall time inside a DST gap does not exist; the round trip moves it forward.
    normalised = local.astimezone(UTC).astimezone(zone)
    return max(normalised, start_of_day(day, zone))


def is_late(planned: datetime, now: datetime) -> bool:
    """Return whether something planned for `planned` is happening late at `now`."""
    return now - planned > LATE_AFTER


def reminder_instant(card_day: date, at: time, zone: tzinfo, card_zone: tzinfo) -> datetime:
    """Return when a reminder about one of a card's days goes out, as its plan would send it."""
    plan = ReminderPlan(deadline=card_day, stages=(0,), at=at, zone=zone, card_zone=card_zone)
    return plan.instant(0)
