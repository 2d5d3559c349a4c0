"""Quiet hours on the home's clock: when an announcement must wait, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

DEFAULT_QUIET_START = time(22, 0)
DEFAULT_QUIET_END = time(8, 0)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From `start` to `end` on the home's clock, across midnight when `start` is later."""

    start: time = DEFAULT_QUIET_START
    end: time = DEFAULT_QUIET_END

    def contains(self, moment: time) -> bool:
        """Return whether a time of day falls in quiet hours (the end itself does not)."""
        if self.start == self.end:
            # The same time twice: no quiet hours at all.
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def ends_after(self, now: datetime) -> datetime:
        """Return the first end of quiet hours after `now`, an aware time on the home's clock."""
        zone = now.tzinfo
        instant = now.astimezone(UTC)
        day = now.date()
        while True:
            # An end in the hour said twice as clocks go back comes twice; one in the hour
            # skipped going forward comes as the hour after. Compared as instants, not as
            # wall times, so an end already past is never taken for one to come.
            for fold in (0, 1):
                end = datetime.combine(day, self.end, tzinfo=zone).replace(fold=fold)
                real = end.astimezone(UTC)
                if real > instant and not self.contains(real.astimezone(zone).time()):
                    return real.astimezone(zone)
            day += timedelta(days=1)
