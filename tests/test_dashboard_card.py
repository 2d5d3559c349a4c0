"""The dashboard card: served while a household runs, and fed by one subscription."""

from __future__ import annotations

from http import HTTPStatus
import json
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator
import yaml

from custom_components.simrenew.card_module import MODULE_FILE, MODULE_PATH
from custom_components.simrenew.const import DOMAIN
from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL, UrlManager
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import CARD_DATA, DAD_CARD, HUB_OPTIONS, card_subentry, setup_entry
from .glossary import glossary_slips
from .test_translations import LANGUAGES

SERVICES = Path(__file__).parent.parent / "custom_components" / "simrenew" / "services.yaml"
STRINGS = re.compile(
    r"/\* strings:begin \*/\s*const STRINGS = (\{.*?\});\s*/\* strings:end \*/", re.S
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
YEARLY = {
    "name": "Yearly",
    "renewal_period": 12,
    "renewal_period_unit": "months",
    "renewal_cost": 388.0,
}
NOTES = "PUK 12345678, bound to HSBC"
SECOND_NUMBER = "+8613912345678"


def card_strings() -> dict[str, dict[str, str]]:
    """Return the card's string tables, as its module holds them."""
    found = STRINGS.search(MODULE_FILE.read_text("utf-8"))
    assert found, "the module's string tables are not between their markers"
    tables: dict[str, dict[str, str]] = json.loads(found.group(1))
    return tables


def test_the_card_speaks_the_three_languages_alike() -> None:
    """Every text of the card exists in the three languages, with the same placeholders."""
    tables = card_strings()
    assert sorted(tables) == sorted(LANGUAGES)
    english = tables["en"]
    for language in LANGUAGES[1:]:
        assert tables[language].keys() == english.keys(), language
        for key, text in english.items():
            assert set(PLACEHOLDER.findall(tables[language][key])) == set(
                PLACEHOLDER.findall(text)
            ), (language, key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cards_texts_keep_to_the_glossary(language: str) -> None:
    """The card says what the rest of simrenew says, in each language's words."""
    slips = {
        key: found
        for key, text in card_strings()[language].items()
        if (found := glossary_slips(text, language))
    }
    assert not slips


def test_the_card_names_every_channel() -> None:
    """Each channel a renewal can record has a name on the card's receipts."""
    fields = yaml.safe_load(SERVICES.read_text("utf-8"))["renew"]["fields"]
    channels = {*fields["channel"]["selector"]["select"]["options"], "carrier_message"}
    for language, table in card_strings().items():
        assert {key for key in table if key.startswith("channel_")} == {
            f"channel_{channel}" for channel in channels
        }, language


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


def household(*cards: ConfigSubentryData) -> MockConfigEntry:
    """Return a hub entry holding `cards`, not yet added."""
    return MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=list(cards)
    )


async def with_frontend(hass: HomeAssistant) -> None:
    """Start the web server and stand in for the frontend's list of extra modules."""
    assert await async_setup_component(hass, "http", {})
    # The frontend's own package is not installed beside the test harness; its list is.
    hass.data[DATA_EXTRA_MODULE_URL] = UrlManager(lambda _change, _url: None, [])
    hass.config.components.add("frontend")


async def test_the_module_is_served_only_while_a_household_runs(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """Served under /simrenew/, loaded by every frontend, and gone once the household is."""
    await with_frontend(hass)
    entry = household(card_subentry())
    await setup_entry(hass, entry)
    (url,) = hass.data[DATA_EXTRA_MODULE_URL].urls
    assert url == f"{MODULE_PATH}?v=0.1.0"
    assert url.startswith("/simrenew/")
    client = await hass_client_no_auth()
    answer = await client.get(url)
    assert answer.status == HTTPStatus.OK
    assert answer.content_type == "text/javascript"
    assert 'customElements.define("simrenew-card"' in await answer.text()
    # Asked again with the tag it was given, it is not sent again.
    again = await client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status == HTTPStatus.NOT_MODIFIED

    # A second household going leaves the card to the first.
    other = household(card_subentry(name="Old SIM", phone_number="+85260000000"))
    await setup_entry(hass, other)
    assert await hass.config_entries.async_remove(other.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_EXTRA_MODULE_URL].urls == {url}
    assert (await client.get(url)).status == HTTPStatus.OK

    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.data[DATA_EXTRA_MODULE_URL].urls == set()
    assert (await client.get(url)).status == HTTPStatus.NOT_FOUND

    # A household added again brings it back, once.
    await setup_entry(hass, household(card_subentry()))
    assert hass.data[DATA_EXTRA_MODULE_URL].urls == {url}
    assert (await client.get(url)).status == HTTPStatus.OK


async def test_without_a_frontend_nothing_is_served(hass: HomeAssistant) -> None:
    """A Home Assistant that shows no dashboards is left without the module."""
    entry = household(card_subentry())
    await setup_entry(hass, entry)
    assert DATA_EXTRA_MODULE_URL not in hass.data
    assert await hass.config_entries.async_remove(entry.entry_id)


async def next_cards(client: Any, subscription: int) -> list[dict[str, Any]]:
    """Return the cards of the subscription's next message."""
    message = await client.receive_json()
    assert message["id"] == subscription
    assert message["type"] == "event"
    cards: list[dict[str, Any]] = message["event"]["cards"]
    return cards


async def test_one_subscription_shows_every_card_soonest_first(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Cards come in deadline order with what the card shows, and again whenever they change."""
    secret = "REF-7781-SECRET"
    entry = household(
        card_subentry(
            plans=[YEARLY],
            esim=True,
            second_phone_number=SECOND_NUMBER,
            notes=NOTES,
            renewal_url="https://www.hk.chinamobile.com/en/prepaid",
        ),
        card_subentry(**DAD_CARD),
    )
    await setup_entry(hass, entry)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "simrenew/subscribe_cards"})
    assert (await client.receive_json())["success"]
    mum, dad = await next_cards(client, 1)
    assert (mum["name"], dad["name"]) == ("Mum's CMHK", "Dad's csl")
    assert mum["days_left"] == 9
    assert mum["status"] == "expiring_soon"
    assert (mum["esim"], mum["second_number"], dad["second_number"]) == (True, True, False)
    assert mum["period_days"] == 180
    assert [(plan["name"], plan["new_expiry"], plan["amount"]) for plan in mum["plans"]] == [
        ("180 days", "2027-05-21", 50.0),
        ("Yearly", "2027-11-22", 388.0),
    ]
    assert dad["plans"] == []  # no period: nothing to choose
    assert mum["entities"]["renew"].startswith("button.")
    assert mum["device_id"]

    await hass.services.async_call(
        DOMAIN,
        "renew",
        {
            "entity_id": mum["entities"]["status"],
            "plan": "Yearly",
            "reference": secret,
            "payment_method": "Visa 4242",
            "channel": "app",
        },
        blocking=True,
    )
    (renewed, _) = await next_cards(client, 1)
    assert renewed["unconfirmed"] is True
    assert renewed["expiry_date"] == "2027-11-22"
    assert renewed["receipts"] == [
        {"date": "2026-11-22", "amount": 388.0, "currency": "HKD", "channel": "app"}
    ]
    # What is private never reaches the card: numbers, notes, references, payment methods.
    sent = json.dumps([renewed, mum, dad], ensure_ascii=False)
    for private in (CARD_DATA["phone_number"], DAD_CARD["phone_number"], SECOND_NUMBER, NOTES):
        assert private not in sent
    assert secret not in sent
    assert "4242" not in sent

    # A card added shows by itself; the household gone leaves no card.
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            **card_subentry(name="Travel data", expiry_date="2026-11-25", phone_number=None)
        ),
    )
    await hass.async_block_till_done()
    cards = await next_cards(client, 1)
    while len(cards) < 3:
        cards = await next_cards(client, 1)
    assert [card["name"] for card in cards] == ["Travel data", "Mum's CMHK", "Dad's csl"]
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    cards = await next_cards(client, 1)
    while cards:
        cards = await next_cards(client, 1)
    assert cards == []


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.text(min_size=1, max_size=40).filter(str.strip),
    carrier=st.text(max_size=40),
)
async def test_what_people_name_their_cards_reaches_the_card_as_typed(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, name: str, carrier: str
) -> None:
    """Any name or carrier is sent as it is stored, and never the number beside it."""
    entry = household(card_subentry(name=name, carrier=carrier or None))
    await setup_entry(hass, entry)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "simrenew/subscribe_cards"})
    assert (await client.receive_json())["success"]
    (card,) = await next_cards(client, 1)
    stored = next(iter(entry.subentries.values())).data
    assert card["name"] == stored["name"]
    assert card["carrier"] == stored.get("carrier")
    assert CARD_DATA["phone_number"] not in json.dumps(card, ensure_ascii=False)
    await client.close()
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def test_fifty_cards_come_in_one_message_and_one_change_sends_one_more(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """A large household is sent whole, in deadline order; one card's change is one message."""
    entry = household(
        *(
            card_subentry(
                name=f"Card {number:02d}",
                phone_number=f"+8529000{number:04d}",
                expiry_date=f"2027-{1 + number % 12:02d}-{1 + number % 28:02d}",
            )
            for number in range(50)
        )
    )
    await setup_entry(hass, entry)
    client = await hass_ws_client(hass)
    await client.send_json({"id": 1, "type": "simrenew/subscribe_cards"})
    assert (await client.receive_json())["success"]
    cards = await next_cards(client, 1)
    assert len(cards) == 50
    assert [card["deadline"] for card in cards] == sorted(card["deadline"] for card in cards)
    await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": cards[-1]["entities"]["status"]}, blocking=True
    )
    await hass.async_block_till_done()
    changed = await next_cards(client, 1)
    assert sum(card["unconfirmed"] for card in changed) == 1
    # Nothing else was sent: the next message is the answer to a ping.
    await client.send_json({"id": 2, "type": "ping"})
    assert (await client.receive_json())["type"] == "pong"
