"""Keeps prepaid SIM cards alive: expiry, days left, renewals and history for every card."""

from __future__ import annotations

import asyncio

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from .card_module import async_offer_card, withdraw_card
from .card_subscription import async_cards_changed, async_setup_card_subscription
from .const import DOMAIN
from .entity_room import ISSUE_ID as ROOM_ISSUE_ID, async_plan_entities
from .entry_reading import entry_contents
from .hub import SimRenewConfigEntry, SimRenewHub
from .intents import async_setup_intents
from .lapsed_issues import lapsed_issue_id
from .ledger import async_get_ledger, async_remove_ledger
from .message_reader import async_handle_message
from .message_sources import MessageSources
from .migration import async_migrate_cards
from .notifications import notification_id
from .phones import async_listen_for_taps
from .services import async_setup_services
from .speakers import waiting_store
from .store import HistoryUnavailableError
from .zones import async_load_card_zones

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.DATE,
    Platform.SENSOR,
    Platform.TODO,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the built-in agent's intents, once for every hub."""
    async_setup_services(hass)
    async_setup_card_subscription(hass)
    async_setup_intents(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: SimRenewConfigEntry) -> bool:
    """Bring the household's stored cards up to this release's layout."""
    return await async_migrate_cards(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: SimRenewConfigEntry) -> bool:
    """Start the household hub and its cards."""
    try:
        ledger = await async_get_ledger(hass, entry.entry_id, dt_util.utcnow())
    except HistoryUnavailableError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="history_unavailable",
            translation_placeholders={"error": str(err)},
        ) from err
    await async_load_card_zones(entry)
    hub = SimRenewHub(hass, entry, ledger)
    # Reachable before it starts: a call made while it waits for the ledger still lands.
    entry.runtime_data = hub
    await hub.device_models.async_load()
    for stop in await hub.notifier.async_start(set(hub.configs)):
        entry.async_on_unload(stop)
    speakers = hub.notifier.speakers
    stored = await speakers.async_load(waiting_store(hass, entry.entry_id))
    # A button on a phone still acts after a reload or restart.
    hub.notifier.phones.restore(stored.get("phones"))
    # Written before the next hub reads it: a reload loses no announcement that waits.
    entry.async_on_unload(speakers.async_save)
    hub.message_sources = MessageSources(
        hass,
        lambda message: async_handle_message(
            hass, [live] if (live := hub.live_hub()) else [], message
        ),
        ledger.seen_messages,
        lambda: entry.async_create_task(hass, ledger.async_save_in_turn(), "simrenew save sources"),
    )
    hub.message_sources.follow(hub.options.message_sources)
    entry.async_on_unload(async_listen_for_taps(hass, hub))
    await hub.async_start()
    entry.async_on_unload(hub.async_stop)
    # What waited through a restart is said once the speakers' integrations are up.
    entry.async_on_unload(async_at_started(hass, hub.async_started))
    entry.async_on_unload(
        hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, hub.async_core_config_updated)
    )
    entry.async_on_unload(
        hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, hub.async_language_changed)
    )
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    hub.entity_plan = async_plan_entities(hass, hub)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(hub.async_add_listener(None, lambda: async_cards_changed(hass)))
    await async_offer_card(hass)
    async_cards_changed(hass)
    if entry_contents(entry) != hub.read_from:
        # Changed while the hub started, before its update listener was there to hear it.
        entry.async_create_task(hass, _async_entry_updated(hass, entry), "simrenew entry changed")
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: SimRenewConfigEntry) -> None:
    """Apply changed cards or options, reloading only when devices change."""
    await async_load_card_zones(entry)
    if not await entry.runtime_data.async_entry_updated():
        # A deleted card's entities leave the registry just after this listener is called:
        # the reload waits for that, or they would take room under the cap on entities.
        await asyncio.sleep(0)
        await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: SimRenewConfigEntry) -> bool:
    """Stop the hub and remove its entities."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        async_cards_changed(hass)
        if not any(
            other.state is ConfigEntryState.LOADED
            for other in hass.config_entries.async_entries(DOMAIN)
            if other.entry_id != entry.entry_id
        ):
            # The last household is going: dashboards stop loading the card.
            withdraw_card(hass)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: SimRenewConfigEntry) -> None:
    """Delete the household's history and its cards' repairs with the household."""
    await async_remove_ledger(hass, entry.entry_id)
    await waiting_store(hass, entry.entry_id).async_remove()
    ir.async_delete_issue(hass, DOMAIN, ROOM_ISSUE_ID)
    for card_id in entry.subentries:
        ir.async_delete_issue(hass, DOMAIN, lapsed_issue_id(card_id))
        # Nothing is left to act on a removed household's reminders.
        persistent_notification.async_dismiss(hass, notification_id(card_id))
