"""The shape of simrenew's AI-agent tools: each passes in what answers it.

Loaded only through the `llm` platform (Home Assistant 2026.8 and later).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.llm import LLMContext, Tool, ToolInput, ToolResult
from homeassistant.util.json import JsonObjectType

from .assist_cards import async_refusal
from .const import DOMAIN

type ToolRun = Callable[[HomeAssistant, dict[str, Any], LLMContext], Awaitable[JsonObjectType]]


class SimRenewTool(Tool):
    """A simrenew tool: refusals come back in the user's language, for the model to correct.

    Each tool passes its answer as a class keyword: `run` returns what the tool answers, from
    its arguments, or raises a refusal.
    """

    integration = DOMAIN
    _run: ClassVar[ToolRun]

    def __init_subclass__(cls, *, run: ToolRun, **kwargs: object) -> None:
        """Keep the function that answers the tool."""
        super().__init_subclass__(**kwargs)
        cls._run = run

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult:
        """Run the tool; a refusal is a result the model reads, not a failure."""
        # Read from the class: a function kept on it would be bound to the tool.
        run = type(self)._run
        try:
            data = await run(hass, dict(tool_input.tool_args), llm_context)
        except HomeAssistantError as err:
            return ToolResult(
                data={"error": await async_refusal(hass, err, llm_context.language)}, error=True
            )
        return ToolResult(data=data)
