"""History file contents for tests: a good card record, damaged shapes, and strategies."""

from __future__ import annotations

from collections.abc import Sequence
import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

RENEWAL: dict[str, Any] = {
    "kind": "renewal",
    "at": "2026-05-15T02:00:00+00:00",
    "source": "action",
    "date": "2026-05-15",
    "old_expiry": "2026-06-01",
    "new_expiry": "2026-12-01",
    "amount": 50.0,
    "currency": "HKD",
    "channel": "app",
    "payment_method": "Alipay",
    "reference": "R1",
}
CORRECTION: dict[str, Any] = {
    "kind": "correction",
    "at": "2026-06-01T02:00:00+00:00",
    "source": "reconfigure",
    "old_expiry": "2026-11-30",
    "new_expiry": "2026-12-01",
}
BALANCE: dict[str, Any] = {
    "kind": "balance",
    "at": "2026-10-01T02:00:00+00:00",
    "source": "action",
    "amount": 7.0,
    "currency": "HKD",
}
ACTIVITY: dict[str, Any] = {
    "kind": "activity",
    "at": "2026-11-01T02:00:00+00:00",
    "source": "action",
    "date": "2026-11-01",
}
GOOD_HISTORY = [RENEWAL, CORRECTION, BALANCE, ACTIVITY]


def good_record() -> dict[str, Any]:
    """Return a card record with one entry of each kind and every field set."""
    return {
        "added": "2026-01-01",
        "history": copy.deepcopy(GOOD_HISTORY),
        "balance": {"amount": 7.0, "currency": "HKD", "as_of": "2026-10-01T02:00:00+00:00"},
        "last_activity": "2026-11-01",
        "reminders": {
            "deadline": "2026-12-01",
            "fired": [14],
            "expired_for": None,
            "snoozed_until": "2026-11-25",
        },
    }


def without(entry: dict[str, Any], key: str) -> dict[str, Any]:
    """Return `entry` without `key`."""
    return {name: value for name, value in entry.items() if name != key}


def changed(entry: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Return `entry` with some fields changed."""
    return {**entry, **changes}


# Entries the hub cannot use: each is set aside, and the entries around it are kept.
BAD_ENTRIES: list[tuple[str, object]] = [
    ("entry_is_a_string", "renewed on 15 May"),
    ("entry_is_a_number", 42),
    ("entry_is_null", None),
    ("entry_is_a_list", [RENEWAL]),
    ("unknown_kind", changed(RENEWAL, kind="refund")),
    ("kind_missing", without(RENEWAL, "kind")),
    ("kind_not_text", changed(RENEWAL, kind=["renewal"])),
    ("renewal_without_date", without(RENEWAL, "date")),
    ("renewal_date_impossible", changed(RENEWAL, date="2026-02-30")),
    ("renewal_date_compact", changed(RENEWAL, date="20260515")),
    ("renewal_date_year_1", changed(RENEWAL, date="0001-01-01")),
    ("renewal_date_year_9999", changed(RENEWAL, date="9999-12-31")),
    ("renewal_without_old_expiry", without(RENEWAL, "old_expiry")),
    ("renewal_new_expiry_not_a_date", changed(RENEWAL, new_expiry="next year")),
    ("renewal_without_currency", without(RENEWAL, "currency")),
    ("renewal_currency_lowercase", changed(RENEWAL, currency="hkd")),
    ("amount_not_a_number", changed(RENEWAL, amount="abc")),
    ("amount_nan", changed(RENEWAL, amount=float("nan"))),
    ("amount_infinite", changed(RENEWAL, amount=float("inf"))),
    ("amount_negative", changed(RENEWAL, amount=-5)),
    ("amount_too_large", changed(RENEWAL, amount=1_000_001)),
    ("amount_boolean", changed(RENEWAL, amount=True)),
    ("channel_not_text", changed(RENEWAL, channel=3)),
    ("reference_not_text", changed(RENEWAL, reference=123)),
    ("at_not_a_time", changed(RENEWAL, at="yesterday")),
    ("at_without_offset", changed(RENEWAL, at="2026-05-15T10:00:00")),
    ("at_missing", without(RENEWAL, "at")),
    ("source_missing", without(RENEWAL, "source")),
    ("source_not_text", changed(RENEWAL, source=None)),
    ("correction_without_new_expiry", without(CORRECTION, "new_expiry")),
    ("correction_old_expiry_not_a_date", changed(CORRECTION, old_expiry=20261130)),
    ("balance_without_amount", without(BALANCE, "amount")),
    ("balance_amount_infinite", changed(BALANCE, amount=float("-inf"))),
    ("balance_currency_not_text", changed(BALANCE, currency=7)),
    ("activity_without_date", without(ACTIVITY, "date")),
    ("activity_date_not_a_date", changed(ACTIVITY, date="1 November")),
]

REMOVE = object()
EMPTY_REMINDERS = {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None}

# Fields of a card record that are reset to a safe value: (name, where, stored, reset to).
BAD_FIELDS: list[tuple[str, tuple[str, ...], object, object]] = [
    ("last_activity_not_a_date", ("last_activity",), "yesterday", None),
    ("last_activity_missing", ("last_activity",), REMOVE, None),
    ("balance_missing", ("balance",), REMOVE, None),
    ("balance_amount_not_a_number", ("balance", "amount"), "abc", None),
    ("balance_amount_nan", ("balance", "amount"), float("nan"), None),
    ("balance_currency_not_a_code", ("balance", "currency"), "dollars", None),
    ("balance_as_of_not_a_time", ("balance", "as_of"), "now", None),
    ("balance_is_a_list", ("balance",), [7, "HKD"], None),
    ("reminders_missing", ("reminders",), REMOVE, EMPTY_REMINDERS),
    ("reminders_not_a_dict", ("reminders",), [14, 7], EMPTY_REMINDERS),
    ("fired_is_text", ("reminders", "fired"), "14", []),
    ("fired_holds_text", ("reminders", "fired"), ["14"], []),
    ("fired_holds_booleans", ("reminders", "fired"), [True], []),
    ("fired_missing", ("reminders", "fired"), REMOVE, []),
    ("deadline_not_a_date", ("reminders", "deadline"), 5, None),
    ("snoozed_until_not_a_date", ("reminders", "snoozed_until"), "soon", None),
    ("expired_for_not_a_date", ("reminders", "expired_for"), "2026-13-01", None),
    # An unreadable `added` falls back to the earliest day in the card's history.
    ("added_not_a_date", ("added",), "1 January", "2026-05-15"),
    ("added_missing", ("added",), REMOVE, "2026-05-15"),
]


def damage_field(record: dict[str, Any], where: Sequence[str], stored: object) -> None:
    """Store `stored` at `where` in the record, or remove the field for REMOVE."""
    *parents, name = where
    target = record
    for parent in parents:
        target = target[parent]
    if stored is REMOVE:
        del target[name]
    else:
        target[name] = stored


def reset_field(record: dict[str, Any], where: Sequence[str], value: object) -> dict[str, Any]:
    """Return a copy of the record with the field at `where` holding its reset value."""
    result = copy.deepcopy(record)
    if where[0] == "balance" and value is None:
        result["balance"] = None
    elif where[0] == "reminders" and len(where) == 1:
        result["reminders"] = copy.deepcopy(value)
    else:
        damage_field(result, where, copy.deepcopy(value))
    return result


# Strategies. Days and instants stay inside what the hub can store; amounts inside 0..1,000,000.
DAYS = st.dates(date(1970, 1, 1), date(2999, 12, 31)).map(date.isoformat)
OFFSETS = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-12)),
        timezone(timedelta(hours=14)),
    ]
)
INSTANTS = st.datetimes(datetime(1970, 1, 2), datetime(2999, 12, 30), timezones=OFFSETS).map(
    datetime.isoformat
)
MONEY = st.integers(0, 1_000_000) | st.floats(0, 1_000_000)
CURRENCIES = st.sampled_from(["HKD", "CNY", "USD"]) | st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3
)
TEXT = st.sampled_from(["action", "reconfigure", "app", "", "支付寶"]) | st.text(max_size=8)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2026-11-22", "2026-11-22T04:00:00+00:00", "HKD", "renewal"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
# Values that look nearly right, which a hand-edited or half-written file tends to hold.
NEAR_MISSES = st.sampled_from(
    [
        "yesterday",
        "2026-02-30",
        "20261122",
        "2026-11-22T10:00:00",
        "2026-11-22 10:00:00+08:00",
        "0001-01-01",
        "9999-12-31T23:59:59-12:00",
        "hkd",
        "HK$",
        "14",
        "",
        -1,
        1_000_001,
        float("nan"),
        float("inf"),
        True,
        [14],
        {},
    ]
)
ODD_VALUES = NEAR_MISSES | JSON

_OPTIONAL = {"reference": TEXT, "note": JSON}
VALID_ENTRIES = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.just("renewal"),
            "at": INSTANTS,
            "source": TEXT,
            "date": DAYS,
            "old_expiry": DAYS,
            "new_expiry": DAYS,
            "currency": CURRENCIES,
        },
        optional={**_OPTIONAL, "amount": MONEY, "channel": TEXT, "payment_method": TEXT},
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("correction"),
            "at": INSTANTS,
            "source": TEXT,
            "old_expiry": DAYS,
            "new_expiry": DAYS,
        },
        optional=_OPTIONAL,
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("balance"),
            "at": INSTANTS,
            "source": TEXT,
            "amount": MONEY,
            "currency": CURRENCIES,
        },
        optional=_OPTIONAL,
    ),
    st.fixed_dictionaries(
        {"kind": st.just("activity"), "at": INSTANTS, "source": TEXT, "date": DAYS},
        optional=_OPTIONAL,
    ),
)
VALID_BALANCES = st.none() | st.fixed_dictionaries(
    {"amount": MONEY, "currency": CURRENCIES, "as_of": INSTANTS}
)
VALID_REMINDERS = st.fixed_dictionaries(
    {
        "deadline": st.none() | DAYS,
        "fired": st.lists(st.integers(0, 365), max_size=5),
        "expired_for": st.none() | DAYS,
        "snoozed_until": st.none() | DAYS,
    }
)


@st.composite
def perturbed(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> object:
    """Return a valid value with one thing done to it: a key dropped or changed, or replaced."""
    value = draw(valid)
    how = draw(st.sampled_from(["drop", "change", "change", "replace"]))
    if how == "replace" or not value:
        return draw(ODD_VALUES)
    key = draw(st.sampled_from(sorted(value)))
    if how == "drop":
        del value[key]
    else:
        value[key] = draw(ODD_VALUES)
    return value


@dataclass(frozen=True, slots=True)
class SampleRecord:
    """A card record, mostly valid, and the entries in it that no check may drop."""

    record: object
    must_keep: list[dict[str, Any]]


@st.composite
def records(draw: st.DrawFn) -> SampleRecord:
    """Return a card record made of valid parts, some of them perturbed."""
    tagged = draw(
        st.lists(
            st.tuples(st.just(True), VALID_ENTRIES)
            | st.tuples(st.just(False), perturbed(VALID_ENTRIES)),
            max_size=4,
        )
    )
    history = [entry for _, entry in tagged]
    must_keep: list[dict[str, Any]] = [entry for valid, entry in tagged if valid]
    record: dict[str, Any] = {
        "added": draw(DAYS),
        "history": history,
        "balance": draw(VALID_BALANCES),
        "last_activity": draw(st.none() | DAYS),
        "reminders": draw(VALID_REMINDERS),
    }
    how = draw(st.sampled_from(["keep", "keep", "drop", "change", "reminders", "replace"]))
    if how == "replace":
        return SampleRecord(draw(ODD_VALUES), [])
    if how == "reminders":
        record["reminders"] = draw(perturbed(st.just(record["reminders"])))
    elif how != "keep":
        key = draw(st.sampled_from(sorted(record)))
        if how == "drop":
            del record[key]
        else:
            record[key] = draw(ODD_VALUES)
        if key == "history":
            must_keep = []
    return SampleRecord(record, must_keep)


@dataclass(frozen=True, slots=True)
class SampleFile:
    """The content of a history file: records for the configured cards, others, or junk."""

    mine: list[SampleRecord]
    others: dict[str, SampleRecord]
    junk: object | None

    def content(self, card_ids: Sequence[str]) -> object:
        """Return the file's content with the records of `mine` under the given card ids."""
        if self.junk is not None:
            return self.junk
        cards = {
            card_id: sample.record for card_id, sample in zip(card_ids, self.mine, strict=False)
        }
        return {"cards": {**{k: v.record for k, v in self.others.items()}, **cards}}

    def must_keep(self, card_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Return, by card id, the valid entries that must survive loading."""
        if self.junk is not None:
            return {}
        return {card_id: s.must_keep for card_id, s in zip(card_ids, self.mine, strict=False)}


def files(slots: int) -> st.SearchStrategy[SampleFile]:
    """Return history file contents for a hub with `slots` cards."""
    return st.builds(
        SampleFile,
        mine=st.lists(records(), max_size=slots),
        others=st.dictionaries(
            st.text(min_size=1, max_size=6),
            st.builds(SampleRecord, ODD_VALUES, st.just([])) | records(),
            max_size=1,
        ),
        junk=st.none() | st.none() | st.none() | JSON,
    )
