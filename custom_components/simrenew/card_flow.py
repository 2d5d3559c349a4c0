"""The card subentry flow: "Add card" on the household, and a card's Reconfigure form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigSubentryFlow,
    SubentryFlowContext,
    SubentryFlowResult,
)
from homeassistant.helpers.selector import SelectSelector, SelectSelectorConfig, SelectSelectorMode

from .card_form import card_schema, errors_shown
from .card_form_data import nest_data
from .card_steps import CardSteps
from .const import CONF_EXPIRY_DATE, CONF_NAME, CONF_RENEWAL_URL
from .household_entry import cards_of, household_days
from .plan_form import (
    CONF_DEFAULT_PLAN,
    SECTION_PLANS,
    async_period_texts,
    shown_plans,
    with_default,
)
from .plans import stored_period, stored_plans
from .product_steps import ProductSteps, async_stored_product
from .reconfigure_expiry import (
    async_correct_expiry,
    async_shown_expiry,
    mends_card,
    with_stored_expiry,
)
from .validation import vol
from .zone_labels import async_zone_names, card_schema_with_zones


class CardSubentryFlow(
    CardSteps[SubentryFlowContext, SubentryFlowResult, tuple[str, str]], ConfigSubentryFlow
):
    """Adds a card to the hub, or changes one."""

    # The expiry the reconfigure form showed when it opened.
    _shown_expiry: str | None = None
    # A reconfigured card with several plans, waiting for its default plan to be chosen.
    _pending: dict[str, Any] | None = None

    def __init__(self) -> None:
        """Start with the product question unanswered."""
        self._product = ProductSteps()
        # The reconfigure form's last answers, shown again if the expiry cannot be recorded.
        self._answers: dict[str, Any] = {}

    def _other_cards(self, exclude: str | None = None) -> list[Mapping[str, Any]]:
        """Return the data of the hub's cards other than `exclude`."""
        return cards_of(self._get_entry(), exclude)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask for a new card."""
        if user_input is None and not self._product.chosen:
            # A new card starts with its product: picked, it fills the form in.
            return await self.async_step_product()
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_take_card(user_input, self._other_cards())
            if result is not None:
                return result
        shown = user_input or await self._async_new_card_shown()
        return await self._async_new_card_form("user", self._get_entry(), shown, errors)

    async def _async_form_again(
        self, answers: dict[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        """Show the card's form again, the new card's or the reconfigure one."""
        if self.source == SOURCE_RECONFIGURE:
            return await self._reconfigure_form(answers, errors)
        return await self._async_new_card_form("user", self._get_entry(), answers, errors)

    async def _finish(self, data: dict[str, Any]) -> SubentryFlowResult:
        """Add the new card, or store the reconfigured one (asking for its default plan)."""
        if self.source != SOURCE_RECONFIGURE:
            return self.async_create_entry(title=data[CONF_NAME], data=data)
        if len(stored_plans(data, stored_period(data))) > 1:
            self._pending = data
            return await self.async_step_default_plan()
        return await self._async_save(data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a card; the form shows what is stored, with the household's expiry."""
        subentry = self._get_reconfigure_subentry()
        if self._shown_expiry is None:
            self._shown_expiry = await async_shown_expiry(self.hass, self._get_entry(), subentry)
            # The card's product stays its own; its page, as stored, needs no new warning.
            self._product = await async_stored_product(self.hass, subentry.data)
            self._product.accepted_url = subentry.data.get(CONF_RENEWAL_URL)
        errors: dict[str, str] = {}
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        if user_input is not None:
            if SECTION_PLANS not in user_input:
                # Answers sent without the plans (by a script, say) leave the plans as they are.
                user_input = {**user_input, SECTION_PLANS: shown_plans(subentry.data, texts.label)}
            self._answers = user_input
            others = self._other_cards(subentry.subentry_id)
            result, errors = await self._async_take_card(user_input, others)
            if result is not None:
                return result
        # The household's expiry, fresher than the card's copy of it.
        stored = (
            dict(subentry.data)
            if self._shown_expiry is None
            else {**subentry.data, CONF_EXPIRY_DATE: self._shown_expiry}
        )
        shown = user_input or names.shown(nest_data(stored, texts.label))
        return await self._reconfigure_form(shown, errors)

    async def _reconfigure_form(
        self, shown: dict[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        """Show the reconfigure form with `shown` in it."""
        subentry = self._get_reconfigure_subentry()
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                card_schema_with_zones(
                    names,
                    card_schema(texts.label, shown, with_plans=True, opened=errors_shown(errors)),
                ),
                shown,
            ),
            errors=errors_shown(errors),
            description_placeholders={
                "name": subentry.title,
                **household_days(self.hass, self._get_entry()),
            },
        )

    async def async_step_default_plan(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask which of the card's plans the button, notifications and to-do list renew with."""
        # Only the reconfigure step leads here, once the card's answers passed their checks.
        data = cast(dict[str, Any], self._pending)
        names = [plan.name for plan in stored_plans(data, stored_period(data))]
        if user_input is not None:
            return await self._async_save(with_default(data, user_input[CONF_DEFAULT_PLAN]))
        return self.async_show_form(
            step_id="default_plan",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_DEFAULT_PLAN, default=names[0]): SelectSelector(
                        SelectSelectorConfig(options=names, mode=SelectSelectorMode.LIST)
                    )
                }
            ),
            description_placeholders={"name": data[CONF_NAME]},
        )

    async def _async_save(self, data: dict[str, Any]) -> SubentryFlowResult:
        """Store the reconfigured card, and say so in the card's own words.

        A changed expiry is the household's correction, recorded first; an expiry left as
        shown is none, and a renewal recorded while the form was open stays.
        """
        card_id = self._get_reconfigure_subentry().subentry_id
        mended = mends_card(self._get_entry(), self._get_reconfigure_subentry())
        if data.get(CONF_EXPIRY_DATE) != self._shown_expiry:
            typed = cast(str, data[CONF_EXPIRY_DATE])
            if (error := await async_correct_expiry(self._get_entry(), card_id, typed)) is not None:
                return await self._reconfigure_form(self._answers, {CONF_EXPIRY_DATE: error})
        # Read again: the correction wrote the card's expiry and monthly day.
        subentry = self._get_reconfigure_subentry()
        # Not `async_update_and_abort`: newer releases answer it with Home Assistant's common
        # words, and older ones cannot be told otherwise.
        self.hass.config_entries.async_update_subentry(
            self._get_entry(),
            subentry,
            title=data[CONF_NAME],
            data=with_stored_expiry(data, subentry.data, mended=mended),
        )
        return self.async_abort(reason="reconfigure_successful")
