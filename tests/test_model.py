"""Tests for the card rules: worked examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st
import pytest

from custom_components.simrenew.model import (
    STATUS_ORDER,
    Card,
    CardStatus,
    Period,
    PeriodUnit,
    RenewalMode,
    card_state,
    deadline,
    next_transition,
    renewed_expiry,
    start_of_day,
    status_on,
)

HK = ZoneInfo("Asia/Hong_Kong")
NEW_YORK = ZoneInfo("America/New_York")
SANTIAGO = ZoneInfo("America/Santiago")

DAYS = PeriodUnit.DAYS
MONTHS = PeriodUnit.MONTHS


@pytest.mark.parametrize(
    ("start", "length", "unit", "expected"),
    [
        (date(2026, 5, 15), 180, DAYS, date(2026, 11, 11)),
        (date(2026, 5, 15), 6, MONTHS, date(2026, 11, 15)),
        (date(2025, 1, 31), 1, MONTHS, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, MONTHS, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, MONTHS, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, MONTHS, date(2028, 2, 29)),
        (date(2024, 2, 28), 365, DAYS, date(2025, 2, 27)),
        (date(2026, 12, 31), 2, MONTHS, date(2027, 2, 28)),
        (date(2026, 3, 31), 1, MONTHS, date(2026, 4, 30)),
    ],
)
def test_period_after(start: date, length: int, unit: PeriodUnit, expected: date) -> None:
    """Periods count whole days or calendar months, clamped to month end."""
    assert Period(length=length, unit=unit).after(start) == expected


def test_period_must_be_positive() -> None:
    """A period of zero or fewer units is refused."""
    with pytest.raises(ValueError, match="positive"):
        Period(length=0, unit=DAYS)


@pytest.mark.parametrize(
    ("mode", "expiry", "renewed_on", "expected"),
    [
        # Renewal day itself is not counted: 15 May + 180 days = 11 Nov.
        (RenewalMode.FROM_RENEWAL, date(2026, 5, 20), date(2026, 5, 15), date(2026, 11, 11)),
        # Topping up early never shortens validity.
        (RenewalMode.FROM_RENEWAL, date(2026, 12, 31), date(2026, 5, 15), date(2026, 12, 31)),
        (RenewalMode.EXTEND_EXPIRY, date(2026, 5, 20), date(2026, 5, 15), date(2026, 11, 16)),
        (RenewalMode.RESET, date(2026, 12, 31), date(2026, 5, 15), date(2026, 11, 11)),
    ],
)
def test_renewed_expiry(mode: RenewalMode, expiry: date, renewed_on: date, expected: date) -> None:
    """Each renewal mode moves the expiry by its own rule."""
    period = Period(length=180, unit=DAYS)
    result = renewed_expiry(expiry_date=expiry, renewal_date=renewed_on, period=period, mode=mode)
    assert result == expected


def test_deadline_uses_activity_interval() -> None:
    """Required activity can bring the deadline before the expiry."""
    card = Card(
        expiry_date=date(2026, 12, 31),
        time_zone=HK,
        activity_interval_days=90,
        last_activity=date(2026, 6, 1),
    )
    assert deadline(card) == date(2026, 8, 30)
    assert deadline(Card(expiry_date=date(2026, 12, 31), time_zone=HK)) == date(2026, 12, 31)
    unknown_activity = Card(expiry_date=date(2026, 12, 31), time_zone=HK, activity_interval_days=90)
    assert deadline(unknown_activity) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 16), CardStatus.ACTIVE),
        (date(2026, 11, 17), CardStatus.EXPIRING_SOON),
        (date(2026, 12, 1), CardStatus.EXPIRING_SOON),
        (date(2026, 12, 2), CardStatus.GRACE_PERIOD),
        (date(2026, 12, 31), CardStatus.GRACE_PERIOD),
        (date(2027, 1, 1), CardStatus.EXPIRED),
    ],
)
def test_status_on(today: date, expected: CardStatus) -> None:
    """Status walks from active through grace to expired around the deadline."""
    result = status_on(today=today, deadline_day=date(2026, 12, 1), grace_days=30, warn_within=14)
    assert result == expected


def test_status_without_grace_expires_the_day_after() -> None:
    """With no grace, the day after the deadline is expired."""
    assert (
        status_on(
            today=date(2026, 12, 2), deadline_day=date(2026, 12, 1), grace_days=0, warn_within=0
        )
        == CardStatus.EXPIRED
    )


def test_card_state_in_card_zone() -> None:
    """Today is the card's day, not UTC's: 16:30 UTC is already tomorrow in Hong Kong."""
    card = Card(expiry_date=date(2026, 11, 23), time_zone=HK)
    state = card_state(card, datetime(2026, 11, 22, 16, 30, tzinfo=UTC), (14, 7))
    assert state.today == date(2026, 11, 23)
    assert state.days_until_expiry == 0
    assert state.status is CardStatus.EXPIRING_SOON
    assert state.expires_at == datetime(2026, 11, 23, 23, 59, 59, tzinfo=HK)
    assert state.expires_at.astimezone(UTC) == datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)


def test_start_of_day_where_midnight_is_skipped() -> None:
    """Santiago skips midnight at DST start; the day begins at 01:00 local."""
    start = start_of_day(date(2024, 9, 8), SANTIAGO)
    assert start.astimezone(UTC) == datetime(2024, 9, 8, 4, 0, tzinfo=UTC)
    assert start.astimezone(SANTIAGO).date() == date(2024, 9, 8)
    assert start_of_day(date(2024, 9, 7), SANTIAGO) < start


def test_next_transition_is_card_midnight() -> None:
    """The next change is the coming midnight in the card's zone, across New York DST."""
    card = Card(expiry_date=date(2026, 11, 30), time_zone=NEW_YORK)
    now = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)  # 23:00 EDT on 31 Oct
    assert next_transition(card, now) == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    after_fall_back = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert next_transition(card, after_fall_back) == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)


zones = st.sampled_from(
    [HK, NEW_YORK, SANTIAGO, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Kiritimati")]
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
periods = st.builds(
    Period, length=st.integers(min_value=1, max_value=400), unit=st.sampled_from(PeriodUnit)
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@given(
    expiry=days,
    renewed_on=days,
    period=periods,
    mode=st.sampled_from([RenewalMode.FROM_RENEWAL, RenewalMode.EXTEND_EXPIRY]),
)
def test_renewal_never_shortens(
    expiry: date, renewed_on: date, period: Period, mode: RenewalMode
) -> None:
    """In from_renewal and extend_expiry modes the expiry never moves back."""
    result = renewed_expiry(expiry_date=expiry, renewal_date=renewed_on, period=period, mode=mode)
    assert result >= expiry


@given(
    deadline_day=days,
    first=days,
    step=st.integers(min_value=0, max_value=500),
    grace=st.integers(min_value=0, max_value=60),
    warn=st.integers(min_value=0, max_value=60),
)
def test_status_is_monotonic(
    deadline_day: date, first: date, step: int, grace: int, warn: int
) -> None:
    """As days pass, a card's status never goes back to an earlier stage."""
    later = first + timedelta(days=step)
    before = status_on(today=first, deadline_day=deadline_day, grace_days=grace, warn_within=warn)
    after = status_on(today=later, deadline_day=deadline_day, grace_days=grace, warn_within=warn)
    assert STATUS_ORDER.index(after) >= STATUS_ORDER.index(before)


@given(expiry=days, zone=zones, now=instants)
def test_next_transition_is_in_future(expiry: date, zone: ZoneInfo, now: datetime) -> None:
    """The next transition is strictly after now and falls on a new local day."""
    card = Card(expiry_date=expiry, time_zone=zone)
    wake = next_transition(card, now)
    assert wake > now
    assert wake - now <= timedelta(hours=26)
    assert card_state(card, wake, ()).today == card_state(card, now, ()).today + timedelta(days=1)


def test_monthly_plans_keep_their_day_of_month() -> None:
    """31 Jan, then 28 Feb, 31 Mar and 30 Apr: the plan's day, not the drifted one."""
    month = Period(length=1, unit=PeriodUnit.MONTHS)
    expiry = date(2027, 1, 31)
    seen = []
    for _ in range(3):
        expiry = renewed_expiry(
            expiry_date=expiry,
            renewal_date=date(2027, 1, 20),
            period=month,
            mode=RenewalMode.EXTEND_EXPIRY,
            anchor_day=31,
        )
        seen.append(expiry)
    assert seen == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_a_lapsed_pack_extended_counts_from_the_renewal_day() -> None:
    """A monthly pack that lapsed on 10 Jan and is renewed on 5 Mar runs to 5 Apr."""
    assert renewed_expiry(
        expiry_date=date(2027, 1, 10),
        renewal_date=date(2027, 3, 5),
        period=Period(length=1, unit=PeriodUnit.MONTHS),
        mode=RenewalMode.EXTEND_EXPIRY,
    ) == date(2027, 4, 5)
