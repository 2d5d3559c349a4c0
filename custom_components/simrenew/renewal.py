"""What a user says about one renewal; unset fields take the card's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True, slots=True)
class Renewal:
    """One renewal as reported by a button, an action, the to-do list or a repair."""

    source: str
    renewal_date: date | None = None
    amount: float | None = None
    currency: str | None = None
    channel: str = "other"
    payment_method: str | None = None
    reference: str | None = None
    new_expiry: date | None = None
    # The name of the card's plan renewed; None renews with the default plan.
    plan: str | None = None
    # Whether the expiry is known to be the carrier's; by default, when one was stated. A
    # message from an automatic source states one, yet anything could have sent it.
    confirmed: bool | None = None
