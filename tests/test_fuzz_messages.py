"""read_message against random text, random dates in every form and random sets of cards.

Whatever arrives: never an exception, never a change on `ambiguous`, `not_understood`,
`no_card` or `unchanged`, an expiry only ever set to a date the message states, and no message
from a message source leaving a card without its real deadline's reminders.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import event, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.message_outcomes import Outcome
from custom_components.simrenew.messages import read_message
from homeassistant.core import HomeAssistant

from .conftest import DAD_CARD, HUB_OPTIONS, card_subentry, expiry_of, setup_entry
from .fuzzing import FUZZ_SETTINGS

TODAY = date(2027, 5, 1)
SOURCE = "sensor.pixel_last_notification"
STATUS = {
    "Mum's CMHK": "sensor.mum_s_cmhk_status",
    "Dad's csl": "sensor.dad_s_csl_status",
    "Mainland": "sensor.mainland_status",
}
NUMBERS = ["****4567", "尾号5678", "尾號4567", "91234567", "138 1234 5678", "****0000", ""]
CARRIERS = ["CMHK", "csl", "中国移动", "中國移動香港", "3HK", ""]
EXPIRY_WORDS = [
    "Valid until",
    "valid till",
    "Expiry date:",
    "expires on",
    "有效期至",
    "有效期為",
    "有效日期：",
    "到期日",
    "使用期限",
]
SENDERS: list[str] = []
OTHER_WORDS = [
    "Balance HK$12.30",
    "余额23.5元",
    "餘額 HK$5",
    "recharged HK$100",
    "验证码 123456",
    "",
]


def written(day: date, form: int) -> str:
    """Return a date in one of the forms carriers write."""
    forms = [
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d} 23:59",
        f"{day.day}/{day.month}/{day.year} at 23:59",
        day.isoformat(),
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.month}月{day.day}日",
        "".join(
            chr(ord(c) + 0xFEE0) if c.isdigit() else c
            for c in f"{day.year}年{day.month}月{day.day}日"
        ),
    ]
    return forms[form % len(forms)]


MESSAGES = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda carrier, number, word, day, form, other, noise: (
            f"{carrier}: {noise} {number} {word} {written(day, form)}. {other}"
        ),
        st.sampled_from(CARRIERS),
        st.sampled_from(NUMBERS),
        st.sampled_from(EXPIRY_WORDS),
        # Mostly dates a renewal could give, so that messages confirm and renew, too.
        st.one_of(
            st.dates(min_value=TODAY, max_value=TODAY + timedelta(days=200)),
            st.dates(min_value=TODAY - timedelta(days=400), max_value=TODAY + timedelta(days=800)),
        ),
        st.integers(min_value=0, max_value=20),
        st.sampled_from(OTHER_WORDS),
        st.text(max_size=20),
    ),
)


@pytest.fixture
async def household(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    """Return three cards of a Hong Kong home on 1 May 2027, reading the phone's notifications."""
    await hass.config.async_set_time_zone("Asia/Hong_Kong")
    freezer.move_to("2027-05-01T02:00:00+00:00")
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
                    "renewal_period": 30,
                }
            ),
            card_subentry(
                name="Mainland",
                carrier="中国移动",
                phone_number="+8613812345678",
                expiry_date="2027-06-30",
                currency="CNY",
                time_zone="Asia/Shanghai",
            ),
        ],
    )
    await setup_entry(hass, entry)
    return entry


def snapshot(entry: MockConfigEntry) -> dict[str, Any]:
    """Return what a message may change about each card."""
    records = entry.runtime_data.records
    return {
        card_id: (
            expiry_of(entry, card_id),
            records[card_id]["balance"],
            records[card_id]["reminders"].get("confirm"),
            len([e for e in records[card_id]["history"] if e["kind"] != "message"]),
        )
        for card_id, sub in entry.subentries.items()
    }


def deadlines(entry: MockConfigEntry) -> dict[str, date]:
    """Return each card's deadline as its reminders count it."""
    return {card_id: view.state.deadline for card_id, view in entry.runtime_data.cards.items()}


@FUZZ_SETTINGS
@given(
    text=MESSAGES,
    tap=st.sampled_from([None, *STATUS]),
    targets=st.one_of(st.none(), st.lists(st.sampled_from(list(STATUS)), min_size=1, max_size=3)),
    automatic=st.booleans(),
)
async def test_fuzz_read_message(
    hass: HomeAssistant,
    household: MockConfigEntry,
    text: str,
    tap: str | None,
    targets: list[str] | None,
    automatic: bool,
) -> None:
    """Any message, from the action or a message source, to any cards: the rules hold."""
    if tap is not None:
        # Sometimes a renewal waits for the carrier's word when the message comes.
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS[tap]}, blocking=True)
        await hass.async_block_till_done()
    before, deadlines_before = snapshot(household), deadlines(household)
    read = async_capture_events(hass, "simrenew_message_read")
    if automatic:
        # A source shows each text once: a sender of its own makes every example a new one.
        SENDERS.append(f"SMS {len(SENDERS)}")
        hass.states.async_set(SOURCE, "", {"android.text": text, "android.title": SENDERS[-1]})
        await hass.async_block_till_done(wait_background_tasks=True)
        hass.states.async_set(SOURCE, "unavailable")
        if not text.strip():
            assert read == []
            return
    else:
        data: dict[str, Any] = {"message": text}
        if targets is not None:
            data["entity_id"] = [STATUS[name] for name in dict.fromkeys(targets)]
        await hass.services.async_call(
            DOMAIN, "read_message", data, blocking=True, return_response=True
        )
        await hass.async_block_till_done()
    (fired,) = read
    outcome = Outcome(fired.data["outcome"])
    event(f"{'automatic' if automatic else 'action'}: {outcome.value}")
    # The text never reaches the event (a short one may match a name or a date by chance).
    assert len(text.strip()) < 16 or text.strip() not in str(fired.data)
    after = snapshot(household)
    if outcome in (Outcome.AMBIGUOUS, Outcome.NOT_UNDERSTOOD, Outcome.NO_CARD, Outcome.UNCHANGED):
        assert after == before
        return
    card_id = fired.data["card_id"]
    assert all(after[other] == before[other] for other in after if other != card_id)
    stated = read_message(text, TODAY).expiry_readings
    if after[card_id][0] != before[card_id][0]:
        assert date.fromisoformat(after[card_id][0]) in stated
    if automatic and outcome is Outcome.RENEWED:
        # Anything could have posted it: the deadline before it still stands.
        assert deadlines(household)[card_id] == deadlines_before[card_id]
        assert after[card_id][2] is not None
