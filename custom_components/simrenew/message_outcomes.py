"""What one carrier message does to the household's cards; free of Home Assistant.

The reader (`messages.py`) says what a message states; this decides which card it is about and
what it changes. Nothing here writes: the Home Assistant layer records what is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from .messages import MessageReading, choose_expiry, matches_number, mentions_carrier
from .model import expiry_is_plausible

# Without plans, no renewal a carrier sells reaches further than this from today.
LONGEST_WITHOUT_PLANS = timedelta(days=400)


class Outcome(StrEnum):
    """What a message did."""

    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    RENEWED = "renewed"
    BALANCE = "balance"
    UNCHANGED = "unchanged"
    AMBIGUOUS = "ambiguous"
    NOT_UNDERSTOOD = "not_understood"
    NO_CARD = "no_card"


# Outcomes that change nothing recorded about a card's expiry, balance or confirmation.
CHANGES_NOTHING = frozenset(
    {Outcome.UNCHANGED, Outcome.AMBIGUOUS, Outcome.NOT_UNDERSTOOD, Outcome.NO_CARD}
)


@dataclass(frozen=True, kw_only=True, slots=True)
class CarrierMessage:
    """One message as it arrived: its text, who sent it, when, and whether a person sent it on."""

    text: str
    sender: str | None
    received: datetime
    # From a notification sensor or an automation, not a call that names the card: anything
    # could have posted it, so it never confirms a renewal of its own making.
    automatic: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class CardFacts:
    """What a message is checked against for one card."""

    card_id: str
    numbers: tuple[str, ...]
    carrier: str | None
    # The expiry recorded now, and the one that stands while a renewal waits for confirmation.
    expiry: date
    standing: date | None
    waiting: bool
    # The renewal that waits was itself read from an automatic source: no automatic message
    # may confirm it, or one forged notification could be confirmed by the next.
    waiting_on_message: bool = False
    today: date
    # The latest expiry a renewal of the card could give, from today or its expiry if later.
    latest: date


@dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    """What a message does to one card (or to none)."""

    outcome: Outcome
    card_id: str | None = None
    expiry: date | None = None
    balance: float | None = None
    balance_currency: str | None = None
    amount: float | None = None
    amount_currency: str | None = None


def latest_expiry(start: date, plan_ends: Sequence[date]) -> date:
    """Return the latest expiry a message may set: the card's longest plan from `start`."""
    return max(plan_ends, default=start + LONGEST_WITHOUT_PLANS)


def matching_card(
    reading: MessageReading,
    text: str,
    sender: str | None,
    cards: Sequence[CardFacts],
    *,
    targeted: bool,
) -> tuple[CardFacts | None, bool]:
    """Return the card a message is about, and whether several matched equally.

    A call that targets one card says which card it is about. Otherwise a number (in full or by
    the digits carriers leave unmasked) is stronger than a carrier's name; among equals, the
    card waiting for confirmation is the one a confirmation is for.
    """
    if targeted and len(cards) == 1:
        return cards[0], False
    by_number = [
        card for card in cards if any(matches_number(reading, number) for number in card.numbers)
    ]
    candidates = by_number or [
        card for card in cards if mentions_carrier(card.carrier, text, sender)
    ]
    if len(candidates) > 1:
        waiting = [card for card in candidates if card.waiting]
        candidates = waiting or candidates
    if len(candidates) == 1:
        return candidates[0], False
    return None, len(candidates) > 1


def decide(reading: MessageReading, card: CardFacts, *, automatic: bool = False) -> Decision:
    """Return what a message does to the card it is about.

    A message from an automatic source (anything on a phone could have posted it) never
    settles what another such message recorded, and never moves an expiry later by itself.
    """
    if reading.carrier_like and not reading.expiry_readings and reading.balance is not None:
        return _with_money(Decision(outcome=Outcome.BALANCE, card_id=card.card_id), reading)
    if not reading.carrier_like or not reading.expiry_readings:
        return Decision(outcome=Outcome.NOT_UNDERSTOOD, card_id=card.card_id)
    expected = {card.expiry, *([card.standing] if card.standing is not None else [])}
    stated = choose_expiry(reading.expiry_readings, expected)
    if stated is None:
        return Decision(outcome=Outcome.AMBIGUOUS, card_id=card.card_id)
    if stated > card.latest or not expiry_is_plausible(stated, card.today):
        # No renewal of this card reaches that far, and no card lapsed that long ago is still
        # kept: a forged or misread message.
        return Decision(outcome=Outcome.NOT_UNDERSTOOD, card_id=card.card_id)
    if automatic and (held := _held_back(stated, card)) is not None:
        return held
    if card.waiting:
        outcome = Outcome.CONFIRMED if stated == card.expiry else Outcome.CORRECTED
    elif stated == card.expiry:
        outcome = Outcome.UNCHANGED
    else:
        # A later date that has already passed is no renewal: the carrier says it lapsed.
        renewed = stated > card.expiry and stated >= card.today
        outcome = Outcome.RENEWED if renewed else Outcome.CORRECTED
    return _with_money(Decision(outcome=outcome, card_id=card.card_id, expiry=stated), reading)


def _held_back(stated: date, card: CardFacts) -> Decision | None:
    """Return what an automatic message may not do to the card, if this is such a thing."""
    if stated < card.expiry or (card.waiting and not card.waiting_on_message):
        # Earlier is the warning that matters; a tap waiting for the carrier's word is settled.
        return None
    if stated != card.expiry and stated < card.today:
        # Later than recorded yet already past: nothing a top-up gives; ask instead.
        return Decision(outcome=Outcome.AMBIGUOUS, card_id=card.card_id)
    if stated == card.expiry or card.waiting_on_message:
        return Decision(outcome=Outcome.UNCHANGED, card_id=card.card_id, expiry=stated)
    return None


def _with_money(decision: Decision, reading: MessageReading) -> Decision:
    """Return a decision with the balance and amount the message states."""
    return replace(
        decision,
        balance=reading.balance,
        balance_currency=reading.balance_currency,
        amount=reading.amount,
        amount_currency=reading.amount_currency,
    )
