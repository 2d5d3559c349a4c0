"""Costs grow in proportion to the number of cards, and timers do not grow at all."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory

from homeassistant.core import HomeAssistant

from .scale import measure

SMALL, LARGE = 50, 200
# Linear growth gives a ratio of 4 and the old quadratic refresh about 16; the margin absorbs
# what a busy machine adds to small timings.
MAX_RATIO = 2 * LARGE / SMALL
MAX_TIMERS_PER_DAY = 5


async def test_costs_grow_linearly(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """A household four times larger costs at most eight times as much, with as few timers."""
    small = await measure(hass, freezer, SMALL)
    large = await measure(hass, freezer, LARGE)
    # Well under Home Assistant's cap on entities: every card has its entities.
    assert (small.cards_with_entities, large.cards_with_entities) == (SMALL, LARGE)
    assert small.timers_per_day <= MAX_TIMERS_PER_DAY
    assert large.timers_per_day <= MAX_TIMERS_PER_DAY
    assert large.day_cpu_s / small.day_cpu_s <= MAX_RATIO
    assert large.midnight_ms / max(small.midnight_ms, 0.5) <= MAX_RATIO
    assert large.setup_cpu_s / small.setup_cpu_s <= MAX_RATIO
    assert large.calendar_query_ms / max(small.calendar_query_ms, 0.5) <= MAX_RATIO
    assert large.writes_per_day <= LARGE / SMALL * small.writes_per_day * 1.2
