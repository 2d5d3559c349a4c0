"""A card's stored settings, read into typed values; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

from .model import (
    DEFAULT_TIME_ZONE,
    MAX_DAYS,
    MONEY_MAX,
    PERIOD_LIMITS,
    SAFE_FIRST_DAY,
    SAFE_LAST_DAY,
    Card,
    CardType,
    Period,
    PeriodUnit,
    RenewalMode,
)
from .plans import Plan, find_plan, stored_plans
from .stored_values import stored_count, stored_reminder_days
from .zone_names import ZoneLookup, is_zone_name, load_zone

_STORED_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True, kw_only=True, slots=True)
class CardConfig:
    """Everything a user told simrenew about one card."""

    name: str
    expiry_date: date
    time_zone: ZoneInfo
    carrier: str | None = None
    # Private: kept out of the dataclass's repr, so no log or traceback shows them.
    phone_number: str | None = field(default=None, repr=False)
    card_type: CardType = CardType.OTHER
    period: Period | None = None
    renewal_mode: RenewalMode = RenewalMode.FROM_RENEWAL
    renewal_cost: float | None = None
    currency: str = "HKD"
    grace_days: int = 0
    activity_interval_days: int = 0
    renewal_url: str | None = None
    auto_renew: bool = False
    reminder_days: tuple[int, ...] | None = None
    esim: bool = False
    # The mainland number of a China-Hong Kong dual-number card: as private as the first.
    second_phone_number: str | None = field(default=None, repr=False)
    # What the user keeps about the card (how to renew, codes, bound accounts): private.
    notes: str | None = field(default=None, repr=False)
    # The day of month a monthly plan that adds to the old expiry lands on.
    anchor_day: int | None = None
    # Every plan of the card, the default (`period` and `renewal_cost`) first when it has one.
    plans: tuple[Plan, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any], zone_of: ZoneLookup = load_zone) -> CardConfig:
        """Read a card from its stored subentry data.

        Values are kept within what the date rules can compute with, so that a value stored by
        an older release or edited by hand cannot stop the card. `zone_of` finds a time zone
        by name; the default reads the zone file, so Home Assistant passes zones it loaded
        beforehand.
        """
        cost = data.get("renewal_cost")
        if not isinstance(cost, (int, float)) or not (
            math.isfinite(cost) and 0 <= cost <= MONEY_MAX
        ):
            # A cost stored before costs were checked must not break the money sensors.
            cost = None
        period = _stored_period(data)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("no stored name")
        return cls(
            name=name,
            expiry_date=_stored_day(data["expiry_date"]),
            time_zone=_zone(data.get("time_zone", DEFAULT_TIME_ZONE), zone_of),
            # Hand-edited values that are not text are left out rather than shown.
            carrier=_text(data.get("carrier")),
            phone_number=_text(data.get("phone_number")),
            card_type=_member(CardType, data.get("card_type"), CardType.OTHER),
            period=period,
            renewal_mode=_member(RenewalMode, data.get("renewal_mode"), RenewalMode.FROM_RENEWAL),
            renewal_cost=None if cost is None else float(cost),
            currency=_currency(data.get("currency")),
            grace_days=_within(data.get("grace_days"), 0, MAX_DAYS, 0),
            activity_interval_days=_within(data.get("activity_interval_days"), 0, MAX_DAYS, 0),
            renewal_url=_text(data.get("renewal_url")),
            auto_renew=bool(data.get("auto_renew", False)),
            anchor_day=_day_of_month(data.get("anchor_day")),
            reminder_days=stored_reminder_days(data.get("reminder_days")) or None,
            esim=data.get("esim") is True,
            second_phone_number=_text(data.get("second_phone_number")),
            notes=_text(data.get("notes")),
            plans=stored_plans(data, period),
        )

    @property
    def default_plan(self) -> Plan | None:
        """Return the plan the button, the notification and the to-do list renew with."""
        return self.plans[0] if self.period is not None and self.plans else None

    def plan_named(self, name: str) -> Plan | None:
        """Return the card's plan called `name`, however it is capitalised or spaced."""
        return find_plan(self.plans, name)

    def rules(self, last_activity: date | None = None, standing_expiry: date | None = None) -> Card:
        """Return the date rules of this card."""
        return Card(
            standing_expiry=standing_expiry,
            expiry_date=self.expiry_date,
            time_zone=self.time_zone,
            period=self.period,
            renewal_mode=self.renewal_mode,
            grace_days=self.grace_days,
            activity_interval_days=self.activity_interval_days,
            last_activity=last_activity,
        )


def _within(value: object, low: int, high: int, default: int) -> int:
    """Return a stored count clamped to [low, high], or `default` if it is not a number."""
    number = stored_count(value)
    return default if number is None else min(max(number, low), high)


def _member[E: StrEnum](kind: type[E], value: object, default: E) -> E:
    """Return the enum member stored as `value`, or `default` for anything else."""
    if not isinstance(value, str):
        return default
    try:
        return kind(value)
    except ValueError:
        return default


def _stored_day(value: object) -> date:
    """Return a stored date clamped to the window in which date arithmetic stays safe.

    A date edited by hand may lack its leading zeros ("2027-5-6"); it is still that day.
    Anything else raises ValueError.
    """
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and (match := _STORED_DAY.fullmatch(value.strip())):
        day = date(*(int(part) for part in match.groups()))
    else:
        raise ValueError("no stored expiry date")
    return min(max(day, SAFE_FIRST_DAY), SAFE_LAST_DAY)


def _currency(value: object) -> str:
    """Return a stored currency, or Hong Kong dollars where none is stored as text.

    Text that is no ISO 4217 code is kept, so that recording money in it is refused by name.
    """
    if isinstance(value, str) and value.strip():
        return value.strip().upper()
    return "HKD"


def _stored_period(data: Mapping[str, Any]) -> Period | None:
    """Return the stored renewal period, clamped to the longest one its unit allows."""
    length = stored_count(data.get("renewal_period"))
    if length is None or length <= 0:
        return None
    unit = _member(PeriodUnit, data.get("renewal_period_unit"), PeriodUnit.DAYS)
    return Period(length=min(length, PERIOD_LIMITS[unit]), unit=unit)


def _text(value: object) -> str | None:
    """Return stored text, or None for an empty or missing value or one that is not text."""
    return value if isinstance(value, str) and value else None


def _day_of_month(value: object) -> int | None:
    """Return a stored day of month, or None for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31:
        return value
    return None


def _zone(name: object, zone_of: ZoneLookup) -> ZoneInfo:
    """Return the card's time zone; one that cannot be found falls back to the default."""
    zone = zone_of(name) if isinstance(name, str) and is_zone_name(name) else None
    if zone is None:
        zone = zone_of(DEFAULT_TIME_ZONE)
    if zone is None:
        raise ValueError(f"time zone {DEFAULT_TIME_ZONE} is not available")
    return zone
