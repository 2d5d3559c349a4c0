"""The change rules on their own, without Home Assistant: what each change records and settles."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import example, given, strategies as st
import pytest

from custom_components.simrenew.card_config import CardConfig
from custom_components.simrenew.change_checks import ChangeRefusedError
from custom_components.simrenew.change_rules import (
    correction,
    moved_expiry,
    plan_confirmation,
    plan_correction,
    plan_renewal,
    renewal_fields,
    rolled_renewals,
    standing_expiry,
)
from custom_components.simrenew.expiry_adoption import adopt_anchor_day, adopt_expiry
from custom_components.simrenew.model import add_months
from custom_components.simrenew.records import CardRecord, HistoryEntry, empty_record
from custom_components.simrenew.renewal import Renewal
from custom_components.simrenew.undo_rules import plan_undo, undo_fields

from .conftest import CARD_DATA

PACKAGE = Path(__file__).parent.parent / "custom_components" / "simrenew"
# The domain: what decides, free of Home Assistant, so it is read and tested on its own.
DOMAIN_MODULES = (
    "change_rules",
    "change_checks",
    "undo_rules",
    "expiry_adoption",
    "card_views",
    "card_events",
    "records",
    "model",
    "message_outcomes",
)
TODAY = date(2026, 11, 22)
AT = "2026-11-22T04:00:00+00:00"
CURRENCIES = {"HKD", "CNY", "USD"}
MODES = ("from_renewal", "extend_expiry", "reset")


def imports_of(module: str) -> set[str]:
    """Return every module a package module imports, the package's own ones by name."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(("." * node.level) + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_the_rules_import_nothing_of_home_assistant(module: str) -> None:
    """Neither a rule nor anything of the package it reads imports Home Assistant."""
    seen: set[str] = set()
    waiting = [module]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported in imports_of(name):
            assert not imported.startswith("homeassistant"), (name, imported)
            if imported.startswith(".") and imported != ".":
                waiting.append(imported.lstrip(".").split(".")[0])
    assert module in seen


def config(**changes: Any) -> CardConfig:
    """Return a card's settings, as the hub reads them."""
    return CardConfig.from_data({**CARD_DATA, **changes})


def record_with(*entries: HistoryEntry, expiry: str = "2026-12-01") -> CardRecord:
    """Return a record holding `entries`, expiring on `expiry`."""
    record = empty_record("2026-06-01", expiry)
    record["history"] = list(entries)
    return record


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
renewals = st.builds(
    Renewal,
    source=st.just("action"),
    renewal_date=st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)),
    amount=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    currency=st.none() | st.sampled_from(["hkd", "CNY", "XXX", ""]),
    new_expiry=st.none() | days,
    confirmed=st.none() | st.booleans(),
)


@given(
    renewal=renewals,
    expiry=days,
    mode=st.sampled_from(MODES),
    period=st.integers(min_value=1, max_value=400),
)
def test_a_renewal_is_refused_by_name_or_moves_forward_from_the_expiry(
    renewal: Renewal, expiry: date, mode: str, period: int
) -> None:
    """Whatever is typed, a renewal is refused with a key or records a sound entry."""
    card = config(expiry_date=expiry.isoformat(), renewal_mode=mode, renewal_period=period)
    refused: ChangeRefusedError | None = None
    try:
        entry = plan_renewal(
            card, date(2026, 6, 1), renewal, today=TODAY, at=AT, currencies=CURRENCIES
        )
    except ChangeRefusedError as err:
        refused = err
    if refused is not None:
        assert refused.key
        assert all(isinstance(value, str) for value in refused.placeholders.values())
        return
    assert entry["old_expiry"] == expiry.isoformat()
    assert entry["new_expiry"] >= entry["date"]
    assert entry["date"] <= TODAY.isoformat()
    assert entry["currency"] in CURRENCIES
    assert entry["confirmed"] is (
        renewal.new_expiry is not None if renewal.confirmed is None else renewal.confirmed
    )
    fields = renewal_fields(card, record_with(expiry=expiry.isoformat()), [entry], "2026-11-23")
    assert fields["expiry"] == entry["new_expiry"]
    confirm = fields["reminders"]["confirm"]
    if entry["confirmed"]:
        assert confirm is None
    else:
        # Until the carrier confirms, the expiry that was in force stands.
        assert confirm is not None
        assert confirm["standing"] == expiry.isoformat()


@given(taps=st.lists(st.booleans(), min_size=1, max_size=6))
def test_the_first_unconfirmed_expiry_stands_through_every_later_tap(taps: list[bool]) -> None:
    """However many renewals follow unconfirmed, the expiry before the first one stands."""
    card = config()
    record = record_with()
    standing: str | None = None
    for n, confirmed in enumerate(taps):
        old = record["expiry"]
        new = (date.fromisoformat(old) + timedelta(days=30)).isoformat()
        entry: HistoryEntry = {
            "kind": "renewal",
            "at": f"2026-11-22T04:00:{n:02d}+00:00",
            "source": "button",
            "date": "2026-11-22",
            "old_expiry": old,
            "new_expiry": new,
            "confirmed": confirmed,
        }
        fields = renewal_fields(card, record, [entry], "2026-11-23")
        record["history"].append(entry)
        record.update(fields)  # type: ignore[typeddict-item]
        standing = None if confirmed else standing or old
        waited = standing_expiry(record)
        assert (None if waited is None else waited.isoformat()) == standing


@given(period=st.integers(min_value=1, max_value=400), confirmed=st.booleans())
def test_undo_restores_the_expiry_and_what_waited_before_the_renewal(
    period: int, confirmed: bool
) -> None:
    """A renewal taken back leaves the card as it was: its expiry, its use and its question."""
    card = config(renewal_period=period)
    record = record_with()
    before = {key: record[key] for key in ("expiry", "last_activity")}  # type: ignore[literal-required]
    renewal = plan_renewal(
        card,
        date(2026, 6, 1),
        Renewal(source="button", confirmed=confirmed),
        today=TODAY,
        at=AT,
        currencies=CURRENCIES,
    )
    record["history"].append(renewal)
    record.update(renewal_fields(card, record, [renewal], "2026-11-23"))  # type: ignore[typeddict-item]
    renewed = date.fromisoformat(record["expiry"])
    last, undo = plan_undo(card.name, record, renewed, TODAY, AT)
    assert last is renewal
    record["history"].remove(last)
    fields = undo_fields(card, record, last, undo)
    assert fields["expiry"] == before["expiry"] == undo["new_expiry"]
    assert fields["last_activity"] == before["last_activity"]
    assert fields["reminders"]["confirm"] is None
    with pytest.raises(ChangeRefusedError) as err:
        plan_undo(card.name, record_with(), date(2026, 12, 1), TODAY, AT)
    assert err.value.key == "nothing_to_undo"


@given(
    stored=days,
    chain=st.lists(days, max_size=5),
    anchor=st.none() | st.integers(min_value=1, max_value=31),
)
def test_an_old_file_adopts_its_expiry_from_the_settings_or_the_history_it_followed(
    stored: date, chain: list[date], anchor: int | None
) -> None:
    """The adopted expiry is the settings' or the history's last; nothing else is invented."""
    history = [
        correction(AT, "action", old.isoformat(), new.isoformat())
        for old, new in zip([stored, *chain], chain, strict=False)
    ]
    record = record_with(*history)
    del record["expiry"]
    adoption = adopt_expiry(record, config(expiry_date=stored.isoformat(), anchor_day=anchor), AT)
    last = history[-1]["new_expiry"] if history else stored.isoformat()
    assert adoption.fields["expiry"] in {stored.isoformat(), last}
    if adoption.entry is not None:
        assert adoption.entry["old_expiry"] == last
        assert adoption.entry["new_expiry"] == stored.isoformat()
    # A chain that starts at the settings' expiry was written by the history first.
    assert adoption.fields["expiry"] == last
    assert adoption.entry is None
    # Settings moved elsewhere without a record: that move is recorded, and it counts.
    elsewhere = (date.fromisoformat(last) + timedelta(days=400)).isoformat()
    if history and elsewhere not in {e["old_expiry"] for e in history}:
        moved = adopt_expiry(record, config(expiry_date=elsewhere, anchor_day=anchor), AT)
        assert moved.fields == {"expiry": elsewhere, "anchor_day": anchor}
        assert moved.entry == correction(AT, "reconfigure", last, elsewhere)


@given(new=days, anchor=st.none() | st.integers(min_value=1, max_value=31))
def test_an_expiry_keeps_a_monthly_day_only_when_it_is_not_its_own(
    new: date, anchor: int | None
) -> None:
    """The anchor is kept only when it differs from the day the expiry falls on."""
    fields = moved_expiry(new.isoformat(), anchor)
    assert fields["expiry"] == new.isoformat()
    assert fields["anchor_day"] == (None if anchor == new.day else anchor)


def test_a_self_renewing_card_records_one_unconfirmed_renewal_per_period() -> None:
    """Three months past its expiry, a monthly card has renewed itself three times."""
    card = config(
        auto_renew=True,
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="extend_expiry",
        expiry_date="2026-08-31",
    )
    entries = rolled_renewals(card, date(2026, 11, 22), AT)
    assert [(e["old_expiry"], e["new_expiry"]) for e in entries] == [
        ("2026-08-31", "2026-09-30"),
        ("2026-09-30", "2026-10-31"),
        ("2026-10-31", "2026-11-30"),
    ]
    assert all(e["confirmed"] is False and e["channel"] == "auto_renew" for e in entries)
    fields = renewal_fields(card, record_with(expiry="2026-08-31"), entries, "2026-11-23")
    assert (fields["expiry"], fields["anchor_day"]) == ("2026-11-30", 31)


@given(stated=st.none() | days, waiting=st.booleans(), pending_only=st.booleans())
def test_a_confirmation_corrects_only_a_different_date_and_refuses_when_nothing_waits(
    stated: date | None, waiting: bool, pending_only: bool
) -> None:
    """The carrier's same date records nothing; another is a correction; a press needs a wait."""
    card = config()
    record = record_with()
    if waiting:
        record["reminders"]["confirm"] = {"renewal": AT, "due": "2026-11-23", "fired": False}
    refused: ChangeRefusedError | None = None
    try:
        entry = plan_confirmation(
            card, record, stated, today=TODAY, at=AT, source="message", pending_only=pending_only
        )
    except ChangeRefusedError as err:
        refused = err
    if refused is not None:
        assert refused.key in {"nothing_to_confirm", "expiry_out_of_range"}
        assert refused.key != "nothing_to_confirm" or (pending_only and not waiting)
        return
    assert not (pending_only and not waiting)
    if stated is None or stated == card.expiry_date:
        assert entry is None
    else:
        assert entry == correction(AT, "message", "2026-12-01", stated.isoformat())


@given(
    expiry=st.dates(min_value=date(2020, 1, 1), max_value=date(2050, 12, 31)),
    anchor=st.none() | st.integers(min_value=29, max_value=31),
    reference=st.none() | st.text(max_size=8),
)
def test_an_expiry_set_by_hand_is_refused_by_name_or_recorded_from_the_card_s_own(
    expiry: date, anchor: int | None, reference: str | None
) -> None:
    """A plausible date is recorded from the card's expiry, with no monthly day kept past it."""
    card = config(anchor_day=anchor)
    if not date(2025, 11, 22) <= expiry <= date(2046, 11, 22):
        with pytest.raises(ChangeRefusedError) as refused:
            plan_correction(card, expiry, today=TODAY, at=AT, source="action")
        assert refused.value.key == "expiry_out_of_range"
        return
    entry, fields = plan_correction(
        card, expiry, today=TODAY, at=AT, source="action", reference=reference
    )
    expected = correction(AT, "action", "2026-12-01", expiry.isoformat())
    if reference:
        expected["reference"] = reference
    assert entry == expected
    assert fields == {"expiry": expiry.isoformat(), "anchor_day": None}


MONTHLY = {"renewal_period": 1, "renewal_period_unit": "months", "renewal_mode": "extend_expiry"}


@given(
    start=st.builds(
        lambda month, day: add_months(date(2026, 12, 1), month, day),
        st.integers(min_value=0, max_value=24),
        st.integers(min_value=28, max_value=31),
    ).filter(lambda day: day >= TODAY)
    | st.sampled_from([date(2027, 1, 31), date(2028, 1, 30)]),
    steps=st.lists(st.sampled_from(["renew", "renew", "undo", "correct"]), max_size=8),
)
@example(start=date(2027, 1, 31), steps=["renew", "renew", "undo", "renew"])
def test_the_monthly_day_survives_undos_and_is_worked_out_again_from_the_history(
    start: date, steps: list[str]
) -> None:
    """A monthly card keeps its day through renewals and undos; a lost day is found again.

    After each step the next renewal lands where the card's own rule says; an undo leaves the
    card exactly as before its renewal; and a record whose day was set aside gets the same day
    back from its settings and history.
    """
    added = config(**MONTHLY, expiry_date=start.isoformat())
    record = empty_record("2026-01-01", start.isoformat())
    before: list[tuple[str, int | None]] = []
    for n, step in enumerate(steps):
        at = f"2026-11-22T04:{n:02d}:00+00:00"
        card = dataclasses.replace(
            added,
            expiry_date=date.fromisoformat(record["expiry"]),
            anchor_day=record["anchor_day"],
        )
        if step == "renew":
            source = Renewal(source="button", confirmed=True)
            entry = plan_renewal(card, TODAY, source, today=TODAY, at=at, currencies=CURRENCIES)
            day = card.anchor_day or card.expiry_date.day
            assert date.fromisoformat(entry["new_expiry"]).day in {day, 28, 29, 30}
            before.append((record["expiry"], record["anchor_day"]))
            record["history"].append(entry)
            record.update(renewal_fields(card, record, [entry], "2026-11-23"))  # type: ignore[typeddict-item]
        elif step == "undo" and before:
            last, undo = plan_undo(card.name, record, card.expiry_date, TODAY, at)
            record["history"].remove(last)
            record.update(undo_fields(card, record, last, undo))  # type: ignore[typeddict-item]
            record["history"].append(undo)
            assert (record["expiry"], record["anchor_day"]) == before.pop()
        elif step == "correct":
            moved = (card.expiry_date + timedelta(days=3)).isoformat()
            record["history"].append(correction(at, "action", record["expiry"], moved))
            record.update(moved_expiry(moved))  # type: ignore[typeddict-item]
            before.clear()
        assert adopt_anchor_day(record, added) == record["anchor_day"]
