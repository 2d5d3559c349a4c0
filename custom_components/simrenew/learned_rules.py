"""Rules learned from the carrier's own dates; free of Home Assistant.

When the expiry a carrier states differs from what the card's rule computed, by the same number
of days at two renewals in a row, the rule is most likely wrong, not the carrier: a card entered
as "adds to the current expiry" whose carrier counts from the top-up day is short by the days
that were left, each time. This finds such a pattern and the rule that explains both renewals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import PERIOD_LIMITS, Period, PeriodUnit, RenewalMode, renewed_expiry
from .plans import parse_period

RULE_KIND = "rule"
# How a rule entry ends: the proposal taken, or the card's own rule kept. Either way the
# renewals before it are not counted again.
ACCEPTED = "accepted"
KEPT = "kept"
# The modes tried, in the order a proposal prefers them.
MODES = (RenewalMode.FROM_RENEWAL, RenewalMode.EXTEND_EXPIRY, RenewalMode.RESET)

type PeriodOf = Callable[[str | None], Period | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """How one plan's renewal moves the expiry: the card's mode and the plan's period."""

    mode: RenewalMode
    period: Period


@dataclass(frozen=True, slots=True)
class Observation:
    """One renewal whose expiry the carrier stated: what the rule computed and what it said."""

    at: str
    renewal_date: date
    old_expiry: date
    computed: date
    stated: date
    plan: str | None

    @property
    def gap(self) -> int:
        """Return how many days the carrier's date is after the computed one (negative: before)."""
        return (self.stated - self.computed).days


@dataclass(frozen=True, slots=True)
class Proposal:
    """A corrected rule for a plan, and the two renewals that showed it."""

    plan: str | None
    current: Rule
    proposed: Rule
    renewals: tuple[Observation, Observation]

    @property
    def key(self) -> str:
        """Return what identifies the proposal: the two renewals it is drawn from."""
        return f"{self.renewals[0].at}|{self.renewals[1].at}"


def _day(value: object) -> date | None:
    """Return an ISO date, or None for anything else."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _compute(rule: Rule, old: date, day: date) -> date | None:
    """Return the expiry the rule gives, or None where no date can hold it."""
    try:
        return renewed_expiry(expiry_date=old, renewal_date=day, period=rule.period, mode=rule.mode)
    except OverflowError, ValueError:
        return None


def _stated_renewals(history: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], date]]:
    """Return the renewals since the last rule entry with the expiry the carrier stated.

    The carrier's date is a later correction's (before the next renewal), else the renewal's own
    once confirmed. An undone renewal is left out; one nobody confirmed tells nothing.
    """
    kept: list[tuple[Mapping[str, Any], date | None]] = []
    for entry in history:
        kind = entry.get("kind")
        if kind == RULE_KIND:
            kept = []
        elif kind == "renewal":
            new = _day(entry.get("new_expiry"))
            kept.append((entry, new if entry.get("confirmed") else None))
        elif kind == "undo" and kept:
            kept.pop()
        elif kind == "correction" and kept and (stated := _day(entry.get("new_expiry"))):
            kept[-1] = (kept[-1][0], stated)
    return [(entry, stated) for entry, stated in kept if stated is not None]


def observations(
    history: Sequence[Mapping[str, Any]], mode: RenewalMode, period_of: PeriodOf
) -> list[Observation]:
    """Return the renewals the carrier stated an expiry for, each beside what the rule computed.

    `period_of` gives the period of a plan by name (None: the default plan) as the card has it now.
    """
    found: list[Observation] = []
    for entry, stated in _stated_renewals(history):
        plan = entry.get("plan")
        plan = plan if isinstance(plan, str) else None
        old, day = _day(entry.get("old_expiry")), _day(entry.get("date"))
        period = period_of(plan)
        if old is None or day is None or period is None:
            continue
        if (computed := _compute(Rule(mode, period), old, day)) is None:
            continue
        found.append(
            Observation(
                at=str(entry.get("at")),
                renewal_date=day,
                old_expiry=old,
                computed=computed,
                stated=stated,
                plan=plan,
            )
        )
    return found


def _candidates(current: Rule, seen: Observation) -> list[Rule]:
    """Return the rules to try, in the order they are preferred: the period kept, then days."""
    rules = [Rule(mode, current.period) for mode in MODES if mode is not current.mode]
    for mode in (current.mode, *(mode for mode in MODES if mode is not current.mode)):
        start = seen.old_expiry if mode is RenewalMode.EXTEND_EXPIRY else seen.renewal_date
        if mode is RenewalMode.EXTEND_EXPIRY and seen.old_expiry < seen.renewal_date:
            start = seen.renewal_date
        days = (seen.stated - start).days
        if 0 < days <= PERIOD_LIMITS[PeriodUnit.DAYS]:
            rules.append(Rule(mode, Period(length=days, unit=PeriodUnit.DAYS)))
    return [rule for rule in dict.fromkeys(rules) if rule != current]


def propose(
    history: Sequence[Mapping[str, Any]], mode: RenewalMode, period_of: PeriodOf
) -> Proposal | None:
    """Return a corrected rule if the carrier's last two stated dates differ alike from the rule.

    Both renewals must be of the same plan, off by the same non-zero number of days, and one
    rule must give the carrier's date for both; otherwise the carrier may simply have erred.
    """
    seen = observations(history, mode, period_of)
    if len(seen) < 2:
        return None
    first, second = seen[-2], seen[-1]
    if first.plan != second.plan or first.gap == 0 or first.gap != second.gap:
        return None
    period = period_of(second.plan)
    if period is None:  # pragma: no cover - observations have a period
        return None
    current = Rule(mode, period)
    for rule in _candidates(current, second):
        if all(
            _compute(rule, item.old_expiry, item.renewal_date) == item.stated
            for item in (first, second)
        ):
            return Proposal(
                plan=second.plan, current=current, proposed=rule, renewals=(first, second)
            )
    return None


def rule_entry(at: str, source: str, proposal: Proposal, outcome: str) -> dict[str, Any]:
    """Return the history entry that records a proposal taken or declined."""
    entry: dict[str, Any] = {
        "kind": RULE_KIND,
        "at": at,
        "source": source,
        "outcome": outcome,
        "renewal_mode": proposal.proposed.mode.value,
        "renewal_period": proposal.proposed.period.length,
        "renewal_period_unit": proposal.proposed.period.unit.value,
        "old_renewal_mode": proposal.current.mode.value,
        "old_renewal_period": proposal.current.period.length,
        "old_renewal_period_unit": proposal.current.period.unit.value,
    }
    if proposal.plan is not None:
        entry["plan"] = proposal.plan
    return entry


def with_rule(data: Mapping[str, Any], proposal: Proposal) -> dict[str, Any]:
    """Return a card's settings with the proposed mode, and the period on the plan it is for."""
    changed = {**data, "renewal_mode": proposal.proposed.mode.value}
    period = proposal.proposed.period
    fields = {"renewal_period": period.length, "renewal_period_unit": period.unit.value}
    default = data.get("default_plan")
    if proposal.plan is None or proposal.plan == default or not data.get("plans"):
        changed.update(fields)
        if isinstance(default, str) and parse_period(default) not in (None, period):
            # A default plan named by its old period ("180 days") would now misname it.
            del changed["default_plan"]
        return changed
    changed["plans"] = [
        {**plan, **fields} if isinstance(plan, dict) and plan.get("name") == proposal.plan else plan
        for plan in data["plans"]
    ]
    return changed
