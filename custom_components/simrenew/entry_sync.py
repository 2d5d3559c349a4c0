"""What the hub does when its entry starts or changes: cards added, removed, rules turned on.

The entry holds what users configured; the history holds what happened. A card's expiry is
the history's (adopted once, from files written before 2.3), so nothing here reconciles two
copies of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .const import LOGGER
from .devices import register_card_devices
from .expiry_adoption import adopt_anchor_day, adopt_expiry
from .model import local_today
from .records import empty_record, holds_expiry

if TYPE_CHECKING:
    from .hub import SimRenewHub


def adopt_recorded_expiries(hub: SimRenewHub, now: datetime) -> bool:
    """Give every readable card's record its expiry, from its settings if it has none yet.

    Return whether any record was given one. Cards whose record holds an expiry are left
    alone: it is the one that counts.
    """
    adopted = False
    for card_id, config in hub.configs.items():
        record = hub.records.get(card_id)
        if record is None or holds_expiry(record):
            continue
        adopted = True
        if "expiry" in record:
            # Only the monthly day was set aside, damaged: the expiry stands.
            record["anchor_day"] = adopt_anchor_day(record, config)
            hub.configs[card_id] = hub.ledger.with_recorded_expiry(card_id, config)
            continue
        adoption = adopt_expiry(record, config, now.isoformat())
        if adoption.completed:
            LOGGER.warning("Completing an interrupted expiry change of card %s", card_id)
        if adoption.entry is not None:
            record["history"].append(adoption.entry)
            hub.ledger.forget_figures(card_id)
        record.update(adoption.fields)  # type: ignore[typeddict-item]
        hub.configs[card_id] = hub.ledger.with_recorded_expiry(card_id, config)
    return adopted


def start_added_cards(hub: SimRenewHub, old_configs: dict[str, CardConfig]) -> list[str]:
    """Give each card added since the last read a history from today; return them.

    A card that appears with a history already (one mended after it could not be read) is
    left to a reload, which adopts its expiry.
    """
    appeared = [card_id for card_id in hub.configs if card_id not in old_configs]
    if any(card_id in hub.records for card_id in appeared):
        return []
    now = dt_util.utcnow()
    for card_id in appeared:
        config = hub.configs[card_id]
        today = local_today(now, config.time_zone).isoformat()
        hub.records[card_id] = empty_record(
            today, config.expiry_date.isoformat(), config.anchor_day
        )
    hub.notifier.card_ids |= set(appeared)
    return appeared


def start_activity_rules(hub: SimRenewHub, old_configs: dict[str, CardConfig]) -> bool:
    """Count a newly set activity rule from today, not from a use long ago.

    A card added months ago with no use recorded would otherwise be lost the moment the
    rule is turned on. Return whether any card's rule started.
    """
    started = False
    for card_id, config in hub.configs.items():
        old = old_configs.get(card_id)
        if old is None or card_id not in hub.records:
            continue
        if old.activity_interval_days == 0 < config.activity_interval_days:
            today = local_today(dt_util.utcnow(), config.time_zone).isoformat()
            hub.records[card_id]["activity_since"] = today
            started = True
    return started


def start_household(hub: SimRenewHub, now: datetime) -> bool:
    """Match the history to the cards; return whether it changed."""
    records = hub.records
    # Cards removed while the hub was not running lose their history now; one that cannot
    # be read keeps it, for when it is mended.
    removed = [card_id for card_id in records if card_id not in hub.entry.subentries]
    for card_id in removed:
        del records[card_id]
        hub.ledger.forget_figures(card_id)
    missing = [card_id for card_id in hub.configs if card_id not in records]
    for card_id in missing:
        config = hub.configs[card_id]
        today = local_today(now, config.time_zone).isoformat()
        records[card_id] = empty_record(today, config.expiry_date.isoformat(), config.anchor_day)
    register_card_devices(hub.hass, hub.entry.entry_id, hub.configs, hub.device_models)
    adopted = adopt_recorded_expiries(hub, now)
    return bool(missing or removed or adopted)


async def async_entry_updated(hub: SimRenewHub) -> bool:
    """Re-read the entry; return False when devices must be rebuilt by a reload."""
    async with hub.ledger.lock:
        # Read under the lock, so a change committed meanwhile is in memory before the cards
        # are compared; and so is what an update that waited before this one read: cards
        # added back to back are compared with the cards the hub holds, not with a layout
        # taken before the last update ran.
        before = hub.device_layout()
        old_configs, old_options = hub.configs, hub.options
        hub.read_entry()
        added = start_added_cards(hub, old_configs)
        if old_options.persistent_notification and not hub.options.persistent_notification:
            # Turned off: the notifications already shown go too.
            for card_id in hub.entry.subentries:
                hub.notifier.dismiss(card_id)
        rules_set = start_activity_rules(hub, old_configs)
        removed = [card_id for card_id in hub.records if card_id not in hub.entry.subentries]
        for card_id in removed:
            del hub.records[card_id]
            hub.ledger.forget_figures(card_id)
        if removed or rules_set or added:
            await hub.ledger.async_save()
        for card_id in removed:
            # A deleted card's reminder is no one's to act on.
            hub.notifier.dismiss(card_id)
    hub.delete_stale_issues()
    layout = hub.device_layout()
    kept = {card_id: layout.get(card_id) for card_id in before}
    if kept != before or layout.keys() - before.keys() - set(added):
        return False
    if old_options.rarely_used_entities != hub.options.rarely_used_entities:
        return False  # every card's entities change: the platforms start over
    hub.refresher.household_stale = True
    hub.calendar_version += 1
    register_card_devices(
        hub.hass,
        hub.entry.entry_id,
        {card_id: hub.configs[card_id] for card_id in added if card_id in hub.configs},
        hub.device_models,
    )
    hub.async_refresh(dt_util.utcnow())
    # A reload would take every entity of the household through "unavailable": a new
    # card's entities join the running platforms instead, once its state is known.
    shown = [card_id for card_id in added if card_id in hub.cards]
    if hub.entity_plan is not None:
        shown = hub.entity_plan.admit(hub.hass, hub, shown)
    for adder in hub.entity_adders:
        adder(shown)
    return True
