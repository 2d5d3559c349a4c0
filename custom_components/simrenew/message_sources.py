"""Entities whose state is a carrier's message: each new one is read as it arrives.

The companion app's *Last notification* sensor on Android holds a notification's text in its
state (cut to 255 characters) and in full in `android.text`; `android.title` is who sent it.
A message read this way is automatic: anything on the phone could have posted it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
import hashlib
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .const import LOGGER
from .message_outcomes import CarrierMessage

TEXT_ATTRIBUTE = "android.text"
SENDER_ATTRIBUTE = "android.title"


def message_of(state: str, attributes: dict[str, Any]) -> tuple[str, str | None] | None:
    """Return the text and sender a source's state carries, or None when it carries none."""
    text = attributes.get(TEXT_ATTRIBUTE)
    if not isinstance(text, str) or not text.strip():
        text = state
    if not text.strip() or text in (STATE_UNKNOWN, STATE_UNAVAILABLE):
        return None
    sender = attributes.get(SENDER_ATTRIBUTE)
    return text, sender if isinstance(sender, str) and sender.strip() else None


def digest(text: str, sender: str | None) -> str:
    """Return what tells one message from another without keeping its text."""
    return hashlib.sha256(f"{sender or ''}\n{text}".encode()).hexdigest()[:32]


class MessageSources:
    """Follows the chosen entities and hands each new message on to be read."""

    def __init__(
        self,
        hass: HomeAssistant,
        read: Callable[[CarrierMessage], Awaitable[object]],
        seen: MutableMapping[str, str],
        save: Callable[[], object],
    ) -> None:
        """Remember where messages go; nothing is followed until `follow`.

        `seen` holds, per entity, a digest of the last message read from it (never the text),
        kept with the household's history: a source that shows the same message again after
        a reload or a restart has nothing new. `save` writes it.
        """
        self._hass = hass
        self._read = read
        self._seen = seen
        self._save = save
        self._entity_ids: tuple[str, ...] = ()
        self._unsub: CALLBACK_TYPE | None = None

    @callback
    def follow(self, entity_ids: tuple[str, ...]) -> None:
        """Follow these entities from now on (and no others)."""
        if entity_ids == self._entity_ids and (self._unsub is not None or not entity_ids):
            return
        self.stop()
        self._entity_ids = entity_ids
        for entity_id in entity_ids:
            state = self._hass.states.get(entity_id)
            found = None if state is None else message_of(state.state, dict(state.attributes))
            if found is not None and entity_id not in self._seen:
                # What a source showed before it was chosen is not read: only what comes next.
                self._seen[entity_id] = digest(*found)
                self._save()
        if entity_ids:
            self._unsub = async_track_state_change_event(
                self._hass, list(entity_ids), self._async_changed
            )

    @callback
    def stop(self) -> None:
        """Stop following every entity."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        self._entity_ids = ()

    @callback
    def _async_changed(self, event: Event[EventStateChangedData]) -> None:
        """Read a new message as soon as its source shows it."""
        if (state := event.data["new_state"]) is None:
            return
        if (found := message_of(state.state, dict(state.attributes))) is None:
            return
        if self._seen.get(state.entity_id) == (key := digest(*found)):
            return
        self._seen[state.entity_id] = key
        self._save()
        text, sender = found
        message = CarrierMessage(
            text=text, sender=sender, received=dt_util.utcnow(), automatic=True
        )
        # A short task, tracked like any other: a reload or stop waits for it to finish.
        self._hass.async_create_task(self._async_read(message), "simrenew read message")

    async def _async_read(self, message: CarrierMessage) -> None:
        """Read one message; one that cannot be read is logged without its text."""
        try:
            await self._read(message)
        except ServiceValidationError as err:
            LOGGER.warning("A message from a message source was not read: %s", err.translation_key)
        except Exception:
            LOGGER.exception("A message from a message source could not be read")
