"""Quiet hours on the home's clock: when an announcement must wait, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

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
        day = now.date()
        while True:
            # Built on the wall clock, then through UTC: an end that falls in a DST gap moves on.
            end = datetime.combine(day, self.end, tzinfo=zone)
            if end > now:
                return end
            day += timedelta(days=1)
