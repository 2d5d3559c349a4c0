"""Card rules and date arithmetic; free of Home Assistant so it can be tested alone."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Hong_Kong"
DEFAULT_REMINDER_DAYS: tuple[int, ...] = (14, 7, 3, 1, 0)
# Amounts, costs and balances above this are typing mistakes, not prices of a SIM top-up.
MONEY_MAX = 1_000_000.0
# Longest renewal period per unit, grace or activity interval, and reminder lead a card can have.
MAX_PERIOD_DAYS = 3660
MAX_PERIOD_MONTHS = 120
MAX_DAYS = 3660
MAX_REMINDER_DAYS = 365
# Stored dates are read within these, so that adding any period or interval cannot overflow.
SAFE_FIRST_DAY = date(1900, 1, 1)
SAFE_LAST_DAY = date(9000, 12, 31)


class CardType(StrEnum):
    """Kind of SIM card."""

    NUMBER_KEEPING = "number_keeping"
    DATA = "data"
    CHINA_HK = "china_hk"
    VIRTUAL_NUMBER = "virtual_number"
    OTHER = "other"


class PeriodUnit(StrEnum):
    """Unit of a renewal period."""

    DAYS = "days"
    MONTHS = "months"


# A renewal of 3660 months could never be applied within the dates a card can hold.
PERIOD_LIMITS: dict[PeriodUnit, int] = {
    PeriodUnit.DAYS: MAX_PERIOD_DAYS,
    PeriodUnit.MONTHS: MAX_PERIOD_MONTHS,
}


class RenewalMode(StrEnum):
    """How a renewal moves the expiry date."""

    FROM_RENEWAL = "from_renewal"
    EXTEND_EXPIRY = "extend_expiry"
    RESET = "reset"


class DeadlineReason(StrEnum):
    """Why the deadline falls when it does: the expiry, or a use the card must see first."""

    EXPIRY = "expiry"
    ACTIVITY = "activity"


class CardStatus(StrEnum):
    """Where a card stands relative to its deadline, in the order a card passes through."""

    ACTIVE = "active"
    EXPIRING_SOON = "expiring_soon"
    GRACE_PERIOD = "grace_period"
    EXPIRED = "expired"


STATUS_ORDER: tuple[CardStatus, ...] = tuple(CardStatus)


@dataclass(frozen=True, kw_only=True, slots=True)
class Period:
    """A renewal period of whole days or whole calendar months."""

    length: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        """Reject periods that could not move a date forward."""
        if self.length <= 0:
            raise ValueError("period length must be positive")

    def after(self, day: date, anchor_day: int | None = None) -> date:
        """Return the day that lies one period after `day`.

        Months land on `anchor_day` (the plan's day of month, `day`'s own by default), clamped
        to the month's end: a plan of the 31st runs 31 Jan, 28 Feb, 31 Mar, 30 Apr.
        """
        if self.unit is PeriodUnit.DAYS:
            return day + timedelta(days=self.length)
        return add_months(day, self.length, anchor_day)


@dataclass(frozen=True, kw_only=True, slots=True)
class Card:
    """The facts about one card that its dates depend on."""

    expiry_date: date
    time_zone: ZoneInfo
    period: Period | None = None
    renewal_mode: RenewalMode = RenewalMode.FROM_RENEWAL
    grace_days: int = 0
    activity_interval_days: int = 0
    last_activity: date | None = None
    # The expiry that stands while a recorded renewal waits for the carrier's confirmation: the
    # deadline counts from it, though the expiry shown is the one recorded.
    standing_expiry: date | None = None

    @property
    def counted_expiry(self) -> date:
        """Return the expiry the deadline counts from: the earlier of standing and recorded."""
        if self.standing_expiry is None:
            return self.expiry_date
        return min(self.standing_expiry, self.expiry_date)


@dataclass(frozen=True, kw_only=True, slots=True)
class CardState:
    """What a card looks like on one day in its own time zone."""

    today: date
    deadline: date
    days_until_expiry: int
    days_until_deadline: int
    status: CardStatus
    expires_at: datetime
    deadline_reason: DeadlineReason = DeadlineReason.EXPIRY


def add_months(day: date, months: int, anchor_day: int | None = None) -> date:
    """Add calendar months, landing on `anchor_day` (default `day`'s) clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor_day or day.day, last))


def renewed_expiry(
    *,
    expiry_date: date,
    renewal_date: date,
    period: Period,
    mode: RenewalMode,
    anchor_day: int | None = None,
) -> date:
    """Return the expiry after one renewal made on `renewal_date`.

    `anchor_day` is the plan's day of month for monthly plans that add to the old expiry.
    """
    if mode is RenewalMode.EXTEND_EXPIRY:
        if expiry_date < renewal_date:
            # A pack that has already lapsed starts again from the day it is renewed.
            return period.after(renewal_date)
        return period.after(expiry_date, anchor_day)
    from_renewal = period.after(renewal_date)
    if mode is RenewalMode.RESET:
        return from_renewal
    # Topping up early never shortens validity.
    return max(expiry_date, from_renewal)


def local_today(now: datetime, zone: ZoneInfo) -> date:
    """Return the calendar date that `now` falls on in `zone`."""
    return now.astimezone(zone).date()


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """Return the first instant of `day` in `zone`, even where midnight is skipped by DST."""
    # zoneinfo maps a skipped wall time with the pre-transition offset, which lands
    # exactly on the first instant that does exist; the round trip normalises it.
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


def deadline(card: Card) -> date:
    """Return the last day on which the card is safe: expiry or required activity."""
    return deadline_and_reason(card)[0]


def deadline_and_reason(card: Card) -> tuple[date, DeadlineReason]:
    """Return the deadline and whether the expiry or a required use sets it."""
    expiry = card.counted_expiry
    if card.activity_interval_days > 0 and card.last_activity is not None:
        activity_due = card.last_activity + timedelta(days=card.activity_interval_days)
        if activity_due < expiry:
            return activity_due, DeadlineReason.ACTIVITY
    return expiry, DeadlineReason.EXPIRY


def status_on(*, today: date, deadline_day: date, grace_days: int, warn_within: int) -> CardStatus:
    """Return the status of a card with the given deadline on `today`."""
    days_left = (deadline_day - today).days
    if days_left < 0:
        if -days_left <= grace_days:
            return CardStatus.GRACE_PERIOD
        return CardStatus.EXPIRED
    if days_left <= warn_within:
        return CardStatus.EXPIRING_SOON
    return CardStatus.ACTIVE


def warn_days(reminder_days: tuple[int, ...] | list[int]) -> int:
    """Return how many days before the deadline a card counts as expiring soon."""
    return max(reminder_days, default=0)


def card_state(
    card: Card, now: datetime, reminder_days: tuple[int, ...], *, renews_itself: bool = False
) -> CardState:
    """Return the state of `card` at the instant `now`.

    A card that renews itself is not due before its expiry: it rolls forward at the end of its
    last day. A use it must see is another matter: no carrier makes that for it.
    """
    today = local_today(now, card.time_zone)
    deadline_day, reason = deadline_and_reason(card)
    left_alone = renews_itself and reason is DeadlineReason.EXPIRY
    return CardState(
        today=today,
        deadline=deadline_day,
        days_until_expiry=(card.expiry_date - today).days,
        days_until_deadline=(deadline_day - today).days,
        status=status_on(
            today=today,
            deadline_day=deadline_day,
            grace_days=card.grace_days,
            # Counted as due only once the day has passed without the roll-forward.
            warn_within=-1 if left_alone else warn_days(reminder_days),
        ),
        expires_at=valid_until(card.expiry_date, card.time_zone),
        deadline_reason=reason,
    )


def valid_until(expiry: date, zone: tzinfo) -> datetime:
    """Return the last second of the expiry day in the card's zone: "valid until 23:59"."""
    return start_of_day(expiry + timedelta(days=1), zone) - timedelta(seconds=1)


def next_transition(card: Card, now: datetime) -> datetime:
    """Return the next instant after `now` at which the card's state can change."""
    # Every count of days left changes at the card's midnight, so that is the next change.
    tomorrow = local_today(now, card.time_zone) + timedelta(days=1)
    return start_of_day(tomorrow, card.time_zone)


EXPIRY_MONTHS_BACK = 12
EXPIRY_MONTHS_AHEAD = 20 * 12


def expiry_is_plausible(expiry: date, today: date) -> bool:
    """Return whether an expiry lies from one calendar year before today to 20 years after."""
    return (
        add_months(today, -EXPIRY_MONTHS_BACK) <= expiry <= add_months(today, EXPIRY_MONTHS_AHEAD)
    )


def rolled_steps(
    expiry: date, period: Period, today: date, anchor_day: int | None = None
) -> list[tuple[date, date]]:
    """Return each (old, new) expiry a self-renewing card moved through to reach `today`.

    Monthly plans keep their day of month across every step: 31 Jan, 28 Feb, 31 Mar.
    """
    anchor = anchor_day or expiry.day
    steps: list[tuple[date, date]] = []
    while expiry < today:
        new = period.after(expiry, anchor)
        steps.append((expiry, new))
        expiry = new
    return steps
