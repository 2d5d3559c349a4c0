"""Reading a household's entry: its options into the reminder senders, its card subentries."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

from .card_config import CardConfig
from .const import SUBENTRY_CARD
from .hub_options import HubOptions
from .message_sources import MessageSources
from .notifications import ReminderNotifier
from .zones import loaded_zone


def apply_options(
    notifier: ReminderNotifier, sources: MessageSources | None, options: HubOptions
) -> None:
    """Send reminders, and read messages, as the household's options now say."""
    notifier.persistent = options.persistent_notification
    notifier.targets = list(options.notify_targets)
    notifier.phones.phones = list(options.phones)
    notifier.phones.settle()
    speakers = notifier.speakers
    speakers.speakers = list(options.speakers)
    speakers.tts_entity = options.tts_entity
    speakers.quiet = options.quiet_hours
    speakers.settle()
    if sources is not None:
        sources.follow(options.message_sources)


def read_card(subentry: ConfigSubentry) -> CardConfig | None:
    """Return a card's settings, or None when they cannot be read (edited by hand, perhaps).

    A zone not loaded yet reads as unreadable: the hub loads every card's zone first.
    """
    try:
        return CardConfig.from_data(subentry.data, loaded_zone)
    except KeyError, TypeError, ValueError:
        return None


def read_cards(entry: ConfigEntry[Any]) -> tuple[dict[str, CardConfig], dict[str, str]]:
    """Return every readable card's settings, and the title of each card that is not."""
    configs: dict[str, CardConfig] = {}
    unreadable: dict[str, str] = {}
    for subentry_id, subentry in entry.subentries.items():
        if subentry.subentry_type != SUBENTRY_CARD:
            continue
        if (config := read_card(subentry)) is not None:
            configs[subentry_id] = config
        else:
            # A card edited by hand into something unreadable is set aside, with a repair
            # that names it: the household's other cards go on.
            unreadable[subentry_id] = subentry.title
    return configs, unreadable


def entry_contents(entry: ConfigEntry[Any]) -> tuple[object, ...]:
    """Return what the hub reads from its entry, to tell whether it changed since."""
    return (
        dict(entry.options),
        {
            subentry_id: (subentry.subentry_type, subentry.title, dict(subentry.data))
            for subentry_id, subentry in entry.subentries.items()
        },
    )
