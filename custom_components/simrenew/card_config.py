"""Stored card and hub settings, read into typed values; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

from .model import (
    DEFAULT_REMINDER_DAYS,
    DEFAULT_TIME_ZONE,
    MONEY_MAX,
    Card,
    CardType,
    Period,
    PeriodUnit,
    RenewalMode,
)

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"\+?\d{5,15}")


def normalize_phone_number(raw: str) -> str:
    """Return the number as an optional "+" and digits, or raise ValueError."""
    compact = _PHONE_SEPARATORS.sub("", raw)
    if not _PHONE.fullmatch(compact):
        raise ValueError("not a phone number")
    return compact


@dataclass(frozen=True, kw_only=True, slots=True)
class CardConfig:
    """Everything a user told simrenew about one card."""

    name: str
    expiry_date: date
    time_zone: ZoneInfo
    carrier: str | None = None
    phone_number: str | None = None
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
    # The day of month a monthly plan that adds to the old expiry lands on.
    anchor_day: int | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CardConfig:
        """Read a card from its stored subentry data."""
        period = None
        if data.get("renewal_period"):
            period = Period(
                length=int(data["renewal_period"]),
                unit=PeriodUnit(data.get("renewal_period_unit", PeriodUnit.DAYS)),
            )
        cost = data.get("renewal_cost")
        if not isinstance(cost, (int, float)) or not (
            math.isfinite(cost) and 0 <= cost <= MONEY_MAX
        ):
            # A cost stored before costs were checked must not break the money sensors.
            cost = None
        return cls(
            name=data["name"],
            expiry_date=date.fromisoformat(data["expiry_date"]),
            time_zone=ZoneInfo(data.get("time_zone", DEFAULT_TIME_ZONE)),
            carrier=data.get("carrier"),
            phone_number=data.get("phone_number"),
            card_type=CardType(data.get("card_type", CardType.OTHER)),
            period=period,
            renewal_mode=RenewalMode(data.get("renewal_mode", RenewalMode.FROM_RENEWAL)),
            renewal_cost=None if cost is None else float(cost),
            currency=data.get("currency", "HKD"),
            grace_days=int(data.get("grace_days", 0)),
            activity_interval_days=int(data.get("activity_interval_days", 0)),
            renewal_url=data.get("renewal_url"),
            auto_renew=bool(data.get("auto_renew", False)),
            anchor_day=anchor
            if isinstance(anchor := data.get("anchor_day"), int) and 1 <= anchor <= 31
            else None,
            reminder_days=None
            if not data.get("reminder_days")
            else tuple(sorted({int(day) for day in data["reminder_days"]}, reverse=True)),
        )

    def rules(self, last_activity: date | None = None) -> Card:
        """Return the date rules of this card."""
        return Card(
            expiry_date=self.expiry_date,
            time_zone=self.time_zone,
            period=self.period,
            renewal_mode=self.renewal_mode,
            grace_days=self.grace_days,
            activity_interval_days=self.activity_interval_days,
            last_activity=last_activity,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class HubOptions:
    """Household-wide reminder settings."""

    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    reminder_time: time = time(9, 0)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HubOptions:
        """Read the hub's options, falling back to the defaults."""
        days = options.get("reminder_days")
        when = parse_time_of_day(options.get("reminder_time"))
        try:
            reminder_days = tuple(sorted({int(day) for day in days or ()}, reverse=True))
        except TypeError, ValueError:
            reminder_days = ()
        return cls(
            # Stored options that cannot be read fall back to the defaults rather than stop
            # every card's reminders.
            reminder_days=reminder_days or DEFAULT_REMINDER_DAYS,
            reminder_time=time(9, 0) if when is None else when,
        )


def _day_of_month(value: object) -> int | None:
    """Return a stored day of month, or None for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31:
        return value
    return None


_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_time_of_day(value: object) -> time | None:
    """Return a wall time written as H:MM or HH:MM[:SS], or None for anything else."""
    if not isinstance(value, str) or not (match := _TIME_OF_DAY.fullmatch(value.strip())):
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)
