"""Reminders and expiry events: each fires exactly once, across restarts and downtime."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .conftest import card_subentry, expiry_of, move_to, setup_entry

STATUS = "sensor.mum_s_cmhk_status"


async def restart_at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry, when: str
) -> None:
    """Stop the hub, let the clock run to `when` while it is down, and start it again."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await move_to(hass, freezer, when)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry, end: str
) -> None:
    """Let the clock run to `end`, stopping at every instant the hub asked to wake."""
    until = dt_util.parse_datetime(end)
    assert until is not None
    while (wake := entry.runtime_data.scheduler.next_wake) is not None and wake <= until:
        await move_to(hass, freezer, wake.isoformat())
    await move_to(hass, freezer, end)


@pytest.fixture
async def events(hass: HomeAssistant) -> dict[str, list[Event]]:
    """Capture every simrenew event."""
    return {
        "reminder": async_capture_events(hass, "simrenew_reminder"),
        "expired": async_capture_events(hass, "simrenew_expired"),
    }


def reminders(events: dict[str, list[Event]]) -> list[tuple[int, bool]]:
    """Return each reminder's stage and whether it was late."""
    return [
        (event.data["stage"], event.data["late"])
        for event in events["reminder"]
        if event.data["kind"] != "confirm"
    ]


@pytest.fixture
async def entry(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """Return a hub in New York time with a Hong Kong card due on 10 December 2026."""
    await hass.config.async_set_time_zone("America/New_York")
    freezer.move_to("2026-11-30T12:00:00+00:00")  # 07:00 in New York
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(expiry_date="2026-12-10", grace_days=5)],
    )
    await setup_entry(hass, entry)
    return entry


async def test_each_stage_fires_once_through_restart_and_downtime(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    events: dict[str, list[Event]],
) -> None:
    """Walk a card from a week out to past its grace period."""
    assert reminders(events) == []
    # Stage 7 falls on 3 December at 09:00 in New York (14:00 UTC).
    await move_to(hass, freezer, "2026-12-03T13:59:59+00:00")
    assert reminders(events) == []
    await move_to(hass, freezer, "2026-12-03T14:00:00+00:00")
    assert reminders(events) == [(7, False)]
    (event,) = events["reminder"]
    assert event.data["card_id"] == next(iter(entry.subentries))
    assert event.data["name"] == "Mum's CMHK"
    assert event.data["expiry_date"] == "2026-12-10"
    assert event.data["days_until_expiry"] == 7
    assert event.data["device_id"] is not None
    assert event.data["snoozed"] is False

    # A restart does not repeat it.
    await restart_at(hass, freezer, entry, "2026-12-05T01:00:00+00:00")
    assert reminders(events) == [(7, False)]

    # Home Assistant is down while stage 3 falls due (7 December, 14:00 UTC); it fires once,
    # late, at start-up, because 7 December has not yet ended in Hong Kong.
    await restart_at(hass, freezer, entry, "2026-12-07T15:00:00+00:00")
    assert reminders(events) == [(7, False), (3, True)]
    await move_to(hass, freezer, "2026-12-08T20:00:00+00:00")
    assert reminders(events) == [(7, False), (3, True)]

    await move_to(hass, freezer, "2026-12-09T14:00:00+00:00")
    await move_to(hass, freezer, "2026-12-10T14:00:00+00:00")
    assert reminders(events) == [(7, False), (3, True), (1, False), (0, False)]
    assert hass.states.get(STATUS).state == "expiring_soon"

    # 11 December in Hong Kong begins at 16:00 UTC on the 10th: grace period.
    await move_to(hass, freezer, "2026-12-10T16:00:00+00:00")
    assert hass.states.get(STATUS).state == "grace_period"
    assert events["expired"] == []
    # Each grace day (11 to 15 December) gets one reminder at 09:00 New York, which is
    # 22:00 the same day in Hong Kong: the number can still be saved until the 15th.
    for day in range(11, 16):
        await move_to(hass, freezer, f"2026-12-{day:02d}T14:00:00+00:00")
    grace = [event.data for event in events["reminder"][4:]]
    assert [(data["kind"], data["stage"]) for data in grace] == [
        ("grace", -1),
        ("grace", -2),
        ("grace", -3),
        ("grace", -4),
        ("grace", -5),
    ]
    assert {data["grace_end"] for data in grace} == {"2026-12-15"}
    assert [data["days_until_grace_end"] for data in grace] == [4, 3, 2, 1, 0]
    assert {event.data["kind"] for event in events["reminder"][:4]} == {"deadline"}
    # The last grace day is 15 December in Hong Kong; the card is lost at its end.
    await move_to(hass, freezer, "2026-12-15T15:59:59+00:00")
    assert events["expired"] == []
    await move_to(hass, freezer, "2026-12-15T16:00:00+00:00")
    assert hass.states.get(STATUS).state == "expired"
    (expired,) = events["expired"]
    assert expired.data["late"] is False
    assert expired.data["name"] == "Mum's CMHK"

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-12-20T16:00:00+00:00")
    assert len(events["expired"]) == 1
    assert len(events["reminder"]) == 9
    assert entry.runtime_data.scheduler.next_wake is not None


async def test_missed_stages_fire_only_the_latest(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    events: dict[str, list[Event]],
) -> None:
    """After a long downtime only the most recent missed stage goes out, while its day lasts."""
    await restart_at(hass, freezer, entry, "2026-12-09T15:00:00+00:00")
    assert reminders(events) == [(1, True)]
    await move_to(hass, freezer, "2026-12-10T14:00:00+00:00")
    assert reminders(events) == [(1, True), (0, False)]


async def test_missed_stage_of_an_ended_day_is_not_sent(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    events: dict[str, list[Event]],
) -> None:
    """A stage whose card day ended while Home Assistant was down is never sent."""
    # 04:00 on 10 December in Hong Kong: stage 1 (9 December) has ended.
    await restart_at(hass, freezer, entry, "2026-12-09T20:00:00+00:00")
    assert reminders(events) == []
    await move_to(hass, freezer, "2026-12-10T14:00:00+00:00")
    assert reminders(events) == [(0, False)]


async def test_expired_while_down_fires_late(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    events: dict[str, list[Event]],
) -> None:
    """A card lost while Home Assistant was down is reported once, late."""
    await restart_at(hass, freezer, entry, "2026-12-25T12:00:00+00:00")
    (expired,) = events["expired"]
    assert expired.data["late"] is True
    assert reminders(events) == []


async def test_renewal_rearms_and_snooze(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    events: dict[str, list[Event]],
) -> None:
    """Snoozing reminds again next day; renewing starts the stages over for the new deadline."""
    await move_to(hass, freezer, "2026-12-03T14:00:00+00:00")
    assert reminders(events) == [(7, False)]
    await hass.services.async_call(DOMAIN, "snooze", {"entity_id": STATUS}, blocking=True)
    await move_to(hass, freezer, "2026-12-04T13:59:00+00:00")
    assert len(events["reminder"]) == 1
    await move_to(hass, freezer, "2026-12-04T14:00:00+00:00")
    assert len(events["reminder"]) == 2
    snoozed = events["reminder"][1].data
    assert snoozed["snoozed"] is True
    assert snoozed["stage"] == 6

    # The action takes 1 to 30 days, as its number box does; outside them, a translated error.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "snooze", {"entity_id": STATUS, "days": 0}, blocking=True
        )
    assert err.value.translation_key == "invalid_snooze"

    subentry = next(iter(entry.subentries.values()))
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "renewal_period": 30}
    )
    await hass.async_block_till_done()
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    # New expiry: 4 Dec (HK) + 30 days = 3 Jan 2027; stage 7 is 27 Dec.
    assert expiry_of(entry, subentry.subentry_id) == "2027-01-03"
    assert len(events["reminder"]) == 2
    # The renewal was recorded without the carrier's word: the next morning asks to confirm.
    await move_to(hass, freezer, "2026-12-05T14:00:00+00:00")
    assert [e.data["kind"] for e in events["reminder"]] == ["deadline", "deadline", "confirm"]
    assert events["reminder"][2].data["expiry_date"] == "2027-01-03"
    # Not confirmed, the old deadline still stands: its 3-day reminder comes, saying what waits.
    await move_to(hass, freezer, "2026-12-07T14:00:00+00:00")
    standing = [e.data for e in events["reminder"] if e.data["kind"] == "deadline"][-1]
    assert standing["stage"] == 3
    assert standing["deadline"] == "2026-12-10"
    assert standing["unconfirmed"] is True
    assert standing["recorded_expiry"] == "2027-01-03"
    # The confirm reminder repeats each day while the renewal waits.
    assert [e.data["kind"] for e in events["reminder"]].count("confirm") == 2
    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await move_to(hass, freezer, "2026-12-27T14:00:00+00:00")
    assert reminders(events)[-1] == (7, False)
    assert events["reminder"][-1].data["recorded_expiry"] is None
    assert len(events["reminder"]) == 6


async def test_auto_renew_gets_only_final_stage(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, events: dict[str, list[Event]]
) -> None:
    """A card that renews itself is reminded only on its last stage."""
    freezer.move_to("2026-11-30T12:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7, 3, 1], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(expiry_date="2026-12-10", auto_renew=True)],
    )
    await setup_entry(hass, entry)
    await run_until(hass, freezer, entry, "2026-12-10T23:00:00+00:00")
    assert [stage for stage, _ in reminders(events)] == [1]


async def test_per_card_reminder_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, events: dict[str, list[Event]]
) -> None:
    """A card's own reminder days replace the household's, for status too."""
    freezer.move_to("2026-11-30T12:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(expiry_date="2026-12-25", reminder_days=[30, 2])],
    )
    await setup_entry(hass, entry)
    assert hass.states.get(STATUS).state == "expiring_soon"
    # Stage 30 was 25 November, a day that has ended: it is not sent.
    assert reminders(events) == []
    await run_until(hass, freezer, entry, "2026-12-25T23:00:00+00:00")
    assert [stage for stage, _ in reminders(events) if stage >= 0] == [2]
