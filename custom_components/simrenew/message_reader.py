"""Carrier messages reaching a household: which card each is about, and what it records.

A message is read outside the lock to find its card, then decided again under the lock against
what is recorded then, and written in one go: a message never leaves half a change behind.
The message's text is never kept, logged or fired; the history keeps the outcome, the sender
and the date text that was read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .change_writer import invalid_input
from .const import EVENT_MESSAGE_READ
from .message_outcomes import (
    CardFacts,
    CarrierMessage,
    Decision,
    Outcome,
    decide,
    latest_expiry,
    matching_card,
)
from .messages import MAX_MESSAGE_LENGTH, MessageReading, read_message
from .model import local_today
from .record_changes import async_set_balance
from .records import HistoryEntry
from .renewal import Renewal
from .renewal_changes import async_commit_renewals, async_confirm

if TYPE_CHECKING:
    from .hub import SimRenewHub

# A sender is a name or a short code; anything longer is not kept.
MAX_SENDER_LENGTH = 64


def check_message(text: str, sender: str | None) -> None:
    """Refuse a message too long to be a carrier's, with a translated error."""
    if len(text) > MAX_MESSAGE_LENGTH:
        raise invalid_input("message_too_long", max=str(MAX_MESSAGE_LENGTH))
    if sender is not None and len(sender) > MAX_SENDER_LENGTH:
        raise invalid_input("sender_too_long", max=str(MAX_SENDER_LENGTH))


def card_facts(hub: SimRenewHub, card_id: str, config: CardConfig, today: date) -> CardFacts:
    """Return what a message about one card is checked against, as recorded now."""
    standing = hub.ledger.standing_expiry(card_id)
    # A card renewed early by adding to its expiry reaches past today's plans: its expiry is
    # the day a renewal starts from, if later than today.
    start = max(today, config.expiry_date)
    plan_ends = [plan.period.after(start) for plan in config.plans]
    return CardFacts(
        card_id=card_id,
        numbers=tuple(
            number for number in (config.phone_number, config.second_phone_number) if number
        ),
        carrier=config.carrier,
        expiry=config.expiry_date,
        standing=standing,
        waiting=hub.records[card_id]["reminders"].get("confirm") is not None,
        waiting_on_message=any(
            entry["kind"] == "renewal"
            and entry.get("confirmed") is False
            and entry.get("channel") == "carrier_message"
            for entry in hub.records[card_id]["history"]
        ),
        today=today,
        latest=latest_expiry(start, plan_ends),
    )


def find_card(
    hubs: list[SimRenewHub],
    message: CarrierMessage,
    targeted: dict[str, SimRenewHub] | None,
) -> tuple[SimRenewHub | None, str | None, Outcome | None]:
    """Return the hub and card a message is about, or the outcome that says why there is none."""
    now = dt_util.utcnow()
    owners = (
        targeted
        if targeted is not None
        else {card_id: hub for hub in hubs for card_id in hub.configs}
    )
    # The hub's cards as it last read them are enough to find the card: what the message
    # does is decided again under the lock, against the card as stored then.
    facts = [
        card_facts(hub, card_id, config, local_today(now, config.time_zone))
        for card_id, hub in owners.items()
        if (config := hub.configs.get(card_id)) is not None
    ]
    reading = read_message(message.text[:MAX_MESSAGE_LENGTH], _received_day(message))
    if not reading.carrier_like:
        if targeted is not None and len(owners) == 1:
            ((card_id, hub),) = owners.items()
            return hub, card_id, Outcome.NOT_UNDERSTOOD
        return None, None, Outcome.NOT_UNDERSTOOD
    card, several = matching_card(
        reading, message.text, message.sender, facts, targeted=targeted is not None
    )
    if card is None:
        return None, None, Outcome.AMBIGUOUS if several else Outcome.NO_CARD
    return owners[card.card_id], card.card_id, None


def _received_day(message: CarrierMessage) -> date:
    """Return the day a message arrived on, in Home Assistant's zone."""
    return message.received.astimezone(dt_util.get_default_time_zone()).date()


async def async_read_for_card(hub: SimRenewHub, card_id: str, message: CarrierMessage) -> Decision:
    """Decide what the message does to the card under the lock, and record it."""
    return await hub.changes.writer.exclusive(lambda: _async_apply(hub, card_id, message))


def _note(message: CarrierMessage, decision: Decision, reading: MessageReading) -> HistoryEntry:
    """Return the history entry that says a message was read and what it did."""
    entry: HistoryEntry = {
        "kind": "message",
        "at": dt_util.utcnow().isoformat(),
        "source": "automatic" if message.automatic else "action",
        "outcome": decision.outcome.value,
    }
    if message.sender:
        entry["sender"] = message.sender
    if reading.expiry_text is not None:
        entry["matched"] = reading.expiry_text
    if decision.expiry is not None:
        entry["stated_expiry"] = decision.expiry.isoformat()
    return entry


async def _async_apply(hub: SimRenewHub, card_id: str, message: CarrierMessage) -> Decision:
    """Record what one message does to one card, all of it or nothing."""
    writer = hub.changes.writer
    config, today = writer.current(card_id)
    facts = card_facts(hub, card_id, config, today)
    # A date without its year is read on the card's calendar: the carrier's day it came on.
    received = message.received.astimezone(config.time_zone).date()
    reading = read_message(message.text[:MAX_MESSAGE_LENGTH], received)
    decision = decide(reading, facts, automatic=message.automatic)
    note = _note(message, decision, reading)
    outcome = decision.outcome
    if outcome is Outcome.NOT_UNDERSTOOD:
        return decision
    if outcome in (Outcome.UNCHANGED, Outcome.AMBIGUOUS):
        await hub.ledger.async_append([(card_id, note)])
    elif outcome is Outcome.BALANCE:
        assert decision.balance is not None
        await async_set_balance(
            writer,
            [card_id],
            decision.balance,
            decision.balance_currency,
            None,
            source="message",
            notes=[(card_id, note)],
        )
    elif outcome is Outcome.RENEWED:
        await _async_renewed(hub, card_id, decision, note, message)
    else:
        # Confirmed, or corrected to the carrier's date, which also settles what waits.
        await async_confirm(
            writer, [card_id], decision.expiry, source="message", notes=[(card_id, note)]
        )
    hub.async_refresh(dt_util.utcnow())
    return decision


async def _async_renewed(
    hub: SimRenewHub,
    card_id: str,
    decision: Decision,
    note: HistoryEntry,
    message: CarrierMessage,
) -> None:
    """Record a top-up made elsewhere that the message tells of; unconfirmed if automatic."""
    renewal = Renewal(
        source="message",
        channel="carrier_message",
        new_expiry=decision.expiry,
        amount=decision.amount,
        currency=decision.amount_currency,
        confirmed=not message.automatic,
    )
    at = dt_util.utcnow().isoformat()
    writer = hub.changes.writer
    try:
        entry = writer.plan_renewal(card_id, renewal, at)
    except ServiceValidationError:
        if decision.amount is None:
            raise
        # A stated amount the card's rules refuse (another currency, say) is left out.
        entry = writer.plan_renewal(card_id, replace(renewal, amount=None), at)
    await async_commit_renewals(writer, [(card_id, entry)], [(card_id, note)])


def fire_message_read(
    hass: HomeAssistant, hub: SimRenewHub | None, card_id: str | None, decision: Decision
) -> dict[str, Any]:
    """Tell automations what a message did, never what it said; return the action's answer."""
    fields: dict[str, Any] = {
        "outcome": decision.outcome.value,
        "card_id": card_id,
        "stated_expiry": None if decision.expiry is None else decision.expiry.isoformat(),
    }
    if hub is not None and card_id is not None and card_id in hub.cards:
        data = {**hub.event_base(hub.cards[card_id]), **fields}
        hass.bus.async_fire(EVENT_MESSAGE_READ, data)
        return {**fields, "name": data["name"], "expiry_date": data["expiry_date"]}
    hass.bus.async_fire(EVENT_MESSAGE_READ, fields)
    return fields


async def async_handle_message(
    hass: HomeAssistant,
    hubs: list[SimRenewHub],
    message: CarrierMessage,
    targeted: dict[str, SimRenewHub] | None = None,
) -> dict[str, Any]:
    """Read one message, record what it does, tell automations; return the outcome."""
    check_message(message.text, message.sender)
    hub, card_id, outcome = find_card(hubs, message, targeted)
    if outcome is not None or hub is None or card_id is None:
        decision = Decision(outcome=outcome or Outcome.NO_CARD, card_id=card_id)
    else:
        decision = await async_read_for_card(hub, card_id, message)
    return fire_message_read(hass, hub, card_id, decision)
