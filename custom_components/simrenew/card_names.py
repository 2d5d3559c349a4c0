"""Which card a spoken name means, in English and Chinese; free of Home Assistant.

People name a card the way they speak of its holder: "Mum's CMHK", 「媽媽張CMHK」, 「妈妈的CMHK」
all mean one card. Names are compared as words: kinship words in any of the three languages
become one word, possessives, measure words and "card" fall away, Traditional and Simplified
characters read alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import difflib
import re
import unicodedata

# Each kinship word people use for a card's holder, to the one word it is compared as. Longest
# first, so that 「阿媽」 is read before 「媽」.
_KIN: dict[str, tuple[str, ...]] = {
    "mum": (
        "mum",
        "mom",
        "mummy",
        "mommy",
        "mother",
        "mama",
        "媽媽",
        "妈妈",
        "阿媽",
        "阿妈",
        "老媽",
        "老妈",
        "媽咪",
        "妈咪",
        "母親",
        "母亲",
        "媽",
        "妈",
    ),
    "dad": (
        "dad",
        "daddy",
        "father",
        "papa",
        "爸爸",
        "阿爸",
        "老爸",
        "老豆",
        "老竇",
        "老窦",
        "爹地",
        "父親",
        "父亲",
        "爸",
    ),
    "grandma": ("grandma", "granny", "grandmother", "嫲嫲", "婆婆", "奶奶", "外婆", "姥姥"),
    "grandpa": ("grandpa", "grandfather", "爺爺", "爷爷", "公公", "外公", "姥爷"),
    "son": ("son", "兒子", "儿子", "仔"),
    "daughter": ("daughter", "女兒", "女儿", "囡囡", "囡"),
    "wife": ("wife", "老婆", "太太", "妻子"),
    "husband": ("husband", "老公", "丈夫", "先生"),
    "my": ("my", "mine", "我", "自己"),
}
_KIN_WORDS = sorted(
    ((word, kin) for kin, words in _KIN.items() for word in words), key=lambda pair: -len(pair[0])
)
# Traditional characters that appear in card names, with their Simplified forms.
_SIMPLIFIED = str.maketrans(
    "張個電話號碼網數據國際聯通訊兩門備舊機號卡港臺灣澳門華樂線後續費",
    "张个电话号码网数据国际联通讯两门备旧机号卡港台湾澳门华乐线后续费",
)
# Words that say whose card or that it is a card, not which one.
_FILLER = re.compile(
    r"(?:'s|\bthe\b|\bsim\b|\bcard\b|\bphone\b|\bnumber\b|\bline\b|的|嘅|既|"
    r"电话卡|手机卡|电话|号码|卡|张|个|部)"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W_]+")


def name_words(name: str) -> tuple[str, ...]:
    """Return the words a name is compared by: kin words unified, filler dropped."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(_SIMPLIFIED)
    text = text.replace("\u2019", "'")
    # Kin words become one Latin word each, set apart by spaces so they stay words.
    for word, kin in _KIN_WORDS:
        if _CJK.match(word):
            text = text.replace(word.translate(_SIMPLIFIED), f" {kin} ")
        else:
            text = re.sub(rf"\b{re.escape(word)}\b", f" {kin} ", text)
    stripped = _FILLER.sub(" ", text)
    words: list[str] = []
    for run in _WORD.findall(stripped):
        # Chinese has no spaces: each character counts as a word of its own.
        words.extend(_split_chinese(run))
    if not words:
        # A name that is nothing but filler ("SIM卡") is compared as it stands.
        words = [word for run in _WORD.findall(text) for word in _split_chinese(run)]
    return tuple(words)


def _split_chinese(run: str) -> list[str]:
    """Split a run into Latin words and single Chinese characters."""
    return [part for part in re.split(r"([\u3400-\u9fff])", run) if part]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The cards a spoken name may mean: one when it is clear, several when it is not."""

    card_ids: tuple[str, ...]

    @property
    def found(self) -> str | None:
        """Return the card meant, when exactly one is."""
        return self.card_ids[0] if len(self.card_ids) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Return whether several cards fit the name equally well."""
        return len(self.card_ids) > 1


def match_card(spoken: str, names: Mapping[str, str]) -> NameMatch:
    """Return the cards (by id, from id -> name) a spoken name means, best fit only.

    The same words win over some of them, some over a close spelling; two cards that fit equally
    well are both returned, so that the caller asks instead of guessing.
    """
    said = name_words(spoken)
    if not said:
        return NameMatch(())
    levels: dict[int, list[str]] = {}
    for card_id, name in names.items():
        level = _fit(said, name_words(name))
        if level:
            levels.setdefault(level, []).append(card_id)
    if not levels:
        return NameMatch(())
    return NameMatch(tuple(levels[max(levels)]))


def _fit(said: tuple[str, ...], card: tuple[str, ...]) -> int:
    """Return how well the spoken words fit a card's: 3 the same, 2 some of them, 1 close, 0."""
    if not card:
        return 0
    if said == card or sorted(said) == sorted(card):
        return 3
    if set(said) <= set(card):
        return 2
    ratio = difflib.SequenceMatcher(None, "".join(said), "".join(card)).ratio()
    return 1 if ratio >= 0.8 else 0
