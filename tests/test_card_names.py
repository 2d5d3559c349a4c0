"""Which card a spoken name means, in English and Chinese, and which language answers."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.simrenew.card_answers import text_language
from custom_components.simrenew.card_names import match_card, name_words

from .fuzzing import texts

CARDS = {"mum": "Mum's CMHK", "dad": "Dad's csl", "data": "媽媽 3HK 數據卡", "me": "My Club SIM"}


@pytest.mark.parametrize(
    ("spoken", "found"),
    [
        ("Mum's CMHK", ("mum",)),
        ("mum’s cmhk", ("mum",)),
        ("the mums cmhk card", ("mum",)),
        ("媽媽張CMHK", ("mum",)),
        ("阿媽嘅CMHK", ("mum",)),
        ("妈妈的CMHK", ("mum",)),
        ("老媽CMHK卡", ("mum",)),
        ("老豆張csl", ("dad",)),
        ("爸爸的csl", ("dad",)),
        ("Dad", ("dad",)),
        ("3HK", ("data",)),
        ("妈妈3HK数据卡", ("data",)),
        ("my club", ("me",)),
        ("我張Club卡", ("me",)),
        # Two of Mum's cards fit as well as each other: both, to ask which.
        ("媽媽", ("mum", "data")),
        ("Mum", ("mum", "data")),
        ("Grandma", ()),
        ("", ()),
        ("卡", ()),
    ],
)
def test_names_as_people_say_them(spoken: str, found: tuple[str, ...]) -> None:
    """Kin words in three languages, possessives, measure words and "card" aside."""
    assert match_card(spoken, CARDS).card_ids == found


def test_a_card_named_only_card_is_still_found() -> None:
    """A name made only of filler is compared as it stands, not as nothing."""
    assert name_words("SIM card") == ("sim", "card")
    assert name_words("電話卡") == ("电", "话", "卡")
    assert match_card("sim card", {"x": "SIM Card", "y": "Dad's csl"}).found == "x"


@given(spoken=texts(), names=st.dictionaries(st.text(max_size=5), texts(), max_size=5))
def test_any_name_gives_cards_among_those_asked(spoken: str, names: dict[str, str]) -> None:
    """Any text: no error, only ids of the cards given, and a clear answer or a choice."""
    match = match_card(spoken, names)
    assert set(match.card_ids) <= set(names)
    assert len(set(match.card_ids)) == len(match.card_ids)
    assert (match.found is not None) == (len(match.card_ids) == 1)
    assert match.ambiguous == (len(match.card_ids) > 1)


@given(names=st.lists(texts(), min_size=1, max_size=5, unique=True))
def test_a_card_is_found_by_its_own_name(names: list[str]) -> None:
    """Said exactly as it is written, a card is always among those found."""
    cards = {str(index): name for index, name in enumerate(names)}
    for card_id, name in cards.items():
        if name_words(name):
            assert card_id in match_card(name, cards).card_ids


@pytest.mark.parametrize(
    ("language", "texts_in"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        (None, "en"),
        ("fr", "en"),
        ("zh-HK", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh_MO", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
    ],
)
def test_which_translation_answers(language: str | None, texts_in: str) -> None:
    """Hong Kong, Macau and Taiwan read Traditional characters; the mainland Simplified."""
    assert text_language(language) == texts_in
