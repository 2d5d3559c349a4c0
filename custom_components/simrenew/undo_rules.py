"""What taking back a renewal records and restores, worked out from a card's record.

Free of Home Assistant, like the renewal rules it undoes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .card_config import CardConfig
from .change_checks import ChangeRefusedError, check_expiry
from .change_rules import keeps_day_of_month, moved_expiry
from .records import CardRecord, ConfirmRecord, HistoryEntry, ReminderRecord


def undoable(record: CardRecord, expiry: date) -> HistoryEntry | None:
    """Return the renewal an undo would take back: the one that set the current expiry.

    Undone renewals are gone from the history, so undoing again takes back the one before,
    as long as nothing but undos came after it.
    """
    for change in reversed(record["history"]):
        if change["kind"] == "undo" or change.get("new_expiry") is None:
            continue
        if change["kind"] == "renewal" and change.get("new_expiry") == expiry.isoformat():
            found: HistoryEntry = change
            return found
        return None
    return None


def plan_undo(
    name: str, record: CardRecord, expiry: date, today: date, at: str
) -> tuple[HistoryEntry, HistoryEntry]:
    """Return the renewal an undo takes back and the entry that records the undoing."""
    last = undoable(record, expiry)
    if last is None:
        raise ChangeRefusedError("nothing_to_undo", name=name)
    restored = date.fromisoformat(last["old_expiry"])
    check_expiry(restored, today)
    undo: HistoryEntry = {
        "kind": "undo",
        "at": at,
        "source": "action",
        "old_expiry": expiry.isoformat(),
        "new_expiry": restored.isoformat(),
        "renewal": dict(last),
    }
    return last, undo


def still_waiting(
    history: list[HistoryEntry], confirm: ConfirmRecord, undone: HistoryEntry
) -> ConfirmRecord | None:
    """Return what still waits for confirmation once the renewal `undone` is taken back.

    An earlier renewal nobody confirmed still waits, from the same standing expiry; with
    none, the expiry restored is the one in force and nothing is asked.
    """
    earlier = next(
        (
            entry
            for entry in reversed(history)
            if entry["kind"] == "renewal"
            and entry is not undone
            and entry.get("confirmed") is False
            and entry["new_expiry"] == undone["old_expiry"]
        ),
        None,
    )
    if earlier is None:
        return None
    return {**confirm, "renewal": earlier["at"]}


def undo_fields(
    config: CardConfig, record: CardRecord, undone: HistoryEntry, undo: HistoryEntry
) -> dict[str, Any]:
    """Return what a card's record holds once `undone` is out of its history and undone.

    `record`'s history no longer holds `undone`.
    """
    history = record["history"]
    # The top-up counted as a use; taken back, the last use is the one before it.
    uses = [e["date"] for e in history if e["kind"] in ("renewal", "activity") and "date" in e]
    reminders: ReminderRecord = {**record["reminders"]}
    if undone.get("channel") == "auto_renew":
        # Taken back means it did not happen: the card must not renew itself again
        # from the expiry restored, or the undo would be undone at once.
        reminders["roll_undone"] = undone["old_expiry"]
    if (confirm := reminders.get("confirm")) is not None and confirm["renewal"] == undone["at"]:
        reminders["confirm"] = still_waiting(history, confirm, undone)
    return {
        "reminders": reminders,
        "last_activity": max(uses, default=None),
        **moved_expiry(undo["new_expiry"], restored_anchor(config, record, undone)),
    }


def restored_anchor(config: CardConfig, record: CardRecord, undone: HistoryEntry) -> int | None:
    """Return the monthly plan's day in force before the renewal `undone`.

    A monthly renewal kept the day it found, so it is still the record's (or, left out as the
    expiry's own, the day the renewal landed on). Any other renewal let the day go.
    """
    if not keeps_day_of_month(config, undone):
        return None
    return record.get("anchor_day") or date.fromisoformat(undone["new_expiry"]).day
