"""What is recorded about one card, as the history file lays it out.

Plain data, free of Home Assistant: the change rules read and build these.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class HistoryEntry(TypedDict):
    """One thing that happened to a card: a renewal, a correction, activity or balance."""

    kind: str
    at: str
    source: str
    date: NotRequired[str]
    old_expiry: NotRequired[str]
    new_expiry: NotRequired[str]
    amount: NotRequired[float]
    currency: NotRequired[str]
    channel: NotRequired[str]
    payment_method: NotRequired[str]
    reference: NotRequired[str]
    confirmed: NotRequired[bool]
    renewal: NotRequired[dict[str, Any]]
    plan: NotRequired[str]
    # A carrier message read: what it did, who sent it and the date text read, never the text.
    outcome: NotRequired[str]
    sender: NotRequired[str]
    matched: NotRequired[str]
    stated_expiry: NotRequired[str]


class BalanceRecord(TypedDict):
    """The last known balance of a card."""

    amount: float
    currency: str
    as_of: str


class ConfirmRecord(TypedDict):
    """A renewal recorded without the carrier's word, and when to ask about it."""

    renewal: str
    # The next day to ask, at the reminder time, in Home Assistant's zone.
    due: str
    # Older files asked only once; True there means that one question went out on `due`.
    fired: bool
    # The expiry in force before the first renewal that waits: it stands until confirmed.
    standing: NotRequired[str | None]


class PreviousReminders(TypedDict):
    """The reminders that went out for a card's previous deadline."""

    deadline: str
    fired: list[int]


class ReminderRecord(TypedDict):
    """Which reminders went out for the card's current deadline."""

    deadline: str | None
    fired: list[int]
    expired_for: str | None
    snoozed_until: str | None
    confirm: NotRequired[ConfirmRecord | None]
    # The expiry an undone automatic renewal restored: the card does not roll from it again.
    roll_undone: NotRequired[str | None]
    # The deadline before the current one and what went out for it, should it come back.
    previous: NotRequired[PreviousReminders | None]


class CardRecord(TypedDict):
    """Everything stored about one card besides its settings."""

    added: str
    history: list[HistoryEntry]
    balance: BalanceRecord | None
    last_activity: str | None
    reminders: ReminderRecord
    # The card's expiry now and the day of month its monthly plan keeps. The history holds
    # them, so a change writes them with its entry in one write; the card's settings keep the
    # expiry it was added with. Files from before 2.3 have neither: the hub adopts them.
    expiry: NotRequired[str]
    anchor_day: NotRequired[int | None]
    # The day an activity rule was turned on: it counts from then, not from a use long ago.
    activity_since: NotRequired[str]


def empty_reminders() -> ReminderRecord:
    """Return the reminder state of a card for which nothing went out yet."""
    return {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None}


class StoreData(TypedDict):
    """The whole file."""

    cards: dict[str, CardRecord]


def holds_expiry(record: CardRecord) -> bool:
    """Return whether a record holds the card's expiry and monthly day, the ones that count.

    A record without them (written before 2.3, or with one set aside as damaged) takes them
    from the card's settings once, when the hub adopts them.
    """
    return "expiry" in record and "anchor_day" in record


def empty_record(
    added: str, expiry: str | None = None, anchor_day: int | None = None
) -> CardRecord:
    """Return the record of a card with nothing recorded yet, expiring on `expiry`."""
    record: CardRecord = {
        "added": added,
        "history": [],
        "balance": None,
        "last_activity": None,
        "reminders": empty_reminders(),
    }
    if expiry is not None:
        record["expiry"] = expiry
        record["anchor_day"] = anchor_day
    return record
