"""Each language keeps to one term per idea, and Chinese reads as written, not as a template."""

from __future__ import annotations

import pytest

from .glossary import ISO_DATE, glossary_slips
from .test_translations import LANGUAGES, load


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("為 爸爸的csl卡 續期", "zh-Hant"),
        ("請在12月1日前續期", "zh-Hant"),
        ("請在{deadline}前續期", "zh-Hant"),
        ("請及早充值", "zh-Hant"),
        ("打開電訊商App", "zh-Hant"),
        ("为卡续期", "zh-Hans"),
        ("请及早增值", "zh-Hans"),
        ("已过限期", "zh-Hans"),
        ("SIM 卡", "zh-Hans"),
        ("Top-ups can take up to two working days", "en"),
    ],
)
def test_the_glossary_catches_slips(text: str, language: str) -> None:
    """Each kind of slip the glossary is there for is caught."""
    assert glossary_slips(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("為爸爸的csl卡續期", "zh-Hant"),
        ("請在12月1日或之前續期", "zh-Hant"),
        ("以Apple Pay付款", "zh-Hant"),
        ("请最迟在12月1日续费", "zh-Hans"),
        ("SIM卡续费提醒", "zh-Hans"),
    ],
)
def test_the_glossary_lets_good_texts_through(text: str, language: str) -> None:
    """Texts written as the glossary asks pass."""
    assert glossary_slips(text, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_to_the_glossary(language: str) -> None:
    """Every translated string uses its language's terms, and Chinese has no stray spaces."""
    slips = {
        key: found
        for key, text in load(language).items()
        if (found := glossary_slips(text, language))
    }
    assert slips == {}


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_chinese_translations_write_no_iso_dates(language: str) -> None:
    """Dates reach Chinese sentences as placeholders; the one ISO date shows how to type one."""
    dated = {
        key
        for key, text in load(language).items()
        if ISO_DATE.search(text) and not key.endswith("invalid_date")
    }
    assert dated == set()
