"""Card forms and stored card settings: every input refused cleanly or stored canonically."""

from __future__ import annotations

from datetime import date
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew import zones
from custom_components.simrenew.card_config import CardConfig
from custom_components.simrenew.card_form_data import whole_number
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.hub_options import HubOptions
from custom_components.simrenew.model import (
    SAFE_FIRST_DAY,
    SAFE_LAST_DAY,
    Period,
    PeriodUnit,
    add_months,
    expiry_is_plausible,
)
from custom_components.simrenew.phone_number_format import (
    normalize_phone_number,
    same_phone_number,
)
from custom_components.simrenew.stored_values import parse_iso_date
from custom_components.simrenew.zone_names import is_zone_name, load_zone
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component

from .conftest import CARD_DATA, card_subentry, expiry_of, form_errors, past_product, setup_entry
from .test_config_flow import with_changes

ROOT = "custom_components/simrenew"
DAYS = "sensor.mum_s_cmhk_days_until_expiry"


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


# Phone numbers


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("+85291234567", "+85291234567"),
        ("91234567", "+85291234567"),
        ("85291234567", "+85291234567"),
        ("(852) 9123-4567", "+85291234567"),
        ("+852 9123 4567", "+85291234567"),
        ("９１２３４５６７", "+85291234567"),
        ("＋８５２　９１２３　４５６７", "+85291234567"),
        ("13812345678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_phone_numbers_are_stored_in_e164(written: str, stored: str) -> None:
    """Hong Kong and mainland numbers get their country code; others keep theirs."""
    assert normalize_phone_number(written) == stored


@pytest.mark.parametrize(
    "written",
    [
        "",
        "+",
        "+1234",
        "1234567",
        "123456789",
        "4412345678901",
        "+0123456789",
        "+1234567890123456",
        "9123\u200b4567",
        "9123\x004567",
        "٩١٢٣٤٥٦٧",  # Arabic-Indic digits are digits to Python, not to carriers
        "91234567 ext 2",
        "0085291234567",
    ],
)
def test_numbers_that_are_refused(written: str) -> None:
    """Anything but a local HK or mainland number, or + and 8 to 15 digits, is refused."""
    with pytest.raises(ValueError, match="number"):
        normalize_phone_number(written)


@pytest.mark.parametrize(
    "written", ["91234567", "85291234567", "(852) 9123-4567", "９１２３４５６７", "+852 91234567"]
)
async def test_the_same_number_twice_is_one_card(
    hass: HomeAssistant, mock_entry: MockConfigEntry, written: str
) -> None:
    """A number already registered, however it is written, aborts "Add card"."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number=written)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(mock_entry.subentries) == 1


async def test_a_number_stored_before_e164_still_counts(hass: HomeAssistant) -> None:
    """A card stored with a local number is still found by its E.164 form."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[card_subentry(phone_number="9123 4567")],
    )
    await setup_entry(hass, entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(phone_number="+85291234567")
    )
    assert result["reason"] == "already_configured"


def test_stored_numbers_are_compared_in_e164() -> None:
    """A stored number counts however it was written; one that is no number only as itself."""
    assert same_phone_number("9123 4567", "+85291234567")
    assert same_phone_number("+85291234567", "+85291234567")
    assert not same_phone_number("+85261234567", "+85291234567")
    assert same_phone_number("call me", "call me")
    assert not same_phone_number(None, "+85291234567")
    assert not same_phone_number(91234567, "+85291234567")


# Names


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("mum s cmhk", "name_in_use"),
        ("Mum’s CMHK", "name_in_use"),
        ("MUM'S CMHK", "name_in_use"),
        ("Mum's  CMHK!", "name_in_use"),
        ("Mum\u200b's CMHK", "invalid_characters"),
        ("Mum\x00", "invalid_characters"),
        ("Mum\u202e", "invalid_characters"),
        ("M" * 65, "too_long"),
    ],
)
async def test_names_that_would_collide_or_hide_characters(
    hass: HomeAssistant, mock_entry: MockConfigEntry, name: str, error: str
) -> None:
    """Names giving the same entity ids as another card's, or unreadable ones, are refused."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
        ),
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], with_changes(name=name)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"name": error}
    assert len(mock_entry.subentries) == 1


async def test_a_long_carrier_is_refused_and_a_64_character_name_accepted(
    hass: HomeAssistant,
) -> None:
    """The carrier has the name's limits; 64 characters are still a name."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(carrier="c" * 65)
    )
    assert result["errors"] == {"carrier": "too_long"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(carrier="CMHK\x07")
    )
    assert result["errors"] == {"carrier": "invalid_characters"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(name="媽" * 64)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


# Time zones


@pytest.mark.parametrize(
    "name",
    [
        "/etc/localtime",
        "../etc",
        "Asia/../Asia/Hong_Kong",
        "Asia/Hong_Kong/",
        "Asia//Hong_Kong",
        "A" * 300,
        "Asia/Hong\x00Kong",
        "Asia/Hong Kongs",  # spaces read as underscores, but no zone is named so
        "Asia",
        "zone.tab",
    ],
)
async def test_time_zones_that_are_not_zones(hass: HomeAssistant, name: str) -> None:
    """Paths, directories, long or odd names give the form error, not an exception."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(time_zone=name)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(time_zone="invalid_time_zone")


async def test_every_error_of_the_zone_lookup_is_caught() -> None:
    """A file that is not a zone, or that cannot be read, is no zone."""
    for error in (ValueError("bad TZif"), IsADirectoryError(), PermissionError()):
        with patch(
            "custom_components.simrenew.zones.dt_util.async_get_time_zone", side_effect=error
        ):
            assert await zones.async_get_zone("Europe/Nowhere") is None
    assert load_zone("Asia") is None
    assert load_zone("../etc") is None
    assert load_zone("Europe/London") == ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("name", "shaped"),
    [
        ("Asia/Hong_Kong", True),
        ("America/Argentina/Buenos_Aires", True),
        ("America/Port-au-Prince", True),
        ("Etc/GMT+8", True),
        ("UTC", True),
        ("EST5EDT", True),
        ("Asia/../Asia/Hong_Kong", False),
        ("/etc/localtime", False),
        ("x" * 65, False),
        ("Asia/Hong Kong", False),
        ("", False),
    ],
)
def test_zone_names_are_iana_shaped(name: str, *, shaped: bool) -> None:
    """Only names made of IANA-style components are looked up at all."""
    assert is_zone_name(name) is shaped


async def test_zones_are_read_off_the_event_loop(hass: HomeAssistant) -> None:
    """The hub reads card zones loaded beforehand; nothing opens a zone file in the loop."""
    with patch(
        "custom_components.simrenew.zone_names.ZoneInfo", side_effect=AssertionError("in loop")
    ):
        entry = MockConfigEntry(
            domain=DOMAIN,
            data={},
            options={},
            subentries_data=[card_subentry(time_zone="America/Santiago")],
        )
        await setup_entry(hass, entry)
        assert hass.states.get(DAYS).state.lstrip("-").isdigit()
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
        (card_id,) = entry.subentries
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_CARD),
            context={"source": "reconfigure", "subentry_id": card_id},
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            with_changes(
                name="Mum's CMHK", phone_number="+85291234567", time_zone="Pacific/Kiritimati"
            ),
        )
        await hass.async_block_till_done()
        assert result["reason"] == "reconfigure_successful"
        assert entry.runtime_data.configs[card_id].time_zone.key == "Pacific/Kiritimati"
        assert entry.subentries[card_id].data["time_zone"] == "Pacific/Kiritimati"


# Dates


async def test_an_expiry_that_is_not_an_iso_date(hass: HomeAssistant) -> None:
    """The date selector lets "2027-5-15" through; the form refuses it."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    for written in ("2027-5-15", "2027-05-1"):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], with_changes(expiry_date=written)
        )
        assert result["errors"] == {"expiry_date": "invalid_date"}, written
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("2027-05-15", date(2027, 5, 15)),
        ("2027-5-15", None),
        ("2027-05-15T00:00", None),
        ("20270515", None),
        ("0000-01-01", None),
        ("２０２７-０５-１５", None),
        (date(2027, 5, 15), None),
    ],
)
def test_only_iso_dates_are_dates(written: object, parsed: date | None) -> None:
    """A form's date is exactly YYYY-MM-DD."""
    assert parse_iso_date(written) == parsed


@pytest.mark.parametrize(
    ("expiry", "accepted"),
    [
        ("2025-11-22", True),
        ("2025-11-21", False),
        ("2046-11-22", True),
        ("2046-11-23", False),
    ],
)
async def test_the_expiry_window_is_one_year_back_and_twenty_ahead(
    hass: HomeAssistant, expiry: str, *, accepted: bool
) -> None:
    """Today is 22 November 2026 in Hong Kong: calendar years, not 366-day ones."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], with_changes(expiry_date=expiry)
    )
    if accepted:
        assert result["type"] is FlowResultType.CREATE_ENTRY
    else:
        assert result["errors"] == {"expiry_date": "expiry_out_of_range"}


def test_the_expiry_window_on_a_leap_day() -> None:
    """From 29 February a year back is 28 February; twenty years ahead is a leap day again."""
    today = date(2028, 2, 29)
    assert expiry_is_plausible(date(2027, 2, 28), today)
    assert not expiry_is_plausible(date(2027, 2, 27), today)
    assert expiry_is_plausible(date(2048, 2, 29), today)
    assert not expiry_is_plausible(date(2048, 3, 1), today)


@given(
    today=st.dates(min_value=date(1901, 1, 1), max_value=date(8000, 1, 1)),
    offset=st.integers(min_value=-400, max_value=20 * 366 + 30),
)
def test_the_window_is_calendar_months(today: date, offset: int) -> None:
    """An expiry is plausible exactly between today less 12 months and plus 240 months."""
    expiry = date.fromordinal(today.toordinal() + offset)
    inside = add_months(today, -12) <= expiry <= add_months(today, 240)
    assert expiry_is_plausible(expiry, today) is inside


# Periods


@pytest.mark.parametrize(
    ("value", "read"), [(3.0, 3), (7, 7), (1.5, 1.5), (True, True), ("3", "3"), (None, None)]
)
def test_form_counts_are_whole_numbers_or_left_to_refuse(value: object, read: object) -> None:
    """The number box hands back floats; only whole ones become counts."""
    assert whole_number(value) == read
    assert type(whole_number(value)) is type(read)


@pytest.mark.parametrize(
    ("period", "unit", "error"),
    [
        ("1.5", "days", True),
        ("nan", "days", True),
        ("inf", "days", True),
        ("3660", "days", False),
        ("3661", "days", True),
        ("120", "months", False),
        ("121", "months", True),
        ("3660", "months", True),
    ],
)
async def test_renewal_period_and_unit_are_checked_together(
    hass: HomeAssistant, period: str, unit: str, *, error: bool
) -> None:
    """Up to 3660 days or 120 months; 1.5 is not stored as 1."""
    result = await past_product(
        hass, await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        with_changes(renewal_period=f"{period}_{unit}", expiry_date="2027-01-31"),
    )
    if error:
        assert result["errors"] == {"renewal_period": "invalid_period"}
    else:
        assert result["type"] is FlowResultType.CREATE_ENTRY
        (subentry,) = result["result"].subentries.values()
        assert subentry.data["renewal_period"] == int(period)
        assert type(subentry.data["renewal_period"]) is int


# Stored extremes


@pytest.mark.parametrize("expiry", ["9999-12-31", "0001-01-01"])
async def test_stored_extreme_expiries_keep_the_hub_running(
    hass: HomeAssistant, expiry: str
) -> None:
    """A stored expiry far out is read within the safe window: the hub and calendar work."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={"reminder_days": [400, 7], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(
                expiry_date=expiry,
                renewal_period=10**9,
                renewal_period_unit="months",
                grace_days=10**12,
                activity_interval_days=-5,
                reminder_days=[10**9, "x", 3],
                card_type="satellite",
                renewal_mode="sometimes",
            )
        ],
    )
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(DAYS).state.lstrip("-").isdigit()
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.sim_renew_calendar",
            "start_date_time": "1899-01-01T00:00:00+00:00",
            "end_date_time": "9100-01-01T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["calendar.sim_renew_calendar"]["events"]
    # The stored period of 10**9 months is read as 120 months.
    if expiry == "0001-01-01":
        await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
        assert expiry_of(entry, next(iter(entry.subentries))) == "2036-11-22"
    else:
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(DOMAIN, "renew", {"entity_id": DAYS}, blocking=True)
        assert err.value.translation_key == "expiry_out_of_range"
    assert hass.states.get(DAYS).state.lstrip("-").isdigit()


def test_stored_values_are_read_within_what_the_rules_compute() -> None:
    """Clamped, or the default when a value cannot be read at all."""
    config = CardConfig.from_data(
        {
            **CARD_DATA,
            "expiry_date": "9999-12-31",
            "renewal_period": 3660,
            "renewal_period_unit": "months",
            "grace_days": "lots",
            "activity_interval_days": float("nan"),
            "reminder_days": [365, 366, -1, True, "7"],
            "time_zone": "Nowhere/Land",
        }
    )
    assert config.expiry_date == SAFE_LAST_DAY
    assert config.period == Period(length=120, unit=PeriodUnit.MONTHS)
    assert config.grace_days == 0
    assert config.activity_interval_days == 0
    assert config.reminder_days == (365, 7)
    assert config.time_zone.key == "Asia/Hong_Kong"
    config = CardConfig.from_data({**CARD_DATA, "expiry_date": "0001-01-01", "renewal_period": 1.5})
    assert config.expiry_date == SAFE_FIRST_DAY
    assert config.period == Period(length=1, unit=PeriodUnit.DAYS)
    assert CardConfig.from_data({**CARD_DATA, "renewal_period": "x"}).period is None
    assert CardConfig.from_data({**CARD_DATA, "renewal_period": "30"}).period == Period(
        length=30, unit=PeriodUnit.DAYS
    )
    assert CardConfig.from_data({**CARD_DATA, "renewal_period": [1]}).period is None
    assert CardConfig.from_data({**CARD_DATA, "card_type": 5}).card_type == "other"
    assert HubOptions.from_options({"reminder_days": [10**9, 3]}).reminder_days == (3,)
    assert HubOptions.from_options({"reminder_days": "14"}).reminder_days == (14, 7, 3, 1, 0)


def test_without_any_zone_a_card_cannot_be_read() -> None:
    """A hub always loads the default zone; without it there is no clock to read a card by."""
    with pytest.raises(ValueError, match="not available"):
        CardConfig.from_data(CARD_DATA, lambda name: None)


# Repairs


async def test_repair_new_expiry_that_is_not_an_iso_date(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The fix flow's date box refuses "2027-5-15" with a form error."""
    freezer.move_to("2026-12-05T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options={},
        subentries_data=[card_subentry(expiry_date="2026-12-01")],
    )
    await setup_entry(hass, entry)
    assert await async_setup_component(hass, "repairs", {})
    (card_id,) = entry.subentries
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": f"lapsed_{card_id}"})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "new_expiry"})
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2027-5-15"})
    assert result["errors"] == {"expiry_date": "invalid_date"}
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2047-01-01"})
    assert result["errors"] == {"expiry_date": "expiry_out_of_range"}
    with patch.object(
        entry.runtime_data.changes,
        "async_set_expiry",
        side_effect=ServiceValidationError(
            translation_domain=DOMAIN, translation_key="card_removed"
        ),
    ):
        result = await manager.async_configure(result["flow_id"], {"expiry_date": "2027-05-15"})
    assert result["errors"] == {"base": "card_removed"}
    assert entry.runtime_data.records[card_id]["history"] == []
    result = await manager.async_configure(result["flow_id"], {"expiry_date": "2027-05-15"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert expiry_of(entry, card_id) == "2027-05-15"
