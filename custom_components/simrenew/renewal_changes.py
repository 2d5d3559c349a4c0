"""Renewals, their confirmation and their undoing, written for the household's changes.

The rules decide what each records (change_rules.py, undo_rules.py); these check the card as
stored now, write it all in one write, and tell the entities and automations. Each runs under
the household's lock, taken by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .change_rules import moved_expiry, plan_confirmation, renewal_fields, rolled_renewals
from .change_writer import ChangeWriter, refusals_translated
from .const import EVENT_CONFIRMED
from .records import HistoryEntry
from .renewal import Renewal
from .undo_rules import plan_undo, undo_fields

type Moved = list[tuple[str, date, date]]


def _moved(entries: Sequence[tuple[str, HistoryEntry]]) -> Moved:
    """Return each card with the old and new expiry of its change."""
    return [
        (card_id, date.fromisoformat(entry["old_expiry"]), date.fromisoformat(entry["new_expiry"]))
        for card_id, entry in entries
    ]


async def async_renew(writer: ChangeWriter, card_ids: list[str], renewal: Renewal) -> Moved:
    """Renew every card or none: each is checked before any is written.

    Returns each card with its old and new expiry.
    """
    at = dt_util.utcnow().isoformat()
    planned = [(card_id, writer.plan_renewal(card_id, renewal, at)) for card_id in card_ids]
    await async_commit_renewals(writer, planned)
    return _moved(planned)


async def async_commit_renewals(
    writer: ChangeWriter,
    planned: list[tuple[str, HistoryEntry]],
    notes: Sequence[tuple[str, HistoryEntry]] = (),
) -> None:
    """Write renewals with their cards' new expiry, then tell the entities and automations.

    `notes` are written with them (a carrier message's own entry, say).
    """
    tomorrow = (dt_util.now() + timedelta(days=1)).date().isoformat()
    by_card: dict[str, list[HistoryEntry]] = {}
    for card_id, entry in planned:
        by_card.setdefault(card_id, []).append(entry)
    fields: dict[str, dict[str, Any]] = {}
    for card_id, entries in by_card.items():
        config, _ = writer.current(card_id)
        fields[card_id] = renewal_fields(config, writer.records[card_id], entries, tomorrow)
    await writer.async_write([*notes, *planned], fields)
    writer.refresh()
    writer.announce([*notes, *planned])


async def async_confirm(
    writer: ChangeWriter,
    card_ids: list[str],
    expiry: date | None,
    pending_only: bool = False,
    *,
    source: str = "confirm",
    notes: Sequence[tuple[str, HistoryEntry]] = (),
) -> None:
    """Confirm every card's renewal, or none; a different date from the carrier corrects it.

    `source` is where the carrier's date came from; `notes` are written with the change.
    """
    at = dt_util.utcnow().isoformat()
    corrections: list[tuple[str, HistoryEntry]] = []
    for card_id in card_ids:
        config, today = writer.current(card_id)
        with refusals_translated():
            entry = plan_confirmation(
                config,
                writer.records[card_id],
                expiry,
                today=today,
                at=at,
                source=source,
                pending_only=pending_only,
            )
        if entry is not None:
            corrections.append((card_id, entry))
    fields = {card_id: moved_expiry(entry["new_expiry"]) for card_id, entry in corrections}
    confirmed = await writer.async_write_settling([*notes, *corrections], card_ids, fields)
    writer.refresh()
    writer.announce(corrections)
    corrected = {card_id for card_id, _ in corrections}
    # A confirmation by the action is the default; any other names where it came from.
    named = {} if source == "confirm" else {"source": source}
    for card_id in confirmed:
        writer.fire(card_id, EVENT_CONFIRMED, {"corrected": card_id in corrected, **named})


async def async_undo(writer: ChangeWriter, card_ids: list[str]) -> Moved:
    """Undo every card's last renewal, or none; the undoing is itself recorded."""
    at = dt_util.utcnow().isoformat()
    planned: list[tuple[str, HistoryEntry, HistoryEntry]] = []
    configs: dict[str, CardConfig] = {}
    for card_id in card_ids:
        config, today = writer.current(card_id)
        configs[card_id] = config
        with refusals_translated():
            last, undo = plan_undo(
                config.name, writer.records[card_id], config.expiry_date, today, at
            )
        planned.append((card_id, last, undo))
    ledger = writer.host.ledger
    positions: list[int] = []
    fields: dict[str, dict[str, Any]] = {}
    for card_id, last, undo in planned:
        record = writer.records[card_id]
        positions.append(record["history"].index(last))
        record["history"].remove(last)
        ledger.forget_figures(card_id)
        fields[card_id] = undo_fields(configs[card_id], record, last, undo)
    undos = [(card_id, undo) for card_id, _, undo in planned]
    try:
        await writer.async_write(undos, fields)
    except BaseException:
        for (card_id, last, _), position in zip(planned, positions, strict=True):
            writer.records[card_id]["history"].insert(position, last)
            ledger.forget_figures(card_id)
        writer.refresh()
        raise
    for card_id, _, _ in planned:
        # What the renewal's notification said no longer holds.
        writer.host.notifier.dismiss(card_id)
    writer.refresh()
    writer.announce(undos)
    return _moved(undos)


async def async_roll_forward(writer: ChangeWriter, card_id: str) -> None:
    """Record one renewal per period the card has renewed itself, unconfirmed."""
    config, today = writer.current(card_id)
    if not config.auto_renew or writer.host.ledger.roll_undone(card_id, config.expiry_date):
        return
    at = dt_util.utcnow().isoformat()
    if entries := rolled_renewals(config, today, at):
        await async_commit_renewals(writer, [(card_id, entry) for entry in entries])
