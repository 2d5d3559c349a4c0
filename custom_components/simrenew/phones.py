"""Reminders on the household's phones through the companion app, with buttons that act once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import re
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util, slugify

from .const import DOMAIN, LOGGER
from .renewal import Renewal
from .unreachable import UnreachableTargets

if TYPE_CHECKING:
    from .hub import SimRenewHub
    from .texts import SelectorTexts

PHONE_PREFIX = "mobile_app_"
EVENT_NOTIFICATION_ACTION = "mobile_app_notification_action"
# A button left this long is stale: the card may have changed in ways the phone cannot show.
ANSWER_WITHIN_SECONDS = 12 * 3600
RENEWED, SNOOZE, CONFIRMED = "RENEWED", "SNOOZE", "CONFIRMED"

# SIMRENEW_<what>_<card id>_<when sent>. The phone blueprint's ids end in a run's context id,
# never in "_<digits>", so a tap on its buttons is never taken for one of these.
_ACTION_ID = re.compile(r"SIMRENEW_(RENEWED|SNOOZE|CONFIRMED)_([A-Za-z0-9]{1,64})_([0-9]{1,12})")


@dataclass(frozen=True, slots=True)
class Tap:
    """A button of one of simrenew's own notifications: what it does, to which card, when sent."""

    what: str
    card_id: str
    sent: int


def action_id(what: str, card_id: str, sent: int) -> str:
    """Return the id of a notification's button."""
    return f"SIMRENEW_{what}_{card_id}_{sent}"


def parse_action(value: object) -> Tap | None:
    """Return the button a tap answers, or None for anything not one of simrenew's own."""
    if not isinstance(value, str) or not (match := _ACTION_ID.fullmatch(value)):
        return None
    return Tap(match.group(1), match.group(2), int(match.group(3)))


def notification_tag(card_id: str) -> str:
    """Return a card's tag on a phone: a newer notification replaces the older."""
    # The phone blueprint's tag too: a household with both sees one notification per card.
    return f"{DOMAIN}-{card_id}"


def phone_names(hass: HomeAssistant) -> dict[str, str]:
    """Return the household's phones, by notify action name, named as their devices are."""
    services = sorted(
        name
        for name in hass.services.async_services_for_domain("notify")
        if name.startswith(PHONE_PREFIX)
    )
    named: dict[str, str] = {}
    registry = dr.async_get(hass)
    for entry in hass.config_entries.async_entries("mobile_app"):
        name = str(entry.data.get("device_name") or entry.title)
        devices = dr.async_entries_for_config_entry(registry, entry.entry_id)
        shown = next((d.name_by_user or d.name or name for d in devices), name)
        named[f"{PHONE_PREFIX}{slugify(name)}"] = shown
    return {f"notify.{service}": named.get(service, service) for service in services}


class PhoneSender:
    """Sends each card's reminder to the chosen phones and answers their buttons once."""

    def __init__(self, hass: HomeAssistant, texts: SelectorTexts) -> None:
        """Nothing is sent until phones are chosen."""
        self.hass = hass
        self.phones: list[str] = []
        self._texts = texts
        # Per card, when its live notification was sent: the only one whose buttons act.
        self._live: dict[str, int] = {}
        self._last_sent = 0
        # Keeps the live notifications on disk, so a button still acts after a reload or restart.
        self.changed: Callable[[], None] = lambda: None
        # Phones that failed, said once each until they work again.
        self.unreachable = UnreachableTargets(
            hass,
            "phones",
            "phone_unreachable",
            lambda phone: {"phone": phone_names(hass).get(phone, phone)},
        )

    def _stamp(self) -> int:
        """Return when a notification is sent, in seconds, distinct from the one before."""
        self._last_sent = max(int(dt_util.utcnow().timestamp()), self._last_sent + 1)
        return self._last_sent

    def buttons(self, kind: str, card_id: str, sent: int, url: str | None) -> list[dict[str, str]]:
        """Return a reminder's buttons: renewed and snooze before the end, confirm when asked."""
        if kind in ("deadline", "grace"):
            return [
                {"action": action_id(RENEWED, card_id, sent), "title": self._label("renewed")},
                {"action": action_id(SNOOZE, card_id, sent), "title": self._label("snooze")},
            ]
        if kind != "confirm":
            return []
        offered = [
            {"action": action_id(CONFIRMED, card_id, sent), "title": self._label("confirmed")}
        ]
        if url:
            # Android opens `uri`, iOS `url`.
            offered.append(
                {"action": "URI", "title": self._label("open_page"), "uri": url, "url": url}
            )
        return offered

    def _label(self, button: str) -> str:
        """Return a button's title in Home Assistant's language."""
        key = f"phone_{button}"
        return self._texts.fill(key, key)

    @callback
    def send(self, card_id: str, kind: str, title: str, body: str, url: str | None) -> bool:
        """Send a card's reminder to every chosen phone there is; return whether one is."""
        reachable = self._reachable()
        if not reachable:
            return False
        sent = self._stamp()
        self._live[card_id] = sent
        self.changed()
        data: dict[str, Any] = {"tag": notification_tag(card_id)}
        if url:
            data["url"] = url
            data["clickAction"] = url
        if buttons := self.buttons(kind, card_id, sent, url):
            data["actions"] = buttons
        self._send_all(reachable, {"title": title, "message": body, "data": data}, card_id)
        return True

    @callback
    def clear(self, card_id: str) -> None:
        """Clear a card's notification on every chosen phone."""
        if self._live.pop(card_id, None) is not None:
            self.changed()
        if reachable := self._reachable():
            message = {"message": "clear_notification", "data": {"tag": notification_tag(card_id)}}
            self._send_all(reachable, message, card_id)

    @callback
    def forget(self, card_id: str) -> bool:
        """Make the buttons of a card's notification stale; return whether it had one live."""
        if self._live.pop(card_id, None) is None:
            return False
        self.changed()
        return True

    def live(self) -> dict[str, int]:
        """Return when each card's live notification was sent, to keep across a restart."""
        return dict(self._live)

    def restore(self, stored: object) -> None:
        """Take back the live notifications kept on disk; anything unreadable is left out."""
        if not isinstance(stored, dict):
            return
        for card_id, sent in stored.items():
            if (
                isinstance(card_id, str)
                and isinstance(sent, int)
                and not isinstance(sent, bool)
                and parse_action(action_id(RENEWED, card_id, sent)) is not None
            ):
                self._live[card_id] = sent
                self._last_sent = max(self._last_sent, sent)

    def _reachable(self) -> list[str]:
        """Return the chosen phones whose notify action exists; a repair names each missing one."""
        reachable = []
        for phone in self.phones:
            if self.hass.services.has_service("notify", phone.removeprefix("notify.")):
                reachable.append(phone)
            else:
                self.unreachable.failed(phone, "missing")
        return reachable

    def _send_all(self, phones: list[str], message: dict[str, Any], card_id: str) -> None:
        """Send one message to each phone on its own: one that fails stops no other."""
        for phone in phones:
            self.hass.async_create_task(
                self._async_send(phone, message), f"{DOMAIN} phone {card_id}", eager_start=True
            )

    async def _async_send(self, phone: str, message: dict[str, Any]) -> None:
        """Send one message to one phone."""
        try:
            await self.hass.services.async_call(
                "notify", phone.removeprefix("notify."), message, blocking=True
            )
        except Exception as err:
            # Whatever the companion app raises may hold the reminder's text: only its kind is
            # logged, and the other phones and the hub go on.
            self.unreachable.failed(phone, type(err).__name__)
            return
        self.unreachable.worked(phone)

    @callback
    def settle(self) -> None:
        """Withdraw the repairs of phones no longer chosen."""
        self.unreachable.settle(self.phones)

    @callback
    def take(self, value: object, known: Callable[[str], bool]) -> Tap | None:
        """Return the tap to act on, once: None for a stale, repeated or foreign one."""
        if (tap := parse_action(value)) is None or not known(tap.card_id):
            return None
        if self._live.get(tap.card_id) != tap.sent:
            return None
        self._live.pop(tap.card_id)
        self.changed()
        if dt_util.utcnow().timestamp() - tap.sent > ANSWER_WITHIN_SECONDS:
            return None
        return tap


async def async_act(hub: SimRenewHub, tap: Tap) -> None:
    """Do what a button says: record the renewal, snooze a day, or confirm."""
    try:
        if tap.what == RENEWED:
            await hub.changes.async_renew([tap.card_id], Renewal(source="notification"))
        elif tap.what == SNOOZE:
            await hub.changes.async_snooze([tap.card_id], 1)
        else:
            await hub.changes.async_confirm_renewal([tap.card_id], None, pending_only=True)
    except HomeAssistantError as err:
        LOGGER.warning("A notification's button could not act on its card: %s", err)


@callback
def async_listen_for_taps(hass: HomeAssistant, hub: SimRenewHub) -> CALLBACK_TYPE:
    """Answer the buttons of simrenew's own notifications, once per notification."""

    @callback
    def _tapped(event: Event) -> None:
        sender: PhoneSender = hub.notifier.phones
        if (tap := sender.take(event.data.get("action"), lambda card: card in hub.configs)) is None:
            return

        async def _async_answer() -> None:
            await async_act(hub, tap)
            sender.clear(tap.card_id)

        hub.entry.async_create_task(hass, _async_answer(), f"{DOMAIN} tap {tap.card_id}")

    return hass.bus.async_listen(EVENT_NOTIFICATION_ACTION, _tapped)
