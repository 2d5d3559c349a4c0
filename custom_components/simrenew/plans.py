"""Named renewal plans and the period written as one value; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import math
from typing import Any, TypeGuard
import unicodedata

from .model import MONEY_MAX, PERIOD_LIMITS, Period, PeriodUnit
from .typed_periods import read_typed_period

# Carriers sell a handful of plans; more than this is pasted data, not plans to choose from.
MAX_PLANS = 10
MAX_PLAN_NAME_LENGTH = 64

# The periods carriers sell most, offered as one choice each; any other can still be typed.
COMMON_PERIODS: tuple[Period, ...] = (
    Period(length=1, unit=PeriodUnit.DAYS),
    Period(length=7, unit=PeriodUnit.DAYS),
    Period(length=30, unit=PeriodUnit.DAYS),
    Period(length=90, unit=PeriodUnit.DAYS),
    Period(length=180, unit=PeriodUnit.DAYS),
    Period(length=365, unit=PeriodUnit.DAYS),
    Period(length=1, unit=PeriodUnit.MONTHS),
    Period(length=3, unit=PeriodUnit.MONTHS),
    Period(length=6, unit=PeriodUnit.MONTHS),
    Period(length=12, unit=PeriodUnit.MONTHS),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Plan:
    """One plan a carrier sells for a card: its name, its period and what it costs."""

    name: str
    period: Period
    cost: float | None = None


def period_choice(period: Period) -> str:
    """Return the period as the form's one value, such as "180_days" or "6_months"."""
    return f"{period.length}_{period.unit.value}"


def parse_period(value: object) -> Period | None:
    """Return the period a form value names, or None if it is none a card can have.

    Takes the form's own values ("180_days") and what people type: "45", "45 days", "45 日",
    "2 個月", "三個月", "半年", "6 mths", "1 year"; see `read_typed_period`.
    """
    if not isinstance(value, str):
        return None
    return read_typed_period(value)


def plain_name(period: Period) -> str:
    """Return a period in plain English words, the name of a plan nobody named."""
    unit = "day" if period.unit is PeriodUnit.DAYS else "month"
    return f"{period.length} {unit}{'' if period.length == 1 else 's'}"


def plan_key(name: str) -> str:
    """Return the form under which two plan names count as the same: "Yearly" is "yearly "."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def is_money(value: object) -> TypeGuard[int | float]:
    """Return whether `value` is a finite sum from 0 to the cap."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MONEY_MAX
    )


def stored_period(data: Mapping[str, Any]) -> Period | None:
    """Return the period stored under `renewal_period` and its unit, clamped to its unit's limit."""
    length = data.get("renewal_period")
    if isinstance(length, str) and length.strip().isdigit():
        length = int(length)
    if isinstance(length, bool) or not isinstance(length, (int, float)):
        return None
    if not math.isfinite(length) or length < 1:
        return None
    unit_value = data.get("renewal_period_unit")
    unit = PeriodUnit.MONTHS if unit_value == PeriodUnit.MONTHS.value else PeriodUnit.DAYS
    return Period(length=min(int(length), PERIOD_LIMITS[unit]), unit=unit)


def stored_plans(data: Mapping[str, Any], period: Period | None) -> tuple[Plan, ...]:
    """Return a card's plans, its default first; stored plans that cannot be read are left out.

    The contract's `renewal_period` (read as `period`), `renewal_period_unit` and
    `renewal_cost` are the default plan, named by `default_plan`; `plans` holds the others.
    """
    plans: list[Plan] = []
    if period is not None:
        name = data.get("default_plan")
        cost = data.get("renewal_cost")
        plans.append(
            Plan(
                name=name.strip() if isinstance(name, str) and name.strip() else plain_name(period),
                period=period,
                cost=float(cost) if is_money(cost) else None,
            )
        )
    others = data.get("plans")
    seen = {plan_key(plan.name) for plan in plans}
    # All are read, even past the limit a form allows: a card edited by hand to more keeps
    # them, and its form says how many to remove rather than dropping some unseen.
    for item in others if isinstance(others, list) else []:
        if (plan := _stored_plan(item)) is not None and plan_key(plan.name) not in seen:
            seen.add(plan_key(plan.name))
            plans.append(plan)
    return tuple(plans)


def _stored_plan(item: object) -> Plan | None:
    """Return one stored plan of the `plans` list, or None if it cannot be read."""
    if not isinstance(item, dict):
        return None
    name = item.get("name")
    period = stored_period(item)
    if not isinstance(name, str) or not name.strip() or period is None:
        return None
    cost = item.get("renewal_cost")
    return Plan(name=name.strip(), period=period, cost=float(cost) if is_money(cost) else None)


def plan_data(plan: Plan) -> dict[str, Any]:
    """Return a plan as the card's `plans` list stores it."""
    data: dict[str, Any] = {
        "name": plan.name,
        "renewal_period": plan.period.length,
        "renewal_period_unit": plan.period.unit.value,
    }
    if plan.cost is not None:
        data["renewal_cost"] = plan.cost
    return data


def find_plan(plans: tuple[Plan, ...], name: str) -> Plan | None:
    """Return the plan called `name`, read as people type it; None if the card has none."""
    wanted = plan_key(name)
    return next((plan for plan in plans if plan_key(plan.name) == wanted), None)


def described_plans(plans: tuple[Plan, ...], default: Plan | None) -> list[dict[str, Any]]:
    """Return the plans for scripts and support, the default first and marked."""
    return [
        {
            "name": plan.name,
            "renewal_period": plan.period.length,
            "renewal_period_unit": plan.period.unit.value,
            "renewal_cost": plan.cost,
            "default": plan is default,
        }
        for plan in plans
    ]
