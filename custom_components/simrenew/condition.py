"""Conditions for the automation editor: is a card due, in grace, waiting, short of days."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Unpack, cast, override

from homeassistant.const import CONF_OPTIONS, CONF_TARGET
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.condition import Condition, ConditionCheckParams, ConditionConfig
from homeassistant.helpers.typing import ConfigType

from .automation_targets import card_views, targeted_cards
from .card_view import CardView
from .model import CardStatus
from .validation import vol

OPTION_BEHAVIOR = "behavior"
BEHAVIOR_ANY = "any"
BEHAVIOR_ALL = "all"
OPTION_DAYS = "days"
MAX_DAYS = 400


def _options_schema(options: dict[Any, Any]) -> vol.Schema:
    """Return a condition's schema: any target (none means every card), any or all, options."""
    return vol.Schema(
        {
            vol.Optional(CONF_TARGET): cv.TARGET_FIELDS,
            vol.Optional(CONF_OPTIONS, default=dict): vol.Schema(
                {
                    vol.Optional(OPTION_BEHAVIOR, default=BEHAVIOR_ANY): vol.In(
                        [BEHAVIOR_ANY, BEHAVIOR_ALL]
                    ),
                    **options,
                }
            ),
        }
    )


type CardCheck = Callable[[CardView, Mapping[str, Any]], bool]


class _CardCondition(Condition):
    """Tests the targeted cards' current state with its check: any of them, or all of them.

    Each condition passes its check as a class keyword: `holds` tells, from one card and the
    condition's options, whether the condition holds for that card.
    """

    _schema: ClassVar[vol.Schema] = _options_schema({})
    _holds: ClassVar[CardCheck]

    def __init_subclass__(cls, *, holds: CardCheck, **kwargs: object) -> None:
        """Keep the condition's check."""
        super().__init_subclass__(**kwargs)
        cls._holds = holds

    @override
    @classmethod
    async def async_validate_config(cls, hass: HomeAssistant, config: ConfigType) -> ConfigType:
        """Check the target and the options."""
        return cast(ConfigType, cls._schema(config))

    def __init__(self, hass: HomeAssistant, config: ConditionConfig) -> None:
        """Keep the target and the options."""
        super().__init__(hass, config)
        self._target = config.target
        self._options: dict[str, Any] = config.options or {}

    def _check(self) -> bool:
        """Return whether any (or all) of the targeted cards pass; never true for no card."""
        cards = card_views(self._hass, targeted_cards(self._hass, self._target))
        if not cards:
            return False
        # Read from the class: a function kept on it would be bound to the condition.
        holds = type(self)._holds
        passed = (holds(card, self._options) for card in cards)
        return all(passed) if self._options.get(OPTION_BEHAVIOR) == BEHAVIOR_ALL else any(passed)

    def _async_check(self, **kwargs: Unpack[ConditionCheckParams]) -> bool:
        """Check the condition, as newer releases ask."""
        return self._check()

    async def async_get_checker(self) -> Callable[..., bool]:
        """Return the check, as Home Assistant 2026.3 asks for it."""

        def check(**kwargs: Unpack[ConditionCheckParams]) -> bool:
            return self._check()

        return check


def _is_due(card: CardView, options: Mapping[str, Any]) -> bool:
    """Return whether the card is past its first reminder day."""
    return card.state.status is not CardStatus.ACTIVE


def _in_grace(card: CardView, options: Mapping[str, Any]) -> bool:
    """Return whether the card is in its grace period."""
    return card.state.status is CardStatus.GRACE_PERIOD


def _awaiting_confirmation(card: CardView, options: Mapping[str, Any]) -> bool:
    """Return whether the card's last renewal is unconfirmed."""
    return card.unconfirmed


def _days_left_below(card: CardView, options: Mapping[str, Any]) -> bool:
    """Return whether the days until the deadline are below the number."""
    return card.state.days_until_deadline < int(options[OPTION_DAYS])


class IsDueCondition(_CardCondition, holds=_is_due):
    """The card needs renewing: its reminders have begun, as the renewal due sensor shows."""


class InGraceCondition(_CardCondition, holds=_in_grace):
    """The card is past its deadline but a renewal still saves the number."""


class AwaitingConfirmationCondition(_CardCondition, holds=_awaiting_confirmation):
    """A renewal was recorded without the carrier's date and waits to be confirmed."""


class DaysLeftBelowCondition(_CardCondition, holds=_days_left_below):
    """Fewer days are left until the card's deadline than the number given."""

    _schema = _options_schema(
        {vol.Required(OPTION_DAYS): vol.All(vol.Coerce(int), vol.Range(min=0, max=MAX_DAYS))}
    )


CONDITIONS: dict[str, type[Condition]] = {
    "is_due": IsDueCondition,
    "in_grace": InGraceCondition,
    "awaiting_confirmation": AwaitingConfirmationCondition,
    "days_left_below": DaysLeftBelowCondition,
}


async def async_get_conditions(hass: HomeAssistant) -> dict[str, type[Condition]]:
    """Return simrenew's conditions."""
    return CONDITIONS
