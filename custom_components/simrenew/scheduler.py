"""The hub's single timer: it wakes only when some card's state must change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util


class WakeScheduler:
    """Keeps at most one pending wake-up for a hub."""

    def __init__(self, hass: HomeAssistant, action: Callable[[datetime], None]) -> None:
        """Remember what to run when the timer fires."""
        self._hass = hass
        self._action = action
        self._unsub: CALLBACK_TYPE | None = None
        self.next_wake: datetime | None = None

    @callback
    def schedule(self, when: datetime | None) -> None:
        """Replace any pending wake-up with one at `when` (none if None)."""
        self.cancel()
        if when is None:
            return
        self.next_wake = when
        self._unsub = async_track_point_in_utc_time(self._hass, self._fire, when)

    @callback
    def cancel(self) -> None:
        """Drop the pending wake-up, if any."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        self.next_wake = None

    @callback
    def _fire(self, point: datetime) -> None:
        """Run the action at the later of the planned and the actual time."""
        self._unsub = None
        self.next_wake = None
        self._action(max(point, dt_util.utcnow()))
