"""What Assist says about a card, as text keys and values; free of Home Assistant.

A card's answer counts from its deadline (the day the number is really at risk: an unconfirmed
renewal's recorded expiry does not count yet, a use the card must see may come first), says
the date as people say it in the asked language, and calls out grace and confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .card_view import CardView
from .model import CardStatus, DeadlineReason
from .spoken_dates import said_date


@dataclass(frozen=True, slots=True)
class Said:
    """One sentence of an answer: its text key and what fills it in (days still as a count)."""

    key: str
    values: dict[str, str]
    days: int | None = None


def text_language(language: str | None) -> str:
    """Return the translation an asked language reads: en, zh-Hant or zh-Hans."""
    code = (language or "en").replace("_", "-").casefold()
    if not code.startswith("zh"):
        return "en"
    # Hong Kong, Macau and Taiwan write Traditional characters; the mainland and Singapore
    # Simplified, as does plain "zh".
    if any(part in code for part in ("hant", "-hk", "-mo", "-tw")):
        return "zh-Hant"
    return "zh-Hans"


def card_answer(view: CardView, language: str) -> list[Said]:
    """Return what Assist says about one card: when it must be renewed, and what waits."""
    today = view.state.today
    state = view.state
    name = view.config.name

    def day(value: date) -> str:
        return said_date(value, language, today)

    said: list[Said]
    if state.status is CardStatus.EXPIRED:
        said = [Said("expired", {"name": name, "date": day(state.deadline)})]
    elif state.status is CardStatus.GRACE_PERIOD:
        said = [
            Said(
                "grace",
                {"name": name, "date": day(state.deadline), "grace_end": day(view.grace_end)},
            )
        ]
    elif state.deadline_reason is DeadlineReason.ACTIVITY:
        values = {
            "name": name,
            "date": day(state.deadline),
            "expiry": day(view.standing_expiry or view.config.expiry_date),
        }
        if state.days_until_deadline == 0:
            said = [Said("use_today", values)]
        else:
            said = [Said("use_by", values, state.days_until_deadline)]
    elif state.days_until_deadline == 0:
        said = [Said("expires_today", {"name": name, "date": day(state.deadline)})]
    else:
        said = [
            Said("expires", {"name": name, "date": day(state.deadline)}, state.days_until_deadline)
        ]
    if view.unconfirmed:
        said.append(Said("unconfirmed", {"recorded": day(view.config.expiry_date)}))
    return said


def is_due(view: CardView, within_days: int) -> bool:
    """Return whether a card's deadline is at most `within_days` away, or passed in grace."""
    if view.state.status is CardStatus.EXPIRED:
        # The number is gone: nothing to renew in time; the card's own answer says so.
        return False
    return view.state.days_until_deadline <= within_days


def due_answer(views: list[CardView], within_days: int, language: str) -> list[Said]:
    """Return what Assist says about the cards due within some days, soonest first."""
    due = [view for view in views if is_due(view, within_days)]
    if not due:
        return [Said("due_none", {}, within_days)]
    head = Said("due_one" if len(due) == 1 else "due_other", {"count": str(len(due))}, within_days)
    return [head, *(said for view in due for said in card_answer(view, language))]


def renewed_answer(
    name: str, old_expiry: date, new_expiry: date, language: str, today: date
) -> Said:
    """Return what Assist says once it recorded a renewal, which waits for the carrier's word."""
    return Said(
        "renewed",
        {
            "name": name,
            "old_expiry": said_date(old_expiry, language, today),
            "new_expiry": said_date(new_expiry, language, today),
        },
    )
