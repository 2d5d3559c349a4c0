"""The steps both card flows share: the product question, the page warning, a card's answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.data_entry_flow import FlowContext, FlowHandler, FlowResult

from .card_checks import async_validate_card
from .card_form import card_schema, errors_shown
from .card_form_data import flatten_input
from .const import CONF_RENEWAL_URL
from .household_entry import household_days, suggestions_for_new_card
from .plan_form import async_period_texts
from .product_steps import CHANGE_URL, KEEP_URL, STEP_PRODUCT, STEP_UNOFFICIAL, ProductSteps
from .zone_labels import async_zone_names, card_schema_with_zones


class CardSteps[ContextT: FlowContext, ResultT: FlowResult[Any, Any], HandlerT](
    FlowHandler[ContextT, ResultT, HandlerT]
):
    """The product, page-warning and keep-page steps, and the reading of a card's answers.

    The household's flow and the card flow both ask for a card this way; each says where the
    card goes (`_finish`) and which form to show again for another page (`_async_form_again`).
    """

    _product: ProductSteps

    if TYPE_CHECKING:

        async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ResultT:
            """Ask for the card."""

        async def _finish(self, data: dict[str, Any]) -> ResultT:
            """Save the card."""

        async def _async_form_again(
            self, answers: dict[str, Any], errors: dict[str, str]
        ) -> ResultT:
            """Show the card's form again with `answers` in it."""

    async def async_step_product(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Ask which product the card is; "Other" leaves the form as it is."""
        schema = await self._product.async_ask(self.hass, user_input)
        if schema is None:
            return await self.async_step_user()
        return self.async_show_form(
            step_id=STEP_PRODUCT,
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=self._product.errors,
        )

    def _warn(self) -> ResultT:
        """Warn that the renewal page is on none of the product's own domains."""
        return self.async_show_menu(
            step_id=STEP_UNOFFICIAL,
            menu_options=[CHANGE_URL, KEEP_URL],
            description_placeholders=self._product.warning_placeholders(self.hass.config.language),
        )

    async def async_step_unofficial_url(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Show the warning about the renewal page again."""
        return self._warn()

    async def async_step_keep_url(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Save the card with the page, as the user confirmed after the warning."""
        return await self._finish(self._product.keep())

    async def async_step_change_url(self, user_input: dict[str, Any] | None = None) -> ResultT:
        """Show the card's form again, to enter another page."""
        return await self._async_form_again(
            self._product.change(), {CONF_RENEWAL_URL: "renewal_url_not_official"}
        )

    async def _async_take_card(
        self, user_input: dict[str, Any], others: list[Mapping[str, Any]]
    ) -> tuple[ResultT | None, dict[str, str]]:
        """Check the form's answers: return where they lead once they pass, else the errors."""
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        data, errors, abort = await async_validate_card(
            flatten_input(names.read(user_input)),
            others,
            texts.label,
            home_zone=self.hass.config.time_zone,
        )
        if abort is not None:
            return self.async_abort(reason=abort), errors
        if errors:
            return None, errors
        data = self._product.stamp(data)
        if self._product.needs_warning(data, user_input):
            return self._warn(), errors
        return await self._finish(data), errors

    async def _async_new_card_shown(self) -> dict[str, Any]:
        """Return what a new card's form shows first: the product's values, or the defaults."""
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        return names.shown(
            self._product.shown(
                suggestions_for_new_card(self.hass), self.hass.config.language, texts.label
            )
        )

    async def _async_new_card_form(
        self,
        step_id: str,
        hub: ConfigEntry | None,
        shown: dict[str, Any],
        errors: dict[str, str],
    ) -> ResultT:
        """Show a new card's form with `shown` in it."""
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                card_schema_with_zones(
                    names,
                    card_schema(
                        texts.label,
                        shown,
                        with_plans=self._product.with_plans,
                        opened=errors_shown(errors),
                    ),
                ),
                shown,
            ),
            errors=errors_shown(errors),
            description_placeholders={
                **household_days(self.hass, hub),
                **await self._product.async_note(self.hass),
            },
        )
