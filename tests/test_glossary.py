"""Each language keeps to one term per idea, and Chinese reads as written, not as a template."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from .glossary import HONG_KONG_CARRIERS, ISO_DATE, glossary_slips
from .test_translations import LANGUAGES, load

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
# The README's summaries, by the heading each starts with; the rest of it is English.
README_SECTIONS = {"zh-Hant": "## 中文簡介（繁體）", "zh-Hans": "## 中文简介（简体）"}
# A quoted label with a space in it is Home Assistant's own, as its release writes it (the
# Marketplace's "連接 GitHub"); e2e/test_marketplace.py checks each one against the release.
QUOTED_LABEL_WITH_SPACE = re.compile(r"「[^」]* [^」]*」|“[^”]* [^”]*”")


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
        # The words of issue 20's first week, so they cannot come back.
        ("SIM卡增值提醒", "zh-Hant"),
        ("可在simrenew.renew動作中選用", "zh-Hant"),
        ("選擇包含SIM卡的分區、樓層或標籤", "zh-Hant"),
        ("手機的「最後通知」感應器", "zh-Hant"),
        ("0代表最後一天", "zh-Hant"),
        ("尚餘20 天", "zh-Hant"),
        ("付HKD 38.00", "zh-Hant"),
        ("SIM卡已过期限", "zh-Hans"),
        ("{name}已于{deadline}过了期限", "zh-Hans"),
        ("请及早充值", "zh-Hans"),
        ("在simrenew.renew操作中选择", "zh-Hans"),
        ("已续费，支付CNY 8.00", "zh-Hans"),
        ("Mum's CMHK expires on 23 Nov 2026, in 1 days.", "en"),
        ("Renew every 1 months", "en"),
        ("renewed for 48.00 HKD", "en"),
        ("One renewal costs HKD 50.00.", "en"),
        ("回覆所選卡的續期紀錄", "zh-Hant"),
        ("{name}已超过期限{deadline}", "zh-Hans"),
        ("请最迟在{grace_end}再续费，以保住号码", "zh-Hans"),
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
        ("SIM卡已超过期限", "zh-Hans"),
        ("可在simrenew.renew动作中选择", "zh-Hans"),
        ("最後一日：尚餘1日，付HK$38", "zh-Hant"),
        ("in 1 day, in 11 days, every 21 days, 1.5 days", "en"),
        ("renewed for HK$1,048.50; balance ¥8", "en"),
        ("傳回所選卡的續期紀錄", "zh-Hant"),
        ("{name}已于{deadline}超过期限", "zh-Hans"),
        ("请最迟在{grace_end}再续费，以保号", "zh-Hans"),
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
    text = QUOTED_LABEL_WITH_SPACE.sub("", readme_section(language))
    assert glossary_slips(text, language) == []


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


def test_mainland_readers_get_mainland_examples() -> None:
    """zh-Hans names 中国移动、中国联通、中国电信 where zh-Hant names CMHK, csl and 3HK."""
    simplified, traditional = load("zh-Hans"), load("zh-Hant")
    assert {key for key, text in simplified.items() if HONG_KONG_CARRIERS.search(text)} == set()
    carrier = "config.step.user.data_description.carrier"
    for name in ("中国移动", "中国联通", "中国电信"):
        assert name in simplified[carrier]
    for name in ("CMHK", "csl", "3HK"):
        assert name in traditional[carrier]
    # A plan a mainland user has, such as China Mobile's 8-yuan number-keeping plan.
    assert "保号套餐" in simplified["selector.plan.fields.name.description"]


@pytest.mark.parametrize(
    ("language", "act"), [("en", "Renew"), ("zh-Hant", "續期"), ("zh-Hans", "续费")]
)
def test_one_word_for_the_act_of_renewing(language: str, act: str) -> None:
    """The button, the reminder's title and the plans' section name the act in one word."""
    strings = load(language)
    assert act in strings["entity.button.renew.name"]
    if language != "en":
        assert act in strings["selector.notification.options.deadline_title"]
        assert act in strings["selector.notification.options.renewed_title"]
        plans = "config_subentries.card.step.reconfigure.sections.renewal_plans.name"
        assert act in strings[plans]


@pytest.mark.parametrize(
    ("language", "added"),
    [
        ("en", "Mum's CMHK was added."),
        ("zh-Hant", "已加入Mum's CMHK。"),
        ("zh-Hans", "已添加Mum's CMHK。"),
    ],
)
def test_a_card_added_is_said_in_a_few_words(language: str, added: str) -> None:
    """Once added, the card is named; where it shows is plain from the page itself."""
    assert load(language)["config.abort.card_added"].format(name="Mum's CMHK") == added
