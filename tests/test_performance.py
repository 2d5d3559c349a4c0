"""The scheduler's cost: how often it wakes, what it writes, and how long a refresh takes."""

from __future__ import annotations

from datetime import timedelta
import time

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.simrenew.const import DOMAIN
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import card_subentry, setup_entry

ZONES = ("Asia/Hong_Kong", "America/New_York", "Europe/London")
CARDS = 60
DAYS = 30


def our_timers(hass: HomeAssistant) -> int:
    """Return how many loop timers point at a simrenew scheduler."""
    loop = hass.loop
    handles = [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]
    return sum("WakeScheduler" in repr(h) for h in handles)


async def test_scheduler_cost(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Sixty cards in three zones for thirty days: one timer, woken only at transitions."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-01T00:30:00+00:00")
    start = dt_util.utcnow()
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(
                name=f"Card {n}",
                phone_number=f"+8529000{n:04d}",
                expiry_date=(start.date() + timedelta(days=5 + n % 40)).isoformat(),
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(CARDS)
        ],
    )
    await setup_entry(hass, entry)
    hub = entry.runtime_data
    assert our_timers(hass) == 1

    writes: list[Event] = []
    hass.bus.async_listen(EVENT_STATE_CHANGED, writes.append)
    wakes = 0
    end = start + timedelta(days=DAYS)
    while hub.scheduler.next_wake is not None and hub.scheduler.next_wake < end:
        freezer.move_to(hub.scheduler.next_wake)
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done()
        wakes += 1
        assert our_timers(hass) == 1
    # At most one wake per zone's midnight and one per reminder time each day.
    assert wakes <= DAYS * (len(ZONES) + 1) + 1

    # freezegun stops the wall clocks; CPU time still runs.
    started = time.process_time()
    for _ in range(20):
        hub.async_refresh(dt_util.utcnow())
    refresh_ms = (time.process_time() - started) / 20 * 1000
    print(  # noqa: T201
        f"\nscheduler: {CARDS} cards, {len(ZONES)} zones, {DAYS} days: "
        f"{wakes} wakes ({wakes / DAYS:.1f} a day), {len(writes)} state writes "
        f"({len(writes) / DAYS:.1f} a day), 1 timer; refresh of all cards {refresh_ms:.2f} ms"
    )
    assert refresh_ms < 250
