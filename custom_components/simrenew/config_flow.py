"""Config flow: the household hub with its first card, or one more card for the hub there is."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowContext,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import callback

from .card_flow import CardSubentryFlow
from .card_steps import CardSteps
from .const import CONF_NAME, DOMAIN, SUBENTRY_CARD
from .household_entry import DEFAULT_OPTIONS, async_household_title, cards_of
from .options_flow import SimRenewOptionsFlow
from .product_steps import ProductSteps

if TYPE_CHECKING:
    from .hub import SimRenewConfigEntry


class SimRenewConfigFlow(
    CardSteps[ConfigFlowContext, ConfigFlowResult, str], ConfigFlow, domain=DOMAIN
):
    """Creates the household hub together with its first card."""

    VERSION = 1
    # 1.2: every card with a renewal period names it as its default plan.
    MINOR_VERSION = 3

    def __init__(self) -> None:
        """Start with the product question unanswered."""
        self._product = ProductSteps()

    def _hub(self) -> ConfigEntry | None:
        """Return the household's hub, if there is one already."""
        return next(iter(self._async_current_entries(include_ignore=False)), None)

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for a card: the first of a new hub, or one more for the hub there is."""
        if user_input is None and not self._product.chosen:
            # A new card starts with its product: picked, it fills the form in.
            return await self.async_step_product()
        # Looked up on every step: a hub set up while this form was open gets the card.
        hub = self._hub()
        errors: dict[str, str] = {}
        if user_input is not None:
            others = [] if hub is None else cards_of(hub)
            result, errors = await self._async_take_card(user_input, others)
            if result is not None:
                return result
        shown = user_input or await self._async_new_card_shown()
        return await self._async_form_again(shown, errors)

    async def _async_form_again(
        self, answers: dict[str, Any], errors: dict[str, str]
    ) -> ConfigFlowResult:
        """Show the card's form with `answers` in it."""
        hub = self._hub()
        # The integration page's main button leads here: with a hub, it adds a card to it.
        step_id = "user" if hub is None else "add_card"
        return await self._async_new_card_form(step_id, hub, answers, errors)

    async def _finish(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Add the card: to the hub there is, or with a new hub."""
        # Looked up again: a hub set up while the warning was open gets the card.
        if (hub := self._hub()) is not None:
            return self._add_card(hub, data)
        await self.async_set_unique_id(DOMAIN, raise_on_progress=False)
        return self.async_create_entry(
            title=await async_household_title(self.hass),
            data={},
            options=DEFAULT_OPTIONS,
            subentries=[
                {
                    "subentry_type": SUBENTRY_CARD,
                    "data": data,
                    "title": data[CONF_NAME],
                    "unique_id": None,
                }
            ],
        )

    async def async_step_add_card(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take one more card for the hub there is."""
        return await self.async_step_user(user_input)

    def _add_card(self, hub: ConfigEntry, data: dict[str, Any]) -> ConfigFlowResult:
        """Add the card to the hub, as "Add card" would, and say so."""
        self.hass.config_entries.async_add_subentry(
            hub,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=SUBENTRY_CARD,
                title=data[CONF_NAME],
                unique_id=None,
            ),
        )
        return self.async_abort(
            reason="card_added", description_placeholders={"name": data[CONF_NAME]}
        )

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Offer "Add card" on the hub."""
        return {SUBENTRY_CARD: CardSubentryFlow}

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: SimRenewConfigEntry) -> OptionsFlow:
        """Offer the reminder options."""
        return SimRenewOptionsFlow()
