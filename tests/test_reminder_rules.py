"""Pure tests for reminder instants, stages and calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st

from custom_components.simrenew.household import calendar_days
from custom_components.simrenew.reminders import ReminderPlan, at_time, is_late, stages_for

NEW_YORK = ZoneInfo("America/New_York")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
BAKER_ISLAND = ZoneInfo("Etc/GMT+12")  # UTC-12


def test_stages_for_auto_renew() -> None:
    """A self-renewing card keeps only the smallest stage."""
    assert stages_for([1, 14, 7, 7], auto_renew=False) == (14, 7, 1)
    assert stages_for([1, 14, 7], auto_renew=True) == (1,)
    assert stages_for([], auto_renew=True) == ()
    assert stages_for([7, 0], auto_renew=False, grace_days=3) == (7, 0, -1, -2, -3)
    assert stages_for([7, 0], auto_renew=True, grace_days=3) == (0,)


def test_last_day_reminder_comes_before_the_card_day_ends() -> None:
    """A reminder time after a Hong Kong card's last day has ended comes an hour before its end."""
    plan = ReminderPlan(
        deadline=date(2026, 12, 10), stages=(0,), at=time(9), zone=NEW_YORK, card_zone=HONG_KONG
    )
    # 10 Dec ends in Hong Kong at 16:00 UTC; 09:00 New York on 10 Dec is 14:00 UTC: in time.
    assert plan.instant(0) == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    late_plan = ReminderPlan(
        deadline=date(2026, 12, 10), stages=(0,), at=time(11), zone=NEW_YORK, card_zone=HONG_KONG
    )
    # 11:00 New York (16:00 UTC) is the instant the card's day ends: sent an hour before.
    assert late_plan.instant(0) == datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    assert late_plan.instant(0) < late_plan.day_ends(0)


def test_a_missed_stage_whose_day_ended_is_not_sent() -> None:
    """After downtime, the latest missed stage goes out only while its card day lasts."""
    plan = ReminderPlan(
        deadline=date(2026, 12, 10), stages=(7, 3), at=time(9), zone=HONG_KONG, card_zone=HONG_KONG
    )
    during_day_3 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert plan.to_send(plan.due([], during_day_3), during_day_3) == 3
    after_day_3 = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert plan.due([], after_day_3) == [3, 7]
    assert plan.to_send(plan.due([], after_day_3), after_day_3) is None


def test_snooze_never_passes_the_last_chance() -> None:
    """A snooze past the last savable day comes two hours before that day ends."""
    plan = ReminderPlan(
        deadline=date(2026, 12, 10), stages=(0,), at=time(9), zone=HONG_KONG, card_zone=HONG_KONG
    )
    now = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 10:00 on the last day
    assert plan.snooze_instant(date(2026, 12, 11), 0, now) == datetime(
        2026, 12, 10, 14, 0, tzinfo=UTC
    )
    close = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # 23:00: an hour left
    assert plan.snooze_instant(date(2026, 12, 11), 0, close) == datetime(
        2026, 12, 10, 15, 30, tzinfo=UTC
    )
    early = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    assert plan.snooze_instant(date(2026, 12, 6), 0, early) == datetime(
        2026, 12, 6, 1, 0, tzinfo=UTC
    )


def test_at_time_in_dst_gap_moves_forward() -> None:
    """02:30 does not exist on 8 March 2026 in New York; it becomes 03:30 EDT."""
    instant = at_time(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert instant.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_plan_due_and_next() -> None:
    """Due stages are those whose instant passed; the next is the soonest still ahead."""
    plan = ReminderPlan(
        deadline=date(2026, 12, 10), stages=(7, 3, 0), at=time(9), zone=NEW_YORK, card_zone=NEW_YORK
    )
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
    grace=st.integers(min_value=0, max_value=40),
    card_zone=st.sampled_from([HONG_KONG, NEW_YORK, KIRITIMATI, BAKER_ISLAND]),
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
)
def test_next_instant_is_future_and_unfired(
    deadline: date,
    stages: list[int],
    hour: int,
    grace: int,
    card_zone: ZoneInfo,
    now: datetime,
) -> None:
    """The next reminder is after now; every stage goes out before its card day ends."""
    plan = ReminderPlan(
        deadline=deadline,
        stages=stages_for(stages, False, grace),
        at=time(hour),
        zone=NEW_YORK,
        card_zone=card_zone,
    )
    due = plan.due([], now)
    following = plan.next_instant(due, now)
    assert following is None or following > now
    pending = [s for s in plan.stages if s not in due]
    assert all(plan.instant(s) > now for s in pending)
    for stage in plan.stages:
        assert plan.instant(stage) < plan.day_ends(stage)
        # ... and on the card's day or the Home Assistant day of the same date.
        assert plan.day_ends(stage) - plan.instant(stage) < timedelta(days=3)
    instants = [plan.instant(stage) for stage in sorted(plan.stages, reverse=True)]
    assert instants == sorted(instants)
    sent = plan.to_send(due, now)
    assert sent is None or now < plan.day_ends(sent)


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
    # Before a deadline set by activity, the reminder asks for a use.
    assert [(d.day.isoformat(), d.kind, d.days) for d in days] == [
        ("2026-12-13", "use_reminder", 7),
        ("2026-12-20", "activity_due", 0),
        ("2026-12-30", "grace_end", 0),
        ("2026-12-31", "expiry", 0),
    ]
    assert days[0].uid == "c_use_reminder_2026-12-13"
    renewal = calendar_days(
        card_id="c",
        name="Card",
        expiry=date(2026, 12, 31),
        deadline=date(2026, 12, 31),
        grace_days=0,
        reminder_days=(7, 0),
        auto_renew=False,
    )
    assert [(d.day.isoformat(), d.kind) for d in renewal] == [
        ("2026-12-24", "reminder"),
        ("2026-12-31", "expiry"),
    ]
