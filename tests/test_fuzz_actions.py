"""Fuzzing every action, renew to list_cards, with any target and any data.

Each example is one call with any target and any data. It is either refused (a translated
error naming no raw id and no phone number, or a schema error) with nothing changed, or its
effect is stored in the contract's types and reads back the same. Either way the hub stays
loaded and every card counts its days.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
import json
import math
from typing import Any
import unicodedata

from freezegun.api import FrozenDateTimeFactory
from hypothesis import event, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.action_inputs import CHANNELS, MAX_HISTORY_LIMIT, MAX_NOTE_LENGTH
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.model import MONEY_MAX
from custom_components.simrenew.receipts import HISTORY_KINDS
from custom_components.simrenew.validation import vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers import (
    area_registry as ar,
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)
from homeassistant.util import dt as dt_util

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, device_of, expiry_of, setup_entry
from .fuzzing import (
    FUZZ_SETTINGS,
    assert_card_stored_canonically,
    assert_hub_counts_days,
    assert_translated,
    date_texts,
    mostly,
    numbers,
    phone_numbers_of,
    snapshot,
    texts,
    trim_history,
    wrong_types,
)

NOW = datetime(2026, 11, 22, 4, tzinfo=UTC)
# Mum's card has these besides its default plan, "180 days".
MUM_PLANS = [
    {
        "name": "Yearly",
        "renewal_period": 12,
        "renewal_period_unit": "months",
        "renewal_cost": 388.0,
    },
    {"name": "Monthly", "renewal_period": 1, "renewal_period_unit": "months"},
]
PLAN_NAMES = ["Yearly", "yearly ", "ＹＥＡＲＬＹ", "Monthly", "180 days", "180 Days", "Weekly", ""]
MUM = "sensor.mum_s_cmhk_days_until_expiry"
DAD = "sensor.dad_s_csl_status"
OLD = "binary_sensor.old_sim_renewal_due"


@dataclass
class Household:
    """The hub under test and the ids its targets are made of."""

    entry: MockConfigEntry
    targets: dict[str, dict[str, Any]]
    raw_ids: list[str]
    # Built once per test: building strategies anew for every example is slow.
    calls: dict[str, st.SearchStrategy[dict[str, Any]]] = field(default_factory=dict)

    def call(self, service: str) -> st.SearchStrategy[dict[str, Any]]:
        """Return the strategy of a call's data."""
        if service not in self.calls:
            self.calls[service] = call_data(service, self)
        return self.calls[service]


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to(NOW)


@pytest.fixture
async def household(
    hass: HomeAssistant,
    area_registry: ar.AreaRegistry,
    floor_registry: fr.FloorRegistry,
    label_registry: lr.LabelRegistry,
    entity_registry: er.EntityRegistry,
) -> Household:
    """Return three cards, the hub and another integration's things in areas and labels."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(plans=MUM_PLANS),
            card_subentry(
                **DAD_CARD,
                activity_interval_days=30,
            ),
            card_subentry(
                name="Old SIM",
                phone_number="+8613812345678",
                expiry_date="2026-11-20",
                renewal_period=1,
                renewal_period_unit="months",
                renewal_mode="extend_expiry",
                time_zone="Pacific/Kiritimati",
                currency="CNY",
            ),
        ],
    )
    await setup_entry(hass, entry)
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    devices = dr.async_get(hass)
    lamp = devices.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "lamp")}, name="Lamp"
    )
    entity_registry.async_get_or_create("sensor", "other", "y", config_entry=other)
    floor = floor_registry.async_create("Upstairs")
    area = area_registry.async_create("Study", floor_id=floor.floor_id)
    label = label_registry.async_create("Phones")
    mum_id = next(iter(entry.subentries))
    mum = device_of(hass, entry, mum_id)
    hub = device_of(hass, entry, entry.entry_id)
    assert mum is not None
    assert hub is not None
    for device_id in (mum.id, hub.id, lamp.id):
        devices.async_update_device(device_id, area_id=area.id)
    entity_registry.async_update_entity(DAD, labels={label.label_id})
    targets: dict[str, dict[str, Any]] = {
        "mum": {"entity_id": MUM},
        "dad": {"entity_id": [DAD]},
        "old": {"entity_id": OLD},
        "mum and dad": {"entity_id": [MUM, DAD]},
        "mum's device": {"device_id": mum.id},
        "hub device": {"device_id": [hub.id]},
        "lamp": {"device_id": lamp.id},
        "study": {"area_id": area.id},
        "upstairs": {"floor_id": floor.floor_id},
        "phones": {"label_id": label.label_id},
        "calendar": {"entity_id": "calendar.sim_renew_calendar"},
        "another integration": {"entity_id": "sensor.other_y"},
        "unknown entity": {"entity_id": "sensor.nothing_here"},
        "unknown device": {"device_id": "0" * 32},
        "unknown area": {"area_id": "nowhere"},
        "all": {"entity_id": "all"},
        "none": {"entity_id": "none", "device_id": "none"},
        "nothing": {},
    }
    raw_ids = [entry.entry_id, *entry.subentries, mum.id, hub.id, lamp.id, other.entry_id]
    return Household(entry, targets, raw_ids)


def targets(household: Household) -> st.SearchStrategy[dict[str, Any]]:
    """Return any target: named ones combined, or odd values in the target fields."""
    named = st.lists(st.sampled_from(sorted(household.targets)), min_size=1, max_size=2).map(
        lambda names: {k: v for name in names for k, v in household.targets[name].items()}
    )
    odd = st.dictionaries(
        st.sampled_from(["entity_id", "device_id", "area_id", "floor_id", "label_id"]),
        st.one_of(texts(), wrong_types(), st.lists(texts(), max_size=2)),
        min_size=1,
        max_size=2,
    )
    return mostly(named, odd, tenths=8)


TODAY = "2026-11-22"
WINDOW = st.dates(min_value=date(2025, 11, 22), max_value=date(2046, 11, 22)).map(date.isoformat)


def amounts() -> st.SearchStrategy[object]:
    """Return amounts: sums, boundaries, numbers as text, and everything else."""
    return mostly(
        st.one_of(st.floats(min_value=0, max_value=MONEY_MAX), st.sampled_from([0, 48, MONEY_MAX])),
        st.one_of(numbers(huge=True), texts(), wrong_types(), st.just("12.5")),
    )


def currencies() -> st.SearchStrategy[object]:
    """Return currency codes, in any case, and things that are none."""
    return mostly(
        st.sampled_from(["HKD", "cny", "USD", "Eur"]),
        st.one_of(st.sampled_from(["XXX", "XYZ", "ＨＫＤ", "hkd "]), texts(), wrong_types()),
    )


def notes() -> st.SearchStrategy[object]:
    """Return payment methods or references: short notes, long texts, hidden characters."""
    return mostly(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789- ", max_size=MAX_NOTE_LENGTH),
        st.one_of(texts(), wrong_types(), st.just("x" * (MAX_NOTE_LENGTH + 1))),
    )


def days_used() -> st.SearchStrategy[object]:
    """Return the day of a renewal or use: today, before the card was added, or no day."""
    return mostly(st.just(TODAY), st.one_of(date_texts(), wrong_types()), tenths=5)


def expiries() -> st.SearchStrategy[object]:
    """Return expiry dates: plausible ones, and the rest."""
    return mostly(WINDOW, st.one_of(date_texts(), wrong_types()), tenths=6)


OFFSETS = [timezone(timedelta(hours=hours)) for hours in (-12, 0, 8, 14)]


def instants() -> st.SearchStrategy[object]:
    """Return instants as text: recent, future, at the ends of the calendar, naive, odd."""
    recent = st.datetimes(
        min_value=datetime(2026, 11, 1), max_value=datetime(2026, 11, 23), timezones=st.none()
    )
    return st.one_of(
        st.tuples(recent, st.sampled_from(OFFSETS)).map(
            lambda pair: pair[0].replace(tzinfo=pair[1]).isoformat()
        ),
        recent.map(datetime.isoformat),
        st.datetimes().map(datetime.isoformat),
        st.sampled_from(
            [
                "0001-01-01T00:00:00+08:00",
                "9999-12-31T23:59:59-12:00",
                "2026-11-22 12:00",
                "2026-11-22T25:00",
                "now",
            ]
        ),
        wrong_types(),
    )


FIELDS: dict[str, dict[str, st.SearchStrategy[object]]] = {
    "renew": {
        "date": days_used(),
        "amount": amounts(),
        "currency": currencies(),
        "channel": mostly(st.sampled_from(CHANNELS), texts()),
        "payment_method": notes(),
        "reference": notes(),
        "new_expiry": expiries(),
        "plan": mostly(st.sampled_from(PLAN_NAMES), st.one_of(texts(), wrong_types())),
    },
    "set_expiry": {"expiry_date": expiries(), "reference": notes()},
    "set_balance": {"amount": amounts(), "currency": currencies(), "as_of": instants()},
    "record_activity": {"date": days_used()},
    "snooze": {
        "days": mostly(st.integers(1, 30), st.one_of(numbers(huge=True), texts(), wrong_types()))
    },
    "confirm_renewal": {"expiry_date": expiries()},
    "undo_renewal": {},
    "history": {
        "kind": mostly(
            st.one_of(
                st.lists(st.sampled_from(HISTORY_KINDS), max_size=5),
                st.sampled_from(HISTORY_KINDS),
            ),
            st.one_of(
                texts(), wrong_types(), st.lists(st.one_of(texts(), wrong_types()), max_size=3)
            ),
        ),
        "limit": mostly(
            st.integers(1, MAX_HISTORY_LIMIT),
            st.one_of(numbers(huge=True), texts(), wrong_types(), st.just("3")),
        ),
    },
}
RESPONDS = ("renew", "undo_renewal", "history")
# Actions that act on a renewal recorded before: each example may first record one.
AFTER_RENEWAL = ("confirm_renewal", "undo_renewal", "history")
# A call with its required fields; examples change a few fields of it, or leave them out.
BASE: dict[str, dict[str, object]] = {
    "set_expiry": {"expiry_date": "2027-03-01"},
    "set_balance": {"amount": 12.5},
}
LEAVE_OUT = object()


def call_data(service: str, household: Household) -> st.SearchStrategy[dict[str, Any]]:
    """Return a call's data: a target and the action's fields, a few of them changed."""
    fields = FIELDS[service]
    if not fields:
        return targets(household)
    change = st.sampled_from(sorted(fields)).flatmap(
        lambda key: st.tuples(st.just(key), mostly(fields[key], st.just(LEAVE_OUT), tenths=9))
    )
    return st.tuples(targets(household), st.lists(change, max_size=3)).map(
        lambda drawn: _call(BASE.get(service, {}), *drawn)
    )


def _call(
    base: dict[str, object], target: dict[str, Any], changes: list[tuple[str, object]]
) -> dict[str, Any]:
    """Return the data of one call."""
    data = {**target, **base}
    for key, value in changes:
        if value is LEAVE_OUT:
            data.pop(key, None)
        else:
            data[key] = value
    return data


async def _fuzz(
    hass: HomeAssistant, household: Household, service: str, data: st.DataObject
) -> None:
    """Make one call with drawn data and check what it did."""
    entry = household.entry
    payload = data.draw(household.call(service), label="data")
    trim_history(entry)
    if service in AFTER_RENEWAL and (renewed := data.draw(PRIOR_RENEWALS, label="renewed")):
        # A card renewed to 20 years ahead is renewed no further; that is no part of the test.
        with contextlib.suppress(ServiceValidationError):
            await hass.services.async_call(DOMAIN, "renew", {"entity_id": renewed}, blocking=True)
        await hass.async_block_till_done()
    before = snapshot(entry)
    hidden = [*household.raw_ids, *phone_numbers_of(entry)]
    hidden = [secret for secret in hidden if secret not in repr(payload)]
    try:
        response = await hass.services.async_call(
            DOMAIN,
            service,
            payload,
            blocking=True,
            return_response=service in RESPONDS,
        )
    except ServiceValidationError as err:
        event(f"refused: {assert_translated(err, hidden)}")
        await hass.async_block_till_done()
        assert snapshot(entry) == before
    except vol.Invalid:
        event("schema error")
        assert snapshot(entry) == before
    else:
        event("accepted")
        await hass.async_block_till_done()
        _check_stored(service, payload, before, entry, response)
        assert not any(secret in json.dumps(response) for secret in phone_numbers_of(entry))
    assert_hub_counts_days(hass, entry)


def _check_stored(
    service: str,
    payload: dict[str, Any],
    before: tuple[Any, ...],
    entry: MockConfigEntry,
    response: Any,
) -> None:
    """Check that what a call stored has the contract's types and reads back as given."""
    records = entry.runtime_data.records
    changed = [card_id for card_id in entry.subentries if records[card_id] != before[2][card_id]]
    if service == "history":
        assert not changed
        _check_history(response, payload, records)
        return
    assert changed or service in ("snooze", "confirm_renewal")
    for card_id in entry.subentries:
        assert_card_stored_canonically(entry.subentries[card_id].data)
    for card_id in changed:
        record = records[card_id]
        if service == "set_balance":
            _check_balance(record["balance"], payload)
        elif service == "snooze":
            assert datetime.fromisoformat(record["reminders"]["snoozed_until"]).tzinfo
        elif service == "confirm_renewal":
            assert record["reminders"]["confirm"] is None
            if (confirmed := _given_day(payload, "expiry_date")) is not None:
                assert expiry_of(entry, card_id) == confirmed
        else:
            _check_entry(service, record["history"][-1], payload)
            if service != "record_activity":
                expiry = expiry_of(entry, card_id)
                assert record["history"][-1]["new_expiry"] == expiry
    if service in ("renew", "undo_renewal"):
        assert {card["card_id"] for card in response["cards"]} == set(changed)
        for card in response["cards"]:
            assert expiry_of(entry, card["card_id"]) == card["new_expiry"]


def _check_history(response: Any, payload: dict[str, Any], records: dict[str, Any]) -> None:
    """Check a history response: each card's entries of the kinds asked, newest first, capped."""
    kinds = payload.get("kind", list(HISTORY_KINDS))
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    limit = payload.get("limit")
    for card in response["cards"]:
        history = records[card["card_id"]]["history"]
        wanted = [entry for entry in history if entry["kind"] in kinds]
        entries = card["entries"]
        assert all(entry["kind"] in kinds for entry in entries)
        instants = [datetime.fromisoformat(entry["at"]) for entry in entries]
        assert instants == sorted(instants, reverse=True)
        assert len(entries) == min(len(wanted), len(wanted) if limit is None else int(limit))
        assert all(entry in wanted for entry in entries)
        json.dumps(card)


def _given_day(payload: dict[str, Any], key: str) -> str | None:
    """Return a day given in the call as the action read it, in ISO form."""
    return cv.date(payload[key]).isoformat() if key in payload else None


def _check_balance(balance: dict[str, Any], payload: dict[str, Any]) -> None:
    """Check a recorded balance: the sum, currency and instant given, in canonical form."""
    assert type(balance["amount"]) is float
    assert math.isfinite(balance["amount"])
    assert 0 <= balance["amount"] <= MONEY_MAX
    assert balance["amount"] == float(payload["amount"])
    assert balance["currency"] in ACTIVE_CURRENCIES
    if currency := payload.get("currency"):
        # An empty currency is none given: the card's own.
        assert balance["currency"] == cv.string(currency).upper()
    as_of = datetime.fromisoformat(balance["as_of"])
    assert as_of <= NOW
    if "as_of" in payload:
        assert as_of == dt_util.as_utc(cv.datetime(payload["as_of"]))


def _check_entry(service: str, last: dict[str, Any], payload: dict[str, Any]) -> None:
    """Check a history entry: the dates, sum, currency and notes given, in canonical form."""
    if service == "record_activity":
        assert last["date"] == (_given_day(payload, "date") or TODAY)
        return
    if service == "set_expiry":
        assert last["new_expiry"] == _given_day(payload, "expiry_date")
    if service == "undo_renewal":
        assert last["kind"] == "undo"
        assert last["new_expiry"] == last["renewal"]["old_expiry"]
    if service == "renew":
        assert last["date"] == (_given_day(payload, "date") or TODAY)
        if (new_expiry := _given_day(payload, "new_expiry")) is not None:
            assert last["new_expiry"] == new_expiry
        if "amount" in payload:
            assert last["amount"] == float(payload["amount"])
        if "amount" in last:
            assert type(last["amount"]) is float
            assert 0 <= last["amount"] <= MONEY_MAX
        assert last["currency"] in ACTIVE_CURRENCIES
        assert last["channel"] == payload.get("channel", "other")
        _check_plan(last, payload)
    for key in ("payment_method", "reference"):
        if key in last:
            assert len(last[key]) <= MAX_NOTE_LENGTH
            assert last[key] == cv.string(payload[key])


def _check_plan(last: dict[str, Any], payload: dict[str, Any]) -> None:
    """Check a renewal names the plan asked for (the default otherwise) and costs what it costs."""
    # Mum's plans, and Old SIM's only one, named after its period when it was migrated.
    costs = {"180 days": 50.0, "yearly": 388.0, "monthly": None, "1 month": 50.0}
    asked = " ".join(unicodedata.normalize("NFKC", str(payload.get("plan", ""))).casefold().split())
    if "plan" not in last:
        # Only a card without a renewal period, Dad's, renews with no plan.
        assert "plan" not in payload
        return
    assert last["plan"].casefold() in costs
    if "plan" in payload:
        assert last["plan"].casefold() == asked
    if "amount" not in payload:
        assert last.get("amount") == costs[last["plan"].casefold()]


def _check_listed(response: Any, entry: MockConfigEntry) -> None:
    """Check list_cards: every card, soonest deadline first, with whole days left."""
    cards = response["cards"]
    assert {card["card_id"] for card in cards} == set(entry.subentries)
    assert [card["deadline"] for card in cards] == sorted(card["deadline"] for card in cards)
    for card in cards:
        assert type(card["days_until_expiry"]) is int
        assert type(card["days_until_deadline"]) is int
    json.dumps(response)


PRIOR_RENEWALS = st.sampled_from([None, MUM, OLD, [MUM, OLD]])


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_confirm_renewal(
    hass: HomeAssistant, household: Household, data: st.DataObject
) -> None:
    """confirm_renewal refuses cleanly or confirms, correcting to the carrier's date."""
    await _fuzz(hass, household, "confirm_renewal", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_undo_renewal(
    hass: HomeAssistant, household: Household, data: st.DataObject
) -> None:
    """undo_renewal refuses cleanly or restores the expiry the last renewal replaced."""
    await _fuzz(hass, household, "undo_renewal", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_history(hass: HomeAssistant, household: Household, data: st.DataObject) -> None:
    """History refuses cleanly, or answers the entries asked for and changes nothing."""
    await _fuzz(hass, household, "history", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_renew(hass: HomeAssistant, household: Household, data: st.DataObject) -> None:
    """Renew refuses cleanly or records a renewal that reads back the same."""
    await _fuzz(hass, household, "renew", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_set_expiry(
    hass: HomeAssistant, household: Household, data: st.DataObject
) -> None:
    """set_expiry refuses cleanly or records a correction that reads back the same."""
    await _fuzz(hass, household, "set_expiry", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_set_balance(
    hass: HomeAssistant, household: Household, data: st.DataObject
) -> None:
    """set_balance refuses cleanly or records a balance that reads back the same."""
    await _fuzz(hass, household, "set_balance", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_record_activity(
    hass: HomeAssistant, household: Household, data: st.DataObject
) -> None:
    """record_activity refuses cleanly or records a day of use."""
    await _fuzz(hass, household, "record_activity", data)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_fuzz_snooze(hass: HomeAssistant, household: Household, data: st.DataObject) -> None:
    """Snooze refuses cleanly or stores when to remind again."""
    await _fuzz(hass, household, "snooze", data)


STORED_VALUES: dict[str, st.SearchStrategy[object]] = {
    "expiry_date": st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(["0001-01-01", "9999-12-31"])
    ),
    "renewal_period": st.one_of(st.integers(min_value=-5, max_value=10**12), st.floats()),
    "renewal_period_unit": st.sampled_from(["days", "months", "weeks"]),
    "grace_days": st.one_of(st.integers(min_value=-(10**12), max_value=10**12), wrong_types()),
    "activity_interval_days": st.one_of(st.integers(min_value=-5, max_value=10**12), texts()),
    "reminder_days": st.one_of(st.lists(st.integers(-(10**9), 10**9), max_size=3), wrong_types()),
    "time_zone": st.sampled_from(
        ["Asia/Hong_Kong", "Pacific/Kiritimati", "Etc/GMT+12", "Nowhere/Land", "../etc", ""]
    ),
    "card_type": st.one_of(st.sampled_from(["data", "satellite"]), wrong_types()),
    "renewal_mode": st.sampled_from(["reset", "extend_expiry", "sometimes"]),
    "renewal_cost": numbers(),
}


@FUZZ_SETTINGS
@given(
    stored=st.dictionaries(st.sampled_from(sorted(STORED_VALUES)), st.none(), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({key: STORED_VALUES[key] for key in keys})
    ),
    payload=mostly(st.just({}), st.dictionaries(texts(), texts(), min_size=1, max_size=2)),
)
async def test_fuzz_list_cards(
    hass: HomeAssistant,
    household: Household,
    stored: dict[str, object],
    payload: dict[str, Any],
) -> None:
    """list_cards lists every card whatever a card's stored settings hold, or refuses data.

    Settings stored by an older release or edited by hand are read within what the date
    rules compute, so no card stops the listing, the calendar or the hub.
    """
    entry = household.entry
    trim_history(entry)
    card_id = next(sid for sid, sub in entry.subentries.items() if sub.title == "Old SIM")
    subentry = entry.subentries[card_id]
    hass.config_entries.async_update_subentry(entry, subentry, data={**subentry.data, **stored})
    await hass.async_block_till_done()
    assert_hub_counts_days(hass, entry)
    try:
        response = await hass.services.async_call(
            DOMAIN, "list_cards", payload, blocking=True, return_response=True
        )
    except vol.Invalid:
        event("schema error")
    else:
        event("accepted")
        _check_listed(response, entry)
        assert not any(secret in json.dumps(response) for secret in phone_numbers_of(entry))
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.sim_renew_calendar",
            "start_date_time": "2026-01-01T00:00:00+00:00",
            "end_date_time": "2028-01-01T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert events is not None
    assert_hub_counts_days(hass, entry)
