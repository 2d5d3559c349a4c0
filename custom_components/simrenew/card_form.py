"""The card form shared by the first setup, "Add card" and reconfigure: its fields and sections."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    DateSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .card_fields import (
    CURRENCY_CHOICES,
    ZONE_CHOICES,
    choice_dropdown,
    reminder_days_selector,
    whole_number_box,
)
from .carrier_zone import AUTOMATIC_ZONE
from .const import (
    CONF_ACTIVITY_INTERVAL_DAYS,
    CONF_AUTO_RENEW,
    CONF_CARD_TYPE,
    CONF_CARRIER,
    CONF_CURRENCY,
    CONF_ESIM,
    CONF_EXPIRY_DATE,
    CONF_GRACE_DAYS,
    CONF_NAME,
    CONF_NOTES,
    CONF_PHONE_NUMBER,
    CONF_REMINDER_DAYS,
    CONF_RENEWAL_COST,
    CONF_RENEWAL_MODE,
    CONF_RENEWAL_PERIOD,
    CONF_RENEWAL_URL,
    CONF_SECOND_PHONE_NUMBER,
    CONF_TIME_ZONE,
    DEFAULT_CURRENCY,
)
from .model import CardType, RenewalMode
from .plan_form import (
    CONF_DEFAULT_PLAN,
    CONF_PLANS,
    SECTION_PLANS,
    PeriodNamer,
    period_selector,
    plans_section,
)
from .plans import parse_period, plain_name
from .validation import vol

SECTION_ADVANCED = "advanced"
ADVANCED_FIELDS = (
    CONF_REMINDER_DAYS,
    CONF_GRACE_DAYS,
    CONF_ACTIVITY_INTERVAL_DAYS,
    CONF_RENEWAL_URL,
    CONF_AUTO_RENEW,
    CONF_ESIM,
    CONF_SECOND_PHONE_NUMBER,
    CONF_NOTES,
)
PLAN_FIELDS = (CONF_DEFAULT_PLAN, CONF_PLANS)

CARD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Optional(CONF_CARRIER): TextSelector(),
        vol.Required(CONF_CARD_TYPE, default=CardType.NUMBER_KEEPING): choice_dropdown(
            CardType, CONF_CARD_TYPE
        ),
        vol.Optional(CONF_PHONE_NUMBER): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL)
        ),
        # Beside the number and type it is worked out from, in sight: the carrier's clock
        # decides on which day a card is lost.
        vol.Required(CONF_TIME_ZONE, default=AUTOMATIC_ZONE): SelectSelector(
            SelectSelectorConfig(
                options=ZONE_CHOICES, custom_value=True, mode=SelectSelectorMode.DROPDOWN
            )
        ),
        # Optional to the form only, so that an empty date gets an error that names it (the
        # frontend's own says only that a field is missing); a card never lacks one.
        vol.Optional(CONF_EXPIRY_DATE): DateSelector(),
        vol.Optional(CONF_RENEWAL_PERIOD): period_selector(),
        vol.Required(CONF_RENEWAL_MODE, default=RenewalMode.FROM_RENEWAL): choice_dropdown(
            RenewalMode, CONF_RENEWAL_MODE
        ),
        vol.Optional(CONF_RENEWAL_COST): NumberSelector(
            NumberSelectorConfig(step=0.01, mode=NumberSelectorMode.BOX)
        ),
        vol.Required(CONF_CURRENCY, default=DEFAULT_CURRENCY): SelectSelector(
            SelectSelectorConfig(options=CURRENCY_CHOICES, mode=SelectSelectorMode.DROPDOWN)
        ),
        vol.Required(SECTION_ADVANCED): section(
            vol.Schema(
                {
                    vol.Optional(CONF_REMINDER_DAYS): reminder_days_selector(),
                    vol.Required(CONF_GRACE_DAYS, default=0): whole_number_box(),
                    vol.Required(CONF_ACTIVITY_INTERVAL_DAYS, default=0): whole_number_box(),
                    vol.Optional(CONF_RENEWAL_URL): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.URL)
                    ),
                    vol.Required(CONF_AUTO_RENEW, default=False): BooleanSelector(),
                    vol.Required(CONF_ESIM, default=False): BooleanSelector(),
                    vol.Optional(CONF_SECOND_PHONE_NUMBER): TextSelector(
                        TextSelectorConfig(type=TextSelectorType.TEL)
                    ),
                    vol.Optional(CONF_NOTES): TextSelector(TextSelectorConfig(multiline=True)),
                }
            ),
            {"collapsed": True},
        ),
    }
)


def card_schema(
    label: PeriodNamer = plain_name,
    shown: Mapping[str, Any] | None = None,
    *,
    with_plans: bool = False,
    opened: Collection[str] = (),
) -> vol.Schema:
    """Return the card form with periods in words; `shown` is what it shows.

    A stored period that is not a common one is offered in words too. Reconfiguring
    (`with_plans`) also lists the card's plans. The sections named in `opened` show expanded.
    """
    values = shown or {}
    fields: dict[Any, Any] = {}
    shown_period = parse_period(values.get(CONF_RENEWAL_PERIOD))
    for key, field in CARD_SCHEMA.schema.items():
        if key == CONF_RENEWAL_PERIOD:
            fields[key] = period_selector(label, shown_period)
        elif isinstance(field, section) and key in opened:
            fields[key] = section(field.schema, {"collapsed": False})
        else:
            fields[key] = field
    if with_plans:
        fields[vol.Optional(SECTION_PLANS)] = plans_section(
            label, values.get(SECTION_PLANS), collapsed=SECTION_PLANS not in opened
        )
    return vol.Schema(fields)


def errors_shown(errors: Mapping[str, str]) -> dict[str, str]:
    """Return the form's errors, each also on the section its field is in.

    Home Assistant's frontend shows no error beside a field inside a section, only one given
    to the section itself, above it: without this, a refused answer there names no reason.
    """
    shown = dict(errors)
    for name, keys in ((SECTION_ADVANCED, ADVANCED_FIELDS), (SECTION_PLANS, PLAN_FIELDS)):
        if (error := next((errors[key] for key in keys if key in errors), None)) is not None:
            shown.setdefault(name, error)
    return shown
