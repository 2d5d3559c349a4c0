"""Triggers for the automation editor: reminders, grace, lost numbers, renewals, messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast, override

from homeassistant.const import CONF_OPTIONS, CONF_TARGET, EVENT_STATE_CHANGED
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.trigger import Trigger, TriggerActionRunner, TriggerConfig
from homeassistant.helpers.typing import ConfigType

from .automation_targets import hub_of_card, targeted_cards
from .const import (
    DOMAIN,
    EVENT_CONFIRMED,
    EVENT_EXPIRED,
    EVENT_MESSAGE_READ,
    EVENT_REMINDER,
    EVENT_RENEWED,
)
from .message_outcomes import Outcome
from .model import CardStatus
from .reminders import ReminderKind
from .validation import vol

if TYPE_CHECKING:
    # Only newer releases hand triggers a reporter of changes they let pass.
    from homeassistant.helpers.trigger import TriggerNotTriggeredReporter

OPTION_KINDS = "kinds"
OPTION_DAYS_BEFORE = "days_before"
OPTION_CONFIRMED_ONLY = "confirmed_only"
OPTION_OUTCOMES = "outcomes"
# A deadline reminder is never set further ahead than a card's longest plan.
MAX_DAYS_BEFORE = 400


def _options_schema(options: dict[Any, Any]) -> vol.Schema:
    """Return a trigger's schema: any target (none means every card) and its own options."""
    return vol.Schema(
        {
            vol.Optional(CONF_TARGET): cv.TARGET_FIELDS,
            vol.Optional(CONF_OPTIONS, default=dict): vol.Schema(options),
        }
    )


def _choices(values: list[str]) -> Callable[[Any], list[str]]:
    """Return a validator of a list of choices, given as one value or several."""
    return cast(Callable[[Any], list[str]], vol.All(cv.ensure_list, [vol.In(values)]))


class _EventTrigger(Trigger):
    """Fires on simrenew's own bus events about the targeted cards."""

    _event_types: ClassVar[tuple[str, ...]]
    _schema: ClassVar[vol.Schema] = _options_schema({})

    @override
    @classmethod
    async def async_validate_config(cls, hass: HomeAssistant, config: ConfigType) -> ConfigType:
        """Check the target and the options."""
        return cast(ConfigType, cls._schema(config))

    def __init__(self, hass: HomeAssistant, config: TriggerConfig) -> None:
        """Keep the target and the options."""
        super().__init__(hass, config)
        self._target = config.target
        self._options: dict[str, Any] = config.options or {}

    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        """Return whether an event of the targeted cards is one this trigger fires on."""
        return True

    def _targeted(self, card_id: object) -> bool:
        """Return whether an event's card is targeted; no target means every event."""
        cards = targeted_cards(self._hass, self._target)
        return cards is None or card_id in cards

    @override
    async def async_attach_runner(
        self,
        run_action: TriggerActionRunner,
        did_not_trigger: TriggerNotTriggeredReporter | None = None,
    ) -> CALLBACK_TYPE:
        """Listen for the events; hand their fields to the automation as they come."""

        @callback
        def handle(event: Event[dict[str, Any]]) -> None:
            data, event_type = event.data, str(event.event_type)
            if not self.matches(event_type, data) or not self._targeted(data.get("card_id")):
                return
            run_action(
                {**data, "event_type": event_type},
                f"{event_type} event",
                event.context,
            )

        removers = [self._hass.bus.async_listen(kind, handle) for kind in self._event_types]

        @callback
        def remove() -> None:
            for remover in removers:
                remover()

        return remove


class ReminderDueTrigger(_EventTrigger):
    """A reminder about a card: before its deadline, in grace, or to confirm a renewal."""

    _event_types = (EVENT_REMINDER,)
    _schema = _options_schema(
        {
            vol.Optional(OPTION_KINDS): _choices([kind.value for kind in ReminderKind]),
            vol.Optional(OPTION_DAYS_BEFORE): vol.All(
                vol.Coerce(int), vol.Range(min=0, max=MAX_DAYS_BEFORE)
            ),
        }
    )

    @override
    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        """Keep the kinds asked for and, when given, the reminder that many days ahead."""
        kinds = self._options.get(OPTION_KINDS) or [kind.value for kind in ReminderKind]
        # Reminders from before reminder kinds were all before the deadline.
        kind = data.get("kind", ReminderKind.DEADLINE.value)
        if kind not in kinds:
            return False
        days = self._options.get(OPTION_DAYS_BEFORE)
        # Days before the deadline only mean something for the reminders before it.
        return days is None or (
            kind == ReminderKind.DEADLINE.value and data.get("days_until_deadline") == days
        )


class ConfirmationNeededTrigger(_EventTrigger):
    """The daily question whether the carrier shows a recorded renewal's new expiry."""

    _event_types = (EVENT_REMINDER,)

    @override
    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        """Keep only the confirmation reminders."""
        return data.get("kind") == ReminderKind.CONFIRM.value


class NumberLostTrigger(_EventTrigger):
    """A card passed its deadline and any grace: the number is lost."""

    _event_types = (EVENT_EXPIRED,)


class RenewedTrigger(_EventTrigger):
    """A renewal was recorded; or, with confirmed only, the carrier's date settled one."""

    _event_types = (EVENT_RENEWED, EVENT_CONFIRMED)
    _schema = _options_schema({vol.Optional(OPTION_CONFIRMED_ONLY, default=False): cv.boolean})

    @override
    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        """Keep every renewal, or only those the carrier's date confirms."""
        if not self._options.get(OPTION_CONFIRMED_ONLY):
            return event_type == EVENT_RENEWED
        return event_type == EVENT_CONFIRMED or bool(data.get("confirmed"))


class MessageReadTrigger(_EventTrigger):
    """A carrier message was read, with what it did."""

    _event_types = (EVENT_MESSAGE_READ,)
    _schema = _options_schema({vol.Optional(OPTION_OUTCOMES): _choices([o.value for o in Outcome])})

    @override
    def matches(self, event_type: str, data: dict[str, Any]) -> bool:
        """Keep the outcomes asked for (every one when none is)."""
        outcomes = self._options.get(OPTION_OUTCOMES)
        return not outcomes or data.get("outcome") in outcomes


class GraceStartedTrigger(_EventTrigger):
    """A card's deadline passed and its grace period began: the status turned to grace."""

    _event_types = ()

    @override
    async def async_attach_runner(
        self,
        run_action: TriggerActionRunner,
        did_not_trigger: TriggerNotTriggeredReporter | None = None,
    ) -> CALLBACK_TYPE:
        """Watch the cards' status sensors for the step into the grace period."""
        grace = CardStatus.GRACE_PERIOD.value
        # Nothing happened when a card comes back after a restart or a reload already in grace.
        before = {CardStatus.ACTIVE.value, CardStatus.EXPIRING_SOON.value}

        @callback
        def entering_grace(data: EventStateChangedData) -> bool:
            old, new = data["old_state"], data["new_state"]
            return (
                new is not None and new.state == grace and old is not None and old.state in before
            )

        @callback
        def handle(event: Event[EventStateChangedData]) -> None:
            entity = er.async_get(self._hass).async_get(event.data["entity_id"])
            if entity is None or entity.platform != DOMAIN or entity.translation_key != "status":
                return
            card_id = entity.config_subentry_id
            if card_id is None or not self._targeted(card_id):
                return
            if (hub := hub_of_card(self._hass, card_id)) is None:
                return
            data = {**hub.event_base(hub.cards[card_id]), "event_type": "grace_started"}
            run_action(data, "grace period started", event.context)

        return self._hass.bus.async_listen(EVENT_STATE_CHANGED, handle, event_filter=entering_grace)


TRIGGERS: dict[str, type[Trigger]] = {
    "reminder_due": ReminderDueTrigger,
    "grace_started": GraceStartedTrigger,
    "number_lost": NumberLostTrigger,
    "renewed": RenewedTrigger,
    "confirmation_needed": ConfirmationNeededTrigger,
    "message_read": MessageReadTrigger,
}


async def async_get_triggers(hass: HomeAssistant) -> dict[str, type[Trigger]]:
    """Return simrenew's triggers."""
    return TRIGGERS
