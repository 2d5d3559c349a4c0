"""Rules learned from the carrier's dates: found from two renewals alike, never from one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, strategies as st

from custom_components.simrenew.learned_rules import (
    ACCEPTED,
    KEPT,
    Rule,
    observations,
    propose,
    rule_entry,
    with_rule,
)
from custom_components.simrenew.model import Period, PeriodUnit, RenewalMode, renewed_expiry

DAYS_180 = Period(length=180, unit=PeriodUnit.DAYS)


def renewal(day: date, old: date, new: date, **extra: Any) -> dict[str, Any]:
    """Return a renewal entry as the hub writes it, unconfirmed unless told."""
    return {
        "kind": "renewal",
        "at": f"{day.isoformat()}T02:00:00+00:00",
        "source": "button",
        "date": day.isoformat(),
        "old_expiry": old.isoformat(),
        "new_expiry": new.isoformat(),
        "currency": "HKD",
        "confirmed": False,
        **extra,
    }


def correction(day: date, old: date, new: date, source: str = "confirm") -> dict[str, Any]:
    """Return a correction entry: the carrier's date, entered or read."""
    return {
        "kind": "correction",
        "at": f"{day.isoformat()}T03:00:00+00:00",
        "source": source,
        "old_expiry": old.isoformat(),
        "new_expiry": new.isoformat(),
    }


def corrected_renewals(
    first_expiry: date,
    lead: int,
    count: int,
    gap: int,
    mode: RenewalMode = RenewalMode.FROM_RENEWAL,
) -> list[dict[str, Any]]:
    """Return renewals made `lead` days before expiry, each corrected by the carrier by `gap`."""
    history: list[dict[str, Any]] = []
    expiry = first_expiry
    for _ in range(count):
        day = expiry - timedelta(days=lead)
        computed = renewed_expiry(expiry_date=expiry, renewal_date=day, period=DAYS_180, mode=mode)
        stated = computed + timedelta(days=gap)
        history += [renewal(day, expiry, computed), correction(day, computed, stated)]
        expiry = stated
    return history


def _default(name: str | None) -> Period | None:
    """Return the card's plans: the default 180 days, and "HK$300" of 360 days."""
    return {None: DAYS_180, "HK$300": Period(length=360, unit=PeriodUnit.DAYS)}.get(name)


def test_two_corrections_of_thirty_days_propose_the_carriers_period() -> None:
    """Renewed at 180 days, told 210 each time: the plan's period is 210 days."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=2, gap=30)
    proposal = propose(history, RenewalMode.FROM_RENEWAL, _default)
    assert proposal is not None
    assert proposal.proposed == Rule(
        RenewalMode.FROM_RENEWAL, Period(length=210, unit=PeriodUnit.DAYS)
    )
    assert [seen.gap for seen in proposal.renewals] == [30, 30]
    assert proposal.plan is None


def test_one_correction_proposes_nothing() -> None:
    """One differing date may be the carrier's slip: nothing is proposed."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=1, gap=30)
    assert propose(history, RenewalMode.FROM_RENEWAL, _default) is None


def test_a_card_that_adds_to_its_expiry_but_counts_from_the_top_up() -> None:
    """Entered as adding to the expiry, renewed 30 days early: the carrier counts from the day."""
    history = corrected_renewals(
        date(2027, 3, 1), lead=30, count=2, gap=-30, mode=RenewalMode.EXTEND_EXPIRY
    )
    proposal = propose(history, RenewalMode.EXTEND_EXPIRY, _default)
    assert proposal is not None
    # The period is kept: only the way it is counted changes.
    assert proposal.proposed == Rule(RenewalMode.FROM_RENEWAL, DAYS_180)


def test_different_gaps_or_plans_propose_nothing() -> None:
    """Two differing dates that differ unlike, or for two plans, show no rule."""
    first = corrected_renewals(date(2027, 3, 1), lead=10, count=1, gap=30)
    expiry = date.fromisoformat(first[-1]["new_expiry"])
    second = corrected_renewals(expiry, lead=10, count=1, gap=31)
    assert propose(first + second, RenewalMode.FROM_RENEWAL, _default) is None
    again = corrected_renewals(expiry, lead=10, count=1, gap=30)
    again[0]["plan"] = "HK$300"
    assert propose(first + again, RenewalMode.FROM_RENEWAL, _default) is None


def test_a_confirmed_date_counts_and_an_unconfirmed_one_does_not() -> None:
    """The carrier's date can be the renewal's own, stated; an unconfirmed tap tells nothing."""
    day, old = date(2027, 2, 19), date(2027, 3, 1)
    stated = day + timedelta(days=210)
    later_day = stated - timedelta(days=10)
    history = [
        renewal(day, old, stated, confirmed=True),
        renewal(later_day, stated, later_day + timedelta(days=210), confirmed=True),
    ]
    assert propose(history, RenewalMode.FROM_RENEWAL, _default) is not None
    history[0]["confirmed"] = False
    assert propose(history, RenewalMode.FROM_RENEWAL, _default) is None


def test_an_undone_renewal_and_a_decision_reset_what_counts() -> None:
    """An undone renewal is left out; a rule taken or kept starts the count again."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=2, gap=30)
    undone = [*history, {"kind": "undo", "at": "x", "source": "action"}]
    assert propose(undone, RenewalMode.FROM_RENEWAL, _default) is None
    proposal = propose(history, RenewalMode.FROM_RENEWAL, _default)
    assert proposal is not None
    for outcome in (ACCEPTED, KEPT):
        decided = [*history, rule_entry("2027-09-01T00:00:00+00:00", "repair", proposal, outcome)]
        assert propose(decided, RenewalMode.FROM_RENEWAL, _default) is None


def test_accepting_changes_the_next_renewals_computed_expiry() -> None:
    """The card's settings with the rule give the carrier's date at the next renewal."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=2, gap=30)
    proposal = propose(history, RenewalMode.FROM_RENEWAL, _default)
    assert proposal is not None
    data = {"renewal_period": 180, "renewal_period_unit": "days", "default_plan": "180 days"}
    changed = with_rule({**data, "renewal_mode": "from_renewal"}, proposal)
    assert (changed["renewal_period"], changed["renewal_mode"]) == (210, "from_renewal")
    # Named by its old period, the default plan is named by its new one when next read.
    assert "default_plan" not in changed
    named = with_rule({**data, "default_plan": "Top-up"}, proposal)
    assert named["default_plan"] == "Top-up"


def test_a_plan_other_than_the_default_changes_alone() -> None:
    """A proposal for another plan changes that plan's period, and the card's mode."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=2, gap=-30)
    for entry in history:
        entry["plan"] = "HK$300"
    proposal = propose(history, RenewalMode.FROM_RENEWAL, _default)
    # Counted against the plan's own 360 days, the carrier's dates are short alike both times.
    seen = observations(history, RenewalMode.FROM_RENEWAL, _default)
    assert all(item.plan == "HK$300" for item in seen)
    assert proposal is not None
    data = {
        "renewal_period": 180,
        "renewal_period_unit": "days",
        "plans": [{"name": "HK$300", "renewal_period": 360, "renewal_period_unit": "days"}, "x"],
    }
    changed = with_rule(data, proposal)
    assert changed["renewal_period"] == 180
    assert changed["plans"][0]["renewal_period"] == proposal.proposed.period.length
    assert changed["plans"][1] == "x"


def test_unreadable_entries_are_passed_over() -> None:
    """Entries with dates that cannot be read, or plans the card no longer has, are skipped."""
    history = corrected_renewals(date(2027, 3, 1), lead=10, count=2, gap=30)
    history[0]["date"] = "soon"
    history.append(renewal(date(2027, 12, 1), date(2028, 1, 1), date(2028, 6, 1), plan="gone"))
    history[-1]["confirmed"] = True
    history.append(correction(date(2027, 12, 2), date(2028, 6, 1), date(9999, 12, 31)))
    history.append(
        renewal(date(9999, 12, 30), date(9999, 12, 31), date(9999, 12, 31), confirmed=True)
    )
    assert len(observations(history, RenewalMode.FROM_RENEWAL, _default)) == 1


@given(
    lead=st.integers(min_value=0, max_value=120),
    gap=st.integers(min_value=-170, max_value=170),
    count=st.integers(min_value=0, max_value=4),
    mode=st.sampled_from(list(RenewalMode)),
)
def test_any_history_proposes_a_rule_that_fits_or_nothing(
    lead: int, gap: int, count: int, mode: RenewalMode
) -> None:
    """Whatever the carrier said, a proposal gives its dates at both renewals; no gap, none."""
    history = corrected_renewals(date(2027, 3, 1), lead=lead, count=count, gap=gap, mode=mode)
    proposal = propose(history, mode, _default)
    if count < 2 or gap == 0:
        assert proposal is None
    if proposal is None:
        return
    assert proposal.proposed != proposal.current
    for seen in proposal.renewals:
        assert (
            renewed_expiry(
                expiry_date=seen.old_expiry,
                renewal_date=seen.renewal_date,
                period=proposal.proposed.period,
                mode=proposal.proposed.mode,
            )
            == seen.stated
        )


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["kind", "date", "old_expiry", "new_expiry", "confirmed", "plan"]),
            st.one_of(
                st.text(max_size=12),
                st.booleans(),
                st.sampled_from(["renewal", "correction", "undo", "rule", "2027-01-01"]),
            ),
        ),
        max_size=8,
    )
)
def test_any_entries_are_read_without_failing(history: list[dict[str, Any]]) -> None:
    """A history edited by hand or damaged never stops the check."""
    propose(history, RenewalMode.RESET, _default)
