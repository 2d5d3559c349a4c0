"""Tests for what the history file may hold: damaged shapes, and fuzzing of the checks."""

from __future__ import annotations

from collections.abc import Sequence
import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
import pytest

from custom_components.simrenew.history import RenewalFigures
from custom_components.simrenew.history_file import (
    EARLIEST_DAY,
    check_history,
    is_entry,
    is_intact,
)
from custom_components.simrenew.model import Card, card_state
from custom_components.simrenew.reminder_keeper import snoozed_instant
from custom_components.simrenew.reminders import ReminderPlan, at_time

from .history_samples import (
    BAD_ENTRIES,
    BAD_FIELDS,
    GOOD_HISTORY,
    SampleFile,
    damage_field,
    files,
    good_record,
    reset_field,
)

YESTERDAY = date(2026, 11, 21)
# Far apart on the clock, so a stored day that works in both works in every zone.
ZONES = (ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12"))

# Each example takes well under a millisecond, so "ci" runs thousands.
FUZZ_EXAMPLES = (
    max(2000, settings().max_examples)
    if settings.get_current_profile_name() == "ci"
    else settings().max_examples * 4
)


def is_subsequence(part: Sequence[object], whole: Sequence[object]) -> bool:
    """Return whether `part` appears in `whole` in the same order, as the very same objects."""
    rest = iter(whole)
    return all(any(item is candidate for candidate in rest) for item in part)


def test_good_record_is_intact() -> None:
    """A record with one entry of each kind and every field set passes untouched."""
    content = {"cards": {"card": good_record()}}
    assert is_intact(content)
    checked = check_history(content, added_default=YESTERDAY)
    assert checked is not None
    assert checked.set_aside == 0
    assert checked.cards == content["cards"]


@pytest.mark.parametrize(
    "content", [None, [], "cards", {}, {"cards": []}, {"cards": None}, {"renewals": {}}]
)
def test_unknown_layout(content: object) -> None:
    """Content without a dict of cards has no usable part at all."""
    assert check_history(content, added_default=YESTERDAY) is None
    assert not is_intact(content)


@pytest.mark.parametrize(
    "bad", [entry for _, entry in BAD_ENTRIES], ids=[name for name, _ in BAD_ENTRIES]
)
def test_bad_entry_is_set_aside(bad: object) -> None:
    """An entry the hub cannot read is left out and counted; the entries around it stay."""
    assert not is_entry(bad)
    record = good_record()
    record["history"].insert(1, copy.deepcopy(bad))
    checked = check_history({"cards": {"card": record}}, added_default=YESTERDAY)
    assert checked is not None
    assert checked.set_aside == 1
    assert checked.cards["card"] == {**good_record(), "history": GOOD_HISTORY}


@pytest.mark.parametrize(
    ("where", "stored", "reset"),
    [case[1:] for case in BAD_FIELDS],
    ids=[case[0] for case in BAD_FIELDS],
)
def test_bad_field_is_reset(where: tuple[str, ...], stored: object, reset: object) -> None:
    """A field with a safe default goes back to it, counted, and the history stays whole."""
    record = good_record()
    damage_field(record, where, stored)
    checked = check_history({"cards": {"card": record}}, added_default=YESTERDAY)
    assert checked is not None
    assert checked.set_aside == 1
    assert checked.cards["card"] == reset_field(good_record(), where, reset)


@pytest.mark.parametrize("history", ["none", None, {"0": {}}])
def test_history_that_is_not_a_list(history: object) -> None:
    """A history that is not a list is set aside as one piece."""
    record = {**good_record(), "history": history}
    checked = check_history({"cards": {"card": record}}, added_default=YESTERDAY)
    assert checked is not None
    assert checked.set_aside == 1
    assert checked.cards["card"] == {**good_record(), "history": []}


def test_record_that_is_not_a_dict() -> None:
    """A card record that is not a dict is set aside; the other cards are untouched."""
    checked = check_history(
        {"cards": {"broken": "renewed", "card": good_record()}}, added_default=YESTERDAY
    )
    assert checked is not None
    assert checked.set_aside == 1
    assert checked.cards == {"card": good_record()}


def test_added_falls_back_to_the_day_given() -> None:
    """With no history to date it, an unreadable `added` becomes the day given."""
    record = {**good_record(), "history": [], "added": None}
    checked = check_history({"cards": {"card": record}}, added_default=YESTERDAY)
    assert checked is not None
    assert checked.cards["card"]["added"] == "2026-11-21"


def test_everything_wrong_at_once() -> None:
    """Each bad entry and field counts once, however many there are."""
    record = good_record()
    record["history"] += [entry for _, entry in BAD_ENTRIES]
    record["last_activity"] = "yesterday"
    record["reminders"]["fired"] = "14"
    del record["balance"]
    checked = check_history({"cards": {"card": record}}, added_default=YESTERDAY)
    assert checked is not None
    assert checked.set_aside == len(BAD_ENTRIES) + 3
    assert checked.cards["card"]["history"] == GOOD_HISTORY


def use_like_the_hub(record: dict[str, Any]) -> None:
    """Read a checked record the way the hub, its sensors and its reminders do."""
    history = record["history"]
    figures = RenewalFigures.of(history)
    renewed = figures.last_renewed
    assert renewed is None or renewed.astimezone(UTC).tzinfo is UTC
    assert all(total >= 0 for total in figures.spent(date(2026, 11, 22)).values())
    assert all(isinstance(entry["source"], str) for entry in history)
    assert record["added"] == date.fromisoformat(record["added"]).isoformat()
    last_activity = record["last_activity"]
    for zone in ZONES:
        card = Card(
            expiry_date=date(2999, 12, 31),
            time_zone=zone,
            activity_interval_days=3660,
            last_activity=None if last_activity is None else date.fromisoformat(last_activity),
        )
        card_state(card, datetime(2026, 11, 22, tzinfo=UTC), (14, 7))
        reminders = record["reminders"]
        for key in ("deadline", "expired_for"):
            if reminders[key] is not None:
                at_time(date.fromisoformat(reminders[key]), time(23, 59), zone)
                at_time(date.fromisoformat(reminders[key]), time(0, 0), zone)
        if (snoozed := reminders["snoozed_until"]) is not None:
            # A day (older files) or the instant the snooze was set for, as the hub reads it.
            plan = ReminderPlan(
                deadline=date(2026, 12, 1), stages=(0,), at=time(9), zone=zone, card_zone=zone
            )
            snoozed_instant(snoozed, plan, 0, datetime(2026, 11, 22, tzinfo=UTC)).astimezone(UTC)
        assert sorted({*reminders["fired"], 3}, reverse=True)
    if (balance := record["balance"]) is not None:
        assert 0 <= float(balance["amount"]) <= 1_000_000
        datetime.fromisoformat(balance["as_of"]).astimezone(UTC)


@settings(max_examples=FUZZ_EXAMPLES)
@given(sample=files(slots=2))
def test_fuzzed_content_checks(sample: SampleFile) -> None:
    """Whatever the file holds, the check never fails, keeps every valid entry and counts."""
    card_ids = ["first", "second"]
    content = sample.content(card_ids)
    before = copy.deepcopy(content)
    checked = check_history(content, added_default=YESTERDAY)
    # Untouched; in a list, the NaN the copy shares with the content is equal to itself.
    assert [content] == [before]
    if not isinstance(content, dict) or not isinstance(content.get("cards"), dict):
        event("unknown layout")
        assert checked is None
        return
    assert checked is not None
    event("something set aside" if checked.set_aside else "intact")
    stored: dict[str, Any] = content["cards"]
    assert checked.cards.keys() == {key for key, value in stored.items() if isinstance(value, dict)}
    assert (checked.set_aside == 0) == (checked.cards == stored)
    for card_id, must_keep in sample.must_keep(card_ids).items():
        if must_keep:
            assert is_subsequence(must_keep, checked.cards[card_id]["history"])
    for card_id, record in checked.cards.items():
        original = stored[card_id].get("history")
        kept = record["history"]
        assert is_subsequence(kept, original if isinstance(original, list) else [])
        use_like_the_hub(record)
        assert record["added"] <= YESTERDAY.isoformat() or record["added"] == stored[card_id].get(
            "added"
        )
    # What is left is whole: checking it again finds nothing.
    again = check_history({"cards": checked.cards}, added_default=EARLIEST_DAY + timedelta(1))
    assert again is not None
    assert again.set_aside == 0
    assert is_intact({"cards": checked.cards})
