"""A card's view at a moment, from its settings and its record; free of Home Assistant."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from .card_config import CardConfig
from .card_view import CardView, renews_itself
from .change_rules import standing_expiry
from .history import RenewalFigures
from .history_file import is_day
from .model import card_state, local_today, rolled_steps
from .records import CardRecord


def _activity_since(record: CardRecord) -> str | None:
    """Return the day a card's activity rule was turned on, if the record holds a readable one."""
    since = record.get("activity_since")
    return since if is_day(since) else None


def card_view(
    card_id: str,
    config: CardConfig,
    record: CardRecord,
    figures: RenewalFigures,
    *,
    reminder_days: tuple[int, ...],
    now: datetime,
) -> tuple[CardView, bool]:
    """Return a card's view at `now`, and whether it renewed itself with no record of it yet.

    `config` holds the card's recorded expiry.
    """
    # Until a first use is recorded, the activity interval counts from the day it was added.
    last_activity = date.fromisoformat(
        max(record["last_activity"] or record["added"], _activity_since(record) or "")
    )
    today = local_today(now, config.time_zone)
    standing = standing_expiry(record)
    roll_undone = record["reminders"].get("roll_undone") == config.expiry_date.isoformat()
    unconfirmed = record["reminders"].get("confirm") is not None
    rolled = (
        config.auto_renew
        and config.period is not None
        and config.expiry_date < today
        and not roll_undone
    )
    if rolled and config.period is not None:
        # It has renewed itself at the end of its expiry day; the record follows shortly,
        # unconfirmed, so the expiry it replaced stands until the carrier shows the new one.
        steps = rolled_steps(config.expiry_date, config.period, today, config.anchor_day)
        standing = standing or config.expiry_date
        unconfirmed = True
        config = replace(config, expiry_date=steps[-1][1])
    if standing is not None and standing >= config.expiry_date:
        standing = None  # the recorded expiry is the earlier: it is the one that counts
    state = card_state(
        config.rules(last_activity, standing),
        now,
        reminder_days,
        renews_itself=renews_itself(config, standing, roll_undone),
    )
    spent = figures.spent(state.today)
    view = CardView(
        card_id=card_id,
        config=config,
        state=state,
        last_renewed=figures.last_renewed,
        balance=record["balance"],
        spent_last_365_days=spent.get(config.currency, 0.0),
        spent_by_currency=spent,
        unconfirmed=unconfirmed,
        added=date.fromisoformat(record["added"]),
        standing_expiry=standing,
        roll_undone=roll_undone,
        receipts=figures.receipts(),
    )
    return view, rolled
