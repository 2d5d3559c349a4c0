"""AI agents' tools, called through Home Assistant's own LLM API for the Assist API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import llm
from homeassistant.setup import async_setup_component

from .assist_setup import DAD_DAYS, MUM_DAYS, NOW, async_household
from .fuzzing import FUZZ_SETTINGS, date_texts, numbers, snapshot, texts, wrong_types

# The `llm` integration and its tool platforms arrived in Home Assistant 2026.8; on earlier
# releases simrenew has no tools to test (test_assist_oldest checks that it loads without).
pytest.importorskip("homeassistant.components.llm", reason="LLM tool platforms start in 2026.8")

from custom_components.simrenew import llm as simrenew_llm
from custom_components.simrenew.card_tools import ListCardsTool
from custom_components.simrenew.message_tool import ReadCarrierMessageTool

TOOLS = [
    "simrenew__ListCards",
    "simrenew__RecordRenewal",
    "simrenew__ConfirmRenewal",
    "simrenew__ReadCarrierMessage",
]
PRIVATE = ["+85291234567", "91234567", "+85261234567", "61234567"]


@pytest.fixture(autouse=True)
def morning(freezer: FrozenDateTimeFactory) -> None:
    """Ask on the morning of 23 October 2026 in Hong Kong."""
    freezer.move_to(NOW)


def context(language: str = "en") -> llm.LLMContext:
    """Return the context a conversation agent calls the Assist API with."""
    return llm.LLMContext(
        platform="test",
        context=Context(),
        language=language,
        assistant="conversation",
        device_id=None,
    )


async def call(
    hass: HomeAssistant, tool: str, args: dict[str, Any], language: str = "en"
) -> llm.ToolResult:
    """Call one tool the way a conversation agent does; check it leaks nothing private."""
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context(language))
    result = await api.async_call_tool(llm.ToolInput(tool_name=tool, tool_args=args))
    dumped = json.dumps(result.data, ensure_ascii=False)
    assert not any(private in dumped for private in PRIVATE), dumped
    return result


async def test_the_assist_api_offers_the_tools_and_what_they_mean(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Four tools, tagged with simrenew and prefixed, and a prompt on deadlines and grace."""
    await async_household(hass, tmp_path)
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context())
    ours = [tool for tool in api.tools if tool.name.startswith("simrenew__")]
    assert [tool.name for tool in ours] == TOOLS
    assert {tool.integration for tool in ours} == {"simrenew"}
    assert ours[0].annotations.read_only
    assert "grace_end" in api.api_prompt
    assert "unconfirmed" in api.api_prompt
    # Any other API gets nothing of simrenew.
    assert simrenew_llm.async_get_tools(hass, context(), "another_api") is None


async def test_no_tools_without_an_exposed_card(hass: HomeAssistant, tmp_path: Path) -> None:
    """Nothing exposed, nothing offered: the agent cannot reach cards the user kept back."""
    await async_household(hass, tmp_path, expose=())
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context())
    assert not [tool for tool in api.tools if tool.name.startswith("simrenew__")]


async def test_list_cards(hass: HomeAssistant, tmp_path: Path) -> None:
    """Every exposed card, soonest first, with what a model needs and a summary to read out."""
    await async_household(hass, tmp_path)
    result = await call(hass, "simrenew__ListCards", {})
    assert not result.error
    mum, dad = result.data["cards"]
    assert mum == {
        "name": "Mum's CMHK",
        "carrier": "CMHK",
        "expiry_date": "2026-10-28",
        "deadline": "2026-10-28",
        "days_until_expiry": 5,
        "days_until_deadline": 5,
        "status": "expiring_soon",
        "deadline_reason": "expiry",
        "unconfirmed": False,
        "balance": None,
        "balance_currency": None,
        "renewal_url": None,
        "esim": False,
        "default_plan": mum["default_plan"],
        "plans": mum["plans"],
        "grace_end": "2026-11-27",
        "recorded_expiry": None,
        "default_plan_cost": 50.0,
        "currency": "HKD",
        "today": "2026-10-23",
        "summary": "Mum's CMHK expires on 28 October, in 5 days.",
    }
    assert dad["name"] == "Dad's csl"
    due = await call(hass, "simrenew__ListCards", {"due_within_days": 14})
    assert [card["name"] for card in due.data["cards"]] == ["Mum's CMHK"]
    named = await call(hass, "simrenew__ListCards", {"name": "老豆"}, "zh-HK")
    assert [card["summary"] for card in named.data["cards"]] == [
        "Dad's csl於2027年1月10日到期，還有79日。"
    ]
    active = await call(hass, "simrenew__ListCards", {"status": "active"}, "zh-CN")
    assert [card["summary"] for card in active.data["cards"]] == [
        "Dad's csl将于2027年1月10日到期，还有79天。"
    ]


async def test_only_exposed_cards_are_listed(hass: HomeAssistant, tmp_path: Path) -> None:
    """A card kept back from Assist is neither listed nor renewed through a tool."""
    await async_household(hass, tmp_path, expose=(DAD_DAYS,))
    listed = await call(hass, "simrenew__ListCards", {})
    assert [card["name"] for card in listed.data["cards"]] == ["Dad's csl"]
    refused = await call(hass, "simrenew__RecordRenewal", {"card": "Mum's CMHK"})
    assert refused.error
    assert refused.data == {"error": "No card is called Mum's CMHK. The cards are: Dad's csl."}
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2026-10-28"


async def test_record_then_confirm(hass: HomeAssistant, tmp_path: Path) -> None:
    """A renewal recorded by name waits for the carrier; confirming it settles the deadline."""
    await async_household(hass, tmp_path)
    recorded = await call(
        hass, "simrenew__RecordRenewal", {"card": "媽媽張CMHK", "amount": 50}, "zh-HK"
    )
    assert not recorded.error
    assert recorded.data["old_expiry"] == "2026-10-28"
    assert recorded.data["new_expiry"] == "2027-04-21"
    assert recorded.data["unconfirmed"] is True
    card = recorded.data["card"]
    assert card["unconfirmed"] is True
    # Until the carrier's word, the old deadline stands.
    assert card["deadline"] == "2026-10-28"
    assert card["summary"] == (
        "Mum's CMHK於10月28日到期，還有5日。已記錄續期至2027年4月21日，但仍未確認："
        "請查看電訊商是否已顯示新日期。"
    )
    confirmed = await call(hass, "simrenew__ConfirmRenewal", {"card": "mum's cmhk"})
    assert confirmed.data["confirmed"] is True
    assert confirmed.data["card"]["unconfirmed"] is False
    assert confirmed.data["card"]["deadline"] == "2027-04-21"
    again = await call(hass, "simrenew__ConfirmRenewal", {"card": "mum's cmhk"}, "zh-CN")
    assert again.data == {"error": "Mum's CMHK没有等待确认的续费。"}


async def test_record_with_a_plan_and_a_day(hass: HomeAssistant, tmp_path: Path) -> None:
    """A plan by name and the renewal's own day, as simrenew.renew takes them."""
    await async_household(hass, tmp_path)
    recorded = await call(
        hass,
        "simrenew__RecordRenewal",
        {"card": "Mum's CMHK", "plan": "180 days", "date": "2026-10-20"},
    )
    assert not recorded.error, recorded.data
    assert recorded.data["new_expiry"] == "2027-04-18"


@pytest.mark.parametrize(
    ("args", "language", "error"),
    [
        ({"card": "Mum's CMHK", "date": "tomorrow"}, "en", "tomorrow is not a date"),
        ({"card": "Mum's CMHK", "date": "下星期"}, "zh-HK", "「下星期」不是日期"),
        ({"card": "Mum's CMHK", "amount": -5}, "en", "The amount -5.0 is not a sum"),
        ({"card": "Mum's CMHK", "amount": "lots"}, "zh-CN", "lots"),
        ({"card": "Mum's CMHK", "plan": "Weekly"}, "en", "Mum's CMHK has no plan by that name"),
        ({"card": "Grandma"}, "en", "No card is called Grandma. The cards are: Dad's csl, Mum's"),
        ({"card": ""}, "en", "No card is called"),
        ({}, "en", "No card is called"),
        ({"card": "Dad's csl"}, "en", "Dad's csl has no renewal period"),
    ],
)
async def test_refusals_the_model_can_read(
    hass: HomeAssistant, tmp_path: Path, args: dict[str, Any], language: str, error: str
) -> None:
    """Bad input is refused in the asked language and changes nothing."""
    entry = await async_household(hass, tmp_path)
    before = snapshot(entry)
    result = await call(hass, "simrenew__RecordRenewal", args, language)
    assert result.error
    assert error in result.data["error"]
    assert snapshot(entry) == before


async def test_two_cards_fit_the_name(hass: HomeAssistant, tmp_path: Path) -> None:
    """A name two cards fit is refused, naming both, so the model asks which."""
    entry = await async_household(hass, tmp_path)
    dad = next(sub for sub in entry.subentries.values() if sub.data["name"] == "Dad's csl")
    hass.config_entries.async_update_subentry(
        entry, dad, data={**dad.data, "name": "Mum's csl"}, title="Mum's csl"
    )
    await hass.async_block_till_done()
    async_expose_entity(hass, "conversation", "sensor.mum_s_csl_days_until_expiry", True)
    result = await call(hass, "simrenew__RecordRenewal", {"card": "媽媽"}, "zh-HK")
    assert result.data == {"error": "「媽媽」可能是Mum's CMHK, Mum's csl，請說明是哪一張。"}


async def test_read_a_carrier_message(hass: HomeAssistant, tmp_path: Path) -> None:
    """A pasted carrier SMS confirms the waiting renewal; the reply never repeats the text."""
    await async_household(hass, tmp_path)
    await call(hass, "simrenew__RecordRenewal", {"card": "Mum's CMHK"})
    text = (
        "CMHK: Your prepaid number ****4567 has been recharged HK$100. "
        "Valid until 21/04/2027 23:59."
    )
    result = await call(hass, "simrenew__ReadCarrierMessage", {"message": text})
    assert result.data == {
        "outcome": "confirmed",
        "name": "Mum's CMHK",
        "expiry_date": "2027-04-21",
        "stated_expiry": "2027-04-21",
    }
    assert "4567" not in json.dumps(result.data)
    named = await call(
        hass, "simrenew__ReadCarrierMessage", {"message": "hello", "card": "Dad's csl"}
    )
    assert named.data["outcome"] == "not_understood"


async def test_a_message_reaches_only_exposed_cards(hass: HomeAssistant, tmp_path: Path) -> None:
    """A message about a card kept back from Assist finds no card."""
    await async_household(hass, tmp_path, expose=(DAD_DAYS,))
    text = "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59."
    result = await call(hass, "simrenew__ReadCarrierMessage", {"message": text})
    # Dad's number ends in the same digits: the message is read for the one card it may reach.
    assert result.data.get("name") != "Mum's CMHK"
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2026-10-28"


ARGS = st.dictionaries(
    st.sampled_from(["card", "name", "plan", "amount", "date", "status", "due_within_days"]),
    st.one_of(texts(), numbers(), date_texts(), wrong_types()),
    max_size=4,
)


@FUZZ_SETTINGS
@given(tool=st.sampled_from(TOOLS[:3]), args=ARGS)
async def test_fuzz_tools(
    hass: HomeAssistant, tmp_path: Path, tool: str, args: dict[str, Any]
) -> None:
    """Any arguments: a result or a refusal in words, never an exception or a leak."""
    if not hass.config_entries.async_entries("simrenew"):
        await async_household(hass, tmp_path)
    entry = hass.config_entries.async_entries("simrenew")[0]
    before = snapshot(entry)
    result = await call(hass, tool, args)
    if result.error:
        assert isinstance(result.data["error"], str)
        assert "simrenew" not in result.data["error"]
        assert snapshot(entry) == before
    if tool == "simrenew__RecordRenewal" and not result.error:
        # The next example starts from the same expiry.
        await hass.services.async_call(
            "simrenew", "undo_renewal", {"entity_id": MUM_DAYS}, blocking=True
        )


async def test_the_llm_platform_loads_with_the_llm_integration(hass: HomeAssistant) -> None:
    """Home Assistant finds the platform itself once the llm integration runs."""
    assert await async_setup_component(hass, "llm", {})


async def test_confirm_with_the_carrier_date(hass: HomeAssistant, tmp_path: Path) -> None:
    """The carrier's own date confirms, correcting the recorded one when they differ."""
    await async_household(hass, tmp_path)
    await call(hass, "simrenew__RecordRenewal", {"card": "Mum's CMHK"})
    confirmed = await call(
        hass, "simrenew__ConfirmRenewal", {"card": "Mum's CMHK", "expiry_date": "2027-04-20"}
    )
    assert confirmed.data["card"]["deadline"] == "2027-04-20"
    assert confirmed.data["card"]["unconfirmed"] is False


async def test_filters_are_checked(hass: HomeAssistant, tmp_path: Path) -> None:
    """A status or a number of days the tool does not know is refused in words."""
    await async_household(hass, tmp_path)
    status = await call(hass, "simrenew__ListCards", {"status": "soon"})
    assert status.data == {
        "error": "A status is one of: active, expiring_soon, grace_period, expired."
    }
    days = await call(hass, "simrenew__ListCards", {"due_within_days": "lots"}, "zh-HK")
    assert days.data == {"error": "日數須為0至400的整數。"}
    name = await call(hass, "simrenew__ListCards", {"name": 5})
    assert name.error


async def test_nothing_exposed_is_said(hass: HomeAssistant, tmp_path: Path) -> None:
    """Called with nothing exposed (a tool list kept from before), each tool says so."""
    await async_household(hass, tmp_path, expose=())
    tool = ListCardsTool()
    result = await tool.async_call(
        hass, llm.ToolInput(tool_name=tool.name, tool_args={}), context()
    )
    assert result.error
    assert str(result.data["error"]).startswith("No SIM card is exposed to this assistant.")
    reader = ReadCarrierMessageTool()
    read = await reader.async_call(
        hass, llm.ToolInput(tool_name=reader.name, tool_args={"message": "hi"}), context()
    )
    assert read.error
