"""Words the forms show read back as what they name: periods, time zones and plan outcomes.

The period and zone fields take typed values, so their values are words in Home Assistant's
language; whatever a form showed must come back as the same period or zone, in any language.
"""

from __future__ import annotations

from typing import Any
import unicodedata

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_fields import ZONE_CHOICES
from custom_components.simrenew.card_form import card_schema
from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from custom_components.simrenew.model import PERIOD_LIMITS, Period, PeriodUnit
from custom_components.simrenew.plan_form import (
    PeriodTexts,
    async_period_texts,
    period_selector,
    plans_section,
)
from custom_components.simrenew.plans import parse_period
from custom_components.simrenew.zone_labels import LANGUAGES, ZoneNames, async_zone_names
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.setup import async_setup_component

from .conftest import (
    CARD_DATA,
    HUB_OPTIONS,
    card_subentry,
    expiry_of,
    form_errors,
    past_product,
    setup_entry,
)
from .fuzzing import FUZZ_SETTINGS

EVERY_PERIOD = [
    Period(length=length, unit=unit)
    for unit in PeriodUnit
    for length in range(1, PERIOD_LIMITS[unit] + 1)
]
YEARLY = {"name": "Yearly", "renewal_period": 12, "renewal_period_unit": "months"}
PROMO = {"name": "Promo", "renewal_period": 45, "renewal_period_unit": "days"}
PROMO_TOO = {"name": "Promo too", "renewal_period": 45, "renewal_period_unit": "days"}


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


async def _texts_in(hass: HomeAssistant, language: str) -> PeriodTexts:
    """Return the period texts of one language."""
    await hass.config.async_update(language=language)
    return await async_period_texts(hass)


async def _names_in(hass: HomeAssistant, language: str) -> ZoneNames:
    """Return the zone names as a form opened in one language has them."""
    await hass.config.async_update(language=language)
    return await async_zone_names(hass)


def answers(schema: Any) -> dict[str, Any]:
    """Return what the frontend sends for a form left as shown: each field's shown value."""
    sent: dict[str, Any] = {}
    for key, field in schema.schema.items():
        if isinstance(field, section):
            sent[str(key)] = answers(field.schema)
        elif key.description and "suggested_value" in key.description:
            sent[str(key)] = key.description["suggested_value"]
        elif callable(getattr(key, "default", None)) and key.default() is not None:
            sent[str(key)] = key.default()
    return sent


async def send(hass: HomeAssistant, flow_id: str, sent: dict[str, Any]) -> Any:
    """Send a card form's answers; the question of the default plan, if asked, is left as is."""
    result = await hass.config_entries.subentries.async_configure(flow_id, sent)
    if result.get("step_id") == "default_plan":
        result = await hass.config_entries.subentries.async_configure(
            flow_id, answers(result["data_schema"])
        )
    await hass.async_block_till_done()
    return result


def _options(selector: Any) -> list[str]:
    """Return the values a select field offers."""
    return [option["value"] for option in selector.config["options"]]


# --- Periods ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [*LANGUAGES, "fr"])
async def test_every_period_in_words_reads_back(hass: HomeAssistant, language: str) -> None:
    """Every period a card may have, as the form shows it in any language, is that period."""
    texts = await _texts_in(hass, language)
    wrong = [p for p in EVERY_PERIOD if parse_period(texts.label(p)) != p]
    assert wrong == []
    # And no two periods share a value, or choosing one would store the other.
    assert len({texts.label(period) for period in EVERY_PERIOD}) == len(EVERY_PERIOD)


_SPACES = st.sampled_from(["", " ", "  ", "\u3000", "\t", "\u00a0"])


@settings(FUZZ_SETTINGS, max_examples=200)
@given(
    period=st.sampled_from(EVERY_PERIOD),
    language=st.sampled_from(LANGUAGES),
    before=_SPACES,
    after=_SPACES,
    wide=st.booleans(),
)
async def test_a_period_in_words_reads_back_however_it_is_written(
    hass: HomeAssistant, period: Period, language: str, before: str, after: str, wide: bool
) -> None:
    """Padding and full-width digits, as a Chinese keyboard types them, change nothing."""
    label = (await _texts_in(hass, language)).label(period)
    if wide:
        label = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in label)
    assert parse_period(f"{before}{label}{after}") == period


async def test_two_plans_with_one_uncommon_period_offer_it_once(hass: HomeAssistant) -> None:
    """Two plans of 45 days: the plan's period field offers "45 days" once, not twice."""
    texts = await async_period_texts(hass)
    shown = {"plans": [{"name": "A", "period": "45 days"}, {"name": "B", "period": "45日"}]}
    plans = plans_section(texts.label, shown).schema.schema
    (field,) = (value for key, value in plans.items() if str(key) == "plans")
    values = [
        option["value"]
        for option in field.config["fields"]["period"]["selector"]["select"]["options"]
    ]
    assert len(values) == len(set(values))
    assert "45 days" in values
    single = _options(period_selector(texts.label, *[parse_period("45 days")] * 2))
    assert len(single) == len(set(single))


@pytest.mark.parametrize(
    ("opened", "submitted"),
    [("zh-Hant", "en"), ("zh-Hans", "zh-Hant"), ("en", "zh-Hans")],
)
async def test_reconfigure_left_as_shown_changes_nothing_across_a_language_change(
    hass: HomeAssistant, opened: str, submitted: str
) -> None:
    """Opened in one language, sent after Home Assistant's changed: every plan stays as it was."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[
            card_subentry(
                renewal_period=100,
                esim=False,
                default_plan="Hundred",
                time_zone="Asia/Shanghai",
                plans=[YEARLY, PROMO, PROMO_TOO],
            )
        ],
    )
    await setup_entry(hass, entry)
    (subentry_id,) = entry.subentries
    before = dict(entry.subentries[subentry_id].data)
    await hass.config.async_update(language=opened)
    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    sent = answers(result["data_schema"])
    await hass.config.async_update(language=submitted)
    result = await send(hass, result["flow_id"], sent)
    assert result["type"] is FlowResultType.ABORT, result.get("errors")
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries[subentry_id].data) == before


async def test_a_default_plan_named_by_its_period_follows_a_new_period(
    hass: HomeAssistant,
) -> None:
    """A default plan named "180日" (as an unnamed one is), the period changed: renamed."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(default_plan="180日", plans=[YEARLY])],
    )
    await setup_entry(hass, entry)
    (subentry_id,) = entry.subentries
    await hass.config.async_update(language="zh-Hant")
    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    sent = answers(result["data_schema"])
    assert sent["renewal_period"] == "180日"
    sent["renewal_period"] = "90日"
    result = await send(hass, result["flow_id"], sent)
    assert result["type"] is FlowResultType.ABORT
    data = entry.subentries[subentry_id].data
    assert (data["renewal_period"], data["default_plan"]) == (90, "90日")


async def test_a_stored_uncommon_period_is_offered_in_words(hass: HomeAssistant) -> None:
    """A stored 100 days shows as "100天", one of the field's choices."""
    await hass.config.async_update(language="zh-Hans")
    texts = await async_period_texts(hass)
    schema = card_schema(texts.label, {"renewal_period": "100天"})
    (field,) = (value for key, value in schema.schema.items() if str(key) == "renewal_period")
    assert "100天" in _options(field)
    assert len(_options(field)) == len(set(_options(field)))


# --- Time zones ---------------------------------------------------------------------------


@pytest.mark.parametrize("shown_in", [*LANGUAGES, "fr"])
async def test_every_zone_name_reads_back_in_every_language(
    hass: HomeAssistant, shown_in: str
) -> None:
    """A form opened in any language reads back every choice's name in every language."""
    names = {language: await _names_in(hass, language) for language in LANGUAGES}
    reader = await _names_in(hass, shown_in)
    for zone in ZONE_CHOICES:
        for language in LANGUAGES:
            assert reader.zone(names[language].name(zone)) == zone
        assert reader.zone(zone) == zone
    # Each option's value is a different name.
    options = [option["value"] for option in reader.options()]
    assert len(options) == len(set(options)) == len(ZONE_CHOICES)


async def test_answers_without_a_readable_zone_are_left_to_the_checks(
    hass: HomeAssistant,
) -> None:
    """Answers with no zone, or a zone that is not text, pass through unread, to be checked."""
    names = await _names_in(hass, "en")
    assert names.read({"name": "Spare"}) == {"name": "Spare"}
    assert names.read({"time_zone": 8}) == {"time_zone": 8}
    assert names.read({"time_zone": "Macau"}) == {"time_zone": "Asia/Macau"}
    assert names.shown({"name": "Spare"}) == {"name": "Spare", "time_zone": "Hong Kong"}


def _oddly_written(name: str, draw: st.DrawFn) -> str:
    """Return a zone name as people might type it: spaces moved, width and case changed."""
    out = []
    for char in name:
        if char == " ":
            out.append(draw(st.sampled_from(["", " ", "  ", "\u3000"])))
            continue
        if char in "(（":
            out.append(draw(st.sampled_from(["", " ", "\u3000"])))
        typed = char
        if char.isascii() and char.isprintable() and draw(st.booleans()):
            typed = chr(ord(char) + 0xFEE0)  # full width
        elif unicodedata.normalize("NFKC", char) != char and draw(st.booleans()):
            typed = unicodedata.normalize("NFKC", char)  # a full-width bracket typed narrow
        out.append(typed.upper() if draw(st.booleans()) else typed)
    return "".join(out)


@settings(FUZZ_SETTINGS, max_examples=200)
@given(zone=st.sampled_from(ZONE_CHOICES), language=st.sampled_from(LANGUAGES), data=st.data())
async def test_a_zone_name_typed_with_odd_spacing_or_width_reads_back(
    hass: HomeAssistant, zone: str, language: str, data: st.DataObject
) -> None:
    """Typed as "中国大陆 (北京时间)", "Mainland China(Beijing time)" or in full width: read."""
    name = (await _names_in(hass, language)).name(zone)
    typed = _oddly_written(name, data.draw)
    assert (await _names_in(hass, "en")).zone(typed) == zone


@pytest.mark.parametrize(
    "typed",
    [
        "Hong",
        "香",
        "Mainland China",
        "中國內地",
        "UTC+8",
        "Hong Kong Hong Kong",
        "澳",
        "Asia",
        "自動",
        "Automatic",
    ],
)
async def test_part_of_a_name_is_no_zone(
    hass: HomeAssistant, mock_entry: MockConfigEntry, typed: str
) -> None:
    """A prefix of a name, or a name twice, is refused in words; the card keeps its zone."""
    await setup_entry(hass, mock_entry)
    (subentry_id,) = mock_entry.subentries
    before = dict(mock_entry.subentries[subentry_id].data)
    await hass.config.async_update(language="zh-Hant")
    result = await mock_entry.start_subentry_reconfigure_flow(hass, subentry_id)
    sent = answers(result["data_schema"])
    sent["time_zone"] = typed
    sent["name"] = "Mum's new name"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], sent)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(time_zone="invalid_time_zone")
    assert dict(mock_entry.subentries[subentry_id].data) == before
    # Shown again as typed, with the other answers the user gave.
    again = answers(result["data_schema"])
    assert again["time_zone"] == typed
    assert again["name"] == "Mum's new name"
    # Corrected with a name, it is stored by its IANA name.
    again["time_zone"] = "澳門"
    result = await send(hass, result["flow_id"], again)
    assert result["type"] is FlowResultType.ABORT
    assert mock_entry.subentries[subentry_id].data["time_zone"] == "Asia/Macau"


async def test_a_card_stored_without_a_zone_shows_the_default_by_name(
    hass: HomeAssistant,
) -> None:
    """A card stored before zones were asked shows Hong Kong by name, as any other card."""
    card = {key: value for key, value in CARD_DATA.items() if key != "time_zone"}
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options=dict(HUB_OPTIONS), subentries_data=[card_subentry(card)]
    )
    await setup_entry(hass, entry)
    (subentry_id,) = entry.subentries
    await hass.config.async_update(language="zh-Hant")
    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    assert answers(result["data_schema"])["time_zone"] == "香港"


async def test_a_zone_field_sent_empty_is_worked_out(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A zone cleared to spaces is worked out as the automatic one, not an error nor a blank."""
    await setup_entry(hass, mock_entry)
    result = await past_product(
        hass,
        await hass.config_entries.subentries.async_init(
            (mock_entry.entry_id, SUBENTRY_CARD), context={"source": "user"}
        ),
    )
    sent = answers(result["data_schema"])
    # A number-keeping card, as the form offers, with no number: a Hong Kong card.
    sent.update(name="Spare", time_zone="  ", expiry_date="2027-01-10")
    result = await send(hass, result["flow_id"], sent)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    added = next(s for s in mock_entry.subentries.values() if s.title == "Spare")
    assert added.data["time_zone"] == "Asia/Hong_Kong"


# --- The repair's plans -------------------------------------------------------------------


async def _lapsed(hass: HomeAssistant, **card: Any) -> tuple[MockConfigEntry, str]:
    """Return a loaded hub with one lapsed card, and the card's id."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(**{"expiry_date": "2026-11-10", **card})],
    )
    await setup_entry(hass, entry)
    (card_id,) = entry.subentries
    return entry, card_id


async def _renewed_step(hass: HomeAssistant, card_id: str) -> Any:
    """Open the card's repair at its "record renewal" step."""
    assert await async_setup_component(hass, "repairs", {})
    flows = repairs_flow_manager(hass)
    assert flows is not None
    flow = await flows.async_init(DOMAIN, data={"issue_id": f"lapsed_{card_id}"})
    return await flows.async_configure(flow["flow_id"], {"next_step_id": "renewed"})


async def _choose(hass: HomeAssistant, form: Any, plan: str) -> Any:
    """Send the repair's plan choice."""
    flows = repairs_flow_manager(hass)
    assert flows is not None
    result = await flows.async_configure(form["flow_id"], {"plan": plan})
    await hass.async_block_till_done()
    return result


async def test_a_renewal_the_day_before_the_card_was_added_is_recorded(
    hass: HomeAssistant,
) -> None:
    """Moved to a zone where today is the day before it was added, the card still renews."""
    entry, card_id = await _lapsed(hass, plans=[YEARLY, PROMO])
    subentry = entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "time_zone": "Pacific/Pago_Pago"}
    )
    await hass.async_block_till_done()
    form = await _renewed_step(hass, card_id)
    assert form["step_id"] == "renewed_plan"
    assert not form["errors"]
    await _choose(hass, form, "Yearly")
    (renewal,) = [
        e for e in entry.runtime_data.records[card_id]["history"] if e["kind"] == "renewal"
    ]
    assert renewal["date"] == "2026-11-21"
    assert entry.runtime_data.records[card_id]["added"] == "2026-11-22"


def _labels(form: Any) -> dict[str, str]:
    """Return the repair's plan choices, value to label."""
    (field,) = form["data_schema"].schema.values()
    return {option["value"]: option["label"] for option in field.config["options"]}


async def test_when_no_plan_can_renew_the_step_says_why_at_once(hass: HomeAssistant) -> None:
    """Added by a clock more than a year ahead, the card renews today with no plan.

    The step says why before anything is chosen, names the expiry the card has now, and
    offers each plan by its name alone; choosing one records nothing.
    """
    entry, card_id = await _lapsed(hass, plans=[YEARLY, PROMO])
    entry.runtime_data.records[card_id]["added"] = "2028-01-01"
    form = await _renewed_step(hass, card_id)
    assert form["step_id"] == "renewed_plan"
    assert form["errors"] == {"base": "date_before_card"}
    assert form["description_placeholders"]["old_expiry"] == "10 Nov 2026"
    assert _labels(form) == {"180 days": "180 days", "Yearly": "Yearly", "Promo": "Promo"}
    result = await _choose(hass, form, "Yearly")
    assert result["errors"] == {"base": "date_before_card"}
    assert expiry_of(entry, card_id) == "2026-11-10"


async def test_a_plan_removed_while_the_repair_is_open_is_refused_in_words(
    hass: HomeAssistant,
) -> None:
    """Removed from the card meanwhile, the chosen plan is refused; the choices are renewed."""
    entry, card_id = await _lapsed(hass, plans=[YEARLY, PROMO])
    form = await _renewed_step(hass, card_id)
    assert set(_labels(form)) == {"180 days", "Yearly", "Promo"}
    subentry = entry.subentries[card_id]
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "plans": [YEARLY]}
    )
    await hass.async_block_till_done()
    result = await _choose(hass, form, "Promo")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown_plan"}
    assert set(_labels(result)) == {"180 days", "Yearly"}
    assert expiry_of(entry, card_id) == "2026-11-10"
    # Renamed in another case meanwhile, a plan is still the one chosen.
    hass.config_entries.async_update_subentry(
        entry, subentry, data={**subentry.data, "plans": [{**YEARLY, "name": "YEARLY"}]}
    )
    await hass.async_block_till_done()
    result = await _choose(hass, result, "Yearly")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert expiry_of(entry, card_id) == "2027-11-22"


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Promo: until 6 Jan 2027"),
        ("zh-Hant", "Promo：有效至2027年1月6日"),
        ("zh-Hans", "Promo：有效期至2027年1月6日"),
    ],
)
async def test_a_plan_without_a_cost_names_no_amount(
    hass: HomeAssistant, language: str, label: str
) -> None:
    """A card that records no cost: each plan says only the expiry it gives."""
    _entry, card_id = await _lapsed(hass, renewal_cost=None, currency="JPY", plans=[PROMO])
    await hass.config.async_update(language=language)
    form = await _renewed_step(hass, card_id)
    assert _labels(form)["Promo"] == label
    assert "—" not in "".join(_labels(form).values())


async def test_a_plan_named_with_braces_is_shown_as_named(hass: HomeAssistant) -> None:
    """A plan called "{amount} off" is not filled in as if its name were part of the text."""
    plan = {**YEARLY, "name": "{amount} off {new_expiry}", "renewal_cost": 388.0}
    _entry, card_id = await _lapsed(hass, name="Spare {name}", plans=[plan])
    form = await _renewed_step(hass, card_id)
    assert _labels(form)["{amount} off {new_expiry}"] == (
        "{amount} off {new_expiry}: until 22 Nov 2027, HK$388"
    )
