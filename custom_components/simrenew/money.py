"""Sums of money written as people write them: HK$38, ¥8.50, US$1,200; free of Home Assistant."""

from __future__ import annotations

import math

# What people in Hong Kong, the mainland and the places they travel to write before a sum.
# Babel is not in Home Assistant's environment, so the currencies the cards use are listed here;
# any other is written with its ISO code, which nobody misreads.
SYMBOLS: dict[str, str] = {
    "HKD": "HK$",
    "CNY": "¥",
    "MOP": "MOP$",
    "TWD": "NT$",
    "USD": "US$",
    "GBP": "£",
    "EUR": "€",
    "SGD": "S$",
}


def written_amount(amount: float, currency: str) -> str:
    """Return a sum with its currency: HK$38, ¥8.50, HK$1,000, or "THB 120" for the unlisted."""
    code = currency.strip().upper()
    if not math.isfinite(amount):
        return f"{code} {amount}".strip()
    digits = f"{abs(amount):,.2f}"
    # A whole sum reads as people write it, HK$38; cents stay when there are any, ¥8.50.
    digits = digits.removesuffix(".00")
    sign = "-" if amount < 0 and digits != "0" else ""
    if (symbol := SYMBOLS.get(code)) is not None:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{code} {digits}" if code else f"{sign}{digits}"
