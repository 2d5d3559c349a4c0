"""Receipts: an event for every recorded change, the logbook's words for it, and the history."""

from __future__ import annotations

from datetime import date
import json
from types import SimpleNamespace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.logbook import async_describe_events
from custom_components.simrenew.receipts import CARD_EVENTS, recorded_event
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.translation import async_get_translations

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, device_of, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
DAD = "sensor.dad_s_csl_status"
SECRETS = ("91234567", "13812345678", "*#1345#", "HSBC")
NOW = "2026-11-22T04:00:00+00:00"


@pytest.fixture
def household() -> MockConfigEntry:
    """Return Mum's dual-number card with private notes, and Dad's card; not yet loaded."""
    return MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(
                second_phone_number="+8613812345678",
                notes="Balance *#1345#\nBound: HSBC",
                esim=True,
            ),
            card_subentry(**DAD_CARD),
        ],
    )


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    """Call a simrenew action, with its response if it has one."""
    response = await hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        return_response=service in ("renew", "undo_renewal", "history"),
    )
    await hass.async_block_till_done()
    return response


def mum_id(entry: MockConfigEntry) -> str:
    """Return the id of Mum's card."""
    return next(sid for sid, sub in entry.subentries.items() if sub.title == "Mum's CMHK")


async def test_every_change_fires_its_event(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Renewals, corrections, confirmations, undos, balances and uses each fire an event.

    Each names the card and its device, carries what was recorded, and never a phone number or
    the card's notes.
    """
    freezer.move_to(NOW)
    await setup_entry(hass, household)
    card_id = mum_id(household)
    device = device_of(hass, household, card_id)
    assert device is not None
    fired = {event_type: async_capture_events(hass, event_type) for event_type in CARD_EVENTS}

    await call(hass, "renew", {"entity_id": STATUS, "amount": 48, "reference": "R-1"})
    await call(hass, "confirm_renewal", {"entity_id": STATUS, "expiry_date": "2027-05-25"})
    await call(hass, "renew", {"entity_id": STATUS, "new_expiry": "2027-11-21"})
    await call(hass, "undo_renewal", {"entity_id": STATUS})
    await call(hass, "set_expiry", {"entity_id": STATUS, "expiry_date": "2027-06-01"})
    await call(hass, "set_balance", {"entity_id": STATUS, "amount": 12.5})
    await call(hass, "record_activity", {"entity_id": STATUS})
    # The card's form records a changed expiry as this correction.
    await household.runtime_data.changes.async_set_expiry(
        [card_id], date(2027, 6, 30), "reconfigure"
    )
    await hass.async_block_till_done()

    data = {event_type: [event.data for event in events] for event_type, events in fired.items()}
    for events in data.values():
        for event in events:
            assert event["card_id"] == card_id
            assert event["device_id"] == device.id
            assert event["name"] == "Mum's CMHK"
            text = json.dumps(event)
            assert not any(secret in text for secret in SECRETS)
            assert "R-1" not in text
    renewed = data["simrenew_renewed"]
    assert [(e["new_expiry"], e["amount"], e["confirmed"]) for e in renewed] == [
        ("2027-05-21", 48.0, False),
        ("2027-11-21", 50.0, True),
    ]
    assert data["simrenew_renewal_confirmed"] == [
        {**data["simrenew_renewal_confirmed"][0], "corrected": True, "expiry_date": "2027-05-25"}
    ]
    assert [
        (e["old_expiry"], e["new_expiry"], e["source"]) for e in data["simrenew_expiry_corrected"]
    ] == [
        ("2027-05-21", "2027-05-25", "confirm"),
        ("2027-05-25", "2027-06-01", "action"),
        ("2027-06-01", "2027-06-30", "reconfigure"),
    ]
    (undone,) = data["simrenew_renewal_undone"]
    assert (undone["old_expiry"], undone["new_expiry"]) == ("2027-11-21", "2027-05-25")
    assert undone["renewal_date"] == "2026-11-22"
    (balance,) = data["simrenew_balance_recorded"]
    assert (balance["amount"], balance["currency"]) == (12.5, "HKD")
    (used,) = data["simrenew_activity_recorded"]
    assert used["date"] == "2026-11-22"


async def test_confirming_nothing_fires_nothing(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Confirming a card with no renewal waiting logs no confirmation."""
    freezer.move_to(NOW)
    await setup_entry(hass, household)
    confirmed = async_capture_events(hass, "simrenew_renewal_confirmed")
    await call(hass, "confirm_renewal", {"entity_id": STATUS})
    assert confirmed == []


def describers(hass: HomeAssistant) -> dict[str, Any]:
    """Return the logbook's describer of each event, as the logbook platform registers them."""
    found: dict[str, Any] = {}

    def register(domain: str, event_type: str, describe: Any) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    async_describe_events(hass, register)
    return found


RECEIPTS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "simrenew_renewed",
        {"old_expiry": "2026-12-01", "new_expiry": "2027-05-21", "amount": 1048, "currency": "HKD"},
        "renewed for HK$1,048: valid until 21 May 2027 (was 1 Dec 2026)",
        "已續期，付HK$1,048：有效至2027年5月21日（原為2026年12月1日）",
    ),
    (
        "simrenew_renewed",
        {"old_expiry": "2026-12-01", "new_expiry": "2027-05-21", "amount": None},
        "renewed: valid until 21 May 2027 (was 1 Dec 2026)",
        "已續期：有效至2027年5月21日（原為2026年12月1日）",
    ),
    (
        "simrenew_renewed",
        {
            "old_expiry": "2026-12-01",
            "new_expiry": "2027-05-21",
            "amount": 48,
            "currency": "HKD",
            "channel": "convenience_store",
        },
        "renewed for HK$48 via Convenience store: valid until 21 May 2027 (was 1 Dec 2026)",
        "已透過便利店續期，付HK$48：有效至2027年5月21日（原為2026年12月1日）",
    ),
    (
        "simrenew_renewed",
        {"old_expiry": "2026-12-01", "new_expiry": "2027-05-21", "channel": "app"},
        "renewed via Carrier app: valid until 21 May 2027 (was 1 Dec 2026)",
        "已透過電訊商應用程式續期：有效至2027年5月21日（原為2026年12月1日）",
    ),
    (
        "simrenew_renewed",
        {
            "old_expiry": "2026-12-01",
            "new_expiry": "2027-01-01",
            "amount": 8,
            "channel": "auto_renew",
        },
        "renewed itself: valid until 1 Jan 2027 (was 1 Dec 2026)",
        "已自動續期：有效至2027年1月1日（原為2026年12月1日）",
    ),
    (
        "simrenew_expiry_corrected",
        {"old_expiry": "2026-12-01", "new_expiry": "2026-12-03"},
        "expiry corrected to 3 Dec 2026 (was 1 Dec 2026)",
        "到期日已更正為2026年12月3日（原為2026年12月1日）",
    ),
    (
        "simrenew_renewal_undone",
        {"old_expiry": "2027-05-21", "new_expiry": "2026-12-01"},
        "renewal undone: valid until 1 Dec 2026 again",
        "已撤銷續期：恢復有效至2026年12月1日",
    ),
    (
        "simrenew_renewal_confirmed",
        {"expiry_date": "2027-05-21"},
        "renewal confirmed: valid until 21 May 2027",
        "已確認續期：有效至2027年5月21日",
    ),
    (
        "simrenew_balance_recorded",
        {"amount": 12.5, "currency": "CNY"},
        "balance recorded: ¥12.50",
        "已記錄餘額：¥12.50",
    ),
    (
        "simrenew_activity_recorded",
        {"date": "2026-11-21"},
        "use recorded on 21 Nov 2026",
        "已記錄2026年11月21日的使用",
    ),
]


@pytest.mark.parametrize(("event_type", "fields", "english", "chinese"), RECEIPTS)
async def test_logbook_describes_receipts_in_the_language_set(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    event_type: str,
    fields: dict[str, Any],
    english: str,
    chinese: str,
) -> None:
    """Each receipt reads as a sentence in Home Assistant's language, dates as people write them."""
    await setup_entry(hass, mock_entry)
    describe = describers(hass)[event_type]
    event = SimpleNamespace(data={"name": "Mum's CMHK", **fields})
    assert describe(event) == {"name": "Mum's CMHK", "message": english}
    hass.config.language = "zh-Hant"
    await async_get_translations(hass, "zh-Hant", "selector", [DOMAIN])
    assert describe(event) == {"name": "Mum's CMHK", "message": chinese}


@pytest.mark.parametrize(
    ("channel", "chinese"),
    [
        ("wallet", "已通过支付宝、微信支付或其他电子钱包续费，支付HK$48：有效期至2027年5月21日"),
        ("shop", "已通过营业厅续费，支付HK$48：有效期至2027年5月21日"),
        # Named by no place, or by none the household chose: the renewal alone is told.
        ("other", "已续费，支付HK$48：有效期至2027年5月21日"),
        ("carrier_message", "已续费，支付HK$48：有效期至2027年5月21日"),
        (None, "已续费，支付HK$48：有效期至2027年5月21日"),
    ],
)
async def test_logbook_says_where_a_renewal_was_paid(
    hass: HomeAssistant, mock_entry: MockConfigEntry, channel: str | None, chinese: str
) -> None:
    """A renewal's line names the channel it was paid through, in mainland wording too."""
    await setup_entry(hass, mock_entry)
    hass.config.language = "zh-Hans"
    await async_get_translations(hass, "zh-Hans", "selector", [DOMAIN])
    event = SimpleNamespace(
        data={
            "name": "Mum's CMHK",
            "old_expiry": "2026-12-01",
            "new_expiry": "2027-05-21",
            "amount": 48,
            "currency": "HKD",
            "channel": channel,
        }
    )
    message = describers(hass)["simrenew_renewed"](event)["message"]
    assert message == f"{chinese}（原为2026年12月1日）"


async def test_history_newest_first_by_kind_and_limit(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The history action answers each card's entries newest first, of the kinds asked, capped."""
    freezer.move_to(NOW)
    await setup_entry(hass, household)
    await call(hass, "renew", {"entity_id": STATUS, "amount": 48, "reference": "R-1"})
    freezer.tick(60)
    await call(hass, "set_balance", {"entity_id": [STATUS, DAD], "amount": 20})
    freezer.tick(60)
    await call(hass, "record_activity", {"entity_id": STATUS})
    freezer.tick(60)
    await call(hass, "undo_renewal", {"entity_id": STATUS})

    response = await call(hass, "history", {"entity_id": [STATUS, DAD]})
    mum, dad = response["cards"]
    assert (mum["name"], dad["name"]) == ("Mum's CMHK", "Dad's csl")
    assert [entry["kind"] for entry in mum["entries"]] == ["undo", "activity", "balance"]
    assert mum["entries"][0]["renewal"]["reference"] == "R-1"
    assert [entry["kind"] for entry in dad["entries"]] == ["balance"]
    assert not any(secret in json.dumps(response) for secret in SECRETS)

    response = await call(
        hass, "history", {"entity_id": STATUS, "kind": ["balance", "undo"], "limit": 1}
    )
    assert [entry["kind"] for entry in response["cards"][0]["entries"]] == ["undo"]
    response = await call(hass, "history", {"entity_id": STATUS, "kind": "activity"})
    assert [entry["kind"] for entry in response["cards"][0]["entries"]] == ["activity"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"kind": ["renewals"]}, "invalid_history_kind"),
        ({"kind": [["renewal"]]}, "invalid_history_kind"),
        ({"kind": 3}, "invalid_history_kind"),
        ({"limit": 0}, "invalid_history_limit"),
        ({"limit": 1001}, "invalid_history_limit"),
        ({"limit": 2.5}, "invalid_history_limit"),
        ({"limit": "ten"}, "invalid_history_limit"),
        ({"limit": True}, "invalid_history_limit"),
    ],
)
async def test_history_refuses_bad_input(
    hass: HomeAssistant, household: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    """A kind that is none, or a limit that is not a whole number from 1 to 1000, is refused."""
    await setup_entry(hass, household)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "history", {"entity_id": STATUS, **data})
    assert err.value.translation_key == key


def test_entries_of_unknown_kind_fire_nothing() -> None:
    """An entry kind no release writes has no event, rather than a made-up one."""
    assert recorded_event({"kind": "note", "at": NOW, "source": "action"}) is None
    assert recorded_event({"kind": "activity", "date": "2026-11-22"}) == (
        "simrenew_activity_recorded",
        {"date": "2026-11-22"},
    )
