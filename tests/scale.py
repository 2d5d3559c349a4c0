"""Measuring a household at scale: set-up, memory, a simulated day, midnight, timers, calendar.

Used by the suite's growth-ratio test and by scripts/measure, which prints the table.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
import gc
import math
import os
import sys
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.simrenew.const import DOMAIN
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .conftest import card_subentry

# 08:30 on 1 November in Hong Kong; the simulated day runs to the same time next day, so it
# holds one card-zone midnight and one reminder time.
START = "2026-11-01T00:30:00+00:00"
TICK = timedelta(seconds=10)
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Figures:
    """What one household of `cards` cards cost."""

    cards: int
    first_setup_cpu_s: float
    setup_cpu_s: float
    memory_per_card_kb: float
    day_cpu_s: float
    midnight_ms: float
    timers_per_day: int
    writes_per_day: int
    calendar_query_ms: float
    # Cards with all their entities, under Home Assistant's cap on one entry's entities.
    cards_with_entities: int
    household_entities: int


def household(cards: int) -> MockConfigEntry:
    """Return a hub whose cards expire over the next year and a half, some with grace."""
    start = datetime.fromisoformat(START).date()
    return MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(
                name=f"Card {n}",
                phone_number=f"+852{90000000 + n}",
                expiry_date=(start + timedelta(days=2 + (n * 7) % 540)).isoformat(),
                grace_days=(0, 7, 30)[n % 3],
            )
            for n in range(cards)
        ],
    )


def _rss_kb() -> float:
    """Return the process's resident memory in KiB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE / 1024


class TimerCount:
    """Counts loop timers scheduled for simrenew or the calendar platform while installed."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Wrap the loop's call_at."""
        self.count = 0
        self._loop: Any = hass.loop
        self._original = self._loop.call_at

        def counting(when: float, callback: Any, *args: Any, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            while frame is not None:
                name = frame.f_code.co_filename
                if "custom_components/simrenew" in name or "components/calendar/" in name:
                    self.count += 1
                    break
                frame = frame.f_back  # type: ignore[assignment]
            return self._original(when, callback, *args, **kwargs)

        self._loop.call_at = counting

    def stop(self) -> None:
        """Put the loop's call_at back."""
        self._loop.call_at = self._original


async def measure(hass: HomeAssistant, freezer: FrozenDateTimeFactory, cards: int) -> Figures:
    """Set up a household, run a simulated day in ten-second ticks, and query its calendar."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    # The test harness runs the loop in debug mode, which records a traceback for every task
    # and timer; Home Assistant does not, and neither does this measurement.
    hass.loop.set_debug(False)
    freezer.move_to(START)
    entry = household(cards)
    gc.collect()
    rss = _rss_kb()
    started = time.process_time()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    first_setup_cpu = time.process_time() - started
    gc.collect()
    memory = (_rss_kb() - rss) / cards
    # A restart: the registries and the history file already hold every card.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    started = time.process_time()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    setup_cpu = time.process_time() - started

    hub = entry.runtime_data
    refreshes: list[tuple[datetime, float]] = []
    action = hub.scheduler._action

    def timed(now: datetime) -> None:
        if now == midnight:
            # A collection due by chance would land on whichever refresh comes next.
            gc.collect()
        # The loop's own thread: what the refresh blocks, without the executor's writes.
        started = time.thread_time()
        action(now)
        refreshes.append((now, time.thread_time() - started))

    hub.scheduler._action = timed
    writes: list[Event] = []
    unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, writes.append)
    timers = TimerCount(hass)
    midnight = datetime.fromisoformat("2026-11-01T16:00:00+00:00")
    now = dt_util.utcnow()
    end = now + timedelta(days=1)
    started = time.process_time()
    while now < end:
        now += TICK
        freezer.move_to(now)
        async_fire_time_changed(hass, now)
        await hass.async_block_till_done()
    day_cpu = time.process_time() - started
    midnight_cpu = max((cpu for when, cpu in refreshes if when == midnight), default=0.0)
    timers.stop()
    unsubscribe()

    calendars = [state.entity_id for state in hass.states.async_all("calendar")]
    shown = shown_entities(hass, entry)
    query_ms = float("nan")
    if calendars:
        started = time.process_time()
        answer = await hass.services.async_call(
            "calendar",
            "get_events",
            {"entity_id": calendars[0], "start_date_time": START, "duration": {"days": 3650}},
            blocking=True,
            return_response=True,
        )
        query_ms = (time.process_time() - started) * 1000
        assert answer is not None
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    await asyncio.sleep(0)
    return Figures(
        cards=cards,
        first_setup_cpu_s=first_setup_cpu,
        setup_cpu_s=setup_cpu,
        memory_per_card_kb=memory,
        day_cpu_s=day_cpu,
        midnight_ms=midnight_cpu * 1000,
        timers_per_day=timers.count,
        writes_per_day=len(writes),
        calendar_query_ms=query_ms,
        cards_with_entities=sum(count > 0 for card, count in shown.items() if card is not None),
        household_entities=shown[None],
    )


def shown_entities(hass: HomeAssistant, entry: MockConfigEntry) -> Counter[str | None]:
    """Return how many entities with a state each card (None: the household) has."""
    registry = er.async_get(hass)
    return Counter(
        entity.config_subentry_id
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        if hass.states.get(entity.entity_id) is not None
    )


HEADER = (
    "| cards | first set-up CPU s | set-up at restart CPU s | memory per card KiB "
    "| CPU per simulated day s | midnight refresh CPU ms | timers per day "
    "| state writes per day | calendar query (10 years) ms "
    "| cards with their entities | household entities |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def row(figures: Figures) -> str:
    """Return one table row."""
    query = figures.calendar_query_ms
    shown_query = "not added" if math.isnan(query) else f"{query:.1f}"
    return (
        f"| {figures.cards:,} | {figures.first_setup_cpu_s:.2f} | {figures.setup_cpu_s:.2f} | "
        f"{figures.memory_per_card_kb:.1f} | "
        f"{figures.day_cpu_s:.2f} | {figures.midnight_ms:.1f} | {figures.timers_per_day} | "
        f"{figures.writes_per_day:,} | "
        f"{shown_query} | {figures.cards_with_entities:,} | {figures.household_entities} |"
    )
