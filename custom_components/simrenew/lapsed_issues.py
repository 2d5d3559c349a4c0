"""Repair issues for cards past their deadline: raised and cleared as the status moves."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .card_view import CardView
from .const import DOMAIN
from .model import CardStatus
from .spoken_dates import spoken_date

ISSUE_KEYS = {
    CardStatus.GRACE_PERIOD: ("card_in_grace", ir.IssueSeverity.WARNING),
    CardStatus.EXPIRED: ("card_expired", ir.IssueSeverity.ERROR),
}


LAPSED_PREFIX = "lapsed_"
UNREADABLE_PREFIX = "unreadable_card_"


def lapsed_issue_id(card_id: str) -> str:
    """Return the id of a card's lapsed-card issue."""
    return f"{LAPSED_PREFIX}{card_id}"


@callback
def async_sync_lapsed_issue(hass: HomeAssistant, entry_id: str, view: CardView) -> None:
    """Raise the issue while a card is in grace or expired; clear it otherwise."""
    issue_id = lapsed_issue_id(view.card_id)
    if (key := ISSUE_KEYS.get(view.state.status)) is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    translation_key, severity = key
    language, today = hass.config.language, dt_util.now().date()
    placeholders = {
        "name": view.config.name,
        "deadline": spoken_date(view.state.deadline, language, today),
        "grace_end": spoken_date(view.grace_end, language, today),
    }
    if view.recorded_expiry is not None:
        # Past the deadline that still stands, with a renewal nobody confirmed: the fix is to
        # confirm it, enter the carrier's date, or take it back.
        translation_key = f"{translation_key}_unconfirmed"
        placeholders["recorded_expiry"] = spoken_date(view.recorded_expiry, language, today)
    elif view.state.status is CardStatus.EXPIRED and view.config.grace_days == 0:
        # "Its grace period is over" would be wrong of a card that never had one.
        translation_key = "card_expired_no_grace"
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=False,
        severity=severity,
        translation_key=translation_key,
        translation_placeholders=placeholders,
        data={"entry_id": entry_id, "card_id": view.card_id},
    )


@callback
def async_sync_unreadable_issues(
    hass: HomeAssistant, entry: ConfigEntry, unreadable: dict[str, str]
) -> None:
    """Raise an issue for each card whose stored settings cannot be read; clear the others."""
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        if (
            domain == DOMAIN
            and issue_id.startswith(UNREADABLE_PREFIX)
            and issue_id.removeprefix(UNREADABLE_PREFIX) in entry.subentries
            and issue_id.removeprefix(UNREADABLE_PREFIX) not in unreadable
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    for card_id, title in unreadable.items():
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"{UNREADABLE_PREFIX}{card_id}",
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="unreadable_card",
            translation_placeholders={"name": title},
        )
