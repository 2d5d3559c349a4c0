"""Pure tests for reminder instants, stages and calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from custom_components.simrenew.household import calendar_days
from custom_components.simrenew.reminders import ReminderPlan, at_time, is_late, stages_for

NEW_YORK = ZoneInfo("America/New_York")


def test_stages_for_auto_renew() -> None:
    """A self-renewing card keeps only the smallest stage."""
    assert stages_for([1, 14, 7, 7], auto_renew=False) == (14, 7, 1)
    assert stages_for([1, 14, 7], auto_renew=True) == (1,)
    assert stages_for([], auto_renew=True) == ()


def test_at_time_in_dst_gap_moves_forward() -> None:
    """02:30 does not exist on 8 March 2026 in New York; it becomes 03:30 EDT."""
    instant = at_time(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert instant.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_plan_due_and_next() -> None:
    """Due stages are those whose instant passed; the next is the soonest still ahead."""
    plan = ReminderPlan(deadline=date(2026, 12, 10), stages=(7, 3, 0), at=time(9), zone=NEW_YORK)
    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    assert plan.due([], now) == [3, 7]
    assert plan.due([7], now) == [3]
    assert plan.next_instant([7, 3], now) == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    assert plan.next_instant([7, 3, 0], now) is None
    assert not is_late(plan.instant(3), plan.instant(3) + timedelta(minutes=5))
    assert is_late(plan.instant(3), plan.instant(3) + timedelta(minutes=6))


@given(
    deadline=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    stages=st.lists(st.integers(min_value=0, max_value=60), max_size=6),
    hour=st.integers(min_value=0, max_value=23),
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_instant_is_future_and_unfired(
    deadline: date, stages: list[int], hour: int, now: datetime
) -> None:
    """The next reminder is always after now, and due plus pending cover every stage."""
    plan = ReminderPlan(
        deadline=deadline, stages=stages_for(stages, False), at=time(hour), zone=NEW_YORK
    )
    due = plan.due([], now)
    following = plan.next_instant(due, now)
    assert following is None or following > now
    pending = [s for s in plan.stages if s not in due]
    assert all(plan.instant(s) > now for s in pending)


def test_calendar_days() -> None:
    """Reminder days before the deadline, the activity deadline, the expiry and grace end."""
    days = calendar_days(
        card_id="c",
        name="Card",
        expiry=date(2026, 12, 31),
        deadline=date(2026, 12, 20),
        grace_days=10,
        reminder_days=(7, 0),
        auto_renew=False,
    )
    assert [(d.day.isoformat(), d.kind, d.days) for d in days] == [
        ("2026-12-13", "reminder", 7),
        ("2026-12-20", "activity_due", 0),
        ("2026-12-30", "grace_end", 0),
        ("2026-12-31", "expiry", 0),
    ]
    assert days[0].uid == "c_reminder_2026-12-13"
