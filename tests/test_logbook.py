"""The logbook of a card's device lists its receipts, read back from the recorder."""

from __future__ import annotations

from datetime import date, timedelta
import json
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    RecorderInstanceContextManager,
    WebSocketGenerator,
)

from custom_components.simrenew.const import DOMAIN
from homeassistant.components.recorder import Recorder, get_instance, history
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, device_of, expiry_of, setup_entry

MUM = "sensor.mum_s_cmhk_status"
DAD = "sensor.dad_s_csl_status"
LAST_RENEWED = "sensor.mum_s_cmhk_last_renewed"


@pytest.fixture(autouse=True)
def mock_recorder_before_hass(async_test_recorder: RecorderInstanceContextManager) -> None:
    """Prepare the recorder before Home Assistant starts, as the logbook needs it."""


async def test_logbook_lists_receipts_under_the_card(
    recorder_mock: Recorder, hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """The logbook of a card's device shows its receipts, and another card's logbook does not."""
    # The frontend's files are not installed for tests: only the logbook's data is read here.
    hass.config.components.add("frontend")
    with patch("homeassistant.components.logbook.frontend.async_register_built_in_panel"):
        assert await async_setup_component(hass, "logbook", {})
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(), card_subentry(**DAD_CARD)],
    )
    await setup_entry(hass, entry)
    start = dt_util.utcnow() - timedelta(minutes=1)
    for service, data in (
        ("renew", {"entity_id": MUM, "amount": 48}),
        ("set_balance", {"entity_id": DAD, "amount": 3}),
    ):
        await hass.services.async_call(DOMAIN, service, data, blocking=True)
    await hass.async_block_till_done()
    # The carrier's SMS confirms the renewal: the logbook says so, without the message's text.
    mum_id = next(iter(entry.subentries))
    renewed_to = date.fromisoformat(expiry_of(entry, mum_id))
    await hass.services.async_call(
        DOMAIN,
        "read_message",
        {"entity_id": MUM, "message": f"valid until {renewed_to:%d/%m/%Y}"},
        blocking=True,
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    messages: dict[str, list[str]] = {}
    for number, (card_id, subentry) in enumerate(entry.subentries.items(), start=1):
        device = device_of(hass, entry, card_id)
        assert device is not None
        await client.send_json(
            {
                "id": number,
                "type": "logbook/get_events",
                "start_time": start.isoformat(),
                "device_ids": [device.id],
            }
        )
        response = await client.receive_json()
        assert response["success"], response
        messages[subentry.title] = [
            entry["message"] for entry in response["result"] if entry.get("domain") == DOMAIN
        ]
    renewed, confirmed, read = messages["Mum's CMHK"]
    assert renewed.startswith("renewed for HK$48: valid until ")
    assert confirmed.startswith("renewal confirmed: valid until ")
    assert read == f"carrier's message confirmed it: valid until {renewed_to:%-d %b %Y}"
    assert messages["Dad's csl"] == ["balance recorded: HK$3"]


async def test_a_receipt_says_where_it_was_paid_and_keeps_how_to_the_card(
    recorder_mock: Recorder, hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """The logbook names the channel; the payment method stays on the card, not in the database."""
    hass.config.components.add("frontend")
    with patch("homeassistant.components.logbook.frontend.async_register_built_in_panel"):
        assert await async_setup_component(hass, "logbook", {})
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=[card_subentry()]
    )
    await setup_entry(hass, entry)
    start = dt_util.utcnow() - timedelta(minutes=1)
    await hass.services.async_call(
        DOMAIN,
        "renew",
        {
            "entity_id": MUM,
            "amount": 48,
            "channel": "kiosk",
            "payment_method": "Octopus 8812",
            "reference": "RX-77",
        },
        blocking=True,
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    (receipt,) = hass.states.get(LAST_RENEWED).attributes["receipts"]
    assert receipt["payment_method"] == "Octopus 8812"
    recorded = await get_instance(hass).async_add_executor_job(
        history.state_changes_during_period, hass, start, None, LAST_RENEWED
    )
    assert recorded[LAST_RENEWED]
    assert all("receipts" not in state.attributes for state in recorded[LAST_RENEWED])
    client = await hass_ws_client(hass)
    device = device_of(hass, entry, next(iter(entry.subentries)))
    assert device is not None
    await client.send_json(
        {
            "id": 1,
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            "device_ids": [device.id],
            "entity_ids": [LAST_RENEWED],
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    (renewed,) = [line["message"] for line in response["result"] if line.get("domain") == DOMAIN]
    assert renewed.startswith("renewed for HK$48 via Kiosk or ATM: valid until ")
    assert "8812" not in json.dumps(response)
    assert "RX-77" not in json.dumps(response)
