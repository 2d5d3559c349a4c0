"""Each language keeps to one term per idea, and Chinese reads as written, not as a template."""

from __future__ import annotations

from pathlib import Path

import pytest

from .glossary import ISO_DATE, glossary_slips
from .test_translations import LANGUAGES, load

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
# The README's summaries, by the heading each starts with; the rest of it is English.
README_SECTIONS = {"zh-Hant": "## 中文簡介（繁體）", "zh-Hans": "## 中文简介（简体）"}


def readme_section(language: str) -> str:
    """Return one language's part of the README: a summary, or everything else for English."""
    text = README.read_text("utf-8")
    spans = {}
    for name, heading in README_SECTIONS.items():
        start = text.index(heading)
        spans[name] = (start, text.index("\n## ", start + 1))
    if language != "en":
        start, end = spans[language]
        return text[start:end]
    for start, end in sorted(spans.values(), reverse=True):
        text = text[:start] + text[end:]
    return text


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
        ("復原續期", "zh-Hant"),
        ("支付方式：八達通", "zh-Hant"),
        ("还原续费", "zh-Hans"),
        ("收条", "zh-Hans"),
        ("增加 Hub", "zh-Hant"),
        ("添加中枢", "zh-Hans"),
        ("可在家中的卡中找到", "zh-Hans"),
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
        ("撤銷續期", "zh-Hant"),
        ("付款方式：八達通", "zh-Hant"),
        ("撤销续费", "zh-Hans"),
        ("收据", "zh-Hans"),
        ("可在家中的卡之中找到", "zh-Hant"),
        ("GitHub上的说明", "zh-Hans"),
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


@pytest.mark.parametrize("language", LANGUAGES)
def test_readme_keeps_to_the_glossary(language: str) -> None:
    """The README's English and its two Chinese summaries use the same terms as the interface."""
    assert glossary_slips(readme_section(language), language) == []


def test_readme_says_how_long_a_top_up_takes() -> None:
    """Minutes online, a day or two through some channels: in every language of the README."""
    assert "minutes" in readme_section("en")
    assert "數分鐘" in readme_section("zh-Hant")
    assert "几分钟" in readme_section("zh-Hans")


@pytest.mark.parametrize(
    ("language", "due", "not_due"),
    [
        ("en", "Due", "Not due"),
        ("zh-Hant", "需要處理", "暫不需要"),
        ("zh-Hans", "需要处理", "暂不需要"),
    ],
)
def test_renewal_due_says_what_its_states_mean(language: str, due: str, not_due: str) -> None:
    """Renewal due shows Due / Not due, not the problem class's Problem / OK (異常 / 正常)."""
    strings = load(language)
    assert strings["entity.binary_sensor.renewal_due.state.on"] == due
    assert strings["entity.binary_sensor.renewal_due.state.off"] == not_due
