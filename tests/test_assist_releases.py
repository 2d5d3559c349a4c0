"""Every supported release: AI agents' tools where Home Assistant has them, intents everywhere."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
import pytest

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent, llm

from .assist_setup import NOW, async_household

# Home Assistant 2026.8 moved the Assist API into the `llm` integration, with tool platforms.
HAS_TOOL_PLATFORMS = importlib.util.find_spec("homeassistant.components.llm") is not None


@pytest.fixture(autouse=True)
def morning(freezer: FrozenDateTimeFactory) -> None:
    """Ask on the morning of 23 October 2026 in Hong Kong."""
    freezer.move_to(NOW)


def context() -> llm.LLMContext:
    """Return the context a conversation agent calls the Assist API with."""
    return llm.LLMContext(
        platform="test", context=Context(), language="en", assistant="conversation", device_id=None
    )


async def test_the_intents_are_registered(hass: HomeAssistant, tmp_path: Path) -> None:
    """The built-in agent's three intents, on every release."""
    await async_household(hass, tmp_path)
    registered = {handler.intent_type for handler in intent.async_get(hass)}
    assert {"SimRenewCardExpiry", "SimRenewCardsDue", "SimRenewRecordRenewal"} <= registered


@pytest.mark.skipif(HAS_TOOL_PLATFORMS, reason="releases before 2026.8 only")
async def test_before_tool_platforms_agents_get_the_intents(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Before 2026.8 the Assist API offers registered intents itself: simrenew's among them."""
    await async_household(hass, tmp_path)
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context())
    assert not [tool for tool in api.tools if tool.name.startswith("simrenew__")]
    expiry = next(tool for tool in api.tools if tool.name.casefold() == "simrenewcardexpiry")
    result = await api.async_call_tool(
        llm.ToolInput(tool_name=expiry.name, tool_args={"card": "Mum's CMHK"})
    )
    assert result["speech"]["plain"]["speech"] == "Mum's CMHK expires on 28 October, in 5 days."


@pytest.mark.skipif(not HAS_TOOL_PLATFORMS, reason="releases from 2026.8 only")
async def test_with_tool_platforms_agents_get_the_tools_not_the_intents(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """From 2026.8 intents are no longer offered by themselves: the tools are."""
    await async_household(hass, tmp_path)
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, context())
    names = [tool.name for tool in api.tools]
    assert "simrenew__ListCards" in names
    assert not [name for name in names if "simrenewcard" in name.casefold()]
