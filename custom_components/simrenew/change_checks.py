"""What a change may not do: the refusals every change checks before anything is written.

Free of Home Assistant: a refusal names its translation key, and the Home Assistant layer
turns it into the translated error the user sees.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
import math

from .card_config import CardConfig
from .message_outcomes import LONGEST_WITHOUT_PLANS
from .model import MONEY_MAX, Period, PeriodUnit, add_months, expiry_is_plausible
from .plans import Plan


class ChangeRefusedError(Exception):
    """A change that must not be made, by the key of the message that says why."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the key and what the message fills in."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


def earliest_day(added: date, reach: Period | None) -> date:
    """Return the earliest day a renewal or use may be dated, for a card added on `added`.

    People add a card after topping it up, often the next day. A renewal counts as long as
    its period had not run out when the card was added: it may be what gave the card the
    expiry it was added with. One older than that had lapsed before, and is a mistyped date.
    Without a period (only the carrier's stated expiry), the reach of the longest renewal
    carriers sell. Nothing else relies on history starting on the day the card was added:
    history is ordered by when it was written, reminders and the calendar only look ahead
    of it, and the activity rule counts from the latest use, whose deadline `activity_reach`
    keeps from falling before that day.
    """
    if reach is None:
        return added - LONGEST_WITHOUT_PLANS
    if reach.unit is PeriodUnit.MONTHS:
        return add_months(added, -reach.length)
    return added - timedelta(days=reach.length)


def activity_reach(config: CardConfig) -> Period | None:
    """Return how far before the card was added a use may be dated.

    Under an activity rule, a use older than its interval had already lost the card by the
    day it was added; without a rule a use is history, dated like a renewal without a plan.
    """
    if config.activity_interval_days:
        return Period(length=config.activity_interval_days, unit=PeriodUnit.DAYS)
    return None


def chosen_plan(config: CardConfig, name: str | None) -> Plan | None:
    """Return the plan a renewal names, or the default; refuse a name the card has no plan by."""
    if name is None:
        return config.default_plan
    if not config.plans:
        raise ChangeRefusedError("no_renewal_period", name=config.name)
    if (plan := config.plan_named(name)) is None:
        raise ChangeRefusedError(
            "unknown_plan", name=config.name, plans=", ".join(plan.name for plan in config.plans)
        )
    return plan


def check_day(added: date, day: date, today: date, *reaches: Period | None) -> None:
    """Refuse a day in the future, or further before the card was added than any reach."""
    if day > today:
        raise ChangeRefusedError("date_in_future", date=day.isoformat())
    if day < (earliest := max(earliest_day(added, reach) for reach in reaches)):
        raise ChangeRefusedError(
            "date_before_card",
            date=day.isoformat(),
            added=added.isoformat(),
            earliest=earliest.isoformat(),
        )


def check_money(amount: float | None, currency: str, currencies: Collection[str]) -> None:
    """Refuse an amount that is not a finite sum from 0 to the cap, or an unknown currency."""
    if amount is not None and not (math.isfinite(amount) and 0 <= amount <= MONEY_MAX):
        raise ChangeRefusedError("invalid_amount", amount=str(amount), max=f"{MONEY_MAX:,.0f}")
    if currency not in currencies:
        raise ChangeRefusedError("invalid_currency", currency=currency)


def check_expiry(expiry: date, today: date) -> None:
    """Refuse an expiry too far from today to be real."""
    if not expiry_is_plausible(expiry, today):
        raise ChangeRefusedError("expiry_out_of_range", expiry_date=expiry.isoformat())
