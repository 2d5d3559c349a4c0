"""The card form shared by the first setup, "Add card" and reconfigure, and its checks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
import math
from typing import Any, cast, override
import unicodedata

from yarl import URL

from homeassistant.data_entry_flow import section
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
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
    TimeSelector,
    TimeSelectorConfig,
    make_selector_config_schema,
)
from homeassistant.util import dt as dt_util, slugify

from .card_config import has_hidden_characters, parse_iso_date
from .card_numbers import check_phone_numbers
from .carrier_zone import (
    AUTOMATIC_ZONE,
    etc_hours_behind_utc,
    evidenced_time_zone,
    inferred_time_zone,
)
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
    CONF_RENEWAL_PERIOD_UNIT,
    CONF_RENEWAL_URL,
    CONF_SECOND_PHONE_NUMBER,
    CONF_TIME_ZONE,
    DEFAULT_CURRENCY,
)
from .model import (
    DEFAULT_TIME_ZONE,
    MAX_DAYS,
    MAX_REMINDER_DAYS,
    MONEY_MAX,
    PERIOD_LIMITS,
    CardType,
    PeriodUnit,
    RenewalMode,
    expiry_is_plausible,
    local_today,
)
from .plan_form import (
    CONF_DEFAULT_PLAN,
    CONF_PLANS,
    SECTION_PLANS,
    PeriodNamer,
    check_plans,
    period_selector,
    plans_section,
    shown_plans,
)
from .plans import parse_period, plain_name, stored_period
from .validation import vol
from .zones import async_canonical_zone_name, async_get_zone

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
# Longer names and carriers are pasted text, not labels; they also make unwieldy entity ids.
MAX_TEXT_LENGTH = 64
MAX_URL_LENGTH = 2000
# Room for how to renew, a balance-check code, the hotline and the accounts bound to the number.
MAX_NOTES_LENGTH = 2000
# The currencies of the cards this serves come first; every other active one follows, A to Z.
NEAR_CURRENCIES = ("HKD", "CNY", "MOP", "TWD", "SGD", "USD")
CURRENCY_CHOICES = [
    *NEAR_CURRENCIES,
    *sorted(set(ACTIVE_CURRENCIES) - set(NEAR_CURRENCIES)),
]
REMINDER_DAY_CHOICES = ["30", "21", "14", "10", "7", "5", "3", "2", "1", "0"]
INT_FIELDS = (CONF_RENEWAL_PERIOD, CONF_GRACE_DAYS, CONF_ACTIVITY_INTERVAL_DAYS)
PLAN_FIELDS = (CONF_DEFAULT_PLAN, CONF_PLANS)
COMMON_TIME_ZONES = [
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
]
# What the zone field offers: first, to work the zone out from the card's numbers and type.
ZONE_CHOICES = [AUTOMATIC_ZONE, *COMMON_TIME_ZONES]


def _whole_number() -> NumberSelector:
    """Return a whole-number box; its range is checked by `async_validate_card`."""
    return NumberSelector(NumberSelectorConfig(step=1, mode=NumberSelectorMode.BOX))


def _choice(options: Iterable[str], key: str) -> SelectSelector:
    """Return a translated drop-down of fixed options."""
    return SelectSelector(
        SelectSelectorConfig(
            options=list(options), translation_key=key, mode=SelectSelectorMode.DROPDOWN
        )
    )


def reminder_days_selector() -> SelectSelector:
    """Return a multiple choice of reminder days that also takes typed numbers."""
    return SelectSelector(
        SelectSelectorConfig(
            options=REMINDER_DAY_CHOICES,
            # Chips read as days before the deadline, not bare numbers.
            translation_key="reminder_day",
            multiple=True,
            custom_value=True,
            mode=SelectSelectorMode.DROPDOWN,
        )
    )


class ReminderTimeSelector(TimeSelector):
    """A time of day in hours and minutes: reminders have no use for seconds."""

    # Home Assistant's frontend hides the seconds on `no_second`; its backend does not list
    # the option yet, so this selector accepts it.
    CONFIG_SCHEMA = make_selector_config_schema({vol.Optional("no_second"): bool})

    def __init__(self) -> None:
        """Ask for hours and minutes only."""
        super().__init__(cast(TimeSelectorConfig, {"no_second": True}))

    @override
    def __call__(self, data: object) -> str:
        """Pass the answer on unchecked: the step refuses a wrong one with a translated error.

        The time selector's own check would answer a script's "25:00" in English instead.
        """
        return cast(str, data)


CARD_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Optional(CONF_CARRIER): TextSelector(),
        vol.Required(CONF_CARD_TYPE, default=CardType.NUMBER_KEEPING): _choice(
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
        vol.Required(CONF_RENEWAL_MODE, default=RenewalMode.FROM_RENEWAL): _choice(
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
                    vol.Required(CONF_GRACE_DAYS, default=0): _whole_number(),
                    vol.Required(CONF_ACTIVITY_INTERVAL_DAYS, default=0): _whole_number(),
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


def parse_reminder_days(values: Iterable[str | int | float]) -> list[int] | None:
    """Return the days as sorted whole numbers, or None if any is not a day from 0 to 365."""
    try:
        days = sorted({int(str(value).strip()) for value in values}, reverse=True)
    except ValueError:
        return None
    if not all(0 <= day <= MAX_REMINDER_DAYS for day in days):
        return None
    return days


def whole_number(value: object) -> object:
    """Return a whole number as int (the number selector hands back floats); else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return value
    return int(value)


def flatten_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the form's answers as one flat mapping, with counts as whole numbers."""
    sections = (SECTION_ADVANCED, SECTION_PLANS)
    flat = {key: value for key, value in user_input.items() if key not in sections}
    for key in sections:
        flat.update(user_input.get(key, {}))
    _flatten_period(flat)
    for key in INT_FIELDS:
        if key in flat:
            flat[key] = whole_number(flat[key])
    for key in (
        CONF_NAME,
        CONF_CARRIER,
        CONF_PHONE_NUMBER,
        CONF_SECOND_PHONE_NUMBER,
        CONF_RENEWAL_URL,
        CONF_TIME_ZONE,
        CONF_NOTES,
    ):
        if key in flat:
            flat[key] = str(flat[key]).strip()
            if not flat[key]:
                del flat[key]
    if CONF_NOTES in flat:
        # Pasted from Windows or an old Mac, a line ends in \r\n or \r: stored as \n.
        flat[CONF_NOTES] = flat[CONF_NOTES].replace("\r\n", "\n").replace("\r", "\n")
    return flat


def _flatten_period(flat: dict[str, Any]) -> None:
    """Turn the one period field into the stored length and unit; leave a wrong one to refuse."""
    value = flat.get(CONF_RENEWAL_PERIOD)
    if not isinstance(value, str):
        return
    if not value.strip():
        del flat[CONF_RENEWAL_PERIOD]
    elif (period := parse_period(value)) is not None:
        flat[CONF_RENEWAL_PERIOD] = period.length
        flat[CONF_RENEWAL_PERIOD_UNIT] = period.unit.value


def nest_data(data: Mapping[str, Any], label: PeriodNamer = plain_name) -> dict[str, Any]:
    """Return stored card data in the form's shape, periods in words, to show it again."""
    hidden = (*ADVANCED_FIELDS, *PLAN_FIELDS, CONF_RENEWAL_PERIOD, CONF_RENEWAL_PERIOD_UNIT)
    nested = {key: value for key, value in data.items() if key not in hidden}
    if (period := stored_period(data)) is not None:
        nested[CONF_RENEWAL_PERIOD] = label(period)
    nested[SECTION_ADVANCED] = {key: data[key] for key in ADVANCED_FIELDS if key in data}
    nested[SECTION_PLANS] = shown_plans(data, label)
    return nested


def _is_https_url(value: str) -> bool:
    """Return whether `value` is an absolute https URL with a host."""
    if len(value) > MAX_URL_LENGTH or has_hidden_characters(value):
        return False
    try:
        url = URL(value)
    except ValueError:
        return False
    return url.scheme == "https" and bool(url.host)


def _check_numbers(data: Mapping[str, Any]) -> dict[str, str]:
    """Return errors for counts, cost and URL outside what a card can have."""
    errors: dict[str, str] = {}
    period = data.get(CONF_RENEWAL_PERIOD, 1)
    longest = PERIOD_LIMITS.get(data.get(CONF_RENEWAL_PERIOD_UNIT, PeriodUnit.DAYS), 0)
    if not (type(period) is int and 0 < period <= longest):
        errors[CONF_RENEWAL_PERIOD] = "invalid_period"
    for key in (CONF_GRACE_DAYS, CONF_ACTIVITY_INTERVAL_DAYS):
        days = data.get(key, 0)
        if not (type(days) is int and 0 <= days <= MAX_DAYS):
            errors[key] = "invalid_days"
    cost = data.get(CONF_RENEWAL_COST, 0)
    if not (isinstance(cost, (int, float)) and math.isfinite(cost) and 0 <= cost <= MONEY_MAX):
        errors[CONF_RENEWAL_COST] = "invalid_cost"
    if (url := data.get(CONF_RENEWAL_URL)) is not None and not _is_https_url(url):
        errors[CONF_RENEWAL_URL] = "invalid_url"
    return errors


def _resolve_zone(data: dict[str, Any], home_zone: str) -> None:
    """Replace an automatic or empty zone with the one the card's numbers and type give."""
    if data.get(CONF_TIME_ZONE, AUTOMATIC_ZONE) != AUTOMATIC_ZONE:
        return
    card_type = data.get(CONF_CARD_TYPE)
    data[CONF_TIME_ZONE] = inferred_time_zone(
        data.get(CONF_PHONE_NUMBER),
        data.get(CONF_SECOND_PHONE_NUMBER),
        card_type if isinstance(card_type, str) else None,
        home_zone,
    )


async def _reversed_sign(data: Mapping[str, Any], zone: str) -> bool:
    """Return whether an Etc/GMT+N zone was most likely meant as UTC+N.

    "Etc/GMT+8" is eight hours behind UTC; chosen for a card whose number or type puts it
    ahead of UTC (a Hong Kong card), it would move every day of the card to the wrong date.
    A card whose numbers and type say nothing keeps any zone, west of UTC or not.
    """
    if etc_hours_behind_utc(zone) is None:
        return False
    card_type = data.get(CONF_CARD_TYPE)
    evidenced = evidenced_time_zone(
        data.get(CONF_PHONE_NUMBER),
        data.get(CONF_SECOND_PHONE_NUMBER),
        card_type if isinstance(card_type, str) else None,
    )
    if evidenced is None or (expected := await async_get_zone(evidenced)) is None:
        return False
    offset = expected.utcoffset(dt_util.utcnow())
    return offset is not None and offset.total_seconds() > 0


async def _check_dates(data: dict[str, Any]) -> dict[str, str]:
    """Return errors for an unknown time zone or an expiry that is not a plausible date."""
    # Answers come through `flatten_input`, which makes the zone text.
    name = await async_canonical_zone_name(str(data.get(CONF_TIME_ZONE, DEFAULT_TIME_ZONE)))
    zone = await async_get_zone(name)
    if zone is None:
        return {CONF_TIME_ZONE: "invalid_time_zone"}
    data[CONF_TIME_ZONE] = name
    if await _reversed_sign(data, name):
        return {CONF_TIME_ZONE: "zone_sign_reversed"}
    if not data.get(CONF_EXPIRY_DATE):
        # Never today by default: an untouched date would raise a false last-day alarm.
        return {CONF_EXPIRY_DATE: "expiry_required"}
    # The date selector accepts "2027-5-15"; only the ISO form is stored.
    expiry = parse_iso_date(data[CONF_EXPIRY_DATE])
    if expiry is None:
        return {CONF_EXPIRY_DATE: "invalid_date"}
    if not expiry_is_plausible(expiry, local_today(dt_util.utcnow(), zone)):
        return {CONF_EXPIRY_DATE: "expiry_out_of_range"}
    return {}


def _text_error(text: str) -> str | None:
    """Return the error of a label that is too long or hides characters, if any."""
    if len(text) > MAX_TEXT_LENGTH:
        return "too_long"
    if has_hidden_characters(text):
        return "invalid_characters"
    return None


def _name_keys(name: str) -> set[str]:
    """Return the forms under which two names count as the same."""
    # The entity ids' form, and the letters and digits alone: a name with a typographic
    # apostrophe reads as the same name with a straight one, although its entity ids differ.
    letters = "".join(
        char for char in unicodedata.normalize("NFKC", name).casefold() if char.isalnum()
    )
    return {slugify(name), letters}


def _same_name(name: str, other: str) -> bool:
    """Return whether two names would read alike or give the same entity ids."""
    return not _name_keys(name).isdisjoint(_name_keys(other))


def _notes_error(notes: str) -> str | None:
    """Return the error of notes that are too long or hide characters other than line ends."""
    if len(notes) > MAX_NOTES_LENGTH:
        return "notes_too_long"
    if has_hidden_characters(notes.replace("\n", "")):
        return "invalid_characters"
    return None


def _check_labels(data: Mapping[str, Any], others: list[Mapping[str, Any]]) -> dict[str, str]:
    """Return errors for a missing, unreadable or taken name, and unreadable carrier or notes."""
    errors: dict[str, str] = {}
    if (notes := data.get(CONF_NOTES)) is not None and (error := _notes_error(notes)):
        errors[CONF_NOTES] = error
    if (carrier := data.get(CONF_CARRIER)) is not None and (error := _text_error(carrier)):
        errors[CONF_CARRIER] = error
    if (name := data.get(CONF_NAME)) is None:
        errors[CONF_NAME] = "name_required"
    elif error := _text_error(name):
        errors[CONF_NAME] = error
    elif any(_same_name(name, str(other[CONF_NAME])) for other in others):
        errors[CONF_NAME] = "name_in_use"
    return errors


async def async_validate_card(
    flat: dict[str, Any],
    other_cards: Iterable[Mapping[str, Any]],
    label: PeriodNamer = plain_name,
    *,
    home_zone: str,
) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """Check a card's answers against each other and the household's other cards.

    Returns the data to store, the errors per field, and an abort reason for a card
    that is already registered. `label` names a default plan the user left unnamed; an
    automatic zone becomes the one the card's numbers and type give, else `home_zone`.
    """
    others = list(other_cards)
    data = dict(flat)
    errors = _check_labels(data, others)
    if (abort := check_phone_numbers(data, others, errors)) is not None:
        return data, errors, abort
    if CONF_REMINDER_DAYS in data:
        days = parse_reminder_days(data[CONF_REMINDER_DAYS])
        if days is None:
            errors[CONF_REMINDER_DAYS] = "invalid_reminder_days"
        elif days:
            data[CONF_REMINDER_DAYS] = days
        else:
            del data[CONF_REMINDER_DAYS]
    # After the numbers are in E.164 form, which their country code is read from.
    _resolve_zone(data, home_zone)
    errors.update(await _check_dates(data))
    errors.update(_check_numbers(data))
    errors.update(check_plans(data, label))
    return data, errors, None


def new_card_suggestions(currency: str) -> dict[str, Any]:
    """Return what a new card's form shows: Home Assistant's currency and the automatic zone.

    The expiry date starts empty: it is the one value only the carrier can give.
    """
    suggested: dict[str, Any] = {}
    if currency in ACTIVE_CURRENCIES:
        suggested[CONF_CURRENCY] = currency
    suggested[CONF_TIME_ZONE] = AUTOMATIC_ZONE
    return suggested
