"""Card and plan names with emoji sequences: kept; invisible characters: still refused."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.card_form_data import nest_data
from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.hidden_characters import has_hidden_characters
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import form_errors, setup_entry
from .test_form_words import send
from .test_typed_zones import first_card, stored_card


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Fix today at 22 November 2026, noon in Hong Kong."""
    freezer.move_to("2026-11-22T04:00:00+00:00")


@pytest.mark.parametrize(
    "name",
    [
        "Family 👨‍👩‍👧",
        "👩🏽‍💻 work",
        "❤️ Mum",
        "🏳️‍🌈 travel",
        "Scotland 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        "#️⃣ spare",
    ],
)
async def test_names_with_emoji_sequences_are_kept(hass: HomeAssistant, name: str) -> None:
    """A family emoji, a skin tone, a flag: what the user sees is what is stored."""
    result = await first_card(hass, name=name)
    assert stored_card(result)["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        "Mum\u200d",  # a joiner with nothing to join
        "M\u200dum",  # a joiner between letters looks like no character at all
        "\u200d👨",
        "👨\u200d\u200d👩",
        "Mum\u200b",
        "Mum\u202e",  # right-to-left override: shows the name backwards
        "Mum\x00",
        "\U000e0067\U000e0062 tags without a flag",
        "🏴\U000e007f",
    ],
)
async def test_invisible_characters_are_still_refused(hass: HomeAssistant, name: str) -> None:
    """Invisible characters would make two names look the same: refused, nothing stored."""
    result = await first_card(hass, name=name)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == form_errors(name="invalid_characters")
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_a_plan_named_with_a_family_emoji_is_kept(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """Plan names take the same emoji sequences as card names."""
    await setup_entry(hass, mock_entry)
    (card_id,) = mock_entry.subentries
    form = await mock_entry.start_subentry_reconfigure_flow(hass, card_id)
    shown = nest_data(mock_entry.subentries[card_id].data)
    shown["renewal_plans"] = {
        "default_plan": "👨‍👩‍👧 half-year",
        "plans": [{"name": "👩🏽‍💻 monthly", "period": "1 個月"}],
    }
    result = await send(hass, form["flow_id"], shown)
    assert result["type"] is FlowResultType.ABORT, result.get("errors")
    data = mock_entry.subentries[card_id].data
    assert data["default_plan"] == "👨‍👩‍👧 half-year"
    assert data["plans"] == [
        {"name": "👩🏽‍💻 monthly", "renewal_period": 1, "renewal_period_unit": "months"}
    ]


_EMOJI = st.sampled_from(["👨", "👩", "👧", "💻", "❤", "🔥", "🏳", "🌈"])
_MODIFIERS = st.sampled_from(["", "\ufe0f", "\U0001f3fd", "\U0001f3fb"])


@given(st.lists(st.tuples(_EMOJI, _MODIFIERS), min_size=1, max_size=5))
def test_any_emoji_joined_by_joiners_is_visible(parts: list[tuple[str, str]]) -> None:
    """Emoji (each maybe with a skin tone or presentation selector) joined by joiners: seen."""
    assert not has_hidden_characters("\u200d".join(emoji + mod for emoji, mod in parts))


@given(
    st.characters(categories=["Cc", "Cs", "Cf"]),
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"])),
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"])),
)
def test_an_invisible_character_among_letters_is_refused(
    hidden: str, before: str, after: str
) -> None:
    """A control or format character that joins no emoji is hidden, wherever it stands."""
    assert has_hidden_characters(before + hidden + after)
