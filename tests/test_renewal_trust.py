"""Renewals people can trust: confirmation, undo, auto-renew, plans' days, use of the card."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.simrenew.card_form_data import nest_data
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import HUB_OPTIONS, card_subentry, device_of, expiry_of, move_to, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
URL = "https://www.hk.chinamobile.com/en/prepaid"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong on 22 November 2026 at noon."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def hub(hass: HomeAssistant, **changes: Any) -> MockConfigEntry:
    """Return a loaded hub with one card."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(**changes)],
    )
    await setup_entry(hass, entry)
    return entry


def card(entry: MockConfigEntry) -> str:
    """Return the hub's only card."""
    return next(iter(entry.subentries))


def history(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return the card's history."""
    records: dict[str, Any] = entry.runtime_data.records
    return list(records[card(entry)]["history"])


async def test_a_one_tap_renewal_asks_for_confirmation_the_next_morning(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The button records an unconfirmed renewal; the next day at 09:00 a confirm reminder."""
    entry = await hub(hass)
    reminders = async_capture_events(hass, "simrenew_reminder")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["unconfirmed"] is True
    await move_to(hass, freezer, "2026-11-23T00:59:00+00:00")
    assert [e.data["kind"] for e in reminders] == []
    await move_to(hass, freezer, "2026-11-23T01:00:00+00:00")
    (confirm,) = reminders
    assert confirm.data["kind"] == "confirm"
    assert confirm.data["expiry_date"] == "2027-05-21"
    assert confirm.data["unconfirmed"] is True
    # Still waiting the next day: asked again, and the old deadline's 7-day reminder comes too.
    await move_to(hass, freezer, "2026-11-24T01:00:00+00:00")
    assert sorted(e.data["kind"] for e in reminders) == ["confirm", "confirm", "deadline"]

    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    (renewal,) = history(entry)
    assert renewal["confirmed"] is True


async def test_the_confirm_button_confirms_only_a_renewal_that_waits(
    hass: HomeAssistant,
) -> None:
    """Pressed after a one-tap renewal it confirms it; pressed again it says nothing waits."""
    entry = await hub(hass)
    button = "button.mum_s_cmhk_confirm_renewal"
    marker = "binary_sensor.mum_s_cmhk_renewal_to_confirm"
    assert hass.states.get(marker).state == "off"
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    assert refused.value.translation_key == "nothing_to_confirm"
    assert refused.value.translation_placeholders == {"name": "Mum's CMHK"}
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["unconfirmed"] is True
    assert hass.states.get(marker).state == "on"
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    assert hass.states.get(marker).state == "off"
    (renewal,) = history(entry)
    assert renewal["confirmed"] is True
    assert expiry_of(entry, card(entry)) == renewal["new_expiry"]
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)


async def test_setting_the_expiry_date_settles_a_pending_confirmation(
    hass: HomeAssistant,
) -> None:
    """Entering the date the carrier shows is a confirmation: nobody is asked again."""
    entry = await hub(hass)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    await hass.services.async_call(
        "date",
        "set_value",
        {"entity_id": "date.mum_s_cmhk_expiry_date", "date": "2027-05-25"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    renewal, corrected = history(entry)
    assert renewal["confirmed"] is True
    assert corrected["new_expiry"] == "2027-05-25"
    assert entry.runtime_data.records[card(entry)]["reminders"]["confirm"] is None


async def test_a_different_date_from_the_carrier_is_recorded_as_a_correction(
    hass: HomeAssistant,
) -> None:
    """Confirming with the carrier's own date corrects the expiry and keeps both entries."""
    entry = await hub(hass)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.services.async_call(
        DOMAIN,
        "confirm_renewal",
        {"entity_id": STATUS, "expiry_date": "2027-05-22"},
        blocking=True,
    )
    await hass.async_block_till_done()
    kinds = [(item["kind"], item["new_expiry"]) for item in history(entry)]
    assert kinds == [("renewal", "2027-05-21"), ("correction", "2027-05-22")]
    assert expiry_of(entry, card(entry)) == "2027-05-22"
    assert history(entry)[0]["confirmed"] is True


async def test_a_stated_expiry_needs_no_confirmation(hass: HomeAssistant) -> None:
    """A renewal with the carrier's new expiry is confirmed from the start."""
    entry = await hub(hass)
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, "new_expiry": "2027-05-30"}, blocking=True
    )
    await hass.async_block_till_done()
    assert history(entry)[0]["confirmed"] is True
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False


async def test_undo_restores_the_expiry_and_keeps_the_receipt(hass: HomeAssistant) -> None:
    """Undoing takes the renewal out of the figures, restores the expiry, and is recorded."""
    entry = await hub(hass)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    answer = await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert answer == {
        "cards": [{"card_id": card(entry), "old_expiry": "2027-05-21", "new_expiry": "2026-12-01"}]
    }
    (undo,) = history(entry)
    assert undo["kind"] == "undo"
    assert undo["renewal"]["new_expiry"] == "2027-05-21"
    assert expiry_of(entry, card(entry)) == "2026-12-01"
    assert hass.states.get("sensor.mum_s_cmhk_last_renewed").state == "unknown"
    assert hass.states.get(STATUS).attributes["unconfirmed"] is False
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    assert err.value.translation_key == "nothing_to_undo"


async def test_an_auto_renew_card_rolls_forward_and_asks_for_confirmation(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """At the end of its expiry day the card renews itself, and the old deadline stands.

    Until someone confirms that the automatic payment went through, the card is in the old
    deadline's grace period; nobody confirming for months means it is lost.
    """
    entry = await hub(
        hass,
        expiry_date="2026-11-30",
        auto_renew=True,
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="extend_expiry",
        grace_days=5,
    )
    expired = async_capture_events(hass, "simrenew_expired")
    renewed = async_capture_events(hass, "simrenew_renewed")
    await move_to(hass, freezer, "2026-11-30T16:00:00+00:00")
    assert hass.states.get(STATUS).state == "grace_period"
    assert hass.states.get(STATUS).attributes["recorded_expiry"] == "2026-12-30"
    assert expiry_of(entry, card(entry)) == "2026-12-30"
    (event,) = renewed
    assert event.data["channel"] == "auto_renew"
    assert event.data["confirmed"] is False
    assert hass.states.get(STATUS).attributes["unconfirmed"] is True
    (issue,) = [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
    assert issue.translation_key == "card_in_grace_unconfirmed"
    # Confirmed, the roll-forward is the truth: active until the next one.
    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "active"
    assert not [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
    # Home Assistant down for two months: one renewal per period, all waiting for the carrier's
    # word, so the deadline before them (30 Dec) stands and its grace is over.
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to("2027-02-10T04:00:00+00:00")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert expiry_of(entry, card(entry)) == "2027-02-28"
    assert [item["new_expiry"] for item in history(entry)] == [
        "2026-12-30",
        "2027-01-30",
        "2027-02-28",
    ]
    (lost,) = expired
    assert lost.data["deadline"] == "2026-12-30"
    assert lost.data["unconfirmed"] is True
    (issue,) = [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
    assert issue.translation_key == "card_expired_unconfirmed"


async def test_a_monthly_plan_keeps_its_day_across_short_months(hass: HomeAssistant) -> None:
    """31 Jan renewed monthly goes to 28 Feb and then back to 31 Mar."""
    entry = await hub(
        hass,
        expiry_date="2027-01-31",
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="extend_expiry",
    )
    for _ in range(2):
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
        await hass.async_block_till_done()
    assert [item["new_expiry"] for item in history(entry)] == ["2027-02-28", "2027-03-31"]
    assert "anchor_day" not in entry.subentries[card(entry)].data


async def test_a_top_up_counts_as_use_and_the_use_button_records_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Topping up restarts the activity interval; so does the Record use button."""
    entry = await hub(hass, expiry_date="2027-06-01", activity_interval_days=30)
    status = hass.states.get(STATUS)
    assert status.attributes["deadline"] == "2026-12-22"
    assert status.attributes["deadline_reason"] == "activity"
    freezer.move_to("2026-11-25T04:00:00+00:00")
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["deadline"] == "2026-12-25"
    freezer.move_to("2026-11-28T04:00:00+00:00")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_record_use"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).attributes["deadline"] == "2026-12-28"
    assert [item["kind"] for item in history(entry)] == ["renewal", "activity"]


async def test_a_card_without_an_activity_rule_has_no_use_button(hass: HomeAssistant) -> None:
    """Only cards that must be used regularly get the Record use button."""
    await hub(hass)
    assert hass.states.get("button.mum_s_cmhk_record_use") is None


async def test_the_official_page_is_the_device_link(hass: HomeAssistant) -> None:
    """The card's official renewal page is its device's configuration link."""
    entry = await hub(hass, renewal_url=URL)
    device = device_of(hass, entry, card(entry))
    assert isinstance(device, dr.DeviceEntry)
    assert device.configuration_url == URL


async def test_reconfiguring_other_fields_keeps_the_plan_day(hass: HomeAssistant) -> None:
    """A form saved with the expiry as shown keeps the monthly plan's day of month."""
    entry = await hub(
        hass,
        expiry_date="2027-02-28",
        anchor_day=31,
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="extend_expiry",
    )
    form = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card(entry)},
    )
    shown = nest_data(entry.subentries[card(entry)].data)
    shown.pop("anchor_day")
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {**shown, "renewal_cost": 48.0}
    )
    await hass.async_block_till_done()
    assert result["type"] == "abort"
    data = entry.subentries[card(entry)].data
    assert (data["renewal_cost"], data["anchor_day"]) == (48.0, 31)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.async_block_till_done()
    assert expiry_of(entry, card(entry)) == "2027-03-31"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_spending_keeps_a_total_per_currency(hass: HomeAssistant) -> None:
    """A renewal paid in another currency is not dropped: it has a total of its own."""
    await hub(hass)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {"entity_id": STATUS, "amount": 20, "currency": "CNY"},
        blocking=True,
    )
    await hass.async_block_till_done()
    spent = hass.states.get("sensor.mum_s_cmhk_spent_in_the_last_365_days")
    assert spent.state == "50.0"
    assert spent.attributes["by_currency"] == {"CNY": 20.0, "HKD": 50.0}


async def test_a_fix_that_leaves_the_card_lapsed_keeps_its_repair(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Entering an expiry that is still past keeps the repair, not hides it until midnight."""
    entry = await hub(hass, expiry_date="2026-11-10", grace_days=30)
    issue_id = f"lapsed_{card(entry)}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    assert await async_setup_component(hass, "repairs", {})
    flows = repairs_flow_manager(hass)
    assert flows is not None
    flow = await flows.async_init(DOMAIN, data={"issue_id": issue_id})
    flow = await flows.async_configure(flow["flow_id"], {"next_step_id": "new_expiry"})
    result = await flows.async_configure(flow["flow_id"], {"expiry_date": "2026-11-12"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert expiry_of(entry, card(entry)) == "2026-11-12"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None


async def test_a_self_renewing_monthly_card_keeps_its_day_across_short_months(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Rolled forward while Home Assistant was down: 31 Jan, 28 Feb, 31 Mar, 30 Apr."""
    entry = await hub(
        hass,
        expiry_date="2027-01-31",
        auto_renew=True,
        renewal_period=1,
        renewal_period_unit="months",
        renewal_mode="from_renewal",
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.move_to("2027-04-02T04:00:00+00:00")
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert [item["new_expiry"] for item in history(entry)] == [
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]
    assert expiry_of(entry, card(entry)) == "2027-04-30"
    # The next roll keeps the day too.
    await move_to(hass, freezer, "2027-04-30T16:00:00+00:00")
    assert expiry_of(entry, card(entry)) == "2027-05-31"


async def test_an_undo_that_cannot_be_written_puts_the_renewal_back_where_it_was(
    hass: HomeAssistant,
) -> None:
    """A failed write leaves the history and the confirmation request as they were."""
    entry = await hub(hass)
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.services.async_call(
        DOMAIN, "set_balance", {"entity_id": STATUS, "amount": 20}, blocking=True
    )
    before = history(entry)
    records: dict[str, Any] = entry.runtime_data.records
    confirm = records[card(entry)]["reminders"]["confirm"]
    assert confirm is not None
    with (
        patch.object(
            entry.runtime_data.ledger.store,
            "async_save",
            side_effect=HomeAssistantError("disk full"),
        ),
        pytest.raises(HomeAssistantError),
    ):
        await hass.services.async_call(DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True)
    assert history(entry) == before
    assert records[card(entry)]["reminders"]["confirm"] == confirm
