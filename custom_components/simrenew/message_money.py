"""The balance and the top-up a carrier message states, in which currency; free of Home Assistant.

Money is named by balance or top-up words before it; a bare $, 元 or ¥ takes its currency from
the rest of the message and from whether it reads as one from the mainland.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
import math
import re

from .message_sentences import near

# How far (in characters) balance or top-up words may stand before the money they name.
MONEY_REACH = 40
MONEY_MAX = 1_000_000

_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_PREFIX = (
    r"HK\$|(?<![A-Z])HKD|(?<![A-Z])MOP\$?|(?<![A-Z])RMB|(?<![A-Z])CNY|港幣|港币|人民幣|人民币"
    r"|澳門幣|澳门币|葡幣|葡币|¥|(?<![A-Z])\$"
)
_SUFFIX = (
    r"港元|港幣|港币|澳門元|澳门元|澳門幣|澳门币|葡幣|葡币|人民幣|人民币|元"
    r"|(?:HKD|MOP|RMB|CNY)(?![A-Z])"
)
# A minus sign before money makes it a debt, which no balance or top-up here is.
_MONEY = re.compile(
    rf"(?<![-\u2212])(?P<pre>{_PREFIX})\s?(?P<pre_num>{_NUMBER})(?:\s?(?P<pre_suf>{_SUFFIX}))?"
    rf"|(?<![0-9\u2212-])(?<![0-9][.,])(?P<num>{_NUMBER})\s?(?P<suf>{_SUFFIX})",
    re.IGNORECASE,
)
_MONEY_WORD = re.compile(
    r"(?P<balance>\b(?:remaining\s+balance|remaining\s+value|stored\s+value|balance)\b"
    r"|餘額|余额|結餘|结余|儲值額|储值额|剩餘|剩余)"
    r"|(?P<amount>\b(?:top[- ]?up|topped[- ]up|recharged?|paid)\b"
    r"|充值|增值|儲值|储值|缴费|繳費|付款)",
    re.IGNORECASE,
)
_CURRENCIES = {
    "HK$": "HKD",
    "HKD": "HKD",
    "港元": "HKD",
    "港幣": "HKD",
    "港币": "HKD",
    "RMB": "CNY",
    "CNY": "CNY",
    "人民幣": "CNY",
    "人民币": "CNY",
    "MOP": "MOP",
    "MOP$": "MOP",
    "澳門元": "MOP",
    "澳门元": "MOP",
    "澳門幣": "MOP",
    "澳门币": "MOP",
    "葡幣": "MOP",
    "葡币": "MOP",
}
# Characters only Simplified Chinese writes; with no word of Hong Kong or Macau beside them,
# a message comes from the mainland, where 元 and ¥ are renminbi.
_SIMPLIFIED = re.compile(
    r"[于为余额号届结储缴验币国话费码门务请时动电应发过这个业还账单联讯续办订购实经间内优]"
)
_HONG_KONG_OR_MACAU = re.compile(r"港|澳|HK|MOP|Macau|Hong\s*Kong", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Money:
    """A sum of money in the text: where it stands, its value, and how its currency is known."""

    start: int
    end: int
    value: float
    currency: str | None


def balance_and_amount(text: str) -> tuple[Money | None, Money | None]:
    """Return the balance and the amount topped up: the first money their words name."""
    sums = _sums(text)
    words = list(_MONEY_WORD.finditer(text))
    word_ends = [word.end() for word in words]
    named: dict[str, Money | None] = {}
    previous_end = 0
    for money in sums:
        # The closest words before the money name it, unless other money came between.
        index = bisect_right(word_ends, money.start) - 1
        if index >= 0 and words[index].start() >= previous_end:
            word = words[index]
            kind = word.lastgroup or ""
            if kind not in named and near(text, word.end(), money.start, MONEY_REACH):
                in_range = math.isfinite(money.value) and 0 <= money.value <= MONEY_MAX
                named[kind] = money if in_range else None
        previous_end = money.end
    return named.get("balance"), named.get("amount")


def _sums(text: str) -> list[Money]:
    """Return every sum of money in the text, its currency resolved from the message."""
    found: list[tuple[re.Match[str], float, str]] = []
    for match in _MONEY.finditer(text):
        number = match.group("pre_num") or match.group("num")
        # Too many digits read as infinity, and are dropped with the other sums out of range.
        value = float(number.replace(",", ""))
        # The unit that names a currency wins: 港幣50元 is in Hong Kong dollars.
        units = [match.group(name) for name in ("pre", "pre_suf", "suf") if match.group(name)]
        codes = [_CURRENCIES[unit.upper()] for unit in units if unit.upper() in _CURRENCIES]
        found.append((match, value, codes[0] if codes else units[-1]))
    stated = {unit for _, _, unit in found if unit in _CURRENCIES.values()}
    # A bare $ or 元 takes the one currency the rest of the message states.
    context = stated.pop() if len(stated) == 1 else None
    mainland = bool(_SIMPLIFIED.search(text)) and not _HONG_KONG_OR_MACAU.search(text)
    return [
        Money(match.start(), match.end(), value, _currency(unit, context, mainland=mainland))
        for match, value, unit in found
    ]


def _currency(unit: str, context: str | None, *, mainland: bool) -> str | None:
    """Return the ISO 4217 code of a unit, given the message's stated currency and origin."""
    if unit in _CURRENCIES.values():
        return unit
    if unit == "元":
        return "CNY" if mainland else context
    if unit == "¥":
        return "CNY" if mainland or context == "CNY" else None
    # A bare $ is a dollar: the Hong Kong or Macau one the message states, if it states one.
    return context if context in {"HKD", "MOP"} else None
