"""Reminders that reach people with no automation: a notification per card, notify targets."""

from __future__ import annotations

from datetime import date
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    EVENT_CONFIRMED,
    EVENT_EXPIRED,
    EVENT_MESSAGE_READ,
    EVENT_REMINDER,
    EVENT_RENEWED,
    EVENT_UNDONE,
    LOGGER,
)
from .money import written_amount
from .phones import PhoneSender
from .speakers import SpeakerAnnouncer
from .spoken_dates import spoken_date
from .texts import SelectorTexts
from .zone_labels import zone_key

MISSING_TARGETS_ISSUE = "notify_targets_missing"


def notification_id(card_id: str) -> str:
    """Return the id of a card's notification: one per card, replaced by the next."""
    return f"{DOMAIN}_{card_id}"


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


class ReminderNotifier:
    """Shows each reminder as its card's notification and sends it to the chosen notify entities."""

    def __init__(self, hass: HomeAssistant, persistent: bool, targets: list[str]) -> None:
        """Remember where reminders go."""
        self.hass = hass
        self.persistent = persistent
        self.targets = targets
        self.card_ids: set[str] = set()
        # Each card's zone by its IANA name, kept up to date by the hub.
        self.zones: dict[str, str] = {}
        self._texts = SelectorTexts(hass, "notification")
        self._zone_names = SelectorTexts(hass, "time_zone")
        # The household's phones, through the companion app, with buttons.
        self.phones = PhoneSender(hass, self._texts)
        # The household's speakers, in short, outside quiet hours.
        self._speech = SelectorTexts(hass, "speech")
        self.speakers = SpeakerAnnouncer(hass, self._speech)
        # The phones' live notifications are kept in the speakers' file, written together.
        self.speakers.kept_with = lambda: {"phones": self.phones.live()}
        self.phones.changed = self.speakers.changed

    async def async_start(self, card_ids: set[str]) -> list[CALLBACK_TYPE]:
        """Load the texts and listen for the hub's events; return what stops listening."""
        self.card_ids = card_ids
        await self._async_load_texts()
        bus = self.hass.bus
        return [
            bus.async_listen(EVENT_REMINDER, self._handle),
            bus.async_listen(EVENT_EXPIRED, self._handle),
            bus.async_listen(EVENT_RENEWED, self._handle_renewed),
            bus.async_listen(EVENT_MESSAGE_READ, self._handle_message_read),
            bus.async_listen(EVENT_CONFIRMED, self._handle_settled),
            bus.async_listen(EVENT_UNDONE, self._handle_settled),
            bus.async_listen(EVENT_CORE_CONFIG_UPDATE, self._async_language_changed),
        ]

    async def _async_language_changed(self, event: Event) -> None:
        """Write later notifications in the new language."""
        await self._async_load_texts()

    async def _async_load_texts(self) -> None:
        """Read the notifications' texts and the zones' names in Home Assistant's language."""
        await self._texts.async_load()
        await self._zone_names.async_load()
        await self._speech.async_load()

    def text(self, key: str, data: dict[str, Any]) -> str:
        """Return one text filled in with the event's values."""
        language = self.hass.config.language
        today = dt_util.now().date()
        days = data.get("days_until_deadline")
        values = {
            "name": str(data.get("name", "")),
            # "in 1 day", "in 3 days": the count comes with its unit, in the right form.
            "days": self._texts.days(days) if isinstance(days, int) else "",
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
        return self._texts.fill(key, key, **values)

    def clock_note(self, card_id: object) -> str | None:
        """Return whose clock a card's days are counted on, when it is not Home Assistant's."""
        zone = self.zones.get(str(card_id))
        if zone is None or zone == self.hass.config.time_zone:
            return None
        # A zone typed rather than picked from the list is named by its IANA name.
        name = self._zone_names.fill(zone_key(zone), zone)
        return self._texts.fill("clock_note", "clock_note", zone=name)

    def message(self, data: dict[str, Any]) -> tuple[str, str]:
        """Return a notification's title and body, with the card's clock and official page."""
        title_key, body_key = message_keys(data)
        body = self.text(body_key, data)
        if data.get("recorded_expiry") and data.get("kind") != "confirm":
            # A renewal nobody confirmed must not read as a card safe until its new date.
            body = f"{body}\n\n{self.text('unconfirmed_note', data)}"
        # "Today is the last day" read in London of a Hong Kong card: today on Hong Kong's clock.
        if body_key not in WITHOUT_CLOCK and (note := self.clock_note(data.get("card_id"))):
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

    @callback
    def _handle(self, event: Event) -> None:
        """Show a reminder or an expiry of one of this hub's cards."""
        data = dict(event.data)
        if (card_id := data.get("card_id")) not in self.card_ids:
            return
        title, body = self.message(data)
        reachable = self._reachable_targets()
        url = data.get("renewal_url")
        on_phone = self.phones.send(
            card_id,
            str(data.get("kind", "expired")),
            title,
            body,
            url if isinstance(url, str) else None,
        )
        self.speakers.announce(data)
        # A reminder must reach someone: with no notify entity or phone, it shows in Notifications.
        if self.persistent or not (reachable or on_phone):
            # Links work only inside Home Assistant: a phone's notification goes without them.
            shown = f"{body}\n\n{links}" if (links := self.links(data)) else body
            persistent_notification.async_create(
                self.hass, shown, title=title, notification_id=notification_id(card_id)
            )
        if reachable:
            self.hass.async_create_task(
                self._async_send(reachable, title, body),
                f"{DOMAIN} notify {card_id}",
                eager_start=True,
            )

    def _reachable_targets(self) -> list[str]:
        """Return the chosen notify entities that exist; a repair names the ones that do not."""
        if not self.targets:
            return []
        sending = self.hass.services.has_service("notify", "send_message")
        reachable = [t for t in self.targets if sending and self.hass.states.get(t) is not None]
        missing = [target for target in self.targets if target not in reachable]
        if missing:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                MISSING_TARGETS_ISSUE,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="notify_targets_missing",
                translation_placeholders={"targets": ", ".join(missing)},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, MISSING_TARGETS_ISSUE)
        return reachable

    async def _async_send(self, targets: list[str], title: str, body: str) -> None:
        """Send a reminder to the notify entities chosen in the hub's options."""
        try:
            await self.hass.services.async_call(
                "notify",
                "send_message",
                {"entity_id": targets, "title": title, "message": body},
                blocking=True,
            )
        except HomeAssistantError as err:
            # Said once per reminder, without a traceback: the repair says what to do.
            LOGGER.warning("A reminder could not be sent to the chosen notify entities: %s", err)

    def renewed_message(self, data: dict[str, Any]) -> tuple[str, str]:
        """Return what a renewal did: the old and new expiry, the amount, and what to check."""
        lines = [self.text("renewed_message", data)]
        if (amount := data.get("amount")) is not None:
            paid = written_amount(amount, str(data.get("currency", "")))
            lines.append(self._texts.fill("renewed_amount", "renewed_amount", amount=paid))
        if not data.get("confirmed"):
            lines.append(self.text("renewed_check", data))
        if url := data.get("renewal_url"):
            lines.append(f"{self.text('official_page', data)} {url}")
        return self.text("renewed_title", data), "\n\n".join(lines)

    @callback
    def _handle_renewed(self, event: Event) -> None:
        """Say what a renewal changed, in place of the card's reminder."""
        if (card_id := event.data.get("card_id")) not in self.card_ids:
            return
        # Renewed anywhere: a waiting announcement and the phones' buttons are out of date.
        self.speakers.withdraw(card_id)
        if self.phones.forget(card_id):
            self.phones.clear(card_id)
        if not self.persistent:
            self.dismiss(card_id)
            return
        title, body = self.renewed_message(dict(event.data))
        # The card's page is where a renewal that did not go through is taken back.
        if links := self.links(dict(event.data)):
            body = f"{body}\n\n{links}"
        persistent_notification.async_create(
            self.hass, body, title=title, notification_id=notification_id(card_id)
        )

    @callback
    def _handle_settled(self, event: Event) -> None:
        """Drop a waiting announcement of a renewal since confirmed or taken back."""
        if (card_id := event.data.get("card_id")) in self.card_ids:
            self.speakers.withdraw(card_id)

    @callback
    def _handle_message_read(self, event: Event) -> None:
        """Say what a carrier's message did to a card, or ask when it read two ways."""
        data = dict(event.data)
        outcome = data.get("outcome")
        if (card_id := data.get("card_id")) not in self.card_ids or outcome not in MESSAGE_TEXTS:
            return
        lines = [self.text(MESSAGE_TEXTS[outcome], data)]
        if outcome == "renewed" and data.get("unconfirmed"):
            lines.append(self.text("message_unconfirmed", data))
        if self.persistent:
            persistent_notification.async_create(
                self.hass,
                "\n\n".join(lines),
                title=self.text("message_title", data),
                notification_id=notification_id(card_id),
            )

    @callback
    def dismiss(self, card_id: str) -> None:
        """Dismiss a card's notification, if it shows one."""
        persistent_notification.async_dismiss(self.hass, notification_id(card_id))
