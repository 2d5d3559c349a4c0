"""Reminders said aloud on the household's speakers, never during quiet hours, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .quiet_hours import QuietHours
from .speech import Announcement
from .spoken_dates import said_date
from .unreachable import UnreachableTargets

if TYPE_CHECKING:
    from .texts import SelectorTexts

WAITING_VERSION = 1


def waiting_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return where announcements waiting for quiet hours to end are kept across restarts."""
    return Store(hass, WAITING_VERSION, f"{DOMAIN}.{entry_id}.announcements")


class SpeakerAnnouncer:
    """Says each card's reminder on the chosen speakers, holding it through quiet hours."""

    def __init__(self, hass: HomeAssistant, texts: SelectorTexts) -> None:
        """Nothing is said until speakers and a voice are chosen."""
        self.hass = hass
        self._texts = texts
        self.speakers: list[str] = []
        self.tts_entity: str | None = None
        self.quiet = QuietHours()
        # A card's own today, on its carrier's clock: a held reminder counts its days then.
        self.today_of: Callable[[str], date] = lambda _card: dt_util.now().date()
        # Asks the hub's single timer to wake at an instant, for the end of quiet hours.
        self.wake: Callable[[datetime], None] = lambda _when: None
        # The newest reminder per card waiting for quiet hours to end.
        self.waiting: dict[str, Announcement] = {}
        # Sentences due at this moment, said together once every card's reminder is in.
        self._due: list[str] = []
        self._store: Store[dict[str, Any]] | None = None
        # Whatever else is kept in the same file (the phones' live notifications).
        self.kept_with: Callable[[], dict[str, Any]] = dict
        self.unreachable = UnreachableTargets(
            hass, "speakers", "speaker_unreachable", self._describe
        )

    def _describe(self, target: str) -> dict[str, str]:
        """Return how the repair names a speaker or voice: as Home Assistant shows it."""
        state = self.hass.states.get(target)
        return {"speaker": str(state.name) if state is not None else target}

    async def async_load(self, store: Store[dict[str, Any]]) -> dict[str, Any]:
        """Read the announcements that were waiting when Home Assistant stopped; return the file."""
        self._store = store
        try:
            stored = await store.async_load()
        except (HomeAssistantError, NotImplementedError, ValueError) as err:
            # A file from a later release or edited by hand: the household starts regardless.
            LOGGER.warning("Announcements waiting for quiet hours could not be read (%s)", err)
            stored = None
        waiting = stored.get("waiting") if isinstance(stored, dict) else None
        for item in waiting if isinstance(waiting, list) else []:
            if isinstance(item, dict) and (held := Announcement.from_event(item)) is not None:
                self.waiting[held.card_id] = held
        return stored if isinstance(stored, dict) else {}

    async def async_save(self) -> None:
        """Write what is waiting now; called as the hub stops, so a reload loses nothing."""
        if self._store is not None:
            await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {
            **self.kept_with(),
            "waiting": [held.as_stored() for held in self.waiting.values()],
        }

    def changed(self) -> None:
        """Write the file soon: what it holds has changed."""
        self._changed()

    def _changed(self) -> None:
        if self._store is not None:
            self._store.async_delay_save(self._stored, 1)

    @property
    def chosen(self) -> bool:
        """Return whether there is anything to say reminders on."""
        return bool(self.speakers and self.tts_entity)

    @callback
    def announce(self, data: dict[str, Any]) -> None:
        """Say a reminder now, or hold it until quiet hours end."""
        if not self.chosen or (held := Announcement.from_event(data)) is None:
            return
        now = dt_util.now()
        if not self.hass.is_running or self.quiet.contains(now.time()):
            # A newer reminder of the card replaces the one waiting, as on a phone.
            self.waiting[held.card_id] = held
            self._changed()
            if self.hass.is_running:
                self.wake(self.quiet.ends_after(now))
            # Starting, the speakers' integrations may not be up: said once Home Assistant is.
            return
        self._say(held)

    @callback
    def withdraw(self, card_id: str) -> None:
        """Drop a card's waiting reminder: it was renewed, confirmed or removed meanwhile."""
        if self.waiting.pop(card_id, None) is not None:
            self._changed()

    @callback
    def release(self, current: Callable[[str], tuple[str, date] | None]) -> datetime | None:
        """Say what waited, once quiet hours are over; return when to look again if not yet.

        `current` gives a card's name and deadline now, None for a card no longer there.
        """
        if not self.waiting:
            return None
        if not self.hass.is_running:
            # Speakers come up with their integrations: what waited is said once all have.
            return None
        now = dt_util.now()
        if self.quiet.contains(now.time()):
            return self.quiet.ends_after(now)
        waiting, self.waiting = self.waiting, {}
        self._changed()
        if self.chosen:
            for card_id, held in waiting.items():
                # Renamed meanwhile: said by its name now. Its deadline moved (a corrected
                # expiry, a recorded use): the held sentence would give a wrong date.
                if (now_is := current(card_id)) is not None and now_is[1] == held.deadline:
                    self._say(replace(held, name=now_is[0]))
        return None

    def sentence(self, held: Announcement, today: date) -> str:
        """Return what is said of a reminder on `today`, in Home Assistant's language."""
        language = self.hass.config.language
        key, days = held.key(today)
        values = {
            "name": held.name,
            "days": self._texts.days(abs(days)),
            "deadline": said_date(held.deadline, language, today),
            "grace_end": said_date(held.grace_end, language, today),
            "expiry_date": said_date(held.expiry_date or held.deadline, language, today),
        }
        said = self._texts.fill(key, key, **values)
        if held.unconfirmed:
            # Chinese runs its sentences together; English puts a space between them.
            gap = "" if language.startswith("zh") else " "
            said = f"{said}{gap}{self._texts.fill('unconfirmed', 'unconfirmed')}"
        return said

    def _say(self, held: Announcement) -> None:
        """Say one reminder on every chosen speaker, with the others due at the same moment."""
        self._due.append(self.sentence(held, self.today_of(held.card_id)))
        if len(self._due) == 1:
            # Started after the reminders of this moment are all in: a speaker given a second
            # message while it says the first cuts the first off.
            self.hass.async_create_task(
                self._async_say_due(), f"{DOMAIN} speakers", eager_start=False
            )

    async def _async_say_due(self) -> None:
        """Say every reminder due now in one message on each chosen speaker, each on its own."""
        due, self._due = self._due, []
        gap = "" if self.hass.config.language.startswith("zh") else " "
        message = gap.join(due)
        for speaker in self.speakers:
            self.hass.async_create_task(
                self._async_say(speaker, message), f"{DOMAIN} speaker", eager_start=True
            )

    async def _async_say(self, speaker: str, message: str) -> None:
        """Say a message on one speaker; one that fails stops no other."""
        voice = self.tts_entity
        if voice is None:
            return
        if self.hass.states.get(voice) is None:
            self.unreachable.failed(voice, "missing")
            return
        if self.hass.states.get(speaker) is None:
            self.unreachable.failed(speaker, "missing")
            return
        try:
            await self.hass.services.async_call(
                "tts",
                "speak",
                {"entity_id": voice, "media_player_entity_id": speaker, "message": message},
                blocking=True,
            )
        except Exception as err:
            # Whatever a speaker's integration raises, its text may hold what was said: only
            # its kind is logged, and the other speakers and the hub go on.
            self.unreachable.failed(speaker, type(err).__name__)
            return
        self.unreachable.worked(speaker)
        self.unreachable.worked(voice)

    @callback
    def settle(self) -> None:
        """Withdraw the repairs of speakers and voices no longer chosen."""
        self.unreachable.settle([*self.speakers, *([self.tts_entity] if self.tts_entity else [])])
