"""Nothing lost, nothing silent: reloads, bad numbers, stale repairs, half-done calls, crashes."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.ledger import Ledger, forget_ledger
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, setup_entry

MUM = "sensor.mum_s_cmhk_days_until_expiry"
DAD = "sensor.dad_s_csl_days_until_expiry"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.fixture
async def two_cards(hass: HomeAssistant) -> MockConfigEntry:
    """Return a loaded hub with Mum's card (180 days) and Dad's card (no period)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(),
            card_subentry(
                **DAD_CARD,
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


def card_named(entry: MockConfigEntry, name: str) -> str:
    """Return the id of the card with this name."""
    return next(i for i, sub in entry.subentries.items() if sub.data["name"] == name)


def history(entry: MockConfigEntry, name: str) -> list[dict[str, Any]]:
    """Return a card's history as recorded now."""
    records: dict[str, Any] = entry.runtime_data.records
    return list(records[card_named(entry, name)]["history"])


def kinds(entry: MockConfigEntry, name: str) -> list[str]:
    """Return the kinds of a card's history entries, with their source."""
    return [f"{item['kind']}:{item['source']}" for item in history(entry, name)]


async def test_renewals_queued_during_a_reload_are_all_kept(
    hass: HomeAssistant, two_cards: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Ten renewals queued while another card is renamed: ten renewals, no false corrections."""
    mum = card_named(two_cards, "Mum's CMHK")
    dad = two_cards.subentries[card_named(two_cards, "Dad's csl")]
    calls = [
        hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
        for _ in range(10)
    ]
    tasks = [asyncio.ensure_future(item) for item in calls]
    await asyncio.sleep(0)
    # A new name changes the device, which reloads the hub while the renewals wait.
    hass.config_entries.async_update_subentry(
        two_cards, dad, title="Dad's spare", data={**dad.data, "name": "Dad's spare"}
    )
    await asyncio.gather(*tasks)
    await hass.async_block_till_done()
    assert two_cards.state is ConfigEntryState.LOADED
    records = hass_storage[f"{DOMAIN}.{two_cards.entry_id}"]["data"]["cards"]
    on_disk = [f"{item['kind']}:{item['source']}" for item in records[mum]["history"]]
    assert on_disk == ["renewal:action"] * 10
    chain = [(item["old_expiry"], item["new_expiry"]) for item in records[mum]["history"]]
    assert all(chain[n][1] == chain[n + 1][0] for n in range(9))
    assert expiry_of(two_cards, mum) == chain[-1][1]
    assert hass.states.get(MUM).state == str(
        (dt_util.parse_date(chain[-1][1]) - dt_util.parse_date("2026-11-22")).days  # type: ignore[operator]
    )


async def test_renewal_of_a_card_deleted_meanwhile_is_refused_cleanly(
    hass: HomeAssistant, two_cards: MockConfigEntry
) -> None:
    """Deleting a card while its renewal waits gives a translated error, not a KeyError."""
    mum = card_named(two_cards, "Mum's CMHK")
    ledger: Ledger = two_cards.runtime_data.ledger
    await ledger.lock.acquire()
    task = asyncio.ensure_future(
        hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    )
    await asyncio.sleep(0)
    assert hass.config_entries.async_remove_subentry(two_cards, mum)
    ledger.lock.release()
    with pytest.raises(ServiceValidationError) as err:
        await task
    assert err.value.translation_key in {"card_removed", "unknown_target"}
    await hass.async_block_till_done()
    assert mum not in two_cards.runtime_data.records


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_balance", {"amount": float("nan")}),
        ("set_balance", {"amount": float("inf")}),
        ("set_balance", {"amount": 1_000_000.01}),
        ("renew", {"amount": float("nan")}),
        ("renew", {"amount": 1e308}),
        ("renew", {"amount": -0.01}),
    ],
)
async def test_money_that_is_not_a_sum_is_refused(
    hass: HomeAssistant, two_cards: MockConfigEntry, service: str, data: dict[str, Any]
) -> None:
    """Non-finite, negative or absurd amounts are refused and change nothing."""
    before = history(two_cards, "Mum's CMHK")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, service, {"entity_id": MUM, **data}, blocking=True)
    assert err.value.translation_key == "invalid_amount"
    assert history(two_cards, "Mum's CMHK") == before


async def test_a_stored_cost_that_is_not_a_sum_breaks_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A card stored with a cost of NaN renews at no cost, and every card keeps counting days."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[
            card_subentry(renewal_cost=float("nan")),
            card_subentry(name="Dad's csl", phone_number="+85261234567", renewal_cost=1e308),
        ],
    )
    await setup_entry(hass, entry)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAD}, blocking=True)
    assert "amount" not in history(entry, "Mum's CMHK")[0]
    freezer.move_to("2026-11-23T04:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert hass.states.get(MUM).state == "179"
    assert hass.states.get(DAD).state == "179"


async def test_one_failing_entity_does_not_stop_the_others(
    hass: HomeAssistant,
    two_cards: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An entity that raises while updating is logged once; the other cards and reminders go on."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    hub = two_cards.runtime_data
    mum = card_named(two_cards, "Mum's CMHK")

    def broken() -> None:
        raise RuntimeError("entity failure")

    hub.async_add_listener(mum, broken)
    reminders = async_capture_events(hass, "simrenew_reminder")
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        freezer.move_to(f"{day}T01:00:00+00:00")  # 09:00 in Hong Kong
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done()
    assert hass.states.get(DAD).state == "46"
    assert hass.states.get(MUM).state == "6"
    assert [event.data["stage"] for event in reminders] == [7]
    logged = [r for r in caplog.records if "Could not update an entity" in r.getMessage()]
    assert len(logged) == 1
    assert hub.scheduler.next_wake is not None


async def test_repairs_go_with_their_card_and_hub(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Removing a lapsed card, or the hub, removes its repair; a stale fix closes politely."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[
            card_subentry(expiry_date="2026-11-10"),
            card_subentry(name="Dad's csl", phone_number="+85261234567", expiry_date="2026-11-01"),
        ],
    )
    await setup_entry(hass, entry)
    mum = card_named(entry, "Mum's CMHK")
    dad = card_named(entry, "Dad's csl")
    assert issue_registry.async_get_issue(DOMAIN, f"lapsed_{mum}") is not None
    assert issue_registry.async_get_issue(DOMAIN, f"lapsed_{dad}") is not None
    from homeassistant.components.repairs import (  # noqa: PLC0415
        DOMAIN as REPAIRS,
        repairs_flow_manager,
    )

    assert await async_setup_repairs(hass, REPAIRS)
    flows = repairs_flow_manager(hass)
    assert flows is not None
    stale = await flows.async_init(DOMAIN, data={"issue_id": f"lapsed_{mum}"})
    assert hass.config_entries.async_remove_subentry(entry, mum)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"lapsed_{mum}") is None
    result = await flows.async_configure(stale["flow_id"], {"next_step_id": "renewed"})
    assert result["type"] == "abort"
    assert result["reason"] == "card_removed"

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"lapsed_{dad}") is None


async def async_setup_repairs(hass: HomeAssistant, domain: str) -> bool:
    """Load the repairs integration."""
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    return await async_setup_component(hass, domain, {})


async def test_fix_of_an_issue_left_by_a_removed_hub_closes(hass: HomeAssistant) -> None:
    """An issue whose hub is gone opens a fix that only explains, with no traceback."""
    from custom_components.simrenew.repairs import async_create_fix_flow  # noqa: PLC0415

    flow = await async_create_fix_flow(hass, "lapsed_x", {"entry_id": "missing", "card_id": "x"})
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] == "abort"
    assert result["reason"] == "card_removed"
    flow = await async_create_fix_flow(hass, "lapsed_x", None)
    flow.hass = hass
    assert (await flow.async_step_init())["reason"] == "card_removed"


@pytest.mark.parametrize("stored", ["9:00", " 09:00", "+9:00", "25:00", 9, None])
async def test_a_bad_stored_reminder_time_never_stops_the_hub(
    hass: HomeAssistant, stored: object
) -> None:
    """Whatever reminder time is stored, the hub loads and reminds at a real time."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [7], "reminder_time": stored},
        subentries_data=[card_subentry()],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    expected = "09:00:00"
    assert entry.runtime_data.options.reminder_time.isoformat() == expected


@pytest.mark.parametrize(
    ("typed", "stored"), [("9:00", "09:00:00"), (" 09:30 ", "09:30:00"), ("21:05:09", "21:05:09")]
)
async def test_options_store_the_reminder_time_canonically(
    hass: HomeAssistant, two_cards: MockConfigEntry, typed: str, stored: str
) -> None:
    """The options form stores HH:MM:SS whatever way a valid time was written."""
    flow = await hass.config_entries.options.async_init(two_cards.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {"reminder_days": ["7"], "reminder_time": typed}
    )
    assert result["type"] == "create_entry"
    assert two_cards.options["reminder_time"] == stored


@pytest.mark.parametrize(
    "typed", ["+9:00", "9", "24:00", "25:00", "noon", "09:60", "9:00:61", 900, None, ["09:00"]]
)
async def test_options_refuse_a_time_that_is_not_one(
    hass: HomeAssistant, two_cards: MockConfigEntry, typed: str
) -> None:
    """A reminder time that is not a time of day gets a form error and changes nothing."""
    flow = await hass.config_entries.options.async_init(two_cards.entry_id)
    # Never the time selector's English schema error: the form's own, translated.
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {"reminder_days": ["7"], "reminder_time": typed}
    )
    assert result["type"] == "form"
    assert result["errors"] == {"reminder_time": "invalid_reminder_time"}
    assert two_cards.options["reminder_time"] == "09:00:00"


async def test_snoozing_the_last_day_without_grace_still_reminds_in_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A snooze on a card's last day comes back before the card stops working."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(expiry_date="2026-11-22", grace_days=0)],
    )
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    await setup_entry(hass, entry)
    reminders = async_capture_events(hass, "simrenew_reminder")
    await hass.services.async_call(DOMAIN, "snooze", {"entity_id": MUM}, blocking=True)
    # The card works until 16:00 UTC; the snoozed reminder comes two hours before.
    freezer.move_to("2026-11-22T14:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    (event,) = reminders
    assert event.data["snoozed"] is True
    assert event.data["kind"] == "deadline"
    assert event.data["stage"] == 0


async def test_a_reminder_snoozed_in_grace_is_a_grace_reminder(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A reminder snoozed during the grace period says so, with the grace end."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(expiry_date="2026-11-20", grace_days=10)],
    )
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    await setup_entry(hass, entry)
    reminders = async_capture_events(hass, "simrenew_reminder")
    await hass.services.async_call(DOMAIN, "snooze", {"entity_id": MUM}, blocking=True)
    freezer.move_to("2026-11-23T01:00:00+00:00")
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    # The snooze falls on the next grace day's own reminder, which goes out once, as grace.
    (event,) = reminders
    assert event.data["kind"] == "grace"
    assert event.data["grace_end"] == "2026-11-30"
    assert event.data["days_until_grace_end"] == 7


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("renew", {}, "no_renewal_period"),
        # Without an activity rule a use may be dated up to 400 days before the card was added.
        ("record_activity", {"date": "2025-10-15"}, "date_before_card"),
        ("set_expiry", {"expiry_date": "2020-01-01"}, "expiry_out_of_range"),
    ],
)
async def test_calls_on_several_cards_are_all_or_nothing(
    hass: HomeAssistant,
    two_cards: MockConfigEntry,
    hass_storage: dict[str, Any],
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """When one targeted card refuses, no card is changed."""
    if service == "record_activity":
        # Dad's card was added today; Mum's card a week ago.
        records: dict[str, Any] = two_cards.runtime_data.records
        records[card_named(two_cards, "Mum's CMHK")]["added"] = "2026-11-15"
        records[card_named(two_cards, "Dad's csl")]["added"] = "2026-11-22"
    before_data = {i: dict(s.data) for i, s in two_cards.subentries.items()}
    before = {name: history(two_cards, name) for name in ("Mum's CMHK", "Dad's csl")}
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {"entity_id": [MUM, DAD], **data}, blocking=True
        )
    assert err.value.translation_key == key
    await hass.async_block_till_done()
    assert {name: history(two_cards, name) for name in before} == before
    assert {i: dict(s.data) for i, s in two_cards.subentries.items()} == before_data


async def test_a_renewal_cancelled_at_any_point_happens_completely_or_not_at_all(
    hass: HomeAssistant, two_cards: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Cancel the caller after each number of loop turns, restart, and compare."""
    mum = card_named(two_cards, "Mum's CMHK")
    for turns in range(8):
        task = asyncio.ensure_future(
            hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
        )
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await hass.async_block_till_done()
        assert await hass.config_entries.async_reload(two_cards.entry_id)
        await hass.async_block_till_done()
        records = hass_storage[f"{DOMAIN}.{two_cards.entry_id}"]["data"]["cards"]
        renewals = [i for i in records[mum]["history"] if i["kind"] == "renewal"]
        expiry = expiry_of(two_cards, mum)
        assert (renewals[-1]["new_expiry"] if renewals else "2026-12-01") == expiry


async def test_a_write_that_fails_records_nothing(
    hass: HomeAssistant, two_cards: MockConfigEntry
) -> None:
    """If the history cannot be written, the expiry does not move and memory holds nothing."""
    mum = card_named(two_cards, "Mum's CMHK")
    ledger: Ledger = two_cards.runtime_data.ledger
    with (
        patch.object(ledger.store, "async_save", side_effect=HomeAssistantError("disk full")),
        pytest.raises(HomeAssistantError),
    ):
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    assert history(two_cards, "Mum's CMHK") == []
    assert expiry_of(two_cards, mum) == "2026-12-01"


async def test_an_expiry_change_interrupted_after_its_record_is_completed_at_start(
    hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A renewal on disk whose expiry never reached the card is completed when the hub starts."""
    card = next(iter(mock_entry.subentries))
    hass_storage[f"{DOMAIN}.{mock_entry.entry_id}"] = {
        "version": 2,
        "minor_version": 2,
        "key": f"{DOMAIN}.{mock_entry.entry_id}",
        "data": {
            "cards": {
                card: {
                    "added": "2026-11-01",
                    "history": [
                        {
                            "kind": "renewal",
                            "at": "2026-11-21T04:00:00+00:00",
                            "source": "button",
                            "date": "2026-11-21",
                            "old_expiry": "2026-12-01",
                            "new_expiry": "2027-05-20",
                            "currency": "HKD",
                            "channel": "other",
                        }
                    ],
                    "balance": None,
                    "last_activity": None,
                    "reminders": {
                        "deadline": None,
                        "fired": [],
                        "expired_for": None,
                        "snoozed_until": None,
                    },
                }
            }
        },
    }
    await setup_entry(hass, mock_entry)
    assert expiry_of(mock_entry, card) == "2027-05-20"
    assert hass.states.get(MUM).state == "179"
    assert [i["kind"] for i in mock_entry.runtime_data.records[card]["history"]] == ["renewal"]


async def test_fifty_renewals_on_ten_cards_race_twenty_reloads(hass: HomeAssistant) -> None:
    """Every renewal is kept, each card's chain is unbroken, and only one timer is left."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[
            card_subentry(name=f"Card {n}", phone_number=f"+8529000000{n}") for n in range(10)
        ],
    )
    await setup_entry(hass, entry)
    hubs = [entry.runtime_data]
    calls = [
        asyncio.ensure_future(
            hass.services.async_call(
                DOMAIN, "renew", {"entity_id": f"sensor.card_{n % 10}_status"}, blocking=True
            )
        )
        for n in range(50)
    ]
    for _ in range(20):
        await asyncio.sleep(0)
        assert await hass.config_entries.async_reload(entry.entry_id)
        hubs.append(entry.runtime_data)
    results = await asyncio.gather(*calls, return_exceptions=True)
    await hass.async_block_till_done()
    assert [r for r in results if r is not None] == []
    records: dict[str, Any] = entry.runtime_data.records
    for card_id in entry.subentries:
        renewals = [i for i in records[card_id]["history"] if i["kind"] == "renewal"]
        assert len(renewals) == 5
        assert all(a["new_expiry"] == b["old_expiry"] for a, b in itertools.pairwise(renewals))
        assert expiry_of(entry, card_id) == renewals[-1]["new_expiry"]
        assert [i["kind"] for i in records[card_id]["history"]] == ["renewal"] * 5
    assert all(hub.scheduler.next_wake is None for hub in hubs[:-1])
    assert hubs[-1].scheduler.next_wake is not None
    assert all(hub.stopped for hub in hubs[:-1])


async def test_a_snooze_survives_a_restart(
    hass: HomeAssistant, two_cards: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """The stored snooze instant reads back after a restart, with no repair about the file."""
    await hass.services.async_call(DOMAIN, "snooze", {"entity_id": MUM}, blocking=True)
    mum = card_named(two_cards, "Mum's CMHK")
    records: dict[str, Any] = two_cards.runtime_data.records
    snoozed = records[mum]["reminders"]["snoozed_until"]
    assert snoozed is not None
    assert await hass.config_entries.async_unload(two_cards.entry_id)
    forget_ledger(hass, two_cards.entry_id)
    assert await hass.config_entries.async_setup(two_cards.entry_id)
    await hass.async_block_till_done()
    records = two_cards.runtime_data.records
    assert records[mum]["reminders"]["snoozed_until"] == snoozed
    assert not [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
