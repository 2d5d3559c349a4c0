"""What the history file may hold, and what is left of a damaged one; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
import re
from typing import Any, Final

from .model import SAFE_FIRST_DAY, SAFE_LAST_DAY

# The days a card's settings may hold (model.py), since a record takes its expiry from them.
# Version 1 files date a card with no renewals 1970-01-01, well inside. The latest day leaves
# room to add an activity interval or a time zone offset to any stored day without leaving
# the calendar.
EARLIEST_DAY: Final = SAFE_FIRST_DAY
LATEST_DAY: Final = SAFE_LAST_DAY
MAX_AMOUNT: Final = 1_000_000

_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_MISSING: Final = object()

type Check = Callable[[object], bool]


def is_day(value: object) -> bool:
    """Return whether `value` is a day written the way the hub writes it, YYYY-MM-DD."""
    if not isinstance(value, str):
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    # fromisoformat also reads forms such as 20261122, which compare wrongly as text.
    return day.isoformat() == value and EARLIEST_DAY <= day <= LATEST_DAY


def is_optional_day(value: object) -> bool:
    """Return whether `value` is None or a day."""
    return value is None or is_day(value)


def is_instant(value: object) -> bool:
    """Return whether `value` is an ISO 8601 date and time with its UTC offset."""
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    # A naive time cannot be compared with the hub's aware ones, nor shown as a timestamp.
    return moment.utcoffset() is not None and EARLIEST_DAY <= moment.date() <= LATEST_DAY


def is_snooze(value: object) -> bool:
    """Return whether `value` is no snooze, the instant of one, or the day older files kept."""
    return is_optional_day(value) or is_instant(value)


def is_money(value: object) -> bool:
    """Return whether `value` is an amount of money from 0 to 1,000,000."""
    # NaN fails every comparison and the infinities fall outside the range.
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT
    )


def is_currency(value: object) -> bool:
    """Return whether `value` looks like an ISO 4217 code."""
    return isinstance(value, str) and _CURRENCY.fullmatch(value) is not None


def is_text(value: object) -> bool:
    """Return whether `value` is a string."""
    return isinstance(value, str)


def is_stages(value: object) -> bool:
    """Return whether `value` lists reminder stages as whole numbers of days."""
    return isinstance(value, list) and all(
        isinstance(stage, int) and not isinstance(stage, bool) for stage in value
    )


def is_balance(value: object) -> bool:
    """Return whether `value` is no balance, or a balance the sensor can show."""
    if value is None:
        return True
    return (
        isinstance(value, dict)
        and is_money(value.get("amount"))
        and is_currency(value.get("currency"))
        and is_instant(value.get("as_of"))
    )


# Every entry has `kind`, `at` and `source`; these are what each kind adds. Version 1 recorded
# renewals without a channel, so a renewal needs none.
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "renewal": ("date", "old_expiry", "new_expiry", "currency"),
    "correction": ("old_expiry", "new_expiry"),
    "undo": ("old_expiry", "new_expiry"),
    "balance": ("amount", "currency"),
    "message": ("outcome",),
    "activity": ("date",),
    # A rule learned from the carrier's dates, taken or declined (see learned_rules).
    "rule": ("renewal_mode", "outcome"),
}

# Whatever the kind, a field the hub knows must hold what the hub writes there.
FIELDS: Final[dict[str, Check]] = {
    "at": is_instant,
    "source": is_text,
    "date": is_day,
    "old_expiry": is_day,
    "new_expiry": is_day,
    "amount": is_money,
    "currency": is_currency,
    "channel": is_text,
    "payment_method": is_text,
    "reference": is_text,
    # Renewals name the plan they used since plans were added; older ones have none.
    "plan": is_text,
    "outcome": is_text,
    "sender": is_text,
    "matched": is_text,
    "stated_expiry": is_day,
}

REMINDER_FIELDS: Final[dict[str, Check]] = {
    "deadline": is_optional_day,
    "fired": is_stages,
    "expired_for": is_optional_day,
    "snoozed_until": is_snooze,
}

# Reminder fields that older files did not have: missing is fine, unreadable is reset.
OPTIONAL_REMINDER_FIELDS: Final[dict[str, Check]] = {
    "confirm": lambda value: (
        value is None
        or (
            isinstance(value, dict)
            and is_instant(value.get("renewal"))
            and is_day(value.get("due"))
            and isinstance(value.get("fired"), bool)
            # The expiry that stood before the renewal waiting; older files did not keep it.
            and is_optional_day(value.get("standing"))
        )
    ),
    # The expiry an undone automatic renewal was restored to: no rolling forward from it again.
    "roll_undone": is_optional_day,
    "previous": lambda value: (
        value is None
        or (
            isinstance(value, dict)
            and is_day(value.get("deadline"))
            and is_stages(value.get("fired"))
        )
    ),
}

# Fields of a card record with a safe value to fall back on; `added` and `reminders` have theirs
# worked out separately.
RECORD_FIELDS: Final[dict[str, Check]] = {
    "balance": is_balance,
    "last_activity": is_optional_day,
}


def is_anchor_day(value: object) -> bool:
    """Return whether `value` is no day of month, or one a monthly plan can keep."""
    return value is None or (type(value) is int and 1 <= value <= 31)


# Fields a record may lack. A bad expiry is the history's last again; a bad day is dropped,
# and the hub works it out again.
OPTIONAL_RECORD_FIELDS: Final[dict[str, Check]] = {
    "expiry": is_day,
    "anchor_day": is_anchor_day,
}


def is_entry(entry: object) -> bool:
    """Return whether a history entry has every field its kind needs, each one readable."""
    if not isinstance(entry, dict):
        return False
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in REQUIRED:
        return False
    return all(key in entry for key in ("at", "source", *REQUIRED[kind])) and all(
        check(entry[key]) for key, check in FIELDS.items() if key in entry
    )


def empty_reminder_state() -> dict[str, Any]:
    """Return the reminder state of a card for which nothing went out yet."""
    return {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None}


@dataclass(frozen=True, slots=True)
class CheckedHistory:
    """The usable part of the file, and how many entries or fields were set aside or reset."""

    cards: dict[str, dict[str, Any]]
    set_aside: int


def check_history(content: object, *, added_default: date) -> CheckedHistory | None:
    """Return what the hub can use of the file's content; None when it has no known layout."""
    # `added_default` dates a card whose own date is unreadable and that has no history either.
    if not isinstance(content, dict) or not isinstance(cards := content.get("cards"), dict):
        return None
    usable: dict[str, dict[str, Any]] = {}
    set_aside = 0
    for card_id, record in cards.items():
        if not isinstance(record, dict):
            set_aside += 1
            continue
        usable[card_id], problems = check_record(record, added_default=added_default)
        set_aside += problems
    return CheckedHistory(usable, set_aside)


def is_intact(content: object) -> bool:
    """Return whether nothing in the file's content would be set aside or reset."""
    checked = check_history(content, added_default=EARLIEST_DAY)
    return checked is not None and checked.set_aside == 0


def check_record(record: dict[str, Any], *, added_default: date) -> tuple[dict[str, Any], int]:
    """Return a card's record with bad entries left out and bad fields reset, and their count."""
    checked = dict(record)
    history = record.get("history")
    if isinstance(history, list):
        checked["history"] = [entry for entry in history if is_entry(entry)]
        problems = len(history) - len(checked["history"])
    else:
        checked["history"] = []
        problems = 1
    for key, check in RECORD_FIELDS.items():
        if not check(record.get(key, _MISSING)):
            checked[key] = None
            problems += 1
    for key, check in OPTIONAL_RECORD_FIELDS.items():
        if key in record and not check(record[key]):
            del checked[key]
            problems += 1
    if "expiry" in record and "expiry" not in checked:
        # Every change writes the expiry it led to in its entry: the last one is the card's.
        # (The card's settings keep the expiry it was added with, long gone by now.) The
        # monthly day goes with it, to be worked out again.
        checked.pop("anchor_day", None)
        moved = [entry["new_expiry"] for entry in checked["history"] if "new_expiry" in entry]
        if moved:
            checked["expiry"] = moved[-1]
    checked["reminders"], reset = check_reminders(record.get("reminders"))
    problems += reset
    if not is_day(record.get("added")):
        checked["added"] = first_day(checked["history"], added_default).isoformat()
        problems += 1
    return checked, problems


def check_reminders(reminders: object) -> tuple[dict[str, Any], int]:
    """Return the reminder state with each bad field reset, and how many were."""
    if not isinstance(reminders, dict):
        return empty_reminder_state(), 1
    checked = dict(reminders)
    default = empty_reminder_state()
    reset = 0
    for key, check in REMINDER_FIELDS.items():
        if not check(reminders.get(key, _MISSING)):
            checked[key] = default[key]
            reset += 1
    for key, check in OPTIONAL_REMINDER_FIELDS.items():
        if key in reminders and not check(reminders[key]):
            checked[key] = None
            reset += 1
    return checked, reset


def first_day(history: list[dict[str, Any]], latest: date) -> date:
    """Return the earliest day the history mentions, or `latest` if it is earlier."""
    days = [date.fromisoformat(entry["date"]) for entry in history if "date" in entry]
    days += [datetime.fromisoformat(entry["at"]).date() for entry in history]
    return min([*days, latest])
