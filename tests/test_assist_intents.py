"""The built-in agent answers the shipped sentences in English, Hong Kong and mainland Chinese."""

from __future__ import annotations

from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
import pytest

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant

from .assist_setup import DAD_DAYS, NOW, async_household
from .conftest import move_to


async def ask(hass: HomeAssistant, text: str, language: str) -> tuple[str, str]:
    """Return the built-in agent's answer to a sentence, and its kind."""
    result = await conversation.async_converse(hass, text, None, Context(), language=language)
    response = result.response
    return response.speech["plain"]["speech"], response.response_type.value


@pytest.fixture(autouse=True)
def morning(freezer: FrozenDateTimeFactory) -> None:
    """Ask on the morning of 23 October 2026 in Hong Kong."""
    freezer.move_to(NOW)


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        ("en", "When does Mum's CMHK expire?", "Mum's CMHK expires on 28 October, in 5 days."),
        (
            "en",
            "how many days are left on mum's cmhk",
            "Mum's CMHK expires on 28 October, in 5 days.",
        ),
        (
            "en",
            "When do I need to renew Mum's card?",
            "Mum's CMHK expires on 28 October, in 5 days.",
        ),
        ("en", "when does dad's csl expire", "Dad's csl expires on 10 January 2027, in 79 days."),
        ("zh-HK", "媽媽張CMHK幾時到期？", "Mum's CMHK於10月28日到期，還有5日。"),
        ("zh-HK", "媽媽張CMHK仲有幾多日", "Mum's CMHK於10月28日到期，還有5日。"),
        ("zh-HK", "阿媽張卡幾時要續期", "Mum's CMHK於10月28日到期，還有5日。"),
        ("zh-HK", "老豆張csl幾時過期", "Dad's csl於2027年1月10日到期，還有79日。"),
        ("zh-CN", "妈妈的CMHK什么时候到期？", "Mum's CMHK将于10月28日到期，还有5天。"),
        ("zh-CN", "妈妈的卡还有几天", "Mum's CMHK将于10月28日到期，还有5天。"),
        ("zh-CN", "爸爸的csl哪天过期", "Dad's csl将于2027年1月10日到期，还有79天。"),
    ],
)
async def test_when_a_card_expires(
    hass: HomeAssistant, tmp_path: Path, language: str, sentence: str, answer: str
) -> None:
    """A card named as people name it: its date as people say it, and the days left."""
    await async_household(hass, tmp_path)
    assert await ask(hass, sentence, language) == (answer, "action_done")


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        (
            "en",
            "Which cards expire soon?",
            "One card is due within 14 days. Mum's CMHK expires on 28 October, in 5 days.",
        ),
        ("en", "are any cards due within 3 days", "No card is due within 3 days."),
        (
            "en",
            "which cards are due within 100 days",
            "2 cards are due within 100 days. Mum's CMHK expires on 28 October, in 5 days. "
            "Dad's csl expires on 10 January 2027, in 79 days.",
        ),
        ("zh-HK", "邊張卡就快到期？", "14日內有1張卡到期。Mum's CMHK於10月28日到期，還有5日。"),
        ("zh-HK", "3日內有冇卡到期", "3日內沒有卡到期。"),
        ("zh-CN", "哪张卡快到期了？", "14天内有1张卡到期。Mum's CMHK将于10月28日到期，还有5天。"),
        (
            "zh-CN",
            "100天内有哪些卡到期",
            "100天内有2张卡到期。Mum's CMHK将于10月28日到期，还有5天。"
            "Dad's csl将于2027年1月10日到期，还有79天。",
        ),
    ],
)
async def test_which_cards_are_due(
    hass: HomeAssistant, tmp_path: Path, language: str, sentence: str, answer: str
) -> None:
    """Without days, due means within the household's first reminder (14 days)."""
    await async_household(hass, tmp_path)
    assert await ask(hass, sentence, language) == (answer, "action_done")


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        (
            "en",
            "I renewed Mum's CMHK",
            "Recorded the renewal of Mum's CMHK: "
            "it now runs to 21 April 2027 instead of 28 October. "
            "Once the carrier shows the new date, confirm the renewal.",
        ),
        (
            "zh-HK",
            "我續咗媽媽張CMHK",
            "已記錄Mum's CMHK的續期："
            "現在有效至2027年4月21日（原本是10月28日）。電訊商顯示新日期後，請確認續期。",
        ),
        (
            "zh-CN",
            "我给妈妈的CMHK续费了",
            "已记录Mum's CMHK的续费："
            "现在有效期至2027年4月21日（原为10月28日）。运营商显示新日期后，请确认续费。",
        ),
    ],
)
async def test_record_a_renewal(
    hass: HomeAssistant, tmp_path: Path, language: str, sentence: str, answer: str
) -> None:
    """A renewal said aloud is recorded unconfirmed; until confirmed the old deadline stands."""
    await async_household(hass, tmp_path)
    assert await ask(hass, sentence, language) == (answer, "action_done")
    # 180 days from today, the renewal day not counted.
    assert hass.states.get("date.mum_s_cmhk_expiry_date").state == "2027-04-21"
    expiry, _ = await ask(hass, "when does mum's cmhk expire", "en")
    assert expiry == (
        "Mum's CMHK expires on 28 October, in 5 days. A renewal to 21 April 2027 is recorded "
        "but not confirmed yet: check that the carrier shows it."
    )


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        ("en", "when does Mum expire", "Mum could be Mum's CMHK, Mum's csl: say which one."),
        ("zh-HK", "媽媽張卡幾時到期", "「媽媽張卡」可能是Mum's CMHK, Mum's csl，請說明是哪一張。"),
        (
            "zh-CN",
            "妈妈的卡什么时候到期",
            "“妈妈的卡”可能是Mum's CMHK, Mum's csl，请说明是哪一张。",
        ),
    ],
)
async def test_two_cards_fit_the_name(
    hass: HomeAssistant, tmp_path: Path, language: str, sentence: str, answer: str
) -> None:
    """Two cards that fit equally well are named back; nothing is guessed."""
    await async_household(hass, tmp_path)
    entry = hass.config_entries.async_entries("simrenew")[0]
    # Dad's card renamed: two of Mum's now.
    dad = next(sub for sub in entry.subentries.values() if sub.data["name"] == "Dad's csl")
    hass.config_entries.async_update_subentry(
        entry, dad, data={**dad.data, "name": "Mum's csl"}, title="Mum's csl"
    )
    await hass.async_block_till_done()
    async_expose_entity(hass, "conversation", "sensor.mum_s_csl_days_until_expiry", True)
    assert await ask(hass, sentence, language) == (answer, "error")


async def test_only_exposed_cards_are_answered(hass: HomeAssistant, tmp_path: Path) -> None:
    """A card none of whose entities is exposed to Assist is not found, nor listed."""
    await async_household(hass, tmp_path, expose=(DAD_DAYS,))
    assert await ask(hass, "when does mum's cmhk expire", "en") == (
        "No card is called mum's cmhk. The cards are: Dad's csl.",
        "error",
    )
    assert await ask(hass, "which cards expire soon", "en") == (
        "No card is due within 14 days.",
        "action_done",
    )


async def test_nothing_exposed(hass: HomeAssistant, tmp_path: Path) -> None:
    """With no card exposed, Assist says how to expose one, in the asked language."""
    await async_household(hass, tmp_path, expose=())
    text, kind = await ask(hass, "媽媽張CMHK幾時到期", "zh-HK")
    assert kind == "error"
    assert text.startswith("未有SIM卡開放給這個助理。")
    text, kind = await ask(hass, "哪张卡快到期了", "zh-CN")
    assert kind == "error"
    assert text.startswith("没有SIM卡向这个助手公开。")


@pytest.mark.parametrize(
    ("changes", "sentence", "answer"),
    [
        (
            {"expiry_date": "2026-10-20", "grace_days": 30},
            "when does mum's cmhk expire",
            "Mum's CMHK expired on 20 October; renewing by 19 November still keeps the number.",
        ),
        (
            {"expiry_date": "2026-09-01", "grace_days": 0},
            "媽媽張CMHK幾時到期",
            "Mum's CMHK已於9月1日到期，寬限期亦已結束，號碼可能已被收回，請向電訊商查詢。",
        ),
        (
            {"expiry_date": "2026-10-23"},
            "妈妈的CMHK什么时候到期",
            "Mum's CMHK今天（10月23日）到期，请今天续费以保留号码。",
        ),
    ],
)
async def test_grace_and_last_day_are_called_out(
    hass: HomeAssistant, tmp_path: Path, changes: dict[str, object], sentence: str, answer: str
) -> None:
    """A card in grace says until when a renewal saves it; a lost one says so; today is today."""
    await async_household(hass, tmp_path, **changes)
    language = "en" if sentence.isascii() else ("zh-HK" if "幾" in sentence else "zh-CN")
    text, _ = await ask(hass, sentence, language)
    assert text == answer


async def test_a_card_without_a_period_is_refused_in_words(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """'I renewed' a card with no renewal period: the action's own refusal, in the language."""
    await async_household(hass, tmp_path)
    text, kind = await ask(hass, "我續咗老豆張csl", "zh-HK")
    assert kind == "error"
    assert "Dad's csl" in text
    assert hass.states.get("date.dad_s_csl_expiry_date").state == "2027-01-10"


@pytest.mark.parametrize(
    ("language", "sentence", "answer"),
    [
        (
            "en",
            "when does mum's cmhk expire",
            "Mum's CMHK must be used by 25 October, in 2 days, or it stops working; "
            "it expires on 28 October.",
        ),
        (
            "zh-HK",
            "媽媽張CMHK幾時到期",
            "Mum's CMHK須於10月25日或之前使用一次（還有2日），否則會停用；卡有效至10月28日。",
        ),
        (
            "zh-CN",
            "妈妈的CMHK什么时候到期",
            "Mum's CMHK须在10月25日或之前使用一次（还有2天），否则会停机；卡有效期至10月28日。",
        ),
    ],
)
async def test_a_use_due_first_is_said_first(
    hass: HomeAssistant, tmp_path: Path, language: str, sentence: str, answer: str
) -> None:
    """A card that must be used before it expires: the use is the deadline."""
    await async_household(hass, tmp_path, activity_interval_days=2)
    text, _ = await ask(hass, sentence, language)
    assert text == answer


async def test_a_use_due_today(
    hass: HomeAssistant, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> None:
    """The last day for a use is said as today."""
    await async_household(hass, tmp_path, activity_interval_days=2)
    await move_to(hass, freezer, "2026-10-25T02:00:00+00:00")
    text, _ = await ask(hass, "when does mum's cmhk expire", "en")
    assert text == (
        "Mum's CMHK must be used today, 25 October, or it stops working; it expires on 28 October."
    )


async def test_a_lost_card_is_not_listed_as_due(hass: HomeAssistant, tmp_path: Path) -> None:
    """A card past its grace is beyond renewing in time: due lists only those still savable."""
    await async_household(hass, tmp_path, expiry_date="2026-09-01", grace_days=0)
    assert await ask(hass, "which cards are due within 100 days", "en") == (
        "One card is due within 100 days. Dad's csl expires on 10 January 2027, in 79 days.",
        "action_done",
    )
