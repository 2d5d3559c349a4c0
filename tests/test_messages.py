"""The reader of carrier messages: every date form, three languages, and never a crash."""

from __future__ import annotations

from datetime import date
import time

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.simrenew.messages import (
    MAX_MESSAGE_LENGTH,
    choose_expiry,
    matches_number,
    mentions_carrier,
    normalised,
    read_message,
)

from .fuzzing import FUZZ_EXAMPLES

RECEIVED = date(2027, 5, 2)
OCT_28 = date(2027, 10, 28)


@pytest.mark.parametrize(
    ("text", "expected", "written"),
    [
        ("Valid until 28/10/2027", (OCT_28,), "28/10/2027"),
        ("valid till 28/10/2027 23:59", (OCT_28,), "28/10/2027 23:59"),
        ("Expiry date: 28/10/27 at 23:59", (OCT_28,), "28/10/27 at 23:59"),
        ("Validity: 6/5/2027", (date(2027, 5, 6), date(2027, 6, 5)), "6/5/2027"),
        ("expires on 2027-10-28", (OCT_28,), "2027-10-28"),
        ("Valid until 2027/10/28", (OCT_28,), "2027/10/28"),
        ("Valid until 2027.10.28", (OCT_28,), "2027.10.28"),
        ("有效期至2027年10月28日", (OCT_28,), "2027年10月28日"),
        ("有效期為2027年10月28號", (OCT_28,), "2027年10月28號"),
        ("有效期为 2027 年 10 月 28 日", (OCT_28,), "2027 年 10 月 28 日"),
        ("有效日期：２０２７年１０月２８日", (OCT_28,), "2027年10月28日"),
        ("到期日 28/10/2027", (OCT_28,), "28/10/2027"),
        ("使用期限：10月28日", (OCT_28,), "10月28日"),
        ("有效期至4月30日", (date(2028, 4, 30),), "4月30日"),
        ("有效期至5月2日", (RECEIVED,), "5月2日"),
        ("valid until 10/28/2027", (OCT_28,), "10/28/2027"),
        ("Valid until 04/05/2028", (date(2028, 5, 4), date(2028, 4, 5)), "04/05/2028"),
        ("Valid until 05/05/2028", (date(2028, 5, 5),), "05/05/2028"),
    ],
)
def test_every_date_form(text: str, expected: tuple[date, ...], written: str) -> None:
    """Day first with slashes, two-digit years, year first, Chinese with and without a year."""
    reading = read_message(text, RECEIVED)
    assert reading.expiry_readings == expected
    assert reading.expiry_text == written
    assert reading.carrier_like is True


@pytest.mark.parametrize(
    "text",
    [
        "Valid until 31/02/2027",
        "有效期至2027年2月30日",
        "Valid until 2027-13-01",
        "Valid until 00/00/0000",
        "Valid until 1/1/99999",
        "有效期至0000年1月1日",
    ],
)
def test_days_that_do_not_exist_are_no_expiry(text: str) -> None:
    """A 31 February, a month 13 or year 0 is not a date."""
    assert read_message(text, RECEIVED).expiry_readings == ()


def test_the_expiry_words_name_the_date() -> None:
    """A message with a top-up date and an expiry date takes the one its expiry words name."""
    reading = read_message("Top-up on 1/5/2027 successful. Valid until 28/10/2027.", RECEIVED)
    assert reading.expiry_readings == (OCT_28,)
    zh = read_message("於2027年5月1日增值成功，新到期日為2027年10月28日。", RECEIVED)
    assert zh.expiry_readings == (OCT_28,)


def test_a_date_without_expiry_words_is_no_expiry() -> None:
    """A top-up date alone says nothing about validity."""
    reading = read_message("Top-up on 1/5/2027 successful.", RECEIVED)
    assert reading.expiry_readings == ()


@pytest.mark.parametrize(
    ("text", "balance", "currency", "amount", "amount_currency"),
    [
        (
            "CMHK: ****4567 has been recharged HK$100. Valid until 28/10/2027. Balance HK$123.50",
            123.5,
            "HKD",
            100.0,
            "HKD",
        ),
        (
            "閣下號碼****4567已成功增值HK$100，有效期至2027年10月28日，餘額HK$123.50。",
            123.5,
            "HKD",
            100.0,
            "HKD",
        ),
        (
            "您的号码尾号4567已充值100元，有效期至2027年10月28日，余额123.50元。",
            123.5,
            "CNY",
            100.0,
            "CNY",
        ),
        ("Remaining balance: HKD 1,234.00", 1234.0, "HKD", None, None),
        ("餘額：港幣23.5元", 23.5, "HKD", None, None),
        ("澳門：結餘 MOP 30", 30.0, "MOP", None, None),
        ("Balance: $8", 8.0, None, None, None),
    ],
)
def test_balances_and_amounts(
    text: str,
    balance: float | None,
    currency: str | None,
    amount: float | None,
    amount_currency: str | None,
) -> None:
    """The sums carriers write, with their currencies, in three languages."""
    reading = read_message(text, RECEIVED)
    assert (reading.balance, reading.balance_currency) == (balance, currency)
    assert (reading.amount, reading.amount_currency) == (amount, amount_currency)
    assert reading.carrier_like is True


@pytest.mark.parametrize(
    "text",
    [
        "Your verification code is 912345. It is valid for 5 minutes.",
        "【某銀行】驗證碼：481516，5分鐘內有效，有效期至2027年10月28日。",
        "【某银行】验证码：481516，5分钟内有效。",
        "Your OTP is 1234, valid until 28/10/2027",
        "Happy birthday! See you on 28/10/2027.",
        "",
    ],
)
def test_what_is_no_carrier_message(text: str) -> None:
    """Verification codes and chat are not read as anything."""
    reading = read_message(text, RECEIVED)
    assert reading.carrier_like is False
    assert reading.expiry_readings == ()


@pytest.mark.parametrize(
    ("text", "number", "matches"),
    [
        ("****4567 recharged", "+85291234567", True),
        ("xxxx4567 recharged", "+85291234567", True),
        ("尾号4567的号码", "+85291234567", True),
        ("尾號 4567 的號碼", "+85291234567", True),
        ("Number 9123 4567 recharged", "+85291234567", True),
        ("Number +852 9123-4567 recharged", "+85291234567", True),
        ("号码13812345678已充值", "+8613812345678", True),
        ("****4567 recharged", "+85261237890", False),
        ("HK$91234567 paid", "+85291234567", False),
        ("Valid until 2027-10-28", "+85220271028", False),
    ],
)
def test_numbers_in_full_or_masked(text: str, number: str, matches: bool) -> None:
    """A number matches in full or by the tail carriers leave; sums and dates are no numbers."""
    assert matches_number(read_message(text, RECEIVED), number) is matches


def test_a_carrier_in_the_sender_or_the_text() -> None:
    """The carrier's name, in any width or case, as a word."""
    assert mentions_carrier("CMHK", "hello", "cmhk")
    assert mentions_carrier("CMHK", "ＣＭＨＫ：增值成功", None)
    assert mentions_carrier("中国移动", "【中国移动】尊敬的客户", None)
    assert not mentions_carrier("csl", "cslx offers", None)
    assert not mentions_carrier("3", "3HK", None)
    assert not mentions_carrier(None, "CMHK", "CMHK")


def test_choosing_between_two_readings() -> None:
    """A date that reads two ways is taken only as the reading that is expected."""
    readings = (date(2028, 5, 4), date(2028, 4, 5))
    assert choose_expiry(readings, {date(2028, 4, 5)}) == date(2028, 4, 5)
    assert choose_expiry(readings, {date(2027, 1, 1)}) is None
    assert choose_expiry(readings, set(readings)) is None
    assert choose_expiry((OCT_28,), set()) == OCT_28


def test_a_long_message_reads_quickly() -> None:
    """2,000 characters of digits, slashes and words read in well under 10 ms."""
    texts = [
        "1/" * (MAX_MESSAGE_LENGTH // 2),
        "9" * MAX_MESSAGE_LENGTH,
        "valid until " * (MAX_MESSAGE_LENGTH // 12),
        ("有效期至2027年10月28日 HK$100 " * 100)[:MAX_MESSAGE_LENGTH],
        "1 " * (MAX_MESSAGE_LENGTH // 2),
    ]
    for text in texts:
        started = time.perf_counter()
        read_message(text * 3, RECEIVED)
        assert time.perf_counter() - started < 0.05


def written(day: date, form: int) -> tuple[str, bool]:
    """Return a date in one of the forms carriers write, and whether it may read two ways."""
    slash = day.day <= 12 and day.month <= 12 and day.day != day.month
    forms = [
        (f"{day.day:02d}/{day.month:02d}/{day.year}", slash),
        (f"{day.day}/{day.month}/{day.year} 23:59", slash),
        (f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d} at 23:59", slash),
        (day.isoformat(), False),
        (f"{day.year}/{day.month}/{day.day}", False),
        (f"{day.year}年{day.month}月{day.day}日", False),
        (f"{day.year}年{day.month:02d}月{day.day:02d}號", False),
        (
            "".join(
                chr(ord(c) + 0xFEE0) if c.isdigit() else c
                for c in f"{day.year}年{day.month}月{day.day}日"
            ),
            False,
        ),
    ]
    return forms[form % len(forms)]


WORDS = ["Valid until", "expiry date:", "有效期至", "有效期為", "有效日期：", "到期日", "使用期限"]


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    form=st.integers(min_value=0, max_value=7),
    word=st.sampled_from(WORDS),
    before=st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=30),
    after=st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=30),
)
def test_any_date_in_any_form_reads_back(
    day: date, form: int, word: str, before: str, after: str
) -> None:
    """A date in every form, after an expiry word, amid random words, reads back as itself."""
    text, two_ways = written(day, form)
    reading = read_message(f"{before} {word} {text} ", RECEIVED)
    if any(bad in normalised(before + after) for bad in ("验证码", "驗證碼", "otp", "OTP")):
        return
    assert day in reading.expiry_readings
    assert len(reading.expiry_readings) == (2 if two_ways else 1)
    del after


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(text=st.text(max_size=2500), received=st.dates())
def test_any_text_never_breaks_the_reader(text: str, received: date) -> None:
    """Random text never raises; every expiry read is a date written in the message."""
    reading = read_message(text, received)
    if reading.expiry_text is not None:
        assert reading.expiry_text in normalised(text)
        assert reading.expiry_readings
    for value in (reading.balance, reading.amount):
        assert value is None or 0 <= value <= 1_000_000
    assert all(hint.isdigit() for hint in reading.number_hints)
