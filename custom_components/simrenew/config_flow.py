"""Config flow: the household hub with its first card, more cards, and reminder options."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast, override

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .card_checks import async_validate_card, parse_reminder_days
from .card_config import HubOptions, parse_time_of_day
from .card_fields import ReminderTimeSelector, reminder_days_selector
from .card_form import card_schema, errors_shown
from .card_form_data import flatten_input, nest_data, new_card_suggestions
from .const import (
    CONF_ANCHOR_DAY,
    CONF_EXPIRY_DATE,
    CONF_MESSAGE_SOURCES,
    CONF_NAME,
    CONF_NOTIFY_TARGETS,
    CONF_PERSISTENT_NOTIFICATION,
    CONF_PHONES,
    CONF_RARELY_USED_ENTITIES,
    CONF_REMINDER_DAYS,
    CONF_REMINDER_TIME,
    CONF_RENEWAL_URL,
    DEFAULT_REMINDER_TIME,
    DOMAIN,
    SUBENTRY_CARD,
)
from .entity_choice import chosen_entity_ids
from .model import DEFAULT_REMINDER_DAYS
from .phones import phone_names
from .plan_form import (
    CONF_DEFAULT_PLAN,
    SECTION_PLANS,
    async_period_texts,
    shown_plans,
    with_default,
)
from .plans import stored_period, stored_plans
from .product_steps import (
    CHANGE_URL,
    KEEP_URL,
    STEP_PRODUCT,
    STEP_UNOFFICIAL,
    ProductSteps,
    async_stored_product,
)
from .reminder_times import async_card_times
from .speaker_form import SPEAKER_FIELDS, read_speaker_fields, speaker_suggestions
from .spoken_dates import written_days
from .texts import SelectorTexts
from .validation import vol
from .zone_labels import async_zone_names, card_schema_with_zones

if TYPE_CHECKING:
    from .hub import SimRenewConfigEntry

# The household's name on the integration page, in Home Assistant's language when it is made;
# the words come from the translations (this is what a language without them falls back to).
HUB_TITLE = "Household SIM cards"

DEFAULT_OPTIONS: dict[str, Any] = {
    CONF_REMINDER_DAYS: list(DEFAULT_REMINDER_DAYS),
    CONF_REMINDER_TIME: DEFAULT_REMINDER_TIME,
}

# Where a message's text can be: a phone's last notification, or text an SMS gateway writes.
MESSAGE_SOURCE_DOMAINS = ("sensor", "input_text", "text")

OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_REMINDER_DAYS): reminder_days_selector(),
        vol.Required(CONF_REMINDER_TIME): ReminderTimeSelector(),
        vol.Required(CONF_PERSISTENT_NOTIFICATION, default=True): BooleanSelector(),
        vol.Optional(CONF_NOTIFY_TARGETS): EntitySelector(
            EntitySelectorConfig(domain="notify", multiple=True)
        ),
        vol.Optional(CONF_MESSAGE_SOURCES): EntitySelector(
            EntitySelectorConfig(domain=list(MESSAGE_SOURCE_DOMAINS), multiple=True)
        ),
        vol.Required(CONF_RARELY_USED_ENTITIES, default=True): BooleanSelector(),
    }
)


def options_schema(phones: Mapping[str, str]) -> vol.Schema:
    """Return the options form, listing the household's phones by their devices' names."""
    return OPTIONS_SCHEMA.extend(
        {
            vol.Optional(CONF_PHONES): SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=value, label=label)
                        for value, label in phones.items()
                    ],
                    multiple=True,
                    mode=SelectSelectorMode.DROPDOWN,
                )
            ),
            **SPEAKER_FIELDS,
        }
    )


def suggestions_for_new_card(hass: HomeAssistant) -> dict[str, Any]:
    """Return a new card's defaults from Home Assistant's own currency."""
    return new_card_suggestions(hass.config.currency)


def household_days(hass: HomeAssistant, hub: ConfigEntry | None) -> dict[str, str]:
    """Return the household's reminder days, which a card left without its own will use."""
    days = HubOptions.from_options(hub.options if hub else DEFAULT_OPTIONS).reminder_days
    return {"household_days": written_days(days, hass.config.language)}


async def async_household_title(hass: HomeAssistant) -> str:
    """Return the new household's name in Home Assistant's language: "家中的卡", "家里的卡"."""
    texts = SelectorTexts(hass, "household")
    await texts.async_load()
    return texts.fill("title", HUB_TITLE)


class SimRenewConfigFlow(ConfigFlow, domain=DOMAIN):
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
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        if user_input is not None:
            others = [] if hub is None else _cards_of(hub)
            data, errors, abort = await async_validate_card(
                flatten_input(names.read(user_input)),
                others,
                texts.label,
                home_zone=self.hass.config.time_zone,
            )
            if abort is not None:
                return self.async_abort(reason=abort)
            if not errors:
                data = self._product.stamp(data)
                if self._product.needs_warning(data, user_input):
                    return self._warn()
                return await self._finish(data)
        shown = user_input or names.shown(
            self._product.shown(
                suggestions_for_new_card(self.hass), self.hass.config.language, texts.label
            )
        )
        return await self._card_form(shown, errors)

    async def _card_form(self, shown: dict[str, Any], errors: dict[str, str]) -> ConfigFlowResult:
        """Show the card's form with `shown` in it."""
        hub = self._hub()
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        return self.async_show_form(
            # The integration page's main button leads here: with a hub, it adds a card to it.
            step_id="user" if hub is None else "add_card",
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

    async def async_step_product(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which product the card is; "Other" leaves the form as it is."""
        schema = await self._product.async_ask(self.hass, user_input)
        if schema is None:
            return await self.async_step_user()
        return self.async_show_form(
            step_id=STEP_PRODUCT,
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=self._product.errors,
        )

    def _warn(self) -> ConfigFlowResult:
        """Warn that the renewal page is on none of the product's own domains."""
        return self.async_show_menu(
            step_id=STEP_UNOFFICIAL,
            menu_options=[CHANGE_URL, KEEP_URL],
            description_placeholders=self._product.warning_placeholders(self.hass.config.language),
        )

    async def async_step_unofficial_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the warning about the renewal page again."""
        return self._warn()

    async def async_step_keep_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Save the card with the page, as the user confirmed after the warning."""
        return await self._finish(self._product.keep())

    async def async_step_change_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the card's form again, to enter another page."""
        return await self._card_form(
            self._product.change(), {CONF_RENEWAL_URL: "renewal_url_not_official"}
        )

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


class CardSubentryFlow(ConfigSubentryFlow):
    """Adds a card to the hub, or changes one."""

    # The expiry the reconfigure form showed when it opened.
    _shown_expiry: str | None = None
    # A reconfigured card with several plans, waiting for its default plan to be chosen.
    _pending: dict[str, Any] | None = None

    def __init__(self) -> None:
        """Start with the product question unanswered."""
        self._product = ProductSteps()

    def _keep_changes_made_meanwhile(
        self, data: dict[str, Any], stored: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Return the form's data, keeping an expiry renewed while the form was open.

        An expiry the user left as shown is not a correction: a renewal recorded meanwhile
        stays, with the monthly plan's day it keeps.
        """
        if data.get(CONF_EXPIRY_DATE) != self._shown_expiry:
            return data
        kept = {**data, CONF_EXPIRY_DATE: stored[CONF_EXPIRY_DATE]}
        if CONF_ANCHOR_DAY in stored:
            kept[CONF_ANCHOR_DAY] = stored[CONF_ANCHOR_DAY]
        return kept

    def _other_cards(self, exclude: str | None = None) -> list[Mapping[str, Any]]:
        """Return the data of the hub's cards other than `exclude`."""
        return _cards_of(self._get_entry(), exclude)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Ask for a new card."""
        if user_input is None and not self._product.chosen:
            # A new card starts with its product: picked, it fills the form in.
            return await self.async_step_product()
        errors: dict[str, str] = {}
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        if user_input is not None:
            data, errors, abort = await async_validate_card(
                flatten_input(names.read(user_input)),
                self._other_cards(),
                texts.label,
                home_zone=self.hass.config.time_zone,
            )
            if abort is not None:
                return self.async_abort(reason=abort)
            if not errors:
                data = self._product.stamp(data)
                if self._product.needs_warning(data, user_input):
                    return self._warn()
                return await self._finish(data)
        shown = user_input or names.shown(
            self._product.shown(
                suggestions_for_new_card(self.hass), self.hass.config.language, texts.label
            )
        )
        return await self._new_card_form(shown, errors)

    async def _new_card_form(
        self, shown: dict[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        """Show a new card's form with `shown` in it."""
        texts = await async_period_texts(self.hass)
        names = await async_zone_names(self.hass)
        return self.async_show_form(
            step_id="user",
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
                **household_days(self.hass, self._get_entry()),
                **await self._product.async_note(self.hass),
            },
        )

    async def async_step_product(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask which product the card is; "Other" leaves the form as it is."""
        schema = await self._product.async_ask(self.hass, user_input)
        if schema is None:
            return await self.async_step_user()
        return self.async_show_form(
            step_id=STEP_PRODUCT,
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=self._product.errors,
        )

    def _warn(self) -> SubentryFlowResult:
        """Warn that the renewal page is on none of the product's own domains."""
        return self.async_show_menu(
            step_id=STEP_UNOFFICIAL,
            menu_options=[CHANGE_URL, KEEP_URL],
            description_placeholders=self._product.warning_placeholders(self.hass.config.language),
        )

    async def async_step_unofficial_url(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the warning about the renewal page again."""
        return self._warn()

    async def async_step_keep_url(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Save the card with the page, as the user confirmed after the warning."""
        return await self._finish(self._product.keep())

    async def async_step_change_url(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the card's form again, to enter another page."""
        errors = {CONF_RENEWAL_URL: "renewal_url_not_official"}
        answers = self._product.change()
        if self.source == SOURCE_RECONFIGURE:
            return await self._reconfigure_form(answers, errors)
        return await self._new_card_form(answers, errors)

    async def _finish(self, data: dict[str, Any]) -> SubentryFlowResult:
        """Add the new card, or store the reconfigured one (asking for its default plan)."""
        if self.source != SOURCE_RECONFIGURE:
            return self.async_create_entry(title=data[CONF_NAME], data=data)
        if len(stored_plans(data, stored_period(data))) > 1:
            self._pending = data
            return await self.async_step_default_plan()
        return self._save(data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a card; the form shows what is stored."""
        subentry = self._get_reconfigure_subentry()
        if self._shown_expiry is None:
            self._shown_expiry = subentry.data.get(CONF_EXPIRY_DATE)
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
            data, errors, abort = await async_validate_card(
                flatten_input(names.read(user_input)),
                self._other_cards(subentry.subentry_id),
                texts.label,
                home_zone=self.hass.config.time_zone,
            )
            if abort is not None:
                return self.async_abort(reason=abort)
            if not errors:
                data = self._product.stamp(data)
                if self._product.needs_warning(data, user_input):
                    return self._warn()
                return await self._finish(data)
        shown = user_input or names.shown(nest_data(subentry.data, texts.label))
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
            return self._save(with_default(data, user_input[CONF_DEFAULT_PLAN]))
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

    def _save(self, data: dict[str, Any]) -> SubentryFlowResult:
        """Store the reconfigured card, and say so in the card's own words."""
        subentry = self._get_reconfigure_subentry()
        # Not `async_update_and_abort`: newer releases answer it with Home Assistant's common
        # words, and older ones cannot be told otherwise.
        self.hass.config_entries.async_update_subentry(
            self._get_entry(),
            subentry,
            title=data[CONF_NAME],
            data=self._keep_changes_made_meanwhile(data, subentry.data),
        )
        return self.async_abort(reason="reconfigure_successful")


class SimRenewOptionsFlow(OptionsFlow):
    """Changes when reminders go out."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the reminder days and time."""
        errors: dict[str, str] = {}
        if user_input is not None:
            days = parse_reminder_days(user_input[CONF_REMINDER_DAYS])
            when = parse_time_of_day(user_input[CONF_REMINDER_TIME])
            targets = chosen_entity_ids(
                self.hass, user_input.get(CONF_NOTIFY_TARGETS, []), ("notify",)
            )
            sources = chosen_entity_ids(
                self.hass, user_input.get(CONF_MESSAGE_SOURCES, []), MESSAGE_SOURCE_DOMAINS
            )
            if not days:
                errors[CONF_REMINDER_DAYS] = "invalid_reminder_days"
            if when is None:
                errors[CONF_REMINDER_TIME] = "invalid_reminder_time"
            if targets is None:
                errors[CONF_NOTIFY_TARGETS] = "invalid_notify_targets"
            if sources is None:
                errors[CONF_MESSAGE_SOURCES] = "invalid_message_sources"
            speakers, speaker_errors = read_speaker_fields(self.hass, user_input)
            errors.update(speaker_errors)
            phones = list(dict.fromkeys(user_input.get(CONF_PHONES, [])))
            # A phone must still be there: one gone since the form showed would get nothing.
            if any(phone not in phone_names(self.hass) for phone in phones):
                errors[CONF_PHONES] = "invalid_phones"
            if (
                not errors
                and days
                and when is not None
                and targets is not None
                and sources is not None
            ):
                return self.async_create_entry(
                    data={
                        CONF_REMINDER_DAYS: days,
                        CONF_REMINDER_TIME: when.isoformat(timespec="seconds"),
                        CONF_PERSISTENT_NOTIFICATION: bool(
                            user_input.get(CONF_PERSISTENT_NOTIFICATION, True)
                        ),
                        CONF_NOTIFY_TARGETS: targets,
                        CONF_MESSAGE_SOURCES: sources,
                        CONF_PHONES: phones,
                        **speakers,
                        CONF_RARELY_USED_ENTITIES: bool(
                            user_input.get(CONF_RARELY_USED_ENTITIES, True)
                        ),
                    }
                )
        suggested = user_input or {
            CONF_REMINDER_DAYS: [
                str(day)
                for day in self.config_entry.options.get(CONF_REMINDER_DAYS, DEFAULT_REMINDER_DAYS)
            ],
            CONF_REMINDER_TIME: self.config_entry.options.get(
                CONF_REMINDER_TIME, DEFAULT_REMINDER_TIME
            ),
            CONF_PERSISTENT_NOTIFICATION: self.config_entry.options.get(
                CONF_PERSISTENT_NOTIFICATION, True
            ),
            CONF_NOTIFY_TARGETS: self.config_entry.options.get(CONF_NOTIFY_TARGETS, []),
            CONF_MESSAGE_SOURCES: self.config_entry.options.get(CONF_MESSAGE_SOURCES, []),
            CONF_PHONES: self.config_entry.options.get(CONF_PHONES, []),
            **speaker_suggestions(self.config_entry.options),
            CONF_RARELY_USED_ENTITIES: self.config_entry.options.get(
                CONF_RARELY_USED_ENTITIES, True
            ),
        }
        # Where the time is set, when it really reaches cards whose day ends on another clock.
        shown_time = parse_time_of_day(suggested.get(CONF_REMINDER_TIME)) or time(9, 0)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                options_schema(self._phones(suggested.get(CONF_PHONES))), suggested
            ),
            errors=errors,
            description_placeholders={
                "card_times": await async_card_times(self.hass, self.config_entry, shown_time)
            },
        )

    def _phones(self, chosen: object) -> dict[str, str]:
        """Return the phones to list: the household's, and any chosen one since gone."""
        phones = phone_names(self.hass)
        for phone in chosen if isinstance(chosen, list) else []:
            # Listed by its action name, so it can be taken off.
            if isinstance(phone, str):
                phones.setdefault(phone, phone.removeprefix("notify."))
        return phones


def _cards_of(hub: ConfigEntry, exclude: str | None = None) -> list[Mapping[str, Any]]:
    """Return the data of the hub's cards other than `exclude`."""
    return [
        subentry.data
        for subentry_id, subentry in hub.subentries.items()
        if subentry.subentry_type == SUBENTRY_CARD and subentry_id != exclude
    ]
