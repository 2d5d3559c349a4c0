"""Where a card's current expiry comes from in a file that does not hold it yet.

Before 2.3 the card's settings held its expiry and the history followed them: the history
was written first, the settings a moment later. A record without an expiry takes it once from
the settings, completing a change the settings missed, and from then on the history is the
only copy. Free of Home Assistant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .change_rules import correction
from .records import CardRecord, HistoryEntry


@dataclass(frozen=True, slots=True)
class Adoption:
    """What a record takes on: its expiry fields, and any entry that explains them."""

    fields: dict[str, Any]
    # A correction for settings changed without a record of it.
    entry: HistoryEntry | None = None
    # Whether the settings had missed a recorded change, now completed.
    completed: bool = False


def expiry_chain(history: list[HistoryEntry]) -> set[str]:
    """Return every expiry the card's renewals and corrections moved from, newest run back."""
    chain: set[str] = set()
    for entry in reversed(history):
        if "new_expiry" not in entry:
            continue
        if chain and entry["new_expiry"] not in chain:
            break
        chain.add(entry.get("old_expiry", entry["new_expiry"]))
    return chain


def adopt_expiry(record: CardRecord, stored: str, anchor_day: int | None, at: str) -> Adoption:
    """Return where the card's expiry stands, from its settings' `stored` expiry and its history."""
    history = record["history"]
    last = next((entry for entry in reversed(history) if "new_expiry" in entry), None)
    settings = {"expiry": stored, "anchor_day": anchor_day}
    if last is None or last["new_expiry"] == stored:
        return Adoption(settings)
    if stored in expiry_chain(history):
        # Settings are saved a moment after the history: they may lag several changes.
        return Adoption({"expiry": last["new_expiry"], "anchor_day": None}, completed=True)
    return Adoption(settings, correction(at, "reconfigure", last["new_expiry"], stored))
