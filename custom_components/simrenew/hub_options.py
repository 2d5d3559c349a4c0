"""The household's options: when and where reminders go; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from .model import DEFAULT_REMINDER_DAYS
from .quiet_hours import DEFAULT_QUIET_END, DEFAULT_QUIET_START, QuietHours
from .stored_values import parse_time_of_day, stored_reminder_days


@dataclass(frozen=True, kw_only=True, slots=True)
class HubOptions:
    """Household-wide reminder settings."""

    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    reminder_time: time = time(9, 0)
    # Reminders reach people without an automation: a notification per card by default.
    persistent_notification: bool = True
    notify_targets: tuple[str, ...] = ()
    # The companion app's notify actions, such as notify.mobile_app_pixel_9.
    phones: tuple[str, ...] = ()
    # Entities whose state is a carrier's message (a phone's last notification, say).
    message_sources: tuple[str, ...] = ()
    # Media players that say reminders aloud, with the text-to-speech entity that speaks.
    speakers: tuple[str, ...] = ()
    tts_entity: str | None = None
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    # Off: no card gets the entity kinds few households use, which leaves room for more cards.
    rarely_used_entities: bool = True

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HubOptions:
        """Read the hub's options, falling back to the defaults."""
        when = parse_time_of_day(options.get("reminder_time"))
        targets = options.get("notify_targets")
        sources = options.get("message_sources")
        phones = options.get("phones")
        speakers = options.get("speakers")
        tts_entity = options.get("tts_entity")
        quiet_start = parse_time_of_day(options.get("quiet_hours_start"))
        quiet_end = parse_time_of_day(options.get("quiet_hours_end"))
        return cls(
            # Stored options that cannot be read fall back to the defaults rather than stop
            # every card's reminders.
            reminder_days=stored_reminder_days(options.get("reminder_days"))
            or DEFAULT_REMINDER_DAYS,
            reminder_time=time(9, 0) if when is None else when,
            persistent_notification=options.get("persistent_notification") is not False,
            notify_targets=tuple(
                target
                for target in (targets if isinstance(targets, list) else [])
                if isinstance(target, str) and target.startswith("notify.")
            ),
            phones=tuple(
                dict.fromkeys(
                    phone
                    for phone in (phones if isinstance(phones, list) else [])
                    if isinstance(phone, str) and phone.startswith("notify.mobile_app_")
                )
            ),
            message_sources=tuple(
                source
                for source in (sources if isinstance(sources, list) else [])
                if isinstance(source, str) and "." in source
            ),
            speakers=tuple(
                dict.fromkeys(
                    speaker
                    for speaker in (speakers if isinstance(speakers, list) else [])
                    if isinstance(speaker, str) and speaker.startswith("media_player.")
                )
            ),
            tts_entity=tts_entity
            if isinstance(tts_entity, str) and tts_entity.startswith("tts.")
            else None,
            quiet_hours=QuietHours(
                DEFAULT_QUIET_START if quiet_start is None else quiet_start,
                DEFAULT_QUIET_END if quiet_end is None else quiet_end,
            ),
            rarely_used_entities=options.get("rarely_used_entities") is not False,
        )
