"""Where a card's current expiry comes from in a file that does not hold it yet.

Before 2.3 the card's settings held its expiry and the history followed them: the history
was written first, the settings a moment later. A record without an expiry takes it once from
the settings, completing a change the settings missed, and from then on the history is the
only copy. Free of Home Assistant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .card_config import CardConfig
from .change_rules import anchor_after, correction, moved_expiry
from .records import CardRecord, HistoryEntry


@dataclass(frozen=True, slots=True)
class Adoption:
    """What a record takes on: its expiry fields, and any entry that explains them."""

    fields: dict[str, Any]
    # A correction for settings changed without a record of it.
    entry: HistoryEntry | None = None
    # Whether the settings had missed a recorded change, now completed.
    completed: bool = False


def _linked(entry: HistoryEntry) -> set[str]:
    """Return the expiries the changes before `entry` may have led to.

    An undo's renewal is gone from the history: the change before the undo led to the expiry
    it took back or, undone too, to the one it restored.
    """
    linked = {entry.get("old_expiry", entry["new_expiry"])}
    if entry["kind"] == "undo":
        linked.add(entry["new_expiry"])
    return linked


def entries_since(history: list[HistoryEntry], stored: str | None = None) -> list[HistoryEntry]:
    """Return the last run of linked changes of the expiry, in order, back to `stored` if met."""
    run: list[HistoryEntry] = []
    linked: set[str] = set()
    for entry in reversed(history):
        if "new_expiry" not in entry:
            continue
        if run and entry["new_expiry"] not in linked:
            break
        run.append(entry)
        linked |= _linked(entry)
        if entry.get("old_expiry") == stored:
            break
    return run[::-1]


def expiry_chain(history: list[HistoryEntry]) -> set[str]:
    """Return every expiry the card's last run of linked changes moved from."""
    return set().union(*(_linked(entry) for entry in entries_since(history)))


def adopt_expiry(record: CardRecord, config: CardConfig, at: str) -> Adoption:
    """Return where the card's expiry stands, from its settings' expiry and its history."""
    history = record["history"]
    stored, anchor_day = config.expiry_date.isoformat(), config.anchor_day
    last = next((entry for entry in reversed(history) if "new_expiry" in entry), None)
    settings = {"expiry": stored, "anchor_day": anchor_day}
    if last is None or last["new_expiry"] == stored:
        return Adoption(settings)
    if stored in expiry_chain(history):
        # Settings are saved a moment after the history: they may lag several changes, and the
        # monthly day is the one those changes kept.
        anchor = anchor_after(config, entries_since(history, stored), anchor_day)
        return Adoption(moved_expiry(last["new_expiry"], anchor), completed=True)
    return Adoption(settings, correction(at, "reconfigure", last["new_expiry"], stored))


def adopt_anchor_day(record: CardRecord, config: CardConfig) -> int | None:
    """Return the monthly day of a record whose expiry stands but whose day was set aside.

    It is worked out again from the settings' day, through the changes recorded since.
    """
    since = entries_since(record["history"], config.expiry_date.isoformat())
    anchor = anchor_after(config, since, config.anchor_day)
    return moved_expiry(record["expiry"], anchor)["anchor_day"]  # type: ignore[no-any-return]
