"""Fix flows for lapsed cards: record the renewal, or enter the carrier's new expiry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.selector import DateSelector

from .const import CONF_EXPIRY_DATE
from .hub import SimRenewConfigEntry, SimRenewHub
from .lapsed_forms import CONF_PLAN, async_plan_schema, card_placeholders, renewal_preview
from .lapsed_issues import async_sync_lapsed_issue
from .model import CardStatus
from .renewal import Renewal
from .rule_issues import RULE_PREFIX, LearnedRuleFlow
from .stored_values import parse_iso_date

if TYPE_CHECKING:
    # Named from 2026.9 on; annotations are never evaluated, so older releases load this file.
    from homeassistant.components.repairs import RepairsFlowResult
from .validation import vol

LAPSED = (CardStatus.GRACE_PERIOD, CardStatus.EXPIRED)


class LapsedCardFlow(RepairsFlow):
    """Asks how the lapsed card was dealt with and records it."""

    def __init__(self, hub: SimRenewHub, card_id: str) -> None:
        """Remember which card the issue is about, and the expiry it was raised for."""
        self.hub = hub
        self.card_id = card_id
        self._expiry = hub.cards[card_id].config.expiry_date if card_id in hub.cards else None

    def _renewed_meanwhile(self) -> bool:
        """Return whether the card was renewed or corrected since the fix was opened."""
        view = self.hub.cards[self.card_id]
        return view.config.expiry_date != self._expiry or view.state.status not in LAPSED

    def _waiting(self) -> bool:
        """Return whether a recorded renewal waits for the carrier's word."""
        return self.hub.cards[self.card_id].recorded_expiry is not None

    def _live(self) -> SimRenewHub | None:
        """Return the running hub if it still holds the card (a reload replaces the hub)."""
        hub = self.hub.live_hub()
        if hub is None or self.card_id not in hub.cards:
            return None
        self.hub = hub
        return hub

    def _done(self) -> RepairsFlowResult:
        """Close the fix; raise the issue again if the card is still lapsed afterwards."""
        # Home Assistant deletes the issue once this fix returns: look again after that.
        self.hass.loop.call_soon(self._resync)
        return self.async_create_entry(data={})

    @callback
    def _resync(self) -> None:
        """Raise the card's issue again if what was entered leaves it lapsed."""
        if (hub := self._live()) is not None:
            async_sync_lapsed_issue(self.hass, hub.entry.entry_id, hub.cards[self.card_id])

    def _placeholders(self) -> dict[str, str]:
        """Return the card's name and dates for the texts."""
        return card_placeholders(self.hass, self.hub, self.card_id)

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Offer the two ways out."""
        if self._live() is None:
            return self.async_abort(reason="card_removed")
        options = (
            ["confirmed", "new_expiry", "undo"] if self._waiting() else ["renewed", "new_expiry"]
        )
        return self.async_show_menu(
            step_id="init", menu_options=options, description_placeholders=self._placeholders()
        )

    async def async_step_confirmed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Confirm that the carrier shows the expiry the waiting renewal recorded."""
        return await self._async_settle(
            "confirmed",
            user_input,
            lambda: self.hub.changes.async_confirm_renewal([self.card_id], None, pending_only=True),
        )

    async def async_step_undo(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Take back the renewal that never reached the carrier."""
        return await self._async_settle(
            "undo", user_input, lambda: self.hub.changes.async_undo_renewal([self.card_id])
        )

    async def _async_settle(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        change: Callable[[], Awaitable[object]],
    ) -> RepairsFlowResult:
        """Show what a step settles, and settle it once submitted while it still waits."""
        if self._live() is None:
            return self.async_abort(reason="card_removed")
        if not self._waiting():
            return self.async_abort(reason="renewed_meanwhile")
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                await change()
            except ServiceValidationError as err:
                errors["base"] = err.translation_key or "unknown"
            else:
                return self._done()
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def async_step_renewed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Record one renewal made today, with the outcome shown before it is recorded.

        A card with several plans shows each plan's outcome beside it, for the user to pick.
        """
        if self._live() is None:
            return self.async_abort(reason="card_removed")
        placeholders, errors = renewal_preview(self.hass, self.hub, self.card_id)
        if user_input is not None and self._renewed_meanwhile():
            # Recording it again would push the expiry a whole period past the carrier's.
            return self.async_abort(reason="renewed_meanwhile")
        if user_input is not None:
            try:
                await self.hub.changes.async_renew(
                    [self.card_id], Renewal(source="repair", plan=user_input.get(CONF_PLAN))
                )
            except ServiceValidationError as err:
                errors["base"] = err.translation_key or "unknown"
            else:
                return self._done()
        several = len(self.hub.cards[self.card_id].config.plans) > 1
        return self.async_show_form(
            step_id="renewed_plan" if several else "renewed",
            data_schema=(
                await async_plan_schema(self.hass, self.hub, self.card_id)
                if several
                else vol.Schema({})
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_renewed_plan(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Record the renewal with the plan chosen."""
        return await self.async_step_renewed(user_input)

    async def async_step_new_expiry(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Store the expiry the carrier now shows."""
        if self._live() is None:
            return self.async_abort(reason="card_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await self._async_set_expiry(user_input.get(CONF_EXPIRY_DATE))
            if not errors:
                return self._done()
        return self.async_show_form(
            step_id="new_expiry",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_EXPIRY_DATE): DateSelector()}),
                user_input
                or {CONF_EXPIRY_DATE: self.hub.cards[self.card_id].config.expiry_date.isoformat()},
            ),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    async def _async_set_expiry(self, value: object) -> dict[str, str]:
        """Store a new expiry typed in the form; return the form's errors."""
        # The date selector lets "2027-5-15" through; only the ISO form is a date here.
        expiry = parse_iso_date(value)
        if expiry is None:
            return {CONF_EXPIRY_DATE: "invalid_date"}
        try:
            await self.hub.changes.async_set_expiry([self.card_id], expiry, "repair")
        except ServiceValidationError as err:
            key = err.translation_key or "unknown"
            return {CONF_EXPIRY_DATE if key == "expiry_out_of_range" else "base": key}
        return {}


class CardGoneFlow(RepairsFlow):
    """The fix of an issue whose card or household no longer exists: it only says so."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Close the flow with the reason."""
        return self.async_abort(reason="card_removed")


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow of a lapsed-card issue."""
    entry: SimRenewConfigEntry | None = (
        None if data is None else hass.config_entries.async_get_entry(str(data.get("entry_id")))
    )
    if (
        entry is None
        or data is None
        or entry.state is not ConfigEntryState.LOADED
        or str(data.get("card_id")) not in entry.runtime_data.cards
    ):
        return CardGoneFlow()
    if issue_id.startswith(RULE_PREFIX):
        return LearnedRuleFlow(entry.runtime_data, str(data["card_id"]), str(data.get("proposal")))
    return LapsedCardFlow(entry.runtime_data, str(data["card_id"]))
