"""The options' speaker fields: which media players, which voice, and the quiet hours."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig

from .card_fields import ReminderTimeSelector
from .entity_choice import chosen_entity_ids
from .quiet_hours import DEFAULT_QUIET_END, DEFAULT_QUIET_START
from .stored_values import parse_time_of_day
from .validation import vol

CONF_SPEAKERS = "speakers"
CONF_TTS_ENTITY = "tts_entity"
CONF_QUIET_START = "quiet_hours_start"
CONF_QUIET_END = "quiet_hours_end"

SPEAKER_FIELDS: dict[Any, Any] = {
    vol.Optional(CONF_SPEAKERS): EntitySelector(
        EntitySelectorConfig(domain="media_player", multiple=True)
    ),
    vol.Optional(CONF_TTS_ENTITY): EntitySelector(EntitySelectorConfig(domain="tts")),
    vol.Optional(CONF_QUIET_START): ReminderTimeSelector(),
    vol.Optional(CONF_QUIET_END): ReminderTimeSelector(),
}


def speaker_suggestions(options: Mapping[str, Any]) -> dict[str, Any]:
    """Return the speaker fields as stored, quiet hours from 22:00 to 08:00 until changed."""
    # Options edited by hand into something else are shown as what they count as: the defaults.
    speakers = options.get(CONF_SPEAKERS)
    suggested: dict[str, Any] = {
        CONF_SPEAKERS: [s for s in speakers if isinstance(s, str)]
        if isinstance(speakers, list)
        else [],
    }
    for key, default in (
        (CONF_QUIET_START, DEFAULT_QUIET_START),
        (CONF_QUIET_END, DEFAULT_QUIET_END),
    ):
        value = options.get(key)
        suggested[key] = value if parse_time_of_day(value) is not None else default.isoformat()
    if isinstance(voice := options.get(CONF_TTS_ENTITY), str) and voice:
        suggested[CONF_TTS_ENTITY] = voice
    return suggested


def read_speaker_fields(
    hass: HomeAssistant, user_input: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the speaker options to store, or the errors that keep the form open."""
    errors: dict[str, str] = {}
    speakers = chosen_entity_ids(hass, list(user_input.get(CONF_SPEAKERS) or []), ("media_player",))
    if speakers is None:
        errors[CONF_SPEAKERS] = "invalid_speakers"
    voice: str | None = None
    if given := user_input.get(CONF_TTS_ENTITY):
        found = chosen_entity_ids(hass, [given], ("tts",)) if isinstance(given, str) else None
        if not found:
            errors[CONF_TTS_ENTITY] = "invalid_tts_entity"
        else:
            voice = found[0]
    elif speakers:
        # Speakers without a voice would say nothing, and nobody would know why.
        errors[CONF_TTS_ENTITY] = "tts_entity_required"
    quiet = {}
    for key, default in (
        (CONF_QUIET_START, DEFAULT_QUIET_START),
        (CONF_QUIET_END, DEFAULT_QUIET_END),
    ):
        value = user_input.get(key)
        when = default if value in (None, "") else parse_time_of_day(value)
        if when is None:
            errors[key] = "invalid_reminder_time"
        else:
            quiet[key] = when.isoformat(timespec="seconds")
    data: dict[str, Any] = {CONF_SPEAKERS: speakers or [], **quiet}
    if voice:
        data[CONF_TTS_ENTITY] = voice
    return data, errors
