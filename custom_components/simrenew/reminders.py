"""When reminders fall due; free of Home Assistant so it can be tested alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .model import start_of_day

# A reminder fired this long after its planned instant counts as late.
LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReminderPlan:
    """The reminder instants of one card for one deadline."""

    deadline: date
    stages: tuple[int, ...]
    at: time
    zone: tzinfo

    def instant(self, stage: int) -> datetime:
        """Return when the reminder `stage` days before the deadline goes out."""
        return at_time(self.deadline - timedelta(days=stage), self.at, self.zone)

    def due(self, fired: Iterable[int], now: datetime) -> list[int]:
        """Return the unfired stages whose instant has come, latest stage first."""
        done = set(fired)
        return sorted(
            stage for stage in self.stages if stage not in done and self.instant(stage) <= now
        )

    def next_instant(self, fired: Iterable[int], now: datetime) -> datetime | None:
        """Return the next instant after `now` at which an unfired stage falls due."""
        done = set(fired)
        return min(
            (
                self.instant(stage)
                for stage in self.stages
                if stage not in done and self.instant(stage) > now
            ),
            default=None,
        )


def stages_for(reminder_days: Iterable[int], auto_renew: bool) -> tuple[int, ...]:
    """Return the stages a card is reminded at; a self-renewing card only at the last."""
    stages = tuple(sorted(set(reminder_days), reverse=True))
    if auto_renew and stages:
        return (stages[-1],)
    return stages


def at_time(day: date, when: time, zone: tzinfo) -> datetime:
    """Return the instant of wall time `when` on `day` in `zone`, moved past any DST gap."""
    local = datetime.combine(day, when, tzinfo=zone)
    # A wall time inside a DST gap does not exist; the round trip moves it forward.
    normalised = local.astimezone(UTC).astimezone(zone)
    return max(normalised, start_of_day(day, zone))


def is_late(planned: datetime, now: datetime) -> bool:
    """Return whether something planned for `planned` is happening late at `now`."""
    return now - planned > LATE_AFTER
