"""What a speaker says of a reminder: the short form, worked out on the day it is said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# Reminder kinds worth saying aloud; anything else could mean anything, and silence beats a
# wrong announcement.
SPOKEN_KINDS = frozenset({"deadline", "grace", "confirm", "expired"})


@dataclass(frozen=True, slots=True)
class Announcement:
    """A reminder to say: what it is about, kept as dates so it reads right on a later day."""

    card_id: str
    kind: str
    name: str
    deadline: date
    grace_end: date
    expiry_date: date | None
    # The deadline is a chargeable use, not the expiry: a top-up alone would not keep the card.
    needs_use: bool
    # A renewal waits for the carrier's word: the deadline it replaced still stands.
    unconfirmed: bool

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> Announcement | None:
        """Return what to say of a reminder or expiry event; None for one not to be said."""
        kind = data.get("kind", "expired")
        if kind not in SPOKEN_KINDS or not isinstance(card_id := data.get("card_id"), str):
            return None
        deadline = _day(data.get("deadline"))
        if deadline is None:
            return None
        return cls(
            card_id=card_id,
            kind=kind,
            name=str(data.get("name", "")),
            deadline=deadline,
            grace_end=_day(data.get("grace_end")) or deadline,
            expiry_date=_day(data.get("expiry_date")),
            needs_use=data.get("deadline_reason") == "activity",
            unconfirmed=bool(data.get("recorded_expiry")) and kind != "confirm",
        )

    def as_stored(self) -> dict[str, Any]:
        """Return the announcement as it is kept while it waits for quiet hours to end."""
        return {
            "card_id": self.card_id,
            "kind": self.kind,
            "name": self.name,
            "deadline": self.deadline.isoformat(),
            "grace_end": self.grace_end.isoformat(),
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "deadline_reason": "activity" if self.needs_use else "expiry",
            "recorded_expiry": "yes" if self.unconfirmed else None,
        }

    def key(self, today: date) -> tuple[str, int]:
        """Return which sentence says it on `today`, and the days it counts."""
        if self.kind == "confirm":
            return "confirm", 0
        if self.kind == "expired":
            return "expired", 0
        if self.kind == "grace":
            days = (self.grace_end - today).days
            return (
                "grace_today" if days <= 0 else "grace_tomorrow" if days == 1 else "grace"
            ), days
        days = (self.deadline - today).days
        if days < 0:
            # Said a day late (quiet hours past the deadline): only a top-up helps now.
            return "overdue", days
        stem = "use_" if self.needs_use else ""
        return stem + ("today" if days == 0 else "tomorrow" if days == 1 else "days"), days


def _day(value: object) -> date | None:
    """Return a date the event carries as text; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
