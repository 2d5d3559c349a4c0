"""Seeded random walks through a household's life, checking after every step that all agree.

Each walk renews (button, action, plan, stated expiry), confirms (with and without a date),
undoes, corrects, edits the card's form, records use and balance, snoozes, jumps 0 to 400 days,
reloads and restarts. After each step: the hub is loaded, each card's entities agree with each
other and with the history, no entry is lost, no expiry moves without an entry, and each card
shows at most its one notification.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
import random
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.model import local_today
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, setup_entry

# Enough walks under "ci" to find a marker left on after a correction to the same date.
SEEDS = 40 if settings.get_current_profile_name() == "ci" else 8
STEPS = 40
CARDS = {"Mum's CMHK": "mum_s_cmhk", "Dad's csl": "dad_s_csl"}


def entity(card: str, key: str) -> str:
    """Return the entity id of one of a card's entities."""
    platform = {
        "expiry_date": "date",
        "renewal_to_confirm": "binary_sensor",
        "renewal_due": "binary_sensor",
        "renew": "button",
        "confirm_renewal": "button",
    }.get(key, "sensor")
    return f"{platform}.{CARDS[card]}_{key}"


class Walk:
    """One household and what a walk has seen of it."""

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory, seed: int) -> None:
        """Start from nothing recorded."""
        self.hass = hass
        self.freezer = freezer
        self.rng = random.Random(seed)
        self.entry: MockConfigEntry
        self.counts: dict[str, int] = {}
        self.expiries: dict[str, str] = {}

    async def start(self) -> None:
        """Add the household: Mum's card with plans and grace, Dad's with an activity rule."""
        self.entry = MockConfigEntry(
            domain=DOMAIN,
            data={},
            options=dict(HUB_OPTIONS),
            subentries_data=[
                card_subentry(
                    plans=[
                        {"name": "Yearly", "renewal_period": 12, "renewal_period_unit": "months"}
                    ]
                ),
                card_subentry(**{**DAD_CARD, "renewal_period": 30, "activity_interval_days": 60}),
            ],
        )
        await setup_entry(self.hass, self.entry)
        self.remember()

    def card_id(self, card: str) -> str:
        """Return a card's subentry id."""
        return next(k for k, s in self.entry.subentries.items() if s.data["name"] == card)

    def remember(self) -> None:
        """Keep what the checks compare the next step with."""
        records = self.entry.runtime_data.records
        for card in CARDS:
            card_id = self.card_id(card)
            self.counts[card] = len(records[card_id]["history"])
            self.expiries[card] = expiry_of(self.entry, card_id)

    async def step(self) -> str:
        """Take one random step; return what it was."""
        card = self.rng.choice(list(CARDS))
        status = entity(card, "status")
        day = (dt_util.now() - timedelta(days=self.rng.randint(0, 3))).date().isoformat()
        choices: list[tuple[str, str, dict[str, Any]]] = [
            ("button", "press", {"entity_id": entity(card, "renew")}),
            ("button", "press", {"entity_id": entity(card, "confirm_renewal")}),
            (DOMAIN, "renew", {"entity_id": status}),
            (DOMAIN, "renew", {"entity_id": status, "plan": "Yearly", "date": day}),
            (DOMAIN, "renew", {"entity_id": status, "new_expiry": self._some_day()}),
            (DOMAIN, "confirm_renewal", {"entity_id": status}),
            (DOMAIN, "confirm_renewal", {"entity_id": status, "expiry_date": self._some_day()}),
            (DOMAIN, "undo_renewal", {"entity_id": status}),
            (DOMAIN, "set_expiry", {"entity_id": status, "expiry_date": self._some_day()}),
            (DOMAIN, "set_expiry", {"entity_id": status, "expiry_date": self.expiries[card]}),
            (DOMAIN, "record_activity", {"entity_id": status}),
            (DOMAIN, "set_balance", {"entity_id": status, "amount": self.rng.randint(0, 99)}),
            (DOMAIN, "snooze", {"entity_id": status, "days": self.rng.randint(1, 30)}),
        ]
        what = self.rng.randrange(len(choices) + 4)
        if what < len(choices):
            domain, service, data = choices[what]
            # A refusal is a fine outcome: what follows checks that it changed nothing wrong.
            with suppress(ServiceValidationError):
                await self.hass.services.async_call(domain, service, data, blocking=True)
            await self.hass.async_block_till_done()
            return f"{service} {data}"
        if what == len(choices):
            subentry = self.entry.subentries[self.card_id(card)]
            changed = {"expiry_date": self._some_day(), "grace_days": self.rng.randint(0, 30)}
            self.hass.config_entries.async_update_subentry(
                self.entry, subentry, data={**subentry.data, **changed}
            )
            await self.hass.async_block_till_done()
            return f"form {changed}"
        if what == len(choices) + 1:
            days = self.rng.choice([0, 1, 1, 2, 7, 30, 181, 400])
            self.freezer.tick(timedelta(days=days, hours=self.rng.randint(0, 23)))
            async_fire_time_changed(self.hass, dt_util.utcnow())
            await self.hass.async_block_till_done()
            return f"jump {days} days"
        if what == len(choices) + 2:
            await self.hass.config_entries.async_reload(self.entry.entry_id)
            await self.hass.async_block_till_done()
            return "reload"
        assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()
        return "restart"

    def _some_day(self) -> str:
        """Return a day around today, as a user or carrier might give one."""
        return (dt_util.now() + timedelta(days=self.rng.randint(-40, 400))).date().isoformat()

    def check(self, what: str) -> None:
        """Check everything that must hold after any step."""
        assert self.entry.state is ConfigEntryState.LOADED, what
        hub = self.entry.runtime_data
        notes = persistent_notification._async_get_or_create_notifications(self.hass)
        ours = [key for key in notes if key.startswith(f"{DOMAIN}_")]
        assert {key.removeprefix(f"{DOMAIN}_") for key in ours} <= set(self.entry.subentries)
        for card in CARDS:
            card_id = self.card_id(card)
            view = hub.cards[card_id]
            history = hub.records[card_id]["history"]
            expiry = expiry_of(self.entry, card_id)
            # No entry is lost: an undo takes a renewal back and records itself in its place.
            assert len(history) >= self.counts[card], what
            if expiry != self.expiries[card]:
                # No expiry moves without an entry that says so, the newest of its kind.
                last = next(e for e in reversed(history) if "new_expiry" in e)
                assert last["new_expiry"] == expiry, what
                assert len(history) > self.counts[card] or last["kind"] == "undo", what
            # The entities agree with each other and with what is recorded.
            today = local_today(dt_util.utcnow(), view.config.time_zone)
            assert self.hass.states.get(entity(card, "expiry_date")).state == expiry, what
            days = self.hass.states.get(entity(card, "days_until_expiry")).state
            assert int(days) == (view.config.expiry_date - today).days, what
            status = self.hass.states.get(entity(card, "status"))
            assert status.state == view.state.status.value, what
            assert status.attributes["deadline"] == view.state.deadline.isoformat(), what
            waiting = hub.records[card_id]["reminders"].get("confirm") is not None
            assert status.attributes["unconfirmed"] is waiting, what
            marker = self.hass.states.get(entity(card, "renewal_to_confirm")).state
            assert marker == ("on" if waiting else "off"), what
            due = self.hass.states.get(entity(card, "renewal_due")).state
            assert due == ("off" if view.state.status.value == "active" else "on"), what
        self.remember()


@pytest.mark.parametrize("seed", range(SEEDS))
async def test_a_random_walk_keeps_everything_in_agreement(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seed: int
) -> None:
    """Every step of a seeded walk leaves the household consistent."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2026-11-22T04:00:00+00:00")
    walk = Walk(hass, freezer, seed)
    await walk.start()
    for _ in range(STEPS):
        walk.check(await walk.step())
