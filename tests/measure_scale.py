"""The table scripts/measure prints: a household of each size, measured in one harness."""

from __future__ import annotations

import os
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
import pytest

from homeassistant.core import HomeAssistant

from .scale import HEADER, measure, row

SIZES = [
    int(n)
    for n in os.environ.get("SIMRENEW_MEASURE_CARDS", "10,100,1000,1200,3000,5000").split(",")
]
TABLE = Path(os.environ.get("SIMRENEW_MEASURE_TABLE", "/dev/null"))


@pytest.mark.parametrize("cards", SIZES)
async def test_measure(hass: HomeAssistant, freezer: FrozenDateTimeFactory, cards: int) -> None:
    """Measure one household and add its row to the table."""
    figures = await measure(hass, freezer, cards)
    line = row(figures)
    print(f"\n{HEADER}\n{line}")  # noqa: T201
    with TABLE.open("a", encoding="utf-8") as table:
        table.write(line + "\n")
