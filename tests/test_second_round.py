"""The second adversarial round: each finding, numbered as in its issue, fails without its fix."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.simrenew.card_config import CardConfig
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.diagnostics import async_get_config_entry_diagnostics
from custom_components.simrenew.plan_form import check_plans
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, move_to, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
TO_CONFIRM = "binary_sensor.mum_s_cmhk_renewal_to_confirm"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in a Hong Kong home on 22 November 2026."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def hub(hass: HomeAssistant, **changes: Any) -> MockConfigEntry:
    """Return a loaded hub with Mum's card."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(**changes)],
    )
    await setup_entry(hass, entry)
    return entry


def only_card(entry: MockConfigEntry) -> str:
    """Return the hub's only card."""
    return next(iter(entry.subentries))


def shown(hass: HomeAssistant) -> dict[str, Any]:
    """Return the notifications now shown, by id."""
    return dict(persistent_notification._async_get_or_create_notifications(hass))


async def call(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call a simrenew action on Mum's card and let it settle."""
    await hass.services.async_call(DOMAIN, service, {"entity_id": STATUS, **data}, blocking=True)
    await hass.async_block_till_done()


async def test_5_a_correction_to_the_same_date_settles_the_marker_at_once(
    hass: HomeAssistant,
) -> None:
    """Setting the recorded expiry confirms it: the marker goes off now, not at midnight."""
    entry = await hub(hass)
    await call(hass, "renew")
    assert hass.states.get(TO_CONFIRM).state == "on"
    recorded = expiry_of(entry, only_card(entry))
    await call(hass, "set_expiry", expiry_date=recorded)
    assert hass.states.get(TO_CONFIRM).state == "off"
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False


async def test_5_an_undo_of_a_renewal_that_moved_nothing_settles_the_marker(
    hass: HomeAssistant,
) -> None:
    """A renewal that left the expiry where it was, undone: nothing waits any more, at once."""
    await hub(hass, expiry_date="2027-12-31")
    await call(hass, "renew")
    assert hass.states.get(TO_CONFIRM).state == "on"
    await call(hass, "undo_renewal")
    assert hass.states.get(TO_CONFIRM).state == "off"


@pytest.mark.parametrize("service", ["confirm_renewal", "set_expiry"])
async def test_8_a_failed_write_leaves_nothing_confirmed(hass: HomeAssistant, service: str) -> None:
    """The file could not be written: memory does not claim the renewal confirmed."""
    entry = await hub(hass)
    await call(hass, "renew")
    records: dict[str, Any] = entry.runtime_data.records
    confirm = records[only_card(entry)]["reminders"]["confirm"]
    data = {"expiry_date": "2027-05-25"} if service == "set_expiry" else {}
    with (
        patch.object(
            entry.runtime_data.ledger.store,
            "async_save",
            side_effect=HomeAssistantError("disk full"),
        ),
        pytest.raises(HomeAssistantError),
    ):
        await call(hass, service, **data)
    assert records[only_card(entry)]["reminders"]["confirm"] == confirm
    assert [e["confirmed"] for e in records[only_card(entry)]["history"]] == [False]


async def test_13_diagnostics_hide_how_a_renewal_was_paid(hass: HomeAssistant) -> None:
    """A payment method (a card's last digits, an Octopus number) is redacted like a reference."""
    entry = await hub(hass)
    await call(hass, "renew", payment_method="Visa 4242")
    result = await async_get_config_entry_diagnostics(hass, entry)
    (renewal,) = result["cards"][only_card(entry)]["history"]
    assert renewal["payment_method"] == "**REDACTED**"
    assert "4242" not in str(result)


async def test_1_an_undone_top_up_is_no_longer_a_use(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Undoing a top-up puts the activity deadline back to the use before it."""
    entry = await hub(hass, activity_interval_days=30, expiry_date="2027-06-30")
    await call(hass, "record_activity", date="2026-11-22")
    freezer.move_to("2026-11-25T04:00:00+00:00")
    await call(hass, "renew")
    assert hass.states.get(STATUS).attributes["deadline"] in ("2026-12-22", "2026-12-25")
    await call(hass, "undo_renewal")
    assert entry.runtime_data.records[only_card(entry)]["last_activity"] == "2026-11-22"
    assert hass.states.get(STATUS).attributes["deadline"] == "2026-12-22"


async def test_2_a_self_renewing_card_without_a_period_gets_every_reminder(
    hass: HomeAssistant,
) -> None:
    """It can never roll forward, so it is reminded like any card, grace days included."""
    entry = await hub(hass, auto_renew=True, renewal_period=None, grace_days=5)
    view = entry.runtime_data.cards[only_card(entry)]
    assert view.self_renewing is False


async def test_3_an_activity_rule_set_later_counts_from_that_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A card added months ago gets a 30-day rule: 30 days from today, not lost at once."""
    lost = []
    hass.bus.async_listen("simrenew_expired", lost.append)
    entry = await hub(hass, expiry_date="2027-12-31")
    freezer.move_to("2027-03-01T04:00:00+00:00")
    card_id = only_card(entry)
    subentry = entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "activity_interval_days": 30}
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["deadline"] == "2027-03-31"
    assert hass.states.get(STATUS).state != "expired"
    assert lost == []


async def test_4_a_renewal_that_ends_before_it_is_made_is_refused(hass: HomeAssistant) -> None:
    """A stated expiry before the renewal day would lose the card on the spot."""
    entry = await hub(hass)
    with pytest.raises(ServiceValidationError) as refused:
        await call(hass, "renew", new_expiry="2026-11-20")
    assert refused.value.translation_key == "new_expiry_before_renewal"
    assert entry.runtime_data.records[only_card(entry)]["history"] == []


async def test_7_notifications_go_with_their_card_household_and_setting(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A deleted card's, a removed household's and switched-off notifications are dismissed."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(), card_subentry(**DAD_CARD)],
    )
    await setup_entry(hass, entry)
    await call(hass, "renew")
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": "sensor.dad_s_csl_status", "new_expiry": "2027-03-01"},
        blocking=True,
    )
    await hass.async_block_till_done()
    mum, dad = list(entry.subentries)
    assert set(shown(hass)) == {f"simrenew_{mum}", f"simrenew_{dad}"}
    hass.config_entries.async_remove_subentry(entry, dad)
    await hass.async_block_till_done()
    assert set(shown(hass)) == {f"simrenew_{mum}"}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "persistent_notification": False}
    )
    await hass.async_block_till_done()
    assert shown(hass) == {}
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "persistent_notification": True}
    )
    await hass.async_block_till_done()
    await call(hass, "renew")
    assert set(shown(hass)) == {f"simrenew_{mum}"}
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert shown(hass) == {}


@pytest.mark.parametrize(
    "damage",
    [{"expiry_date": None}, {"expiry_date": "someday"}, {"name": None}, {"expiry_date": 20270506}],
)
async def test_11_one_unreadable_card_spares_the_others(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry, damage: dict[str, Any]
) -> None:
    """A card edited into something unreadable is set aside with a repair; the rest load."""
    broken = {**card_subentry(**DAD_CARD)["data"], **damage}
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(),
            {"subentry_type": "card", "data": broken, "title": "Dad's csl", "unique_id": None},
        ],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(STATUS) is not None
    dad = list(entry.subentries)[1]
    issue = issue_registry.async_get_issue(DOMAIN, f"unreadable_card_{dad}")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Dad's csl"}


async def test_11_an_unreadable_card_keeps_its_history(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Mended, the card comes back with every receipt it had."""
    entry = await hub(hass)
    await call(hass, "renew")
    card_id = only_card(entry)
    good = dict(entry.subentries[card_id].data)
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[card_id], data={**good, "expiry_date": None}
    )
    await hass.async_block_till_done()
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"unreadable_card_{card_id}") is not None
    assert len(entry.runtime_data.records[card_id]["history"]) == 1
    hass.config_entries.async_update_subentry(entry, entry.subentries[card_id], data=good)
    await hass.async_block_till_done()
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"unreadable_card_{card_id}") is None
    assert len(entry.runtime_data.records[card_id]["history"]) == 1
    assert hass.states.get(STATUS) is not None


async def test_11_an_unpadded_date_is_still_that_day(hass: HomeAssistant) -> None:
    """A date typed by hand without leading zeros, 2027-5-6, is 6 May 2027."""
    await hub(hass, expiry_date="2027-5-6")
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2027-05-06"


async def test_12_a_stored_null_currency_or_carrier_breaks_nothing(hass: HomeAssistant) -> None:
    """A null currency renews in Hong Kong dollars; a carrier that is not text is left out."""
    entry = await hub(hass, currency=None, carrier=12345)
    await call(hass, "renew")
    (renewal,) = entry.runtime_data.records[only_card(entry)]["history"]
    assert renewal["currency"] == "HKD"
    assert entry.runtime_data.cards[only_card(entry)].config.carrier is None


async def test_6_the_date_typed_into_the_form_settles_a_waiting_confirmation(
    hass: HomeAssistant,
) -> None:
    """The carrier's date entered in Reconfigure counts as the carrier's word, as elsewhere."""
    entry = await hub(hass)
    await call(hass, "renew")
    card_id = only_card(entry)
    # What the card's form does with a changed expiry.
    await entry.runtime_data.changes.async_set_expiry([card_id], date(2027, 5, 25), "reconfigure")
    await hass.async_block_till_done()
    assert hass.states.get(TO_CONFIRM).state == "off"
    history = entry.runtime_data.records[card_id]["history"]
    assert [e["kind"] for e in history] == ["renewal", "correction"]
    assert history[0]["confirmed"] is True


async def test_9_an_undo_the_same_morning_does_not_send_a_reminder_again(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The 7-day reminder went out; a renewal and its undo the same morning do not repeat it."""
    reminders = []
    hass.bus.async_listen("simrenew_reminder", reminders.append)
    await hub(hass, expiry_date="2026-11-29")
    freezer.move_to("2026-11-22T01:00:00+00:00")
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-22T01:00:01+00:00")
    assert [e.data["stage"] for e in reminders] == [7]
    await call(hass, "renew", new_expiry="2027-05-21")
    await call(hass, "undo_renewal")
    await move_to(hass, freezer, "2026-11-22T03:00:00+00:00")
    assert [e.data["stage"] for e in reminders] == [7]


async def test_9_a_correction_keeps_the_reminder_of_a_card_still_due(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Moved by a day, the card is still due: its reminder stays in Notifications."""
    entry = await hub(hass, expiry_date="2026-11-29")
    note = shown(hass)[f"simrenew_{only_card(entry)}"]
    # Moved to 1 Dec, its next reminder (7 days before) is two days off: nothing replaces it.
    await call(hass, "set_expiry", expiry_date="2026-12-01")
    assert shown(hass)[f"simrenew_{only_card(entry)}"] == note


async def test_16_data_a_newer_release_keeps_beside_the_cards_survives_a_save(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A top-level field this release does not know is written back as it was."""
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=[card_subentry()]
    )
    entry.add_to_hass(hass)
    hass_storage[f"{DOMAIN}.{entry.entry_id}"] = {
        "version": 2,
        "minor_version": 2,
        "key": f"{DOMAIN}.{entry.entry_id}",
        "data": {"cards": {}, "household_notes": {"kept": True}},
    }
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await call(hass, "renew")
    await hass.async_block_till_done()
    saved = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]
    assert saved["household_notes"] == {"kept": True}
    assert len(saved["cards"][only_card(entry)]["history"]) == 1


async def test_16_a_balance_of_minus_zero_is_zero(hass: HomeAssistant) -> None:
    """-0 is recorded, and shown, as 0."""
    await hub(hass)
    await call(hass, "set_balance", amount="-0")
    assert hass.states.get("sensor.mum_s_cmhk_balance").state == "0.0"


def test_15_what_core_s_checkers_ask_of_the_code() -> None:
    """Platforms import from a component's root; no parameter hides a function of its module."""
    root = Path(__file__).parent.parent / "custom_components" / DOMAIN
    assert "components.todo.const" not in (root / "todo.py").read_text()
    for name in ("model.py", "reminder_keeper.py"):
        tree = ast.parse((root / name).read_text())
        functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        hidden = [
            (node.name, arg.arg)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            for arg in node.args.args + node.args.kwonlyargs
            if arg.arg in functions
        ]
        assert hidden == [], name


def test_16_a_card_edited_to_fifteen_plans_keeps_them_and_its_form_says_so() -> None:
    """Read, all fifteen stay; saved from the form, they are refused by name, not cut to nine."""
    data = {
        **card_subentry()["data"],
        "plans": [{"name": f"Plan {n}", "renewal_period": n + 1} for n in range(15)],
    }
    config = CardConfig.from_data(data)
    assert len(config.plans) == 16
    # The form hands the plans back as it shows them: a name and a period in words.
    answers = {
        **data,
        "plans": [
            {"name": plan.name, "period": f"{plan.period.length} days"} for plan in config.plans[1:]
        ],
    }
    assert check_plans(answers) == {"plans": "too_many_plans"}


async def test_10_a_reminder_whose_notify_entity_is_gone_still_reaches_someone(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Notifications off and the only phone gone: a repair names it, Notifications shows it."""
    sent = async_mock_service(hass, "notify", "send_message")
    entry = await hub(hass)
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            "persistent_notification": False,
            "notify_targets": ["notify.old_phone"],
        },
    )
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert sent == []
    issue = issue_registry.async_get_issue(DOMAIN, "notify_targets_missing")
    assert issue is not None
    assert issue.translation_placeholders == {"targets": "notify.old_phone"}
    assert f"simrenew_{only_card(entry)}" in shown(hass)
    # Back again, the phone gets the next one and the repair goes.
    hass.states.async_set("notify.old_phone", "unknown")
    await call(hass, "snooze", days=1)
    await move_to(hass, freezer, "2026-11-25T01:00:00+00:00")
    assert len(sent) == 1
    assert issue_registry.async_get_issue(DOMAIN, "notify_targets_missing") is None
    assert "Traceback" not in caplog.text


async def test_10_without_the_notify_integration_no_traceback(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Notify not loaded: no traceback per reminder, and the reminder shows in Notifications."""
    hass.states.async_set("notify.old_phone", "unknown")
    entry = await hub(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "notify_targets": ["notify.old_phone"]}
    )
    await hass.async_block_till_done()
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert f"simrenew_{only_card(entry)}" in shown(hass)
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith("custom_components")]
