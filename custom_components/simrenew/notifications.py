"""Reminders that reach people with no automation: a notification per card, notify targets."""

from __future__ import annotations

from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

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
from .notification_texts import MESSAGE_TEXTS, NotificationTexts
from .phones import PhoneSender
from .speakers import SpeakerAnnouncer
from .texts import SelectorTexts

MISSING_TARGETS_ISSUE = "notify_targets_missing"


def notification_id(card_id: str) -> str:
    """Return the id of a card's notification: one per card, replaced by the next."""
    return f"{DOMAIN}_{card_id}"


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
        # What each notification says, in Home Assistant's language.
        self.texts = NotificationTexts(hass)
        # The household's phones, through the companion app, with buttons.
        self.phones = PhoneSender(hass, self.texts.selector)
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
        """Read the notifications', the zones' and the speakers' texts in the home's language."""
        await self.texts.async_load()
        await self._speech.async_load()

    @callback
    def _handle(self, event: Event) -> None:
        """Show a reminder or an expiry of one of this hub's cards."""
        data = dict(event.data)
        if (card_id := data.get("card_id")) not in self.card_ids:
            return
        title, body = self.texts.message(data, self.zones.get(str(card_id)))
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
            shown = f"{body}\n\n{links}" if (links := self.texts.links(data)) else body
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
        title, body = self.texts.renewed_message(dict(event.data))
        # The card's page is where a renewal that did not go through is taken back.
        if links := self.texts.links(dict(event.data)):
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
        if self.persistent:
            title, body = self.texts.message_read(data, outcome)
            persistent_notification.async_create(
                self.hass, body, title=title, notification_id=notification_id(card_id)
            )

    @callback
    def dismiss(self, card_id: str) -> None:
        """Dismiss a card's notification, if it shows one."""
        persistent_notification.async_dismiss(self.hass, notification_id(card_id))
