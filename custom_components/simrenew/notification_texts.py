"""The texts of a card's notifications: reminders, renewals and what a carrier's message did."""

from __future__ import annotations

from datetime import date
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .money import written_amount
from .spoken_dates import spoken_date
from .texts import SelectorTexts
from .zone_labels import zone_key

# Statuses whose card has a repair to record a renewal with.
LAPSED = frozenset({"grace_period", "expired"})

# A card lost for good has no day left to count: its message names no clock.
WITHOUT_CLOCK = frozenset({"expired_message", "expired_no_grace_message"})

MESSAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("deadline", "expiry"): ("deadline_title", "deadline_message"),
    ("deadline", "last_day"): ("deadline_title", "last_day_message"),
    ("deadline", "activity"): ("deadline_title", "use_message"),
    ("grace", ""): ("grace_title", "grace_message"),
    ("grace", "last_day"): ("grace_title", "last_chance_message"),
    ("confirm", ""): ("confirm_title", "confirm_message"),
    ("expired", ""): ("expired_title", "expired_message"),
    ("expired", "no_grace"): ("expired_title", "expired_no_grace_message"),
}


# What a carrier's message did, for the outcomes worth a notification.
MESSAGE_TEXTS: dict[str, str] = {
    "confirmed": "message_confirmed",
    "corrected": "message_corrected",
    "renewed": "message_renewed",
    "ambiguous": "message_ambiguous",
}


def message_keys(data: dict[str, Any]) -> tuple[str, str]:
    """Return the title and message keys of a reminder or expiry event."""
    kind = data.get("kind", "expired")
    detail = ""
    if kind == "deadline":
        detail = "last_day" if data.get("days_until_deadline", 1) <= 0 else "expiry"
        if data.get("deadline_reason") == "activity":
            detail = "activity"
    elif kind == "grace" and data.get("days_until_grace_end", 1) <= 0:
        detail = "last_day"
    elif kind == "expired" and data.get("grace_end", "") == data.get("deadline"):
        detail = "no_grace"  # "past its grace period" is wrong of a card that had none
    return MESSAGES.get((kind, detail), MESSAGES[("expired", "")])


class NotificationTexts:
    """Writes a card's notifications in Home Assistant's language, from an event's values."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Prepare the notifications' texts and the zones' names, read when loaded."""
        self.hass = hass
        self.selector = SelectorTexts(hass, "notification")
        self._zone_names = SelectorTexts(hass, "time_zone")

    async def async_load(self) -> None:
        """Read the notifications' texts and the zones' names in Home Assistant's language."""
        await self.selector.async_load()
        await self._zone_names.async_load()

    def text(self, key: str, data: dict[str, Any]) -> str:
        """Return one text filled in with the event's values."""
        language = self.hass.config.language
        today = dt_util.now().date()
        days = data.get("days_until_deadline")
        values = {
            "name": str(data.get("name", "")),
            # "in 1 day", "in 3 days": the count comes with its unit, in the right form.
            "days": self.selector.days(days) if isinstance(days, int) else "",
        }
        for field in (
            "deadline",
            "expiry_date",
            "grace_end",
            "old_expiry",
            "new_expiry",
            "recorded_expiry",
            "stated_expiry",
        ):
            if isinstance(data.get(field), str):
                values[field] = spoken_date(date.fromisoformat(data[field]), language, today)
        return self.selector.fill(key, key, **values)

    def clock_note(self, zone: str | None) -> str | None:
        """Return whose clock a card's days are counted on, when it is not Home Assistant's."""
        if zone is None or zone == self.hass.config.time_zone:
            return None
        # A zone typed rather than picked from the list is named by its IANA name.
        name = self._zone_names.fill(zone_key(zone), zone)
        return self.selector.fill("clock_note", "clock_note", zone=name)

    def message(self, data: dict[str, Any], zone: str | None) -> tuple[str, str]:
        """Return a notification's title and body, with the card's clock and official page."""
        title_key, body_key = message_keys(data)
        body = self.text(body_key, data)
        if data.get("recorded_expiry") and data.get("kind") != "confirm":
            # A renewal nobody confirmed must not read as a card safe until its new date.
            body = f"{body}\n\n{self.text('unconfirmed_note', data)}"
        # "Today is the last day" read in London of a Hong Kong card: today on Hong Kong's clock.
        if body_key not in WITHOUT_CLOCK and (note := self.clock_note(zone)):
            body = f"{body}\n\n{note}"
        if (
            body_key == "last_day_message"
            and isinstance(grace_end := data.get("grace_end"), str)
            and grace_end != data.get("deadline")
        ):
            # Said on the last day only: earlier, it would read as leave to top up late.
            body = f"{body} {self.text('grace_note', data)}"
        if url := data.get("renewal_url"):
            body = f"{body}\n\n{self.text('official_page', data)} {url}"
        return self.text(title_key, data), body

    def links(self, data: dict[str, Any]) -> str:
        """Return links from a notification to where the card's renewal is recorded."""
        links = []
        if device_id := data.get("device_id"):
            links.append(f"[{self.text('open_card', data)}](/config/devices/device/{device_id})")
        if data.get("status") in LAPSED:
            # A lapsed card's repair records the renewal, or confirms or takes one back.
            links.append(f"[{self.text('open_repairs', data)}](/config/repairs)")
        return " · ".join(links)

    def renewed_message(self, data: dict[str, Any]) -> tuple[str, str]:
        """Return what a renewal did: the old and new expiry, the amount, and what to check."""
        lines = [self.text("renewed_message", data)]
        if (amount := data.get("amount")) is not None:
            paid = written_amount(amount, str(data.get("currency", "")))
            lines.append(self.selector.fill("renewed_amount", "renewed_amount", amount=paid))
        if not data.get("confirmed"):
            lines.append(self.text("renewed_check", data))
        if url := data.get("renewal_url"):
            lines.append(f"{self.text('official_page', data)} {url}")
        return self.text("renewed_title", data), "\n\n".join(lines)

    def message_read(self, data: dict[str, Any], outcome: str) -> tuple[str, str]:
        """Return what a carrier's message did to a card, or the question when it read two ways."""
        lines = [self.text(MESSAGE_TEXTS[outcome], data)]
        if outcome == "renewed" and data.get("unconfirmed"):
            lines.append(self.text("message_unconfirmed", data))
        return self.text("message_title", data), "\n\n".join(lines)
