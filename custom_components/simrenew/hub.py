"""The runtime object of one household: its cards, their states and the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .card_config import CardConfig, HubOptions
from .const import CONF_EXPIRY_DATE, DOMAIN, LOGGER, SUBENTRY_CARD
from .model import CardState, card_state, expiry_is_plausible, local_today, next_transition
from .scheduler import WakeScheduler

type SimRenewConfigEntry = ConfigEntry[SimRenewHub]


@dataclass(frozen=True, slots=True)
class CardView:
    """One card as the entities see it: its settings and today's state."""

    card_id: str
    config: CardConfig
    state: CardState


class SimRenewHub:
    """Holds every card of one config entry and keeps their states current."""

    def __init__(self, hass: HomeAssistant, entry: SimRenewConfigEntry) -> None:
        """Read the entry; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.options = HubOptions.from_options(entry.options)
        self.configs: dict[str, CardConfig] = {}
        self.cards: dict[str, CardView] = {}
        self._listeners: dict[str, list[CALLBACK_TYPE]] = {}
        self.scheduler = WakeScheduler(hass, self._async_refresh)
        self._read_entry()

    def _read_entry(self) -> None:
        """Parse the options and every card subentry of the entry."""
        self.options = HubOptions.from_options(self.entry.options)
        self.configs = {
            subentry_id: CardConfig.from_data(subentry.data)
            for subentry_id, subentry in self.entry.subentries.items()
            if subentry.subentry_type == SUBENTRY_CARD
        }

    @callback
    def async_start(self) -> None:
        """Compute every card's state and arm the scheduler."""
        self._async_refresh(dt_util.utcnow())

    @callback
    def async_stop(self) -> None:
        """Cancel the scheduler."""
        self.scheduler.cancel()

    def device_layout(self) -> dict[str, tuple[str, str | None, str]]:
        """Return what each card's device shows, to tell when a reload is needed."""
        return {
            card_id: (config.name, config.carrier, config.card_type)
            for card_id, config in self.configs.items()
        }

    @callback
    def async_entry_updated(self) -> bool:
        """Re-read the entry; return False when devices must be rebuilt by a reload."""
        before = self.device_layout()
        self._read_entry()
        if self.device_layout() != before:
            return False
        self._async_refresh(dt_util.utcnow())
        return True

    @callback
    def _async_refresh(self, now: datetime) -> None:
        """Recompute states, tell the entities of changed cards, and plan the next wake."""
        changed: list[str] = []
        for card_id, config in self.configs.items():
            view = CardView(
                card_id=card_id,
                config=config,
                state=card_state(config.rules(), now, self.options.reminder_days),
            )
            if self.cards.get(card_id) != view:
                self.cards[card_id] = view
                changed.append(card_id)
        for card_id in changed:
            for listener in tuple(self._listeners.get(card_id, ())):
                listener()
        wake = min(
            (next_transition(config.rules(), now) for config in self.configs.values()),
            default=None,
        )
        self.scheduler.schedule(wake)
        LOGGER.debug(
            "Refreshed %d of %d cards; next wake %s", len(changed), len(self.configs), wake
        )

    @callback
    def async_add_listener(self, card_id: str, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` whenever the card's view changes; return the remover."""
        listeners = self._listeners.setdefault(card_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    @callback
    def async_set_expiry(self, card_id: str, expiry: date) -> None:
        """Store a corrected expiry date for a card, refusing implausible ones."""
        config = self.configs[card_id]
        if not expiry_is_plausible(expiry, local_today(dt_util.utcnow(), config.time_zone)):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="expiry_out_of_range",
                translation_placeholders={"expiry_date": expiry.isoformat()},
            )
        subentry = self.entry.subentries[card_id]
        self.hass.config_entries.async_update_subentry(
            self.entry,
            subentry,
            data={**subentry.data, CONF_EXPIRY_DATE: expiry.isoformat()},
        )
