"""The last receipts on the card's device: how each renewal was paid, and where it never goes."""

from __future__ import annotations

import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.action_inputs import MAX_NOTE_LENGTH
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.diagnostics import async_get_config_entry_diagnostics
from custom_components.simrenew.hidden_characters import has_hidden_characters
from custom_components.simrenew.history import RECEIPTS_SHOWN, Receipt, RenewalFigures
from custom_components.simrenew.receipts import CARD_EVENTS
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import HUB_OPTIONS, card_subentry, move_to, setup_entry
from .fuzzing import FUZZ_SETTINGS, SPECIAL_TEXTS, snapshot

STATUS = "sensor.mum_s_cmhk_status"
LAST_RENEWED = "sensor.mum_s_cmhk_last_renewed"
NOW = "2026-11-22T04:00:00+00:00"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in Hong Kong on 22 November 2026 at noon."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to(NOW)


def renewal(day: str, at: str, **fields: Any) -> dict[str, Any]:
    """Return a renewal entry of the history file."""
    return {
        "kind": "renewal",
        "at": at,
        "source": "action",
        "date": day,
        "old_expiry": "2026-12-01",
        "new_expiry": "2027-05-30",
        "currency": "HKD",
        **fields,
    }


ENTRIES = st.one_of(
    st.builds(
        lambda day, n, amount, channel, paid: renewal(
            f"2026-11-{day:02d}",
            f"2026-11-22T04:{n:02d}:00+00:00",
            **({} if amount is None else {"amount": amount}),
            **({} if channel is None else {"channel": channel}),
            **({} if paid is None else {"payment_method": paid}),
        ),
        st.integers(1, 22),
        st.integers(0, 59),
        st.none() | st.floats(0, 1000),
        st.none() | st.sampled_from(["app", "shop", "other"]),
        st.none() | st.text(max_size=8),
    ),
    st.builds(
        lambda day: {"kind": "activity", "at": NOW, "source": "action", "date": day},
        st.sampled_from(["2026-11-20", "2026-11-22"]),
    ),
)


@given(st.lists(ENTRIES, max_size=12))
def test_receipts_are_the_latest_renewals_newest_first(history: list[dict[str, Any]]) -> None:
    """Whatever the order renewals were recorded in, the latest by date come first, five at most.

    Renewals of one day keep the order they were recorded in; read whole or entry by entry,
    a history gives the same receipts.
    """
    renewals = [entry for entry in history if entry["kind"] == "renewal"]
    by_date = sorted(renewals, key=lambda entry: entry["date"])
    expected = tuple(Receipt.of(entry) for entry in reversed(by_date[-RECEIPTS_SHOWN:]))
    assert RenewalFigures.of(history).receipts() == expected
    one_by_one = RenewalFigures()
    for entry in history:
        one_by_one.add(entry)
    assert one_by_one.receipts() == expected
    for receipt, entry in zip(expected, reversed(by_date), strict=False):
        assert receipt.as_dict() == {
            "date": entry["date"],
            "amount": entry.get("amount"),
            "currency": "HKD",
            "channel": entry.get("channel"),
            "payment_method": entry.get("payment_method"),
        }


async def renew(hass: HomeAssistant, **fields: Any) -> None:
    """Record a renewal of Mum's card through the action."""
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS, **fields}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()


async def test_the_last_receipts_show_on_the_last_renewed_sensor(
    hass: HomeAssistant, mock_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The sensor lists the five latest renewals with how they were paid, never a reference."""
    freezer.move_to("2026-10-30T04:00:00+00:00")
    await setup_entry(hass, mock_entry)
    await move_to(hass, freezer, NOW)
    assert hass.states.get(LAST_RENEWED).attributes["receipts"] == []
    await renew(hass, date="2026-11-20", amount=48, channel="app", payment_method="Visa 4242")
    for day in range(1, 6):
        freezer.tick(60)
        await renew(hass, date=f"2026-11-0{day}", reference=f"R-{day}")
    freezer.tick(60)
    await renew(
        hass,
        amount=100,
        currency="CNY",
        channel="wallet",
        payment_method="WeChat Pay",
        reference="TXN-0099",
    )
    receipts = hass.states.get(LAST_RENEWED).attributes["receipts"]
    assert receipts == [
        {
            "date": "2026-11-22",
            "amount": 100.0,
            "currency": "CNY",
            "channel": "wallet",
            "payment_method": "WeChat Pay",
        },
        {
            "date": "2026-11-20",
            "amount": 48.0,
            "currency": "HKD",
            "channel": "app",
            "payment_method": "Visa 4242",
        },
        *(
            {
                "date": f"2026-11-0{day}",
                "amount": 50.0,
                "currency": "HKD",
                "channel": "other",
                "payment_method": None,
            }
            for day in (5, 4, 3)
        ),
    ]
    assert "TXN-0099" not in json.dumps(hass.states.get(LAST_RENEWED).as_dict())
    # Undone, a renewal is no receipt any more.
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    receipts = hass.states.get(LAST_RENEWED).attributes["receipts"]
    assert [receipt["date"] for receipt in receipts] == [
        "2026-11-20",
        "2026-11-05",
        "2026-11-04",
        "2026-11-03",
        "2026-11-02",
    ]


async def test_how_a_renewal_was_paid_reaches_no_event_log_or_diagnostics(
    hass: HomeAssistant, mock_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Only the card's own screen shows the payment method; references show nowhere."""
    caplog.set_level(logging.DEBUG, logger="custom_components.simrenew")
    await setup_entry(hass, mock_entry)
    fired = [async_capture_events(hass, event_type) for event_type in CARD_EVENTS]
    await renew(hass, amount=48, channel="shop", payment_method="Octopus 8812", reference="RX-77")
    await hass.services.async_call(DOMAIN, "confirm_renewal", {"entity_id": STATUS}, blocking=True)
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": STATUS}, blocking=True, return_response=True
    )
    await renew(hass, payment_method="Octopus 8812", reference="RX-77")
    await hass.async_block_till_done()
    (receipt,) = hass.states.get(LAST_RENEWED).attributes["receipts"]
    assert receipt["payment_method"] == "Octopus 8812"
    events = [event.data for events in fired for event in events]
    assert len(events) == 4
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_entry)
    # The harness logs every write of the history file, which keeps the payment method on
    # purpose: that line is the test's own, not the integration's.
    logged = "\n".join(
        f"{record.name} {record.getMessage()}"
        for record in caplog.records
        if not record.name.startswith("pytest_homeassistant_custom_component")
    )
    for where in (json.dumps(events), json.dumps(diagnostics), logged):
        assert "Octopus" not in where
        assert "8812" not in where
        assert "RX-77" not in where


@pytest.fixture
async def loaded(hass: HomeAssistant) -> MockConfigEntry:
    """Return a hub with Mum's card, loaded once for every example."""
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=[card_subentry()]
    )
    await setup_entry(hass, entry)
    return entry


@FUZZ_SETTINGS
@given(paid=st.one_of(st.text(max_size=300), st.sampled_from(SPECIAL_TEXTS)))
async def test_fuzz_payment_methods_show_as_typed_or_change_nothing(
    hass: HomeAssistant, loaded: MockConfigEntry, paid: str
) -> None:
    """Any payment method typed is shown as typed on the card, or refused with nothing changed.

    Whatever it is, no event and no diagnostics carry it.
    """
    marked = f"PAID<{paid}>"
    for card_id, record in loaded.runtime_data.records.items():
        del record["history"][:-3]
        loaded.runtime_data.ledger.forget_figures(card_id)
    before = snapshot(loaded)
    renewed = async_capture_events(hass, "simrenew_renewed")
    if len(marked) > MAX_NOTE_LENGTH or has_hidden_characters(marked):
        with pytest.raises(ServiceValidationError) as err:
            await renew(hass, payment_method=marked)
        assert err.value.translation_key == "invalid_note"
        assert snapshot(loaded) == before
        assert renewed == []
        return
    await renew(hass, payment_method=marked)
    (receipt, *_) = hass.states.get(LAST_RENEWED).attributes["receipts"]
    assert receipt["payment_method"] == marked
    (event,) = renewed
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded)
    for where in (event.data, diagnostics):
        assert "PAID<" not in json.dumps(where, ensure_ascii=False)
