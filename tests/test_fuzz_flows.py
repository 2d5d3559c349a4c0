"""Fuzzing every form: first setup, Add card, Reconfigure, the options and the repair fixes.

Each example sends one set of answers. It is either refused (a translated form error, an abort
the form knows, or a schema error) with nothing changed, or stored in the contract's types and
read back the same; either way the hub stays loaded and every card counts its days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import event, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_form_data import nest_data
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.hub_options import HubOptions
from custom_components.simrenew.model import MAX_REMINDER_DAYS
from custom_components.simrenew.plan_form import name_error
from custom_components.simrenew.plans import COMMON_PERIODS, MAX_PLANS, period_choice, plan_key
from custom_components.simrenew.stored_values import parse_time_of_day
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import (
    CARD_DATA,
    DAD_CARD,
    HUB_OPTIONS,
    card_subentry,
    expiry_of,
    past_product,
    setup_entry,
)
from .fuzzing import (
    FUZZ_SETTINGS,
    REMINDER_DAY_TEXTS,
    TRANSLATIONS,
    assert_card_stored_canonically,
    assert_form_errors,
    assert_hub_counts_days,
    assert_numbers_unique,
    card_input,
    date_texts,
    mostly,
    numbers,
    period_texts,
    snapshot,
    texts,
    trim_history,
    wrong_types,
)

NEW_CARD: dict[str, Any] = {
    "name": "Travel eSIM",
    "carrier": "3HK",
    "card_type": "data",
    "phone_number": "+852 5123 4567",
    "expiry_date": "2027-05-15",
    "renewal_period": "30_days",
    "renewal_mode": "from_renewal",
    "renewal_cost": 48.0,
    "currency": "HKD",
    "time_zone": "Automatic: from the phone number or card type",
    "advanced": {
        "grace_days": 0.0,
        "activity_interval_days": 0.0,
        "renewal_url": "https://www.three.com.hk/",
        "auto_renew": False,
    },
}
OLD_SIM_EXPIRY = "2026-11-20"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.fixture
async def household(hass: HomeAssistant) -> MockConfigEntry:
    """Return a loaded hub with three cards, the last one lapsed (in its grace period)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(),
            card_subentry(
                **DAD_CARD,
                activity_interval_days=30,
            ),
            card_subentry(
                name="Old SIM",
                phone_number="+8613812345678",
                expiry_date=OLD_SIM_EXPIRY,
                renewal_period=1,
                renewal_period_unit="months",
                renewal_mode="extend_expiry",
                time_zone="Asia/Shanghai",
            ),
        ],
    )
    await setup_entry(hass, entry)
    assert await async_setup_component(hass, "repairs", {})
    return entry


async def answer(manager: Any, flow_id: str, *steps: Any) -> Any | None:
    """Send each step's answers to a flow; None (flow closed) if its schema refuses one."""
    result = None
    try:
        for answers in steps:
            result = await manager.async_configure(flow_id, answers)
    except InvalidData:
        event("schema error")
        manager.async_abort(flow_id)
        return None
    return result


def _errors_of(where: str) -> dict[str, str]:
    """Return the translated form errors of a config or subentry form."""
    if where == "config":
        return TRANSLATIONS["config"]["error"]
    return TRANSLATIONS["config_subentries"]["card"]["error"]


async def test_the_fuzzed_card_is_accepted_as_it_is(hass: HomeAssistant) -> None:
    """The answers the fuzzing changes are a card the form takes, not one its schema refuses."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], NEW_CARD)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = result["result"].subentries.values()
    assert subentry.data["time_zone"] == "Asia/Hong_Kong"


@FUZZ_SETTINGS
@given(answers=card_input(NEW_CARD))
async def test_fuzz_first_setup(hass: HomeAssistant, answers: dict[str, Any]) -> None:
    """The first card's form refuses cleanly or creates a hub with a canonical card."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    flow_id = result["flow_id"]
    result = await answer(hass.config_entries.flow, flow_id, answers)
    if result is None:
        assert hass.config_entries.async_entries(DOMAIN) == []
        return
    if result["type"] is FlowResultType.FORM:
        assert_form_errors(result["errors"], _errors_of("config"))
        for key in result["errors"].values():
            event(f"refused: {key}")
        hass.config_entries.flow.async_abort(flow_id)
        assert hass.config_entries.async_entries(DOMAIN) == []
        return
    assert result["type"] is FlowResultType.CREATE_ENTRY
    event("accepted")
    entry = result["result"]
    await hass.async_block_till_done()
    (subentry,) = entry.subentries.values()
    assert_card_stored_canonically(subentry.data)
    assert_hub_counts_days(hass, entry)
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


@FUZZ_SETTINGS
@given(answers=card_input(NEW_CARD))
async def test_fuzz_add_card(
    hass: HomeAssistant, household: MockConfigEntry, answers: dict[str, Any]
) -> None:
    """Add card refuses cleanly, or adds a canonical card that then counts its days."""
    before = snapshot(household)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (household.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    flow_id = result["flow_id"]
    result = await answer(hass.config_entries.subentries, flow_id, answers)
    if result is None:
        assert snapshot(household) == before
        return
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        _assert_refused(result, flow_id, hass)
        assert snapshot(household) == before
        assert_hub_counts_days(hass, household)
        return
    event("accepted")
    await hass.async_block_till_done()
    added = next(sid for sid in household.subentries if sid not in before[0])
    assert_card_stored_canonically(household.subentries[added].data)
    assert_numbers_unique(household)
    assert_hub_counts_days(hass, household)
    assert hass.config_entries.async_remove_subentry(household, added)
    await hass.async_block_till_done()
    assert snapshot(household)[0] == before[0]


@FUZZ_SETTINGS
@given(answers=card_input(NEW_CARD))
async def test_fuzz_add_integration_with_a_hub(
    hass: HomeAssistant, household: MockConfigEntry, answers: dict[str, Any]
) -> None:
    """Add integration with a hub refuses cleanly, or adds a canonical card to that hub."""
    before = snapshot(household)
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    flow_id = result["flow_id"]
    result = await answer(hass.config_entries.flow, flow_id, answers)
    if result is None:
        assert snapshot(household) == before
        return
    assert hass.config_entries.async_entries(DOMAIN) == [household]
    if result["type"] is FlowResultType.FORM:
        assert_form_errors(result["errors"], _errors_of("config"))
        for key in result["errors"].values():
            event(f"refused: {key}")
        hass.config_entries.flow.async_abort(flow_id)
        assert snapshot(household) == before
        return
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] in TRANSLATIONS["config"]["abort"]
    if result["reason"] != "card_added":
        event(f"refused: {result['reason']}")
        assert snapshot(household) == before
        return
    event("accepted")
    await hass.async_block_till_done()
    added = next(sid for sid in household.subentries if sid not in before[0])
    assert_card_stored_canonically(household.subentries[added].data)
    assert_hub_counts_days(hass, household)
    assert hass.config_entries.async_remove_subentry(household, added)
    await hass.async_block_till_done()
    assert snapshot(household)[0] == before[0]


def _assert_refused(result: Any, flow_id: str, hass: HomeAssistant) -> None:
    """Assert a card form ended in a translated error or abort, and close it."""
    if result["type"] is FlowResultType.ABORT:
        assert result["reason"] in TRANSLATIONS["config_subentries"]["card"]["abort"]
        event(f"refused: {result['reason']}")
        return
    assert result["type"] is FlowResultType.FORM
    assert_form_errors(result["errors"], _errors_of("subentry"))
    for key in result["errors"].values():
        event(f"refused: {key}")
    hass.config_entries.subentries.async_abort(flow_id)


@FUZZ_SETTINGS
@given(answers=card_input(nest_data(CARD_DATA)))
async def test_fuzz_reconfigure(
    hass: HomeAssistant, household: MockConfigEntry, answers: dict[str, Any]
) -> None:
    """Reconfigure refuses cleanly, or stores the card canonically; other cards stay."""
    card_id = next(sid for sid, sub in household.subentries.items() if sub.title != "Dad's csl")
    trim_history(household)
    before = snapshot(household)
    result = await hass.config_entries.subentries.async_init(
        (household.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card_id},
    )
    flow_id = result["flow_id"]
    result = await answer(hass.config_entries.subentries, flow_id, answers)
    if result is None:
        assert snapshot(household) == before
        return
    if result["type"] is FlowResultType.ABORT and result["reason"] == "reconfigure_successful":
        event("accepted")
        await hass.async_block_till_done()
        assert_card_stored_canonically(household.subentries[card_id].data)
        assert_numbers_unique(household)
        others = {sid: v for sid, v in before[0].items() if sid != card_id}
        assert {sid: v for sid, v in snapshot(household)[0].items() if sid != card_id} == others
    else:
        _assert_refused(result, flow_id, hass)
        assert snapshot(household) == before
    assert_hub_counts_days(hass, household)


REMINDER_TIMES = ["09:00:00", "9:00", "23:59:59", "00:00", "24:00", "12:60", "08:00:60", "noon", ""]
NOTIFY_TARGETS = [
    "notify.mum_phone",
    "notify.nothing_here",
    "NOTIFY.Mum_Phone",
    "light.kitchen",
    "0123456789abcdef0123456789abcdef",
    "notify",
    "notify.",
]


@FUZZ_SETTINGS
@given(
    days=mostly(
        st.lists(st.sampled_from(REMINDER_DAY_TEXTS), max_size=6),
        st.one_of(
            st.lists(
                st.one_of(st.sampled_from(REMINDER_DAY_TEXTS), texts(), st.integers().map(str)),
                max_size=6,
            ),
            wrong_types(),
        ),
    ),
    at=mostly(
        st.one_of(
            st.times().map(lambda at: at.isoformat(timespec="seconds")),
            st.sampled_from(REMINDER_TIMES),
        ),
        st.one_of(texts(), wrong_types()),
    ),
    notify=st.fixed_dictionaries(
        {},
        optional={
            "persistent_notification": mostly(st.booleans(), wrong_types()),
            "notify_targets": mostly(
                st.lists(st.sampled_from([*NOTIFY_TARGETS, "phone"]), max_size=3),
                st.one_of(st.lists(texts(), max_size=2), texts(), wrong_types()),
            ),
        },
    ),
)
async def test_fuzz_options(
    hass: HomeAssistant,
    household: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    days: object,
    at: object,
    notify: dict[str, Any],
) -> None:
    """The options refuse cleanly, or store sorted whole days, an HH:MM:SS time and targets."""
    phone = entity_registry.async_get_or_create("notify", "mobile_app", "mum_phone")
    if "notify_targets" in notify and isinstance(notify["notify_targets"], list):
        # "phone" stands for the phone's registry id, which the entity picker may send.
        notify["notify_targets"] = [
            phone.id if target == "phone" else target for target in notify["notify_targets"]
        ]
    before = snapshot(household)
    result = await hass.config_entries.options.async_init(household.entry_id)
    flow_id = result["flow_id"]
    result = await answer(
        hass.config_entries.options, flow_id, {"reminder_days": days, "reminder_time": at, **notify}
    )
    if result is None:
        assert snapshot(household) == before
        return
    if result["type"] is FlowResultType.FORM:
        assert_form_errors(result["errors"], TRANSLATIONS["options"]["error"])
        for key in result["errors"].values():
            event(f"refused: {key}")
        hass.config_entries.options.async_abort(flow_id)
        assert snapshot(household) == before
        return
    assert result["type"] is FlowResultType.CREATE_ENTRY
    event("accepted")
    await hass.async_block_till_done()
    _check_options(dict(household.options))
    assert_hub_counts_days(hass, household)


def _check_options(stored: dict[str, Any]) -> None:
    """Check stored options: the contract's types, and read back exactly as stored."""
    assert set(stored) - {"tts_entity"} == {
        "reminder_days",
        "reminder_time",
        "persistent_notification",
        "notify_targets",
        "message_sources",
        "phones",
        "speakers",
        "quiet_hours_start",
        "quiet_hours_end",
        "rarely_used_entities",
    }
    for key in ("quiet_hours_start", "quiet_hours_end"):
        quiet = parse_time_of_day(stored[key])
        assert quiet is not None
        assert quiet.isoformat(timespec="seconds") == stored[key]
    reminder_days = stored["reminder_days"]
    assert all(type(day) is int and 0 <= day <= MAX_REMINDER_DAYS for day in reminder_days)
    assert reminder_days == sorted(set(reminder_days), reverse=True) != []
    when = parse_time_of_day(stored["reminder_time"])
    assert when is not None
    assert when.isoformat(timespec="seconds") == stored["reminder_time"]
    targets = stored["notify_targets"]
    assert len(set(targets)) == len(targets)
    read = HubOptions.from_options(stored)
    assert list(read.reminder_days) == reminder_days
    assert read.reminder_time == when
    assert read.persistent_notification is stored["persistent_notification"]
    assert list(read.notify_targets) == targets
    assert list(read.message_sources) == stored["message_sources"]
    assert list(read.phones) == stored["phones"]
    assert read.rarely_used_entities is stored["rarely_used_entities"] is True


async def _lapse(hass: HomeAssistant, household: MockConfigEntry, on: date) -> ir.IssueEntry:
    """Let the lapsed card's expiry be `on` and return its repair issue."""
    card_id = next(sid for sid, sub in household.subentries.items() if sub.title == "Old SIM")
    issue_id = f"lapsed_{card_id}"
    registry = ir.async_get(hass)
    days = [on]
    if registry.async_get_issue(DOMAIN, issue_id) is None:
        # A fix that left the card lapsed closed its issue; a changed expiry raises it again.
        days.insert(0, on - timedelta(days=1))
    hub = household.runtime_data
    for day in days:
        if expiry_of(household, card_id) != day.isoformat():
            # Set as the history holds it, however long ago: the card is lapsed on `day`.
            hub.records[card_id]["expiry"] = day.isoformat()
            hub.async_refresh(dt_util.utcnow())
            await hass.async_block_till_done()
    issue = registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    return issue


EXPIRY_ANSWERS = st.fixed_dictionaries(
    {
        "expiry_date": mostly(
            st.dates(min_value=date(2025, 11, 22), max_value=date(2046, 11, 22)).map(
                date.isoformat
            ),
            st.one_of(date_texts(), wrong_types()),
            tenths=5,
        )
    }
)
ODD_ANSWERS = st.dictionaries(texts(), st.one_of(texts(), wrong_types()), max_size=2)
STEPS: dict[object, st.SearchStrategy[dict[str, Any]]] = {
    "renewed": mostly(st.just({}), EXPIRY_ANSWERS),
    "new_expiry": mostly(EXPIRY_ANSWERS, st.just({}), tenths=9),
}


@FUZZ_SETTINGS
@given(
    # In its grace period (30 days) or expired for up to a year.
    lapsed_on=st.dates(min_value=date(2025, 11, 22), max_value=date(2026, 11, 21)),
    step=mostly(st.sampled_from(list(STEPS)), st.one_of(texts(), wrong_types()), tenths=8),
    data=st.data(),
)
async def test_fuzz_repair_fixes(
    hass: HomeAssistant,
    household: MockConfigEntry,
    lapsed_on: date,
    step: object,
    data: st.DataObject,
) -> None:
    """A lapsed card's fix refuses cleanly, or records the renewal or the new expiry."""
    answers = data.draw(STEPS.get(step, ODD_ANSWERS) if isinstance(step, str) else ODD_ANSWERS)
    trim_history(household)
    issue = await _lapse(hass, household, lapsed_on)
    card_id = str(issue.data["card_id"]) if issue.data else ""
    errors = TRANSLATIONS["issues"][issue.translation_key]["fix_flow"]["error"]
    before = snapshot(household)
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["type"] is FlowResultType.MENU
    flow_id = result["flow_id"]
    result = await answer(manager, flow_id, {"next_step_id": step}, answers)
    if result is None:
        assert snapshot(household) == before
        return
    if result["type"] is FlowResultType.FORM:
        assert_form_errors(result["errors"], errors)
        for key in result["errors"].values():
            event(f"refused: {key}")
        manager.async_abort(flow_id)
        assert snapshot(household) == before
        return
    assert result["type"] is FlowResultType.CREATE_ENTRY
    event(f"accepted: {step}")
    await hass.async_block_till_done()
    data = household.subentries[card_id].data
    assert_card_stored_canonically(data)
    last = household.runtime_data.records[card_id]["history"][-1]
    assert last["source"] == "repair"
    assert last["new_expiry"] == expiry_of(household, card_id)
    assert_hub_counts_days(hass, household)


PLAN_NAMES = ["Yearly", "yearly ", "Monthly", "180 days", "6 個月", "", " ", "x" * 65, "A\u200b"]


def plan_items() -> st.SearchStrategy[object]:
    """Return one entry of the form's plan list: a plan, a broken one, or no mapping at all."""
    plan = st.fixed_dictionaries(
        {
            "name": mostly(
                st.text(alphabet="abcdeAB 月費年", min_size=1, max_size=8),
                st.one_of(st.sampled_from(PLAN_NAMES), texts()),
            ),
            "period": mostly(
                st.sampled_from([period_choice(period) for period in COMMON_PERIODS]),
                st.one_of(period_texts(), texts()),
            ),
        },
        optional={
            "cost": mostly(st.floats(min_value=0, max_value=1_000_000), numbers()),
        },
    )
    odd = st.one_of(
        texts(),
        wrong_types(),
        st.fixed_dictionaries(
            {"name": st.just("Extra"), "period": st.just("1_days"), "x": texts()}
        ),
    )
    return mostly(plan, odd, tenths=9)


@FUZZ_SETTINGS
@given(
    default=mostly(
        st.one_of(st.sampled_from(PLAN_NAMES), st.text(alphabet="abcAB 半年", max_size=8)),
        st.one_of(texts(), wrong_types()),
        tenths=9,
    ),
    plans=mostly(
        st.lists(plan_items(), max_size=4),
        st.one_of(st.lists(plan_items(), max_size=11), texts(), wrong_types()),
        tenths=8,
    ),
    period=mostly(st.just("180_days"), period_texts()),
    choice=st.integers(min_value=0, max_value=11),
)
async def test_fuzz_plans(
    hass: HomeAssistant,
    household: MockConfigEntry,
    default: object,
    plans: object,
    period: str,
    choice: int,
) -> None:
    """The plans refuse cleanly, or every plan entered is stored, readable, once, and chosen."""
    card_id = next(sid for sid, sub in household.subentries.items() if sub.title != "Dad's csl")
    trim_history(household)
    before = snapshot(household)
    answers = {
        **nest_data(household.subentries[card_id].data),
        "renewal_period": period,
        "renewal_plans": {"default_plan": default, "plans": plans},
    }
    result = await hass.config_entries.subentries.async_init(
        (household.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card_id},
    )
    flow_id = result["flow_id"]
    result = await answer(hass.config_entries.subentries, flow_id, answers)
    if result is None:
        assert snapshot(household) == before
        return
    entered = [item for item in plans if isinstance(item, dict)] if isinstance(plans, list) else []
    if result["type"] is FlowResultType.FORM and result["step_id"] == "default_plan":
        options = result["data_schema"].schema["default_plan"].config["options"]
        assert len(options) == len(entered) + 1
        chosen = options[choice % len(options)]
        event("default chosen" if choice % len(options) else "default kept")
        result = await hass.config_entries.subentries.async_configure(
            flow_id, {"default_plan": chosen}
        )
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
        assert household.subentries[card_id].data["default_plan"] == chosen
    elif result["type"] is FlowResultType.ABORT and result["reason"] == "reconfigure_successful":
        event("one plan")
        await hass.async_block_till_done()
    else:
        _assert_refused(result, flow_id, hass)
        assert snapshot(household) == before
        assert_hub_counts_days(hass, household)
        return
    data = household.subentries[card_id].data
    typed = [str(default).strip(), *(str(item["name"]).strip() for item in entered)]
    assert_card_stored_canonically(data, typed)
    config = household.runtime_data.configs[card_id]
    stored = [plan.name for plan in config.plans]
    # Nothing entered is lost: each plan is stored and read back, under its name, once.
    assert len(stored) == len(entered) + (1 if config.period else 0)
    assert len({plan_key(name) for name in stored}) == len(stored) <= MAX_PLANS
    assert {item["name"].strip() for item in entered} <= set(stored)
    for plan in config.plans:
        assert plan.name == plan.name.strip()
        assert not name_error(plan.name)
    assert_hub_counts_days(hass, household)
    if config.plans:
        # The card's plans renew: each one, named as stored.
        await hass.services.async_call(
            DOMAIN,
            "renew",
            {"entity_id": "sensor.mum_s_cmhk_days_until_expiry", "plan": stored[-1]},
            blocking=True,
        )
        last = household.runtime_data.records[card_id]["history"][-1]
        assert last["plan"] == stored[-1]
