"""simrenew.read_message and message sources: each outcome, in three languages, and no forgery."""

from __future__ import annotations

import os
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, move_to, setup_entry
from .message_samples import SAMPLES, Sample

MUM_STATUS = "sensor.mum_s_cmhk_status"
SOURCE = "sensor.pixel_last_notification"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run in a Hong Kong home on the morning of 1 May 2027."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2027-05-01T02:00:00+00:00")


async def household(hass: HomeAssistant, *, waiting: bool = True) -> MockConfigEntry:
    """Return Mum's card (expiring 6 May, tapped as renewed unless not `waiting`) and Dad's."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, "message_sources": [SOURCE]},
        subentries_data=[
            card_subentry(expiry_date="2027-05-06", grace_days=30),
            card_subentry(
                **{
                    **DAD_CARD,
                    "carrier": "csl",
                    "expiry_date": "2027-09-10",
                    "phone_number": "+85261237890",
                }
            ),
        ],
    )
    await setup_entry(hass, entry)
    if waiting:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
        )
        await hass.async_block_till_done()
    return entry


def card_named(entry: MockConfigEntry, name: str) -> str:
    """Return the id of the card with that name."""
    return next(key for key, sub in entry.subentries.items() if sub.data["name"] == name)


def snapshot(entry: MockConfigEntry) -> dict[str, Any]:
    """Return everything a message may change about the household's cards."""
    records = entry.runtime_data.records
    return {
        card_id: (
            expiry_of(entry, card_id),
            records[card_id]["balance"],
            records[card_id]["reminders"].get("confirm"),
            [e for e in records[card_id]["history"] if e["kind"] != "message"],
        )
        for card_id, sub in entry.subentries.items()
    }


async def read(hass: HomeAssistant, text: str, **fields: Any) -> dict[str, Any]:
    """Call read_message and return its answer."""
    answer = await hass.services.async_call(
        DOMAIN,
        "read_message",
        {"message": text, **fields},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert answer is not None
    return dict(answer)


@pytest.mark.parametrize(
    "sample", SAMPLES, ids=[f"{s.outcome}-{s.language}-{i}" for i, s in enumerate(SAMPLES)]
)
async def test_each_outcome_in_three_languages(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sample: Sample
) -> None:
    """Each sample, read on 2 May without a target, has its outcome and changes what it says."""
    entry = await household(hass, waiting=sample.waiting)
    await move_to(hass, freezer, "2027-05-02T02:00:00+00:00")
    mum = card_named(entry, "Mum's CMHK")
    before = snapshot(entry)
    read_events = async_capture_events(hass, "simrenew_message_read")
    answer = await read(hass, sample.text, **({"sender": sample.sender} if sample.sender else {}))
    if table := os.environ.get("SIMRENEW_MESSAGE_TABLE"):
        # scripts/message-table prints what each sample did.
        with open(table, "a", encoding="utf-8") as rows:
            waiting = "waiting" if sample.waiting else "nothing waiting"
            rows.write(f"| {sample.language} | {sample.text} | {waiting} | {answer['outcome']} |\n")
    assert answer["outcome"] == sample.outcome
    assert answer["card_id"] == (mum if sample.card == "mum" else None)
    (event,) = read_events
    assert event.data["outcome"] == sample.outcome
    # The message's text reaches neither the event nor the history.
    assert sample.text not in str(event.data)
    assert sample.text not in str(entry.runtime_data.records)
    after = snapshot(entry)
    if sample.outcome in ("unchanged", "ambiguous", "not_understood", "no_card"):
        assert after == before
        return
    expiry, balance, confirm, _ = after[mum]
    assert expiry == (sample.expiry or before[mum][0])
    if sample.outcome == "balance":
        assert balance is not None
        assert balance["amount"] == 23.5
        # Mainland messages write 元, which is the card's own currency here only if it is CNY.
        assert balance["currency"] == ("CNY" if sample.language == "zh-Hans" else "HKD")
        return
    # Confirmed, corrected or renewed by the user's own call: nothing waits any more.
    assert confirm is None
    assert hass.states.get(MUM_STATUS).attributes["deadline"] == sample.expiry
    if sample.outcome == "renewed":
        renewal = entry.runtime_data.records[mum]["history"][-1]
        assert renewal["channel"] == "carrier_message"
        assert renewal["confirmed"] is True


async def test_a_confirming_message_on_the_second_day_stops_the_old_reminders(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A phone's notification sensor shows the carrier's SMS: the renewal is confirmed."""
    entry = await household(hass)
    reminders = async_capture_events(hass, "simrenew_reminder")
    await move_to(hass, freezer, "2027-05-02T01:00:00+00:00")
    hass.states.async_set(
        SOURCE,
        "CMHK: Your prepaid number ****4567 has been recharged",
        {
            "android.title": "CMHK",
            "android.text": "CMHK: Your prepaid number ****4567 has been recharged HK$100. "
            "Valid until 28/10/2027 23:59.",
        },
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    status = hass.states.get(MUM_STATUS)
    assert status.state == "active"
    assert status.attributes["unconfirmed"] is False
    assert status.attributes["deadline"] == "2027-10-28"
    mum = card_named(entry, "Mum's CMHK")
    note = entry.runtime_data.records[mum]["history"][-1]
    assert note["kind"] == "message"
    assert note["outcome"] == "confirmed"
    assert note["source"] == "automatic"
    assert note["sender"] == "CMHK"
    await move_to(hass, freezer, "2027-05-07T01:00:00+00:00")
    assert [e.data["kind"] for e in reminders] == ["confirm"]


async def test_a_later_expiry_from_a_message_source_does_not_silence_the_card(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Anything can post a notification: a top-up it tells of waits for confirmation."""
    entry = await household(hass, waiting=False)
    reminders = async_capture_events(hass, "simrenew_reminder")
    hass.states.async_set(SOURCE, "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59.")
    await hass.async_block_till_done()
    mum = card_named(entry, "Mum's CMHK")
    assert expiry_of(entry, mum) == "2027-10-28"
    renewal = entry.runtime_data.records[mum]["history"][-1]
    assert (renewal["channel"], renewal["confirmed"]) == ("carrier_message", False)
    status = hass.states.get(MUM_STATUS)
    assert status.attributes["deadline"] == "2027-05-06"
    assert status.attributes["recorded_expiry"] == "2027-10-28"
    await move_to(hass, freezer, "2027-05-03T01:00:00+00:00")
    standing = [e.data for e in reminders if e.data["kind"] == "deadline"][-1]
    assert (standing["stage"], standing["unconfirmed"]) == (3, True)
    # The same text again (a restart shows the last notification anew) is not a new message.
    hass.states.async_set(SOURCE, "unavailable")
    hass.states.async_set(SOURCE, "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59.")
    await hass.async_block_till_done()
    assert len(entry.runtime_data.records[mum]["history"]) == 2


async def test_a_forged_far_expiry_changes_nothing(hass: HomeAssistant) -> None:
    """No renewal of the card reaches past today plus its longest plan: refused."""
    entry = await household(hass, waiting=False)
    before = snapshot(entry)
    answer = await read(hass, "CMHK ****4567 valid until 31/12/2030", entity_id=MUM_STATUS)
    assert answer["outcome"] == "not_understood"
    assert snapshot(entry) == before


async def test_two_cards_that_match_equally_are_ambiguous(hass: HomeAssistant) -> None:
    """A message naming only a carrier both cards have finds neither; one waiting wins."""
    entry = await household(hass, waiting=False)
    dad = card_named(entry, "Dad's csl")
    hass.config_entries.async_update_subentry(
        entry, entry.subentries[dad], data={**entry.subentries[dad].data, "carrier": "CMHK"}
    )
    await hass.async_block_till_done()
    before = snapshot(entry)
    answer = await read(hass, "CMHK: valid until 28/10/2027", sender="CMHK")
    assert (answer["outcome"], answer["card_id"]) == ("ambiguous", None)
    assert snapshot(entry) == before
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    answer = await read(hass, "CMHK: valid until 28/10/2027", sender="CMHK")
    assert (answer["outcome"], answer["card_id"]) == ("confirmed", card_named(entry, "Mum's CMHK"))


async def test_a_targeted_message_is_about_that_card(hass: HomeAssistant) -> None:
    """A call naming the card needs no number in the message."""
    entry = await household(hass)
    answer = await read(hass, "Valid until 28/10/2027", entity_id=MUM_STATUS)
    assert (answer["outcome"], answer["card_id"]) == ("confirmed", card_named(entry, "Mum's CMHK"))


async def test_an_overlong_message_is_refused(hass: HomeAssistant) -> None:
    """More than 2,000 characters is no carrier's message: a translated error, no change."""
    entry = await household(hass)
    before = snapshot(entry)
    with pytest.raises(ServiceValidationError) as refused:
        await read(hass, "x" * 2001)
    assert refused.value.translation_key == "message_too_long"
    with pytest.raises(ServiceValidationError) as refused:
        await read(hass, "Valid until 28/10/2027", sender="s" * 65)
    assert refused.value.translation_key == "sender_too_long"
    assert snapshot(entry) == before


async def test_what_a_message_did_is_in_the_notification(hass: HomeAssistant) -> None:
    """The card's notification says the carrier confirmed it, in words."""
    entry = await household(hass)
    await read(hass, "CMHK ****4567 valid until 28/10/2027")
    shown = persistent_notification._async_get_or_create_notifications(hass)
    note = shown[f"simrenew_{card_named(entry, 'Mum' + chr(39) + 's CMHK')}"]
    assert note["title"] == "Carrier message read"
    assert note["message"] == "The carrier's message confirms Mum's CMHK: valid until 28 Oct 2027."
