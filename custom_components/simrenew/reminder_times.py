"""When each card's reminders reach a home on another clock, said where the time is set."""

from __future__ import annotations

from datetime import time

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import CONF_TIME_ZONE, SUBENTRY_CARD
from .model import local_today
from .reminders import at_time, reminder_instant
from .texts import SelectorTexts
from .zone_labels import zone_key
from .zones import async_get_zone


async def async_card_times(hass: HomeAssistant, entry: ConfigEntry, at: time) -> str:
    """Return a paragraph naming when reminders reach this home for cards on another clock.

    Empty when every card keeps Home Assistant's clock: the time set is then the time sent.
    """
    home_zone = dt_util.get_default_time_zone()
    texts = SelectorTexts(hass, "reminder_time")
    zone_names = SelectorTexts(hass, "time_zone")
    await texts.async_load()
    await zone_names.async_load()
    now = dt_util.utcnow()
    lines = []
    for subentry in entry.subentries.values():
        name = subentry.data.get(CONF_TIME_ZONE)
        if subentry.subentry_type != SUBENTRY_CARD or not isinstance(name, str):
            continue
        if name == hass.config.time_zone or (card_zone := await async_get_zone(name)) is None:
            continue
        # Today's reminder, on the card's today: a DST change can move it by an hour later on.
        day = local_today(now, card_zone)
        instant = reminder_instant(day, at, home_zone, card_zone)
        moved = instant != at_time(day, at, home_zone)
        lines.append(
            texts.fill(
                "card_time_moved" if moved else "card_time",
                "{name}: {home}",
                name=subentry.title,
                home=instant.astimezone(home_zone).strftime("%H:%M"),
                card=instant.astimezone(card_zone).strftime("%H:%M"),
                zone=zone_names.fill(zone_key(name), name),
                at=at.strftime("%H:%M"),
            )
        )
    if not lines:
        return ""
    listed = "\n".join(f"- {line}" for line in sorted(lines))
    return f"\n\n{texts.fill('heading', '')}\n{listed}"
