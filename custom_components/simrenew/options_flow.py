"""The household's options flow: when and where reminders go, and what is read for messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .card_checks import parse_reminder_days
from .card_fields import ReminderTimeSelector, reminder_days_selector
from .const import (
    CONF_MESSAGE_SOURCES,
    CONF_NOTIFY_TARGETS,
    CONF_PERSISTENT_NOTIFICATION,
    CONF_PHONES,
    CONF_RARELY_USED_ENTITIES,
    CONF_REMINDER_DAYS,
    CONF_REMINDER_TIME,
    DEFAULT_REMINDER_TIME,
)
from .entity_choice import chosen_entity_ids
from .model import DEFAULT_REMINDER_DAYS
from .phones import phone_names
from .reminder_times import async_card_times
from .speaker_form import SPEAKER_FIELDS, read_speaker_fields, speaker_suggestions
from .stored_values import parse_time_of_day
from .validation import vol

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
