"""Sums in the integration's texts read as people write them: HK$38, ¥8.50, never HKD 38.00."""

from __future__ import annotations

import math
import re

from hypothesis import given, strategies as st
import pytest

from custom_components.simrenew.model import MONEY_MAX
from custom_components.simrenew.money import SYMBOLS, written_amount
from homeassistant.generated.currencies import ACTIVE_CURRENCIES

WRITTEN = re.compile(r"(-?)(?:([A-Z]{3}) )?(\D*?)(\d{1,3}(?:,\d{3})*)(\.\d\d)?")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (38, "HKD", "HK$38"),
        (38.0, "HKD", "HK$38"),
        (8, "CNY", "¥8"),
        (8.5, "CNY", "¥8.50"),
        (5, "USD", "US$5"),
        (5, "GBP", "£5"),
        (5, "EUR", "€5"),
        (20, "MOP", "MOP$20"),
        (100, "TWD", "NT$100"),
        (10, "SGD", "S$10"),
        (1048, "HKD", "HK$1,048"),
        (1_000_000, "HKD", "HK$1,000,000"),
        (0, "HKD", "HK$0"),
        (37.999, "HKD", "HK$38"),
        (0.004, "HKD", "HK$0"),
        (-0.004, "HKD", "HK$0"),
        (-5, "HKD", "-HK$5"),
        (120, "THB", "THB 120"),
        (120.5, "THB", "THB 120.50"),
        (38, "hkd", "HK$38"),
        (38, "", "38"),
        (-2.5, "THB", "-THB 2.50"),
        (-2, "", "-2"),
        (math.inf, "HKD", "HKD inf"),
    ],
)
def test_sums_as_people_write_them(amount: float, currency: str, expected: str) -> None:
    """The symbol people write, no ".00" on a whole sum, the code for a currency not listed."""
    assert written_amount(amount, currency) == expected


@given(
    amount=st.one_of(
        st.integers(min_value=0, max_value=int(MONEY_MAX)),
        st.floats(min_value=0, max_value=MONEY_MAX, allow_nan=False),
        st.floats(min_value=-MONEY_MAX, max_value=MONEY_MAX, allow_nan=False),
    ),
    currency=st.sampled_from(sorted(ACTIVE_CURRENCIES)),
)
def test_any_sum_reads_back_as_the_same_sum(amount: float, currency: str) -> None:
    """Whatever the sum and currency, the text gives back the sum to the cent, once."""
    text = written_amount(amount, currency)
    match = WRITTEN.fullmatch(text)
    assert match is not None, text
    sign, code, symbol, whole, cents = match.groups()
    # A listed currency shows its symbol and never its code; any other its code and no symbol.
    if currency in SYMBOLS:
        assert (code, symbol) == (None, SYMBOLS[currency]), text
    else:
        assert (code, symbol) == (currency, ""), text
    assert cents != ".00", text
    shown = float(whole.replace(",", "") + (cents or ""))
    assert shown == pytest.approx(round(abs(amount), 2), abs=0.006), text
    assert sign == ("-" if shown and amount < 0 else ""), text


@given(
    amount=st.floats(allow_nan=True, allow_infinity=True),
    currency=st.text(max_size=5),
)
def test_no_sum_breaks_the_formatter(amount: float, currency: str) -> None:
    """Anything a stored file could hold still gives a text, never an error."""
    assert isinstance(written_amount(amount, currency), str)
