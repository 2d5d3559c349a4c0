"""The card form's choices and selectors: currencies, zones, reminder days and counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast, override

from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TimeSelector,
    TimeSelectorConfig,
    make_selector_config_schema,
)

from .carrier_zone import AUTOMATIC_ZONE
from .validation import vol

# The currencies of the cards this serves come first; every other active one follows, A to Z.
NEAR_CURRENCIES = ("HKD", "CNY", "MOP", "TWD", "SGD", "USD")
CURRENCY_CHOICES = [
    *NEAR_CURRENCIES,
    *sorted(set(ACTIVE_CURRENCIES) - set(NEAR_CURRENCIES)),
]
REMINDER_DAY_CHOICES = ["30", "21", "14", "10", "7", "5", "3", "2", "1", "0"]

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


def whole_number_box() -> NumberSelector:
    """Return a whole-number box; its range is checked by `async_validate_card`."""
    return NumberSelector(NumberSelectorConfig(step=1, mode=NumberSelectorMode.BOX))


def choice_dropdown(options: Iterable[str], key: str) -> SelectSelector:
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
