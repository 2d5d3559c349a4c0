"""One term per idea in each language: the words a text must not use, and what to say instead."""

from __future__ import annotations

import re

CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# Chinese is written without spaces; Latin words and numbers sit against the characters too.
# (A Markdown heading's own space, "## 中文", is not one of them.)
SPACE_BESIDE_CHINESE = re.compile(rf"[{CJK}] |(?<!#) (?=[{CJK}])")
# "12月1日前" leaves open whether the 1st itself still counts; "或之前" or "最迟在" does not.
DATE_THEN_BEFORE = re.compile(r"(日|\})前")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# "HKD 38.00" or "38.00 HKD", where people write HK$38.
MONEY_AS_CODE = r"(?:[A-Z]{3} \d[\d,]*\.00(?!\d)|\d\.00 [A-Z]{3})"

# Hong Kong carriers, which a mainland reader's examples do not name (a card's own name may).
HONG_KONG_CARRIERS = re.compile(r"CMHK|(?<![A-Za-z])csl(?![A-Za-z])|3HK|SmarTone|ValueGB")

# word that must not appear (a pattern) -> the word this language uses for that idea
FORBIDDEN: dict[str, dict[str, str]] = {
    "en": {
        "working days": "minutes online, a day or two through some channels",
        "Expiring soon": "Due soon: the deadline may be a use, not the expiry",
        # Home Assistant fills texts in without plural rules: the code picks "1 day".
        r"(?<![\d.,])1 (days|months)": "1 day, 1 month",
        MONEY_AS_CODE: "HK$38, ¥8.50: the sum as people write it",
    },
    "zh-Hant": {
        "续": "續期 (Traditional characters)",
        "續費": "續期",
        "充": "續期",
        # One word for the act, as the buttons and actions name it.
        "增值": "續期 (one word for the act)",
        # Home Assistant's own zh-Hant words for its concepts.
        "動作": "操作 (Home Assistant's word for an action)",
        "標籤": "分類 (Home Assistant's word for a label)",
        "感應器": "感測器 (Home Assistant's word for a sensor)",
        "运营商": "電訊商",
        "運營商": "電訊商",
        "预付": "儲值卡",
        "預付": "儲值卡",
        "套餐": "計劃",
        "流量": "數據",
        "短信": "短訊",
        "上網": "使用數據",
        "日曆": "行事曆",
        "日历": "行事曆",
        "期限": "限期 (deadline)",
        "有效期至": "有效至 (valid until)",
        "屆滿": "到期",
        "App": "應用程式",
        "网": "網",
        "今天": "今日 (Hong Kong writing)",
        # A renewal taken back, how it was paid, and the record of it.
        "復原|撤消|取消續期": "撤銷 (undo)",
        "支付方式": "付款方式 (payment method)",
        "收條|票據": "收據 (receipt)",
        # What a service gives back; 回覆 is a reply to a message.
        "回覆": "傳回 (a service returns data)",
        # The household, as the integration page names it; never the frontend's own word.
        "Hub": "家中的卡 (the household)",
        "中樞": "家中的卡 (the household)",
        "家裡的卡": "家中的卡 (Hong Kong wording)",
        "天": "日 (Hong Kong writes 最後一日, 明日, 20日)",
        MONEY_AS_CODE: "HK$38: the sum as people write it",
    },
    "zh-Hans": {
        "续期": "续费",
        "續": "续费 (Simplified characters)",
        "增值": "续费",
        "充值": "续费 (one word for the act)",
        "(?<!超)过期限": "已超过期限",
        # "已超过期限{deadline}" reads as if the date were the deadline's name: date, then verb.
        r"超过期限\{": "已于{deadline}超过期限",
        "保住号码": "保号 (keeping the number)",
        "过了期限": "超过期限",
        "操作": "动作 (Home Assistant's word for an action)",
        MONEY_AS_CODE: "¥8: the sum as people write it",
        "電訊商": "运营商",
        "电讯商": "运营商",
        "储值": "预付费卡",
        "儲值": "预付费卡",
        "计划": "套餐",
        "数据卡": "流量卡",
        "数据使用": "流量",
        "上网": "使用流量",
        "短讯": "短信",
        "短訊": "短信",
        "(?<!宽)限期": "期限 (deadline; 宽限期 is the grace period)",
        "有效至": "有效期至 (valid until)",
        "行事历": "日历",
        "应用程序": "App",
        "網": "网",
        "还原|撤消|取消续费": "撤销 (undo)",
        "支付方式": "付款方式 (payment method)",
        "收条|票据": "收据 (receipt)",
        "Hub": "家里的卡 (the household)",
        "中枢": "家里的卡 (the household)",
        "家中的卡": "家里的卡 (mainland wording)",
    },
}


def _as_word(word: str) -> str:
    """Return a pattern for a word; a Latin one must not match inside a longer word (Apple)."""
    if word.isascii():
        return rf"(?<![A-Za-z]){word}(?![A-Za-z])"
    return word


def glossary_slips(text: str, language: str) -> list[str]:
    """Return what in a text breaks the language's glossary or its way of writing."""
    slips = [
        f"{word!r} (say {instead})"
        for word, instead in FORBIDDEN[language].items()
        if re.search(_as_word(word), text)
    ]
    if language.startswith("zh"):
        slips += [
            f"space beside Chinese: {m.group()!r}" for m in SPACE_BESIDE_CHINESE.finditer(text)
        ]
        slips += [f"ambiguous 前 after a date in {text!r}" for _ in DATE_THEN_BEFORE.finditer(text)]
    return slips
