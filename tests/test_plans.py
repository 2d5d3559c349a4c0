"""Named plans: migration, renewing with a plan, the repair's choice, and the card form."""

from __future__ import annotations

import copy
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_config import CardConfig
from custom_components.simrenew.card_form_data import nest_data
from custom_components.simrenew.const import DOMAIN, EVENT_RENEWED, SUBENTRY_CARD
from custom_components.simrenew.history_file import check_history, is_entry
from custom_components.simrenew.model import Period, PeriodUnit
from custom_components.simrenew.plans import parse_period, period_choice, plain_name
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.setup import async_setup_component

from .conftest import (
    CARD_DATA,
    DAD_CARD,
    HUB_OPTIONS,
    card_subentry,
    expiry_of,
    form_errors,
    setup_entry,
)

try:  # how Home Assistant hands forms to the frontend: probatio from 2026.9
    from probatio import to_field_list
except ImportError:
    from voluptuous_serialize import convert as to_field_list

MUM = "sensor.mum_s_cmhk_days_until_expiry"
OLD = "sensor.old_sim_days_until_expiry"
YEARLY = {
    "name": "Yearly",
    "renewal_period": 12,
    "renewal_period_unit": "months",
    "renewal_cost": 388.0,
}
MONTHLY = {"name": "Monthly", "renewal_period": 1, "renewal_period_unit": "months"}


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def household(hass: HomeAssistant, **mum: Any) -> MockConfigEntry:
    """Return a loaded hub with Mum's card (its plans), Dad's (no period) and an old SIM."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(**{"plans": [YEARLY, MONTHLY], **mum}),
            card_subentry(**DAD_CARD),
            card_subentry(
                name="Old SIM",
                phone_number="+8613812345678",
                renewal_period=1,
                renewal_period_unit="months",
                renewal_cost=None,
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


def card_of(entry: MockConfigEntry, name: str) -> str:
    """Return the id of the card called `name`."""
    return next(sid for sid, sub in entry.subentries.items() if sub.title == name)


def history(entry: MockConfigEntry, name: str) -> list[dict[str, Any]]:
    """Return the history of the card called `name`."""
    return entry.runtime_data.records[card_of(entry, name)]["history"]


# Migration


async def test_existing_cards_migrate_to_one_default_plan(hass: HomeAssistant) -> None:
    """A card's period becomes its default plan, named in words; nothing else changes."""
    entry = await household(hass, plans=None)
    assert (entry.version, entry.minor_version) == (1, 3)
    mum = entry.subentries[card_of(entry, "Mum's CMHK")].data
    assert dict(mum) == {**CARD_DATA, "plans": None, "default_plan": "180 days"}
    old = entry.subentries[card_of(entry, "Old SIM")].data
    assert old["default_plan"] == "1 month"
    # A card without a period has no plan to name.
    dad = entry.subentries[card_of(entry, "Dad's csl")].data
    assert "default_plan" not in dad
    assert dad["renewal_period"] is None


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-Hant", "180日"), ("zh-Hans", "180天"), ("en", "180 days")]
)
async def test_migrated_plans_are_named_in_the_households_language(
    hass: HomeAssistant, language: str, expected: str
) -> None:
    """The plain-words name is in Home Assistant's language."""
    await hass.config.async_update(language=language)
    entry = await household(hass)
    assert entry.subentries[card_of(entry, "Mum's CMHK")].data["default_plan"] == expected


async def test_a_named_default_plan_is_kept(hass: HomeAssistant) -> None:
    """Migration names only plans nobody named, and runs once."""
    entry = await household(hass, default_plan="Half-year")
    assert entry.subentries[card_of(entry, "Mum's CMHK")].data["default_plan"] == "Half-year"


async def test_a_newer_major_layout_is_refused(hass: HomeAssistant) -> None:
    """A household stored by a newer major release is not loaded, and not rewritten."""
    entry = MockConfigEntry(
        domain=DOMAIN, version=2, data={}, options=dict(HUB_OPTIONS), subentries_data=[]
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_a_newer_minor_layout_still_loads(hass: HomeAssistant) -> None:
    """A newer minor layout only adds to this one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=9,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry()],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert "default_plan" not in next(iter(entry.subentries.values())).data


# Renewing with a plan


async def test_renew_without_plan_uses_the_default(hass: HomeAssistant) -> None:
    """The default plan's period and cost, and its name on the record and the event."""
    entry = await household(hass)
    events = []
    hass.bus.async_listen(EVENT_RENEWED, events.append)
    response = await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": MUM}, blocking=True, return_response=True
    )
    assert response is not None
    assert response["cards"][0]["plan"] == "180 days"
    assert response["cards"][0]["new_expiry"] == "2027-05-21"
    last = history(entry, "Mum's CMHK")[-1]
    assert (last["plan"], last["amount"]) == ("180 days", 50.0)
    await hass.async_block_till_done()
    assert events[0].data["plan"] == "180 days"


@pytest.mark.parametrize("asked", ["Yearly", "yearly", " YEARLY ", "ＹＥＡＲＬＹ"])
async def test_renew_with_a_plan_uses_its_period_and_cost(hass: HomeAssistant, asked: str) -> None:
    """Named however it is typed, the plan sets the period and the amount."""
    entry = await household(hass)
    response = await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": MUM, "plan": asked}, blocking=True, return_response=True
    )
    assert response is not None
    assert response["cards"][0]["plan"] == "Yearly"
    assert expiry_of(entry, card_of(entry, "Mum's CMHK")) == "2027-11-22"
    last = history(entry, "Mum's CMHK")[-1]
    assert (last["plan"], last["amount"]) == ("Yearly", 388.0)


async def test_a_plan_without_cost_records_no_amount_unless_given(hass: HomeAssistant) -> None:
    """The monthly plan has no cost: the renewal has none, unless the call says what was paid."""
    entry = await household(hass)
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": MUM, "plan": "Monthly"}, blocking=True
    )
    assert "amount" not in history(entry, "Mum's CMHK")[-1]
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": MUM, "plan": "Monthly", "amount": 38}, blocking=True
    )
    assert history(entry, "Mum's CMHK")[-1]["amount"] == 38.0


async def test_an_unknown_plan_is_refused_for_every_target(hass: HomeAssistant) -> None:
    """All or nothing: a plan one card lacks renews none; the error lists the card's plans."""
    entry = await household(hass)
    before = {sid: dict(sub.data) for sid, sub in entry.subentries.items()}
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "renew", {"entity_id": [MUM, OLD], "plan": "Yearly"}, blocking=True
        )
    assert err.value.translation_key == "unknown_plan"
    assert err.value.translation_placeholders == {"name": "Old SIM", "plans": "1 month"}
    assert "8613812345678" not in str(err.value.translation_placeholders)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "renew", {"entity_id": MUM, "plan": "Weekly"}, blocking=True
        )
    assert err.value.translation_placeholders == {
        "name": "Mum's CMHK",
        "plans": "180 days, Yearly, Monthly",
    }
    assert {sid: dict(sub.data) for sid, sub in entry.subentries.items()} == before
    assert history(entry, "Mum's CMHK") == []
    assert history(entry, "Old SIM") == []


async def test_a_card_without_plans_refuses_a_plan(hass: HomeAssistant) -> None:
    """Dad's card has no period, so no plan to name."""
    await household(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "renew",
            {"entity_id": "sensor.dad_s_csl_days_until_expiry", "plan": "Yearly"},
            blocking=True,
        )
    assert err.value.translation_key == "no_renewal_period"


async def test_the_button_and_the_todo_list_renew_with_the_default_plan(
    hass: HomeAssistant,
) -> None:
    """No form to choose in: the default plan."""
    entry = await household(hass, expiry_date="2026-11-30")
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    assert history(entry, "Mum's CMHK")[-1]["plan"] == "180 days"
    await hass.services.async_call(
        "todo",
        "update_item",
        {
            "entity_id": "todo.sim_renew_renewals",
            "item": card_of(entry, "Old SIM"),
            "status": "completed",
        },
        blocking=True,
    )
    assert history(entry, "Old SIM")[-1]["plan"] == "1 month"


async def test_list_cards_shows_the_plans(hass: HomeAssistant) -> None:
    """Every plan, the default first and marked."""
    await household(hass)
    response = await hass.services.async_call(
        DOMAIN, "list_cards", {}, blocking=True, return_response=True
    )
    assert response is not None
    mum = next(card for card in response["cards"] if card["name"] == "Mum's CMHK")
    assert mum["default_plan"] == "180 days"
    assert mum["plans"] == [
        {
            "name": "180 days",
            "renewal_period": 180,
            "renewal_period_unit": "days",
            "renewal_cost": 50.0,
            "default": True,
        },
        {**YEARLY, "default": False},
        {**MONTHLY, "renewal_cost": None, "default": False},
    ]
    dad = next(card for card in response["cards"] if card["name"] == "Dad's csl")
    assert (dad["default_plan"], dad["plans"]) == (None, [])


# The repair


async def _open_renewed_step(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> Any:
    """Open the lapsed card's repair at its "record renewal" step."""
    assert await async_setup_component(hass, "repairs", {})
    flows = repairs_flow_manager(hass)
    assert flows is not None
    flow = await flows.async_init(DOMAIN, data={"issue_id": f"lapsed_{card_of(entry, name)}"})
    return await flows.async_configure(flow["flow_id"], {"next_step_id": "renewed"})


async def test_the_repair_offers_the_plans_with_the_default_chosen(hass: HomeAssistant) -> None:
    """A card with several plans: each shows what it gives; the default is preselected."""
    entry = await household(hass, expiry_date="2026-11-10")
    form = await _open_renewed_step(hass, entry, "Mum's CMHK")
    assert form["step_id"] == "renewed_plan"
    assert form["description_placeholders"]["old_expiry"] == "10 Nov 2026"
    (field,) = form["data_schema"].schema
    assert str(field) == "plan"
    assert field.default() == "180 days"
    options = form["data_schema"].schema[field].config["options"]
    assert options == [
        {"value": "180 days", "label": "180 days: until 21 May 2027, HK$50"},
        {"value": "Yearly", "label": "Yearly: until 22 Nov 2027, HK$388"},
        {"value": "Monthly", "label": "Monthly: until 22 Dec 2026"},
    ]
    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_configure(form["flow_id"], {"plan": "Monthly"})
    assert result["type"] == "create_entry"
    last = history(entry, "Mum's CMHK")[-1]
    assert (last["plan"], last["source"]) == ("Monthly", "repair")
    assert expiry_of(entry, card_of(entry, "Mum's CMHK")) == "2026-12-22"


async def test_the_plan_outcomes_read_in_chinese(hass: HomeAssistant) -> None:
    """In Chinese each plan's outcome is written as people write dates there."""
    entry = await household(hass, expiry_date="2026-11-10")
    await hass.config.async_update(language="zh-Hans")
    form = await _open_renewed_step(hass, entry, "Mum's CMHK")
    (field,) = form["data_schema"].schema
    labels = [option["label"] for option in form["data_schema"].schema[field].config["options"]]
    assert labels == [
        "180 days：有效期至2027年5月21日，HK$50",
        "Yearly：有效期至2027年11月22日，HK$388",
        "Monthly：有效期至12月22日",
    ]


async def test_the_repair_of_a_one_plan_card_asks_nothing(hass: HomeAssistant) -> None:
    """One plan: nothing to choose."""
    entry = await household(hass, expiry_date="2026-11-10", plans=None)
    form = await _open_renewed_step(hass, entry, "Mum's CMHK")
    assert form["step_id"] == "renewed"
    assert list(form["data_schema"].schema) == []


async def test_a_plan_removed_while_the_repair_is_open_is_reported(hass: HomeAssistant) -> None:
    """The choice made is gone: a translated error, nothing recorded."""
    entry = await household(hass, expiry_date="2026-11-10")
    form = await _open_renewed_step(hass, entry, "Mum's CMHK")
    subentry = entry.subentries[card_of(entry, "Mum's CMHK")]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "plans": [YEARLY]}
    )
    await hass.async_block_till_done()
    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_configure(form["flow_id"], {"plan": "Monthly"})
    assert result["errors"] == {"base": "unknown_plan"}
    assert history(entry, "Mum's CMHK") == []


# The card form


async def _reconfigure(hass: HomeAssistant, entry: MockConfigEntry, name: str) -> Any:
    """Open the reconfigure form of the card called `name`."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card_of(entry, name)},
    )


async def test_reconfigure_shows_the_plans(hass: HomeAssistant) -> None:
    """The period is one value; the plans section holds the default's name and the others."""
    entry = await household(hass)
    shown = nest_data(entry.subentries[card_of(entry, "Mum's CMHK")].data)
    assert shown["renewal_period"] == "180 days"
    assert "renewal_period_unit" not in shown
    assert shown["renewal_plans"] == {
        "default_plan": "180 days",
        "plans": [
            {"name": "Yearly", "period": "12 months", "cost": 388.0},
            {"name": "Monthly", "period": "1 month"},
        ],
    }


async def test_the_form_shows_periods_in_words_of_the_language(hass: HomeAssistant) -> None:
    """A typed-value field shows its value once chosen, so each value is the period in words."""
    entry = await household(hass)
    await hass.config.async_update(language="zh-Hant")
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    suggested = {str(key): key.description for key in form["data_schema"].schema}
    assert suggested["renewal_period"] == {"suggested_value": "180日"}
    (period,) = (
        value for key, value in form["data_schema"].schema.items() if key == "renewal_period"
    )
    choices = period.config["options"]
    assert all(choice["value"] == choice["label"] for choice in choices)
    assert [choice["value"] for choice in choices][-4:] == ["1個月", "3個月", "6個月", "12個月"]
    plans = dict(form["data_schema"].schema.items())["renewal_plans"]
    (plan_list,) = (value for key, value in plans.schema.schema.items() if key == "plans")
    assert plan_list.config["translation_key"] == "plan"
    flows = hass.config_entries.subentries
    result = await flows.async_configure(
        form["flow_id"],
        {
            **nest_data(entry.subentries[card_of(entry, "Mum's CMHK")].data),
            "renewal_period": "6個月",
        },
    )
    assert result["step_id"] == "default_plan"


async def test_reconfigure_edits_plans_and_chooses_the_default(hass: HomeAssistant) -> None:
    """Rename, add, and make another plan the default: the contract's keys follow it."""
    entry = await household(hass)
    mum = card_of(entry, "Mum's CMHK")
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    shown = nest_data(entry.subentries[mum].data)
    shown["renewal_plans"] = {
        "default_plan": "Half-year",
        "plans": [
            {"name": "Yearly", "period": "12_months", "cost": 388},
            {"name": "Daily", "period": "1 日", "cost": 2.5},
        ],
    }
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], shown)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "default_plan"
    assert result["description_placeholders"] == {"name": "Mum's CMHK"}
    (field,) = result["data_schema"].schema
    assert field.default() == "Half-year"
    assert result["data_schema"].schema[field].config["options"] == [
        "Half-year",
        "Yearly",
        "Daily",
    ]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"default_plan": "Yearly"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    data = entry.subentries[mum].data
    assert (data["renewal_period"], data["renewal_period_unit"], data["renewal_cost"]) == (
        12,
        "months",
        388.0,
    )
    assert data["default_plan"] == "Yearly"
    assert data["plans"] == [
        {
            "name": "Half-year",
            "renewal_period": 180,
            "renewal_period_unit": "days",
            "renewal_cost": 50.0,
        },
        {"name": "Daily", "renewal_period": 1, "renewal_period_unit": "days", "renewal_cost": 2.5},
    ]
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": MUM}, blocking=True)
    assert history(entry, "Mum's CMHK")[-1]["plan"] == "Yearly"


async def test_keeping_the_default_changes_nothing_else(hass: HomeAssistant) -> None:
    """Choosing the default it already was stores the form as it was sent."""
    entry = await household(hass)
    mum = card_of(entry, "Mum's CMHK")
    before = dict(entry.subentries[mum].data)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], nest_data(before)
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"default_plan": "180 days"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries[mum].data) == {**before, "esim": False}


async def test_answers_without_the_plans_section_keep_the_plans(hass: HomeAssistant) -> None:
    """A script that sends the card's fields only does not lose its plans."""
    entry = await household(hass, default_plan="Half-year")
    mum = card_of(entry, "Mum's CMHK")
    before = dict(entry.subentries[mum].data)
    answers = nest_data(before)
    del answers["renewal_plans"]
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"default_plan": "Half-year"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries[mum].data) == {**before, "esim": False}


async def test_a_name_left_from_another_period_follows_the_new_one(hass: HomeAssistant) -> None:
    """The default named "180 days" becomes "30 days" with its period; a chosen name stays."""
    entry = await household(hass, plans=None)
    mum = card_of(entry, "Mum's CMHK")
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    answers = {**nest_data(entry.subentries[mum].data), "renewal_period": "30_days"}
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[mum].data["default_plan"] == "30 days"


PLAN_ERRORS = [
    ([{"name": "", "period": "30_days"}], "plans", "invalid_plan_name"),
    ([{"name": "x" * 65, "period": "30_days"}], "plans", "invalid_plan_name"),
    ([{"name": "Year\u200bly", "period": "30_days"}], "plans", "invalid_plan_name"),
    ([{"name": "Yearly"}], "plans", "invalid_plan_period"),
    ([{"name": "Yearly", "period": "0_days"}], "plans", "invalid_plan_period"),
    ([{"name": "Yearly", "period": "121 months"}], "plans", "invalid_plan_period"),
    ([{"name": "Yearly", "period": "3661 days"}], "plans", "invalid_plan_period"),
    ([{"name": "Yearly", "period": "someday"}], "plans", "invalid_plan_period"),
    ([{"name": "Yearly", "period": "12_months", "cost": -1}], "plans", "invalid_plan_cost"),
    ([{"name": "Yearly", "period": "12_months", "cost": 1_000_001}], "plans", "invalid_plan_cost"),
    ([{"name": "180 DAYS", "period": "12_months"}], "plans", "duplicate_plan_name"),
    (
        [{"name": "A", "period": "1_days"}, {"name": "a ", "period": "7_days"}],
        "plans",
        "duplicate_plan_name",
    ),
    (
        [{"name": f"Plan {n}", "period": "30_days"} for n in range(10)],
        "plans",
        "too_many_plans",
    ),
]


@pytest.mark.parametrize(("plans", "field", "error"), PLAN_ERRORS)
async def test_plan_errors_are_translated_and_store_nothing(
    hass: HomeAssistant, plans: list[dict[str, Any]], field: str, error: str
) -> None:
    """Names, periods, costs, duplicates and the count are checked."""
    entry = await household(hass, plans=None)
    mum = card_of(entry, "Mum's CMHK")
    before = dict(entry.subentries[mum].data)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    answers = nest_data(before)
    answers["renewal_plans"]["plans"] = plans
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    assert result["errors"] == form_errors(**{field: error})
    assert dict(entry.subentries[mum].data) == before


async def test_the_default_plans_name_is_checked(hass: HomeAssistant) -> None:
    """The default plan's name follows the same rules."""
    entry = await household(hass, plans=None)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    answers = nest_data(entry.subentries[card_of(entry, "Mum's CMHK")].data)
    answers["renewal_plans"]["default_plan"] = "\x00"
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    assert result["errors"] == form_errors(default_plan="invalid_plan_name")


async def test_other_plans_need_a_default_period(hass: HomeAssistant) -> None:
    """Clearing the period while other plans exist would leave no default: refused."""
    entry = await household(hass)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    answers = nest_data(entry.subentries[card_of(entry, "Mum's CMHK")].data)
    answers["renewal_period"] = ""
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    assert result["errors"] == {"renewal_period": "period_needed_for_plans"}


async def test_a_typed_period_is_stored_and_offered_in_words(hass: HomeAssistant) -> None:
    """A typed "45 日" is 45 days; the form then offers it in words beside the common ones."""
    entry = await household(hass, plans=None)
    mum = card_of(entry, "Mum's CMHK")
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    answers = {**nest_data(entry.subentries[mum].data), "renewal_period": "45 日"}
    answers["renewal_plans"] = {}
    result = await hass.config_entries.subentries.async_configure(form["flow_id"], answers)
    assert result["reason"] == "reconfigure_successful"
    data = entry.subentries[mum].data
    assert (data["renewal_period"], data["renewal_period_unit"]) == (45, "days")
    assert data["default_plan"] == "45 days"
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    field = next(key for key in form["data_schema"].schema if key == "renewal_period")
    options = form["data_schema"].schema[field].config["options"]
    assert {"value": "45 days", "label": "45 days"} in options
    assert {"value": "6 months", "label": "6 months"} in options


async def test_the_period_field_reads_chinese_labels(hass: HomeAssistant) -> None:
    """In Chinese Home Assistant, periods and new plan names are in Chinese."""
    await hass.config.async_update(language="zh-Hans")
    entry = await household(hass, plans=None)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    field = next(key for key in form["data_schema"].schema if key == "renewal_period")
    options = form["data_schema"].schema[field].config["options"]
    assert {"value": "180天", "label": "180天"} in options
    assert {"value": "6个月", "label": "6个月"} in options


# The pure rules


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("180_days", Period(length=180, unit=PeriodUnit.DAYS)),
        ("6_months", Period(length=6, unit=PeriodUnit.MONTHS)),
        ("45", Period(length=45, unit=PeriodUnit.DAYS)),
        (" 45 Days ", Period(length=45, unit=PeriodUnit.DAYS)),
        ("180 日", Period(length=180, unit=PeriodUnit.DAYS)),
        ("180天", Period(length=180, unit=PeriodUnit.DAYS)),
        ("6 個月", Period(length=6, unit=PeriodUnit.MONTHS)),
        ("６个月", Period(length=6, unit=PeriodUnit.MONTHS)),
        ("2 weeks", Period(length=14, unit=PeriodUnit.DAYS)),
        ("1 year", Period(length=12, unit=PeriodUnit.MONTHS)),
        ("10 年", Period(length=120, unit=PeriodUnit.MONTHS)),
        ("3660 days", Period(length=3660, unit=PeriodUnit.DAYS)),
        ("0_days", None),
        ("11 years", None),
        ("3661", None),
        ("1.5", None),
        ("-3", None),
        ("days", None),
        ("30 fortnights", None),
        ("", None),
        (30, None),
    ],
)
def test_periods_read_as_people_write_them(typed: object, period: Period | None) -> None:
    """The form's values and what people type in English or Chinese; nothing else."""
    assert parse_period(typed) == period


def test_every_period_reads_back_from_its_choice_and_its_name() -> None:
    """The form's value and the plain name of any period read back as that period."""
    for unit, longest in ((PeriodUnit.DAYS, 3660), (PeriodUnit.MONTHS, 120)):
        for length in range(1, longest + 1):
            period = Period(length=length, unit=unit)
            assert parse_period(period_choice(period)) == period
            assert parse_period(plain_name(period)) == period


def test_history_entries_with_and_without_a_plan_load() -> None:
    """Renewals name their plan since plans exist; older ones have none; a bad one is set aside."""
    renewal = {
        "kind": "renewal",
        "at": "2026-11-22T04:00:00+00:00",
        "source": "action",
        "date": "2026-11-22",
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-21",
        "currency": "HKD",
    }
    assert is_entry(renewal)
    assert is_entry({**renewal, "plan": "Yearly"})
    assert not is_entry({**renewal, "plan": 12})
    record = {
        "added": "2026-01-01",
        "history": [renewal, {**renewal, "plan": "Yearly"}, {**renewal, "plan": None}],
        "balance": None,
        "last_activity": None,
        "reminders": {"deadline": None, "fired": [], "expired_for": None, "snoozed_until": None},
    }
    checked = check_history({"cards": {"card": record}}, added_default=record["added"])
    assert checked is not None
    assert checked.set_aside == 1
    assert checked.cards["card"]["history"] == record["history"][:2]


async def test_the_reconfigure_form_serializes_for_the_frontend(hass: HomeAssistant) -> None:
    """The plan list, its period choices and the section reach the frontend as data."""
    entry = await household(hass)
    form = await _reconfigure(hass, entry, "Mum's CMHK")
    fields = to_field_list(form["data_schema"], custom_serializer=cv.custom_serializer)
    (plans_section,) = (field for field in fields if field["name"] == "renewal_plans")
    (plans,) = (field for field in plans_section["schema"] if field["name"] == "plans")
    config = plans["selector"]["object"]
    assert (config["multiple"], config["label_field"], config["translation_key"]) == (
        True,
        "name",
        "plan",
    )
    # A required drop-down would show its first choice in a new plan and save it unpicked.
    assert config["fields"]["period"]["required"] is False
    period = config["fields"]["period"]["selector"]["select"]
    assert period["custom_value"] is True
    assert {"value": "12 months", "label": "12 months"} in period["options"]


def test_stored_plans_that_cannot_be_read_are_left_out_not_dropped() -> None:
    """Reading skips a damaged or repeated plan; the stored data itself is never rewritten."""
    data = {
        **CARD_DATA,
        "renewal_period": "180",
        "default_plan": "  ",
        "plans": [
            YEARLY,
            "Monthly",
            {"name": "No period", "renewal_period": None},
            {"name": "Bad period", "renewal_period": float("nan")},
            {"name": 12, "renewal_period": 12},
            {"name": "yearly", "renewal_period": 1},
            {"name": "Dear", "renewal_period": 9999, "renewal_cost": -1},
            *({"name": f"P{n}", "renewal_period": 1} for n in range(20)),
        ],
    }
    stored = copy.deepcopy(data)
    config = CardConfig.from_data(data)
    assert data == stored
    names = [plan.name for plan in config.plans]
    assert names[:3] == ["180 days", "Yearly", "Dear"]
    # Every readable plan is kept, past the ten a form allows: none is dropped unseen.
    assert len(names) == 23
    dear = config.plans[2]
    assert (dear.period, dear.cost) == (Period(length=3660, unit=PeriodUnit.DAYS), None)
    assert CardConfig.from_data({**CARD_DATA, "plans": "Yearly"}).plans == (config.plans[0],)
