"""Renewals and uses dated before the card was added: recorded while they can still count."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.change_checks import earliest_day
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.model import Period, PeriodUnit
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import CARD_DATA, HUB_OPTIONS, card_subentry, setup_entry

STATUS = "sensor.mum_s_cmhk_status"
DAYS = "sensor.mum_s_cmhk_days_until_expiry"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong: the day Mum's card is added."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def _hub(hass: HomeAssistant, **card: Any) -> tuple[MockConfigEntry, str]:
    """Return a loaded hub with Mum's card, added today, and the card's id."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry({**CARD_DATA, **card})],
    )
    await setup_entry(hass, entry)
    (card_id,) = entry.subentries
    assert entry.runtime_data.records[card_id]["added"] == "2026-11-22"
    return entry, card_id


async def _call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    """Call a simrenew action on Mum's card."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"entity_id": DAYS, **data},
        blocking=True,
        return_response=service == "renew",
    )


async def test_a_top_up_the_day_before_the_card_was_added_is_recorded(
    hass: HomeAssistant,
) -> None:
    """Topped up on the 21st, added on the 22nd: the renewal counts from the 21st."""
    entry, card_id = await _hub(hass)
    response = await _call(hass, "renew", date="2026-11-21")
    # 21 November + 180 days, later than the expiry of 1 December.
    assert response["cards"][0]["new_expiry"] == "2027-05-20"
    (renewal,) = entry.runtime_data.records[card_id]["history"]
    assert renewal["date"] == "2026-11-21"
    assert entry.runtime_data.records[card_id]["added"] == "2026-11-22"
    # Unconfirmed, as any renewal without the carrier's date: the expiry it replaced stands.
    assert renewal["confirmed"] is False
    assert hass.states.get(STATUS).state == "expiring_soon"


@pytest.mark.parametrize(
    ("card", "plan", "earliest"),
    [
        # One 180-day period before 22 November.
        ({}, None, "2026-05-26"),
        # A yearly plan reaches a year back.
        (
            {"plans": [{"name": "Yearly", "renewal_period": 12, "renewal_period_unit": "months"}]},
            "Yearly",
            "2025-11-22",
        ),
        # Under a 30-day activity rule a top-up is also a use: no older than the rule allows.
        ({"activity_interval_days": 30}, None, "2026-10-23"),
    ],
)
async def test_a_renewal_reaches_back_one_period_and_no_further(
    hass: HomeAssistant, card: dict[str, Any], plan: str | None, earliest: str
) -> None:
    """The earliest day is recorded; the day before it is refused in words, and nothing changes."""
    entry, card_id = await _hub(hass, **card)
    plan_field = {} if plan is None else {"plan": plan}
    before = copy.deepcopy(entry.runtime_data.records)
    too_early = (date.fromisoformat(earliest) - timedelta(days=1)).isoformat()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "renew", date=too_early, **plan_field)
    assert err.value.translation_key == "date_before_card"
    assert err.value.translation_placeholders == {
        "date": too_early,
        "added": "2026-11-22",
        "earliest": earliest,
    }
    assert entry.runtime_data.records == before
    await _call(hass, "renew", date=earliest, **plan_field)
    (renewal,) = entry.runtime_data.records[card_id]["history"]
    assert renewal["date"] == earliest
    # Whatever it did to the expiry, a renewal the card could have had leaves it alive today.
    assert hass.states.get(STATUS).state in ("active", "expiring_soon")


async def test_a_top_up_dated_back_never_loses_a_card_to_its_activity_rule(
    hass: HomeAssistant,
) -> None:
    """The earliest top-up a 30-day rule allows sets a deadline no earlier than the day added."""
    entry, card_id = await _hub(hass, activity_interval_days=30)
    await _call(hass, "renew", date="2026-10-23")
    assert entry.runtime_data.records[card_id]["last_activity"] == "2026-10-23"
    assert hass.states.get(STATUS).state != "expired"
    assert hass.states.get(STATUS).state != "grace_period"


@pytest.mark.parametrize(
    ("card", "earliest"),
    [({"activity_interval_days": 30}, "2026-10-23"), ({}, "2025-10-18")],
)
async def test_a_use_reaches_back_as_far_as_the_activity_rule(
    hass: HomeAssistant, card: dict[str, Any], earliest: str
) -> None:
    """A use older than the rule's interval had lost the card; without a rule, 400 days."""
    entry, card_id = await _hub(hass, **card)
    await _call(hass, "record_activity", date=earliest)
    assert entry.runtime_data.records[card_id]["last_activity"] == earliest
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "record_activity", date="2025-10-17")
    assert err.value.translation_key == "date_before_card"
    assert err.value.translation_placeholders["earliest"] == earliest


async def test_a_renewal_with_only_the_carriers_expiry_reaches_back_400_days(
    hass: HomeAssistant,
) -> None:
    """A card without a period renews by the stated expiry; 400 days is the longest plan sold."""
    entry, card_id = await _hub(hass, renewal_period=None)
    await _call(hass, "renew", date="2025-10-18", new_expiry="2027-01-31")
    (renewal,) = entry.runtime_data.records[card_id]["history"]
    assert renewal["new_expiry"] == "2027-01-31"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "renew", date="2025-10-17", new_expiry="2027-01-31")
    assert err.value.translation_placeholders["earliest"] == "2025-10-18"


async def test_a_renewal_tomorrow_is_still_refused(hass: HomeAssistant) -> None:
    """The allowance looks back only: a date after today is a mistake."""
    entry, _ = await _hub(hass)
    before = copy.deepcopy(entry.runtime_data.records)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "renew", date="2026-11-23")
    assert err.value.translation_key == "date_in_future"
    assert entry.runtime_data.records == before


@pytest.mark.parametrize(
    ("reach", "earliest"),
    [
        (Period(length=1, unit=PeriodUnit.DAYS), "2027-03-30"),
        (Period(length=1, unit=PeriodUnit.MONTHS), "2027-02-28"),
        (Period(length=13, unit=PeriodUnit.MONTHS), "2026-02-28"),
        (None, "2026-02-24"),
    ],
)
def test_the_earliest_day_counts_calendar_months_back(reach: Period | None, earliest: str) -> None:
    """A month back from 31 March is 28 February, as months are counted forward."""
    assert earliest_day(date(2027, 3, 31), reach).isoformat() == earliest
