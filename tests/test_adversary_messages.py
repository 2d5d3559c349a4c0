"""Adversarial tests of carrier messages: each failing test is a broken promise."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, move_to, setup_entry

MUM_STATUS = "sensor.mum_s_cmhk_status"
SOURCE = "sensor.pixel_last_notification"
TABLET = "sensor.tablet_last_notification"


@pytest.fixture(autouse=True)
async def hong_kong(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2027-05-01T02:00:00+00:00")


async def household(
    hass: HomeAssistant,
    *,
    waiting: bool = False,
    mum: dict[str, Any] | None = None,
    dad: dict[str, Any] | None = None,
    sources: list[str] | None = None,
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={**HUB_OPTIONS, "message_sources": sources or [SOURCE, TABLET]},
        subentries_data=[
            card_subentry(**{"expiry_date": "2027-05-06", "grace_days": 30, **(mum or {})}),
            card_subentry(
                **{
                    **DAD_CARD,
                    "carrier": "csl",
                    "expiry_date": "2027-09-10",
                    "phone_number": "+85261237890",
                    **(dad or {}),
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


def mum_id(entry: MockConfigEntry) -> str:
    return next(k for k, s in entry.subentries.items() if s.data["name"] == "Mum's CMHK")


async def read(hass: HomeAssistant, text: str, **fields: Any) -> dict[str, Any]:
    answer = await hass.services.async_call(
        DOMAIN, "read_message", {"message": text, **fields}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    return dict(answer)


def confirm_of(entry: MockConfigEntry) -> Any:
    return entry.runtime_data.records[mum_id(entry)]["reminders"].get("confirm")


# 1. A forged notification must not silence a card: a second automatic message confirms
#    the unconfirmed renewal that the first automatic message made.
async def test_second_forged_notification_confirms_the_first(hass: HomeAssistant) -> None:
    entry = await household(hass)
    hass.states.async_set(SOURCE, "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59.")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert confirm_of(entry) is not None  # unconfirmed, as promised
    # The same forged text shows up on a second phone (or slightly reworded on the first).
    hass.states.async_set(TABLET, "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59.")
    await hass.async_block_till_done(wait_background_tasks=True)
    status = hass.states.get(MUM_STATUS)
    assert confirm_of(entry) is not None, "an automatic message confirmed its own renewal"
    assert status.attributes["deadline"] == "2027-05-06"


# 2. Two automatic messages at once (two sources): same outcome, forged renewal silenced.
async def test_two_forged_notifications_at_once(hass: HomeAssistant) -> None:
    entry = await household(hass)
    text = "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59."
    hass.states.async_set(SOURCE, text)
    hass.states.async_set(TABLET, text)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert confirm_of(entry) is not None
    assert hass.states.get(MUM_STATUS).attributes["deadline"] == "2027-05-06"


# 3. A later (but already passed) expiry from an automatic source, nothing waiting, is
#    recorded as a confirmed correction instead of an unconfirmed renewal.
async def test_forged_later_past_expiry_is_recorded_confirmed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await household(hass)
    await move_to(hass, freezer, "2027-05-20T02:00:00+00:00")  # lapsed 6 May, in grace
    hass.states.async_set(SOURCE, "CMHK: ****4567 valid until 15/05/2027.")
    await hass.async_block_till_done(wait_background_tasks=True)
    mum = mum_id(entry)
    expiry = expiry_of(entry, mum)
    status = hass.states.get(MUM_STATUS)
    # Either nothing changes, or the later expiry waits for confirmation.
    assert expiry == "2027-05-06" or confirm_of(entry) is not None, (
        f"expiry moved to {expiry} confirmed; deadline {status.attributes.get('deadline')}"
    )


# 4. Two expiry words, two dates: the first (the old expiry) wins, and a waiting renewal is
#    "corrected" back to the old date and counted as confirmed.
async def test_two_expiry_words_two_dates(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    before = expiry_of(entry, mum)
    answer = await read(
        hass,
        "CMHK ****4567: previous expiry 06/05/2027. Recharged HK$100, new expiry 28/10/2027.",
    )
    assert answer["outcome"] in ("confirmed", "ambiguous"), answer
    assert expiry_of(entry, mum) in (before, "2027-10-28")
    assert expiry_of(entry, mum) == "2027-10-28" or answer["outcome"] == "ambiguous", answer


async def test_two_expiry_words_two_dates_chinese(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    answer = await read(
        hass, "中國移動香港:尾號4567 原有效期至2027年5月6日,已增值HK$100,新有效期至2027年10月28日。"
    )
    assert answer["outcome"] in ("confirmed", "ambiguous"), answer
    assert expiry_of(entry, mum) == "2027-10-28", answer


# 5. A message for a card removed while the message waited for the lock.
async def test_card_removed_while_message_waits(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    hub = entry.runtime_data
    await hub.ledger.lock.acquire()
    task = hass.async_create_task(read(hass, "CMHK ****4567 valid until 28/10/2027"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    hass.config_entries.async_remove_subentry(entry, mum)
    hub.ledger.lock.release()
    try:
        answer = await task
    except ServiceValidationError as err:
        answer = {"error": err.translation_key}
    await hass.async_block_till_done()
    assert answer.get("outcome") == "no_card" or answer.get("error") == "card_removed", answer


# 6. A message while a renewal is being recorded (button press holding the lock).
async def test_message_during_renewal(hass: HomeAssistant) -> None:
    entry = await household(hass)
    press = hass.services.async_call(
        "button", "press", {"entity_id": "button.mum_s_cmhk_renew"}, blocking=True
    )
    text = "CMHK ****4567 valid until 28/10/2027"
    results = await asyncio.gather(press, read(hass, text), return_exceptions=True)
    await hass.async_block_till_done()
    assert not any(isinstance(r, Exception) for r in results), results
    assert expiry_of(entry, mum_id(entry)) == "2027-10-28"


# 7. Confirm arriving after undo.
async def test_confirm_after_undo(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": MUM_STATUS}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    mum = mum_id(entry)
    assert expiry_of(entry, mum) == "2027-05-06"
    assert confirm_of(entry) is None
    hass.states.async_set(SOURCE, "CMHK ****4567 valid until 28/10/2027")
    await hass.async_block_till_done(wait_background_tasks=True)
    # An automatic message after the undo: may renew, but unconfirmed.
    assert expiry_of(entry, mum) == "2027-05-06" or confirm_of(entry) is not None
    assert hass.states.get(MUM_STATUS).attributes["deadline"] == "2027-05-06"


# 8. Auto-renew roll confirmed by a message; the undo of a roll sticks across reload.
async def test_auto_renew_roll_confirmed_by_message(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await household(hass, mum={"auto_renew": True, "renewal_mode": "from_expiry"})
    mum = mum_id(entry)
    await move_to(hass, freezer, "2027-05-07T02:00:00+00:00")
    await hass.async_block_till_done(wait_background_tasks=True)
    new = expiry_of(entry, mum)
    assert new != "2027-05-06"
    assert confirm_of(entry) is not None
    d = new.split("-")
    answer = await read(hass, f"CMHK ****4567 valid until {d[2]}/{d[1]}/{d[0]}")
    assert answer["outcome"] == "confirmed", answer
    assert confirm_of(entry) is None
    assert hass.states.get(MUM_STATUS).attributes["deadline"] == new
    await move_to(hass, freezer, "2027-05-09T02:00:00+00:00")
    assert expiry_of(entry, mum) == new


async def test_undo_roll_sticks_after_reload_and_message(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = await household(hass, mum={"auto_renew": True, "renewal_mode": "from_expiry"})
    mum = mum_id(entry)
    await move_to(hass, freezer, "2027-05-07T02:00:00+00:00")
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": MUM_STATUS}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert expiry_of(entry, mum) == "2027-05-06"
    # A balance message (changes nothing about the expiry) then a reload, then a day passes.
    await read(hass, "CMHK ****4567 balance HK$23.5")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await move_to(hass, freezer, "2027-05-08T02:00:00+00:00")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert expiry_of(entry, mum) == "2027-05-06"


# 9. Time zones: HK card in a London home, year-less Chinese date, just after HK midnight.
async def test_yearless_date_read_in_home_zone_not_card_zone(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/London")
    entry = await household(hass)
    mum = mum_id(entry)
    # 2027-05-20 00:30 in Hong Kong is still 19 May in London; card lapsed 6 May, in grace.
    await move_to(hass, freezer, "2027-05-19T16:30:00+00:00")
    answer = await read(
        hass, "中國移動香港:尾號4567 有效期至5月19日", received="2027-05-19T16:30:00+00:00"
    )
    # In Hong Kong (the card's and carrier's zone) 5月19日 received on 20 May is next year's:
    # beyond any plan, so nothing may change. Read in London it is yesterday (HK) and moves
    # the expiry.
    assert answer["outcome"] == "not_understood", answer
    assert expiry_of(entry, mum) == "2027-05-06"


async def test_yearless_date_just_before_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/London")
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    answer = await read(
        hass, "中國移動香港:尾號4567 有效期至10月28日", received="2027-05-01T23:59:00+01:00"
    )
    assert answer["outcome"] == "confirmed", answer
    assert expiry_of(entry, mum) == "2027-10-28"


# 10. A source that goes unavailable and comes back with the same text, across a reload.
async def test_same_text_after_unavailable_and_reload(hass: HomeAssistant) -> None:
    entry = await household(hass)
    mum = mum_id(entry)
    text = "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59."
    hass.states.async_set(SOURCE, text)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": MUM_STATUS}, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    # The phone app restarts after simrenew: its entity is gone, then back with the same text.
    hass.states.async_remove(SOURCE)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set(SOURCE, text)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert expiry_of(entry, mum) == "2027-05-06", "undo was re-applied"


async def test_same_text_after_unavailable(hass: HomeAssistant) -> None:
    entry = await household(hass)
    mum = mum_id(entry)
    text = "CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59."
    hass.states.async_set(SOURCE, text)
    await hass.async_block_till_done(wait_background_tasks=True)
    await hass.services.async_call(
        DOMAIN, "undo_renewal", {"entity_id": MUM_STATUS}, blocking=True, return_response=True
    )
    hass.states.async_set(SOURCE, "unavailable")
    hass.states.async_set(SOURCE, text)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert expiry_of(entry, mum) == "2027-05-06"


# 11. Very long android.text; sender phone number not in logs.
async def test_long_android_text_and_sender_not_logged(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await household(hass)
    sender = "+85291234567"
    long = "CMHK ****4567 recharged HK$100. Valid until 28/10/2027. " + "x" * 3000
    hass.states.async_set(SOURCE, long[:255], {"android.text": long, "android.title": sender})
    await hass.async_block_till_done(wait_background_tasks=True)
    hass.states.async_set(
        TABLET, "valid until 28/10/2027 ****4567", {"android.title": sender + " CMHK"}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    ours = [r for r in caplog.records if "simrenew" in r.name]
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in ours)
    assert sender not in text
    assert "valid until" not in text.casefold()


# 12. History action output: no message text, sender kept only as given.
async def test_history_output_has_no_text(hass: HomeAssistant) -> None:
    await household(hass, waiting=True)
    secret = "CMHK ****4567 secretword valid until 28/10/2027"
    await read(hass, secret, sender="CMHK")
    out = await hass.services.async_call(
        DOMAIN, "history", {"entity_id": MUM_STATUS}, blocking=True, return_response=True
    )
    assert "secretword" not in str(out)
    assert "message" in str(out)


# 13. Numbers matching two cards (same tail), one waiting: the waiting one is confirmed;
#     neither waiting: ambiguous, nothing changes.
async def test_tail_matching_two_cards(hass: HomeAssistant) -> None:
    entry = await household(hass, dad={"phone_number": "+85261234567", "carrier": "CMHK"})
    before = {k: dict(s.data) for k, s in entry.subentries.items()}
    answer = await read(hass, "****4567 valid until 28/10/2027")
    assert answer["outcome"] == "ambiguous", answer
    assert {k: dict(s.data) for k, s in entry.subentries.items()} == before


# 14. A number matching one card and the carrier name of another.
async def test_number_of_one_carrier_of_other(hass: HomeAssistant) -> None:
    entry = await household(hass)
    answer = await read(hass, "csl: ****4567 valid until 28/10/2027", sender="csl")
    assert answer["card_id"] == mum_id(entry), answer


# 15. A message during a reload: from a source, and by the action.
async def test_source_message_during_reload_is_read(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    reload = hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))
    await asyncio.sleep(0)
    hass.states.async_set(SOURCE, "CMHK ****4567 valid until 28/10/2027")
    await reload
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.records[mum]["reminders"].get("confirm") is None, "message lost"


async def test_action_message_during_reload(hass: HomeAssistant) -> None:
    entry = await household(hass, waiting=True)
    mum = mum_id(entry)
    reload = hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))
    await asyncio.sleep(0)
    try:
        answer = await read(hass, "CMHK ****4567 valid until 28/10/2027")
    except ServiceValidationError as err:
        answer = {"error": err.translation_key}
    await reload
    await hass.async_block_till_done(wait_background_tasks=True)
    assert answer.get("outcome") == "confirmed" or "error" in answer, answer
    if answer.get("outcome") == "confirmed":
        assert entry.runtime_data.records[mum]["reminders"].get("confirm") is None
