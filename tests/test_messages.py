"""Carrier messages read as what they state: expiry, balance, amount topped up, the number."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
import math
import time
import unicodedata

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.simrenew.messages import (
    MAX_MESSAGE_LENGTH,
    NOTHING,
    MessageReading,
    choose_expiry,
    matches_number,
    mentions_carrier,
    read_message,
)

from .fuzzing import FUZZ_EXAMPLES

RECEIVED = date(2027, 5, 1)
OCT_28 = date(2027, 10, 28)


def stated(**fields: object) -> MessageReading:
    """Return the reading of a carrier message that states `fields` and nothing else."""
    return replace(NOTHING, carrier_like=True, **fields)  # type: ignore[arg-type]


# Realistic messages, written for these tests: no carrier publishes its exact wording.
SAMPLES = {
    "en_cmhk_top_up": (
        "CMHK: Your prepaid number ****4567 has been recharged HK$100. "
        "Valid until 28/10/2027 23:59. Balance HK$123.50",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="28/10/2027 23:59",
            balance=123.5,
            balance_currency="HKD",
            amount=100.0,
            amount_currency="HKD",
            number_hints=("4567",),
        ),
    ),
    "en_3hk_style": (
        "3HK: Your stored value is HK$48.00. Expiry date: 28/10/27 at 23:59",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="28/10/27 at 23:59",
            balance=48.0,
            balance_currency="HKD",
        ),
    ),
    "en_balance_only": (
        "Your remaining balance is $23.50. Thank you for using our service.",
        stated(balance=23.5),
    ),
    "en_top_up_date_and_validity": (
        "Top-up of HK$98 to 91234567 was successful on 1/5/2027. Validity extended to 19/4/2028.",
        stated(
            expiry_readings=(date(2028, 4, 19),),
            expiry_text="19/4/2028",
            amount=98.0,
            amount_currency="HKD",
            number_hints=("91234567",),
        ),
    ),
    "en_paid_spaced_number": (
        "You paid HK$168.00 for +852 9123 4567. Valid till 2028-04-30.",
        stated(
            expiry_readings=(date(2028, 4, 30),),
            expiry_text="2028-04-30",
            amount=168.0,
            amount_currency="HKD",
            number_hints=("85291234567",),
        ),
    ),
    "en_ambiguous": (
        "SIM card valid until 04/05/2028. Balance HK$0.00",
        stated(
            expiry_readings=(date(2028, 5, 4), date(2028, 4, 5)),
            expiry_text="04/05/2028",
            balance=0.0,
            balance_currency="HKD",
        ),
    ),
    "en_macau": (
        "Recharged MOP 50. Balance MOP$62.30. Expiry date 2028/01/15.",
        stated(
            expiry_readings=(date(2028, 1, 15),),
            expiry_text="2028/01/15",
            balance=62.3,
            balance_currency="MOP",
            amount=50.0,
            amount_currency="MOP",
        ),
    ),
    "en_verification_code": (
        "Your verification code is 482913. It is valid for 5 minutes.",
        NOTHING,
    ),
    "en_otp_with_top_up": ("OTP 123456 for your top-up of HK$100. Valid for 5 minutes.", NOTHING),
    "en_chat": ("See you at 7 on 28/10/2027, bring $20 for the taxi", NOTHING),
    "hant_cmhk_top_up": (
        "【中國移動香港】閣下號碼****4567已成功增值HK$100，有效期至2027年10月28日，餘額HK$123.50。",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="2027年10月28日",
            balance=123.5,
            balance_currency="HKD",
            amount=100.0,
            amount_currency="HKD",
            number_hints=("4567",),
        ),
    ),
    "hant_stored_value": (
        "閣下的儲值額為HK$48.00，使用期限至28/10/2027。",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="28/10/2027",
            balance=48.0,
            balance_currency="HKD",
        ),
    ),
    "hant_balance_only": ("您的結餘為港幣23.50元。", stated(balance=23.5, balance_currency="HKD")),
    "hant_top_up_date_and_expiry": (
        "閣下已於1/5/2027增值$100，新到期日為19/4/2028，餘額$123.50。",
        stated(
            expiry_readings=(date(2028, 4, 19),),
            expiry_text="19/4/2028",
            balance=123.5,
            amount=100.0,
        ),
    ),
    "hant_verification_code": ("您的驗證碼為482913，5分鐘內有效。", NOTHING),
    "hant_full_width": (
        "有效日期：２０２７年１０月２８日",
        stated(expiry_readings=(OCT_28,), expiry_text="2027年10月28日"),
    ),
    "hans_cmcc_top_up": (
        "【中国移动】尊敬的客户，您的号码尾号4567已充值100元，有效期至2027年10月28日，余额123.50元。",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="2027年10月28日",
            balance=123.5,
            balance_currency="CNY",
            amount=100.0,
            amount_currency="CNY",
            number_hints=("4567",),
        ),
    ),
    "hans_full_number": (
        "尊敬的客户，您的号码13812345678余额为12.30元，有效期为2027-10-28。",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="2027-10-28",
            balance=12.3,
            balance_currency="CNY",
            number_hints=("13812345678",),
        ),
    ),
    "hans_paid_and_balance": (
        "您已成功缴费人民币50元，账户余额68.00元。",
        stated(balance=68.0, balance_currency="CNY", amount=50.0, amount_currency="CNY"),
    ),
    "hans_expires_after_date": (
        "您的套餐将于2027年10月28日到期，请及时充值。",
        stated(expiry_readings=(OCT_28,), expiry_text="2027年10月28日"),
    ),
    "hans_top_up_date_and_expiry": (
        "您于2027年5月1日充值100元成功，有效期至2027年10月28日。",
        stated(
            expiry_readings=(OCT_28,),
            expiry_text="2027年10月28日",
            amount=100.0,
            amount_currency="CNY",
        ),
    ),
    "hans_validity_range": (
        "有效期：2027年5月1日至2028年4月30日",
        stated(expiry_readings=(date(2028, 4, 30),), expiry_text="2028年4月30日"),
    ),
    "hans_verification_code": ("【中国移动】验证码：482913，5分钟内有效，请勿泄露。", NOTHING),
}


@pytest.mark.parametrize(("text", "expected"), SAMPLES.values(), ids=SAMPLES.keys())
def test_realistic_messages(text: str, expected: MessageReading) -> None:
    """Top-ups, balances and codes in three languages read as what they state."""
    assert read_message(text, RECEIVED) == expected


DATE_FORMS = [
    ("28/10/2027", "28/10/2027", (OCT_28,)),
    ("6/5/2027", "6/5/2027", (date(2027, 5, 6), date(2027, 6, 5))),
    ("19/4/2028", "19/4/2028", (date(2028, 4, 19),)),
    ("28/10/27", "28/10/27", (OCT_28,)),
    ("28/10/27 23:59", "28/10/27 23:59", (OCT_28,)),
    ("28/10/27 at 23:59", "28/10/27 at 23:59", (OCT_28,)),
    ("2027-10-28", "2027-10-28", (OCT_28,)),
    ("2027-10-28 23:59:59", "2027-10-28 23:59:59", (OCT_28,)),
    ("2027/10/28", "2027/10/28", (OCT_28,)),
    ("2027.10.28", "2027.10.28", (OCT_28,)),
    ("2027年10月28日", "2027年10月28日", (OCT_28,)),
    ("2027 年 10 月 28 日", "2027 年 10 月 28 日", (OCT_28,)),
    ("2027年10月28号", "2027年10月28号", (OCT_28,)),
    ("2027年10月28號 23:59", "2027年10月28號 23:59", (OCT_28,)),
    ("10月28日", "10月28日", (OCT_28,)),
    ("２８／１０／２０２７", "28/10/2027", (OCT_28,)),
    ("２０２７年１０月２８日", "2027年10月28日", (OCT_28,)),
]
LANGUAGES = {
    "en": "Dear customer, your number is valid until {} . Thank you",
    "zh-Hant": "親愛的客戶，閣下號碼的到期日：{}，多謝。",
    "zh-Hans": "尊敬的客户，您的号码有效期为{}，谢谢。",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("written", "text", "readings"), DATE_FORMS)
def test_every_date_form_in_every_language(
    language: str, written: str, text: str, readings: tuple[date, ...]
) -> None:
    """Each date form reads after expiry words of each language, and its text is kept."""
    reading = read_message(LANGUAGES[language].format(written), RECEIVED)
    assert reading.expiry_readings == readings
    assert reading.expiry_text == text
    assert reading.carrier_like


@pytest.mark.parametrize(
    "word",
    [
        "valid until",
        "Valid till",
        "validity",
        "Expiry date",
        "expiry",
        "expires on",
        "expire on",
        "valid to",
        "有效期至",
        "有效期為",
        "有效期为",
        "有效期",
        "有效日期",
        "到期日",
        "到期",
        "使用期限",
        "屆滿",
        "届满",
    ],
)
def test_every_expiry_word_names_its_date(word: str) -> None:
    """Every expiry word names the date after it."""
    reading = read_message(f"Top-up on 1/5/2027. {word} 28/10/2027", RECEIVED)
    assert reading.expiry_readings == (OCT_28,)


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("Valid until 04/05/2028", (date(2028, 5, 4), date(2028, 4, 5))),
        ("Valid until 05/05/2028", (date(2028, 5, 5),)),
        ("Valid until 13/05/2028", (date(2028, 5, 13),)),
        ("Valid until 12/1/28", (date(2028, 1, 12), date(2028, 12, 1))),
        # Carriers here write the day first: a date only month-first would read is none.
        ("Valid until 10/28/2027", ()),
        ("有效期至2028-04-05", (date(2028, 4, 5),)),
        ("有效期至2028年4月5日", (date(2028, 4, 5),)),
    ],
)
def test_slash_dates_read_both_ways_only_when_they_can(
    text: str, readings: tuple[date, ...]
) -> None:
    """A slash date with day and month both 12 or less reads both ways, day first first."""
    assert read_message(text, RECEIVED).expiry_readings == readings


@pytest.mark.parametrize(
    "written",
    [
        "31/02/2027",
        "29/02/2027",
        "0/5/2027",
        "2027-02-30",
        "2027-13-01",
        "2027年13月1日",
        "2027年2月30日",
        "13月1日",
        "0000-01-01",
        "99999-01-01",
        "99999年10月28日",
        "1/1/1999",
        "2100-01-01",
        "28/10/202",
        "28/10/20275",
        "28-10-2027",
        "2027-10/28",
    ],
)
def test_what_is_no_date(written: str) -> None:
    """Impossible dates, years outside 2000-2099 and broken forms are no expiry."""
    reading = read_message(f"Expiry date: {written}", RECEIVED)
    assert reading == NOTHING


@pytest.mark.parametrize(
    ("written", "received", "expiry"),
    [
        ("10月28日", date(2027, 11, 1), date(2028, 10, 28)),
        ("10月28日", date(2027, 10, 28), date(2027, 10, 28)),
        ("10月28号", date(2027, 10, 27), date(2027, 10, 28)),
        ("2月29日", date(2027, 3, 1), date(2028, 2, 29)),
        ("2月29日", date(2096, 3, 1), None),
        ("1月1日", date(2099, 11, 1), None),
        ("１０月２８日", datetime(2027, 11, 1, 23, 59), date(2028, 10, 28)),
    ],
)
def test_year_less_dates_take_the_next_such_day(
    written: str, received: date, expiry: date | None
) -> None:
    """10月28日 is the first 28 October on or after the day the message arrived."""
    reading = read_message(f"有效期至{written}", received)
    assert reading.expiry_readings == ((expiry,) if expiry else ())


@pytest.mark.parametrize(
    ("text", "expiry"),
    [
        ("Top-up on 1/5/2027 successful.", None),
        ("Your number was activated on 28/10/2027", None),
        ("充值日期2027年5月1日，有效期至2027年10月28日", OCT_28),
        ("Expiry date: 28/10/2027, top-up on 1/5/2027", OCT_28),
        # The first date after the words is theirs, even when it is no date.
        ("Expiry date: 31/02/2027, top-up on 1/5/2027", None),
        ("Validity 30 days. Top-up date 1/5/2027", None),
        ("有效期30天。充值日期2027年5月1日", None),
        ("Validity" + " x" * 30 + " 28/10/2027", None),
        ("您的号码将于2027年10月28日到期，充值日期2027年5月1日", OCT_28),
        ("2027年10月28日 23:59到期", OCT_28),
        ("合約於28/10/2027屆滿", OCT_28),
        ("有效期2027年5月1日 - 2027年10月28日", OCT_28),
        ("Validity: 2027-05-01 to 2027-10-28", OCT_28),
        ("有效期至31/02/2027。有效期至2027年10月28日", OCT_28),
    ],
)
def test_the_expiry_words_name_the_date(text: str, expiry: date | None) -> None:
    """Only a date that expiry words name is an expiry; other dates are something else."""
    assert read_message(text, RECEIVED).expiry_readings == ((expiry,) if expiry else ())


@pytest.mark.parametrize(
    ("written", "value", "currency"),
    [
        ("HK$50", 50.0, "HKD"),
        ("HK$ 50", 50.0, "HKD"),
        ("HKD 50.00", 50.0, "HKD"),
        ("50 HKD", 50.0, "HKD"),
        ("$50", 50.0, None),
        ("50元", 50.0, None),
        ("港幣50元", 50.0, "HKD"),
        ("港币50元", 50.0, "HKD"),
        ("50港元", 50.0, "HKD"),
        ("人民币50元", 50.0, "CNY"),
        ("人民幣50元", 50.0, "CNY"),
        ("RMB50", 50.0, "CNY"),
        ("CNY 50", 50.0, "CNY"),
        ("¥50", 50.0, None),
        ("MOP 30", 30.0, "MOP"),
        ("MOP$30", 30.0, "MOP"),
        ("30澳門元", 30.0, "MOP"),
        ("30澳门元", 30.0, "MOP"),
        ("30葡幣", 30.0, "MOP"),
        ("HK$1,000", 1000.0, "HKD"),
        ("HK$1,000,000.00", 1_000_000.0, "HKD"),
        ("1,234.50元", 1234.5, None),
        ("ＨＫ＄５０", 50.0, "HKD"),
    ],
)
def test_money_forms(written: str, value: float, currency: str | None) -> None:
    """Each way of writing money reads its value, and its currency when the text names it."""
    reading = read_message(f"Balance: {written}", RECEIVED)
    assert (reading.balance, reading.balance_currency) == (value, currency)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("余额50元", "CNY"),
        ("余额¥50", "CNY"),
        ("餘額50元", None),
        ("Balance ¥50", None),
        ("中国移动香港：余额50元", None),
        ("Recharged HK$100, balance $20", "HKD"),
        ("增值港幣100元，餘額50元", "HKD"),
        ("Recharged HK$100, balance ¥20", None),
        ("Recharged RMB100, balance ¥20", "CNY"),
        ("Recharged HK$100, paid RMB5, balance $20", None),
    ],
)
def test_bare_units_take_the_message_s_currency(text: str, currency: str | None) -> None:
    """元 and ¥ are renminbi in mainland texts; $ and 元 take the one currency a text states."""
    assert read_message(text, RECEIVED).balance_currency == currency


@pytest.mark.parametrize(
    "word",
    [
        "balance",
        "Remaining balance",
        "stored value",
        "remaining value",
        "餘額",
        "余额",
        "結餘",
        "结余",
        "儲值額",
        "储值额",
        "剩餘",
        "剩余",
    ],
)
def test_every_balance_word(word: str) -> None:
    """Every balance word names the money after it as the balance."""
    reading = read_message(f"{word}: HK$50", RECEIVED)
    assert (reading.balance, reading.amount) == (50.0, None)


@pytest.mark.parametrize(
    "word",
    [
        "top-up",
        "Top up",
        "topped up",
        "recharge",
        "recharged",
        "paid",
        "充值",
        "增值",
        "儲值",
        "储值",
        "缴费",
        "繳費",
        "付款",
    ],
)
def test_every_top_up_word(word: str) -> None:
    """Every top-up word names the money after it as the amount."""
    reading = read_message(f"{word} HK$50", RECEIVED)
    assert (reading.amount, reading.balance) == (50.0, None)


@pytest.mark.parametrize(
    ("text", "balance", "amount"),
    [
        ("Recharge successful, balance HK$20", 20.0, None),
        ("Top-up HK$100 balance HK$120", 120.0, 100.0),
        ("Balance HK$20 HK$30", 20.0, None),
        ("Balance HK$1,000,001", None, None),
        ("Balance HK$" + "9" * 400, None, None),
        ("Balance HK$" + "9" * 400 + ", top-up HK$10", None, 10.0),
        ("Balance US$50", None, None),
        ("Balance -HK$5", None, None),
        ("Balance \u2212HK$5", None, None),
        ("余额-5元", None, None),
        ("Your prepaid card HK$50", None, None),
        ("Balance: 50", None, None),
        ("Balance enquiry at *#1345#. Hotline HK$50", None, None),
    ],
)
def test_which_money_is_named(text: str, balance: float | None, amount: float | None) -> None:
    """The closest words name the first money after them; money out of range is dropped."""
    reading = read_message(text, RECEIVED)
    assert (reading.balance, reading.amount) == (balance, amount)
    assert reading.carrier_like is (balance is not None or amount is not None)


@pytest.mark.parametrize(
    "code",
    ["验证码", "驗證碼", "校驗碼", "OTP", "otp", "verification code", "one-time password"],
)
def test_verification_codes_are_no_carrier_message(code: str) -> None:
    """A code, however much else it says, is not a message about the card."""
    text = f"{code} 482913, valid for 5 minutes. 有效期至2027年10月28日，余额50元，充值100元"
    assert read_message(text, RECEIVED) == NOTHING


def test_only_the_first_characters_are_read() -> None:
    """Text past MAX_MESSAGE_LENGTH characters is not read."""
    expiry = "有效期至2027年10月28日"
    assert read_message("x" * MAX_MESSAGE_LENGTH + expiry, RECEIVED) == NOTHING
    long = read_message(expiry + "x" * 5 * MAX_MESSAGE_LENGTH, RECEIVED)
    assert long.expiry_readings == (OCT_28,)


@pytest.mark.parametrize(
    ("written", "hints"),
    [
        ("****4567", ("4567",)),
        ("＊＊＊＊4567", ("4567",)),
        ("xxxx4567", ("4567",)),
        ("XX4567", ("4567",)),
        ("尾號4567", ("4567",)),
        ("尾号为4567", ("4567",)),
        ("138****5678", ("5678",)),
        ("number ending in 4567", ("4567",)),
        ("91234567", ("91234567",)),
        ("9123 4567", ("91234567",)),
        ("9123-4567", ("91234567",)),
        ("+852 9123 4567", ("85291234567",)),
        ("+85291234567", ("85291234567",)),
        ("13812345678", ("13812345678",)),
        ("138 1234 5678", ("13812345678",)),
        ("+8613812345678", ("8613812345678",)),
        ("91234567 and ****4567 and 91234567", ("91234567", "4567")),
        ("1234567", ()),
        ("*4567", ()),
        ("****456", ()),
        ("9" * 20, ()),
    ],
)
def test_number_hints(written: str, hints: tuple[str, ...]) -> None:
    """Full numbers and masked tails are hints; short or huge digit runs are not."""
    assert read_message(f"Balance HK$5. Number {written}.", RECEIVED).number_hints == hints


@pytest.mark.parametrize(
    ("hints", "e164", "matches"),
    [
        (("91234567",), "+85291234567", True),
        (("85291234567",), "+85291234567", True),
        (("4567",), "+85291234567", True),
        (("1234",), "+85291234567", False),
        (("13812345678",), "+8613812345678", True),
        (("8613812345678",), "+8613812345678", True),
        (("5678",), "+8613812345678", True),
        # Eight digits of an eleven-digit number are not the number without its country code.
        (("12345678",), "+8613812345678", False),
        (("61234567",), "+85291234567", False),
        (("123",), "+85291234567", False),
        (("99", "4567"), "+85291234567", True),
        ((), "+85291234567", False),
        (("4567",), "", False),
        (("4567",), "call me", False),
        (("4567",), "+８５２９１２３４５６７", True),
    ],
)
def test_matches_number(hints: tuple[str, ...], e164: str, matches: bool) -> None:
    """A hint is the card's number when equal but for a country code, or its masked tail."""
    assert matches_number(replace(NOTHING, number_hints=hints), e164) is matches


@pytest.mark.parametrize(
    ("carrier", "text", "sender", "mentioned"),
    [
        ("CMHK", "CMHK: balance HK$5", None, True),
        ("cmhk", "CMHK: balance HK$5", None, True),
        ("ＣＭＨＫ", "cmhk: balance", None, True),
        ("CMHK", "balance HK$5", "CMHK", True),
        ("3HK", "balance", "３ＨＫ", True),
        ("China  Mobile", "china mobile hong kong", None, True),
        ("中國移動", "【中國移動香港】", None, True),
        ("csl", "balance HK$5", "SIMREG", False),
        ("3", "3HK", "3HK", False),
        ("", "anything", "anything", False),
        (None, "anything", "anything", False),
        (" C ", "C C", None, False),
    ],
)
def test_mentions_carrier(
    carrier: str | None, text: str, sender: str | None, mentioned: bool
) -> None:
    """The carrier's name appears in the sender or the text, whatever its case or width."""
    assert mentions_carrier(carrier, text, sender) is mentioned


@pytest.mark.parametrize(
    ("readings", "expected", "chosen"),
    [
        ((OCT_28,), set(), OCT_28),
        ((OCT_28,), {date(2028, 1, 1)}, OCT_28),
        ((date(2028, 5, 4), date(2028, 4, 5)), {date(2028, 4, 5)}, date(2028, 4, 5)),
        ((date(2028, 5, 4), date(2028, 4, 5)), [date(2028, 5, 4)], date(2028, 5, 4)),
        ((date(2028, 5, 4), date(2028, 4, 5)), set(), None),
        ((date(2028, 5, 4), date(2028, 4, 5)), {date(2028, 5, 4), date(2028, 4, 5)}, None),
        ((), {OCT_28}, None),
    ],
)
def test_choose_expiry(
    readings: tuple[date, ...], expected: set[date] | list[date], chosen: date | None
) -> None:
    """One reading is the expiry; of two, the one expected, if only one is."""
    assert choose_expiry(readings, expected) == chosen


ADVERSARIAL = {
    "digits": "9" * MAX_MESSAGE_LENGTH,
    "slashes": "1/" * (MAX_MESSAGE_LENGTH // 2),
    "expiry_words": "有效期" * (MAX_MESSAGE_LENGTH // 3),
    "dollars": "HK$" * (MAX_MESSAGE_LENGTH // 3),
    "masks": "*" * MAX_MESSAGE_LENGTH,
    "commas": "1," * (MAX_MESSAGE_LENGTH // 2),
    "month_days": "到期13月1日" * (MAX_MESSAGE_LENGTH // 7),
    "leap_days": "到期2月29日" * (MAX_MESSAGE_LENGTH // 7),
    "dates": "到期 28/10/2027 " * (MAX_MESSAGE_LENGTH // 14),
    "balances": "餘額HK$1 " * (MAX_MESSAGE_LENGTH // 8),
    "spaces": "有效期" + " " * MAX_MESSAGE_LENGTH,
    "expanding": "\ufdfa" * MAX_MESSAGE_LENGTH,
    "controls": "".join(chr(n) for n in range(32)) * (MAX_MESSAGE_LENGTH // 32),
    "surrogates": "\ud800\udfff" * (MAX_MESSAGE_LENGTH // 2),
    "ranges": "有效期1/1/2027至" * (MAX_MESSAGE_LENGTH // 12),
    "grouped_digits": "1234 " * (MAX_MESSAGE_LENGTH // 5),
    "times": "28/10/27 at " * (MAX_MESSAGE_LENGTH // 12),
    "years": "2027年" * (MAX_MESSAGE_LENGTH // 5),
    "decimals": "Balance 1.1.1.1.1 " * (MAX_MESSAGE_LENGTH // 18),
    "year_zero": "Expiry 0000-00-00 " * (MAX_MESSAGE_LENGTH // 18),
    "arabic_digits": "有效期至٢٠٢٧年١٠月٢٨日 餘額HK$٥٠" * 60,
    "empty": "",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_hostile_text_reads_quickly_without_error(text: str) -> None:
    """Any text of the longest allowed length reads without error in well under 10 ms."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        reading = read_message(text, RECEIVED)
        times.append(time.perf_counter() - start)
    assert isinstance(reading, MessageReading)
    assert min(times) < 0.01


def assert_well_formed(reading: MessageReading, text: str) -> None:
    """Assert a reading holds only what the message could state."""
    normalized = unicodedata.normalize("NFKC", text[:MAX_MESSAGE_LENGTH])
    if not reading.carrier_like:
        assert reading == NOTHING
        return
    assert len(reading.expiry_readings) <= 2
    assert (reading.expiry_text is None) == (not reading.expiry_readings)
    if reading.expiry_text is not None:
        assert reading.expiry_text in normalized
    for day in reading.expiry_readings:
        assert type(day) is date
        assert 2000 <= day.year <= 2099
    for value in (reading.balance, reading.amount):
        assert value is None or (math.isfinite(value) and 0 <= value <= 1_000_000)
    assert {reading.balance_currency, reading.amount_currency} <= {"HKD", "CNY", "MOP", None}
    assert reading.balance is not None or reading.balance_currency is None
    assert reading.amount is not None or reading.amount_currency is None
    for hint in reading.number_hints:
        assert hint.isascii()
        assert hint.isdigit()
        assert len(hint) >= 4
        assert hint in normalized.replace(" ", "").replace("-", "").replace("+", "")


VOCABULARY = [
    "valid until ",
    "Expiry date: ",
    "有效期至",
    "到期",
    "屆滿",
    "餘額",
    "balance ",
    "充值",
    "HK$",
    "$",
    "元",
    "港幣",
    "MOP ",
    "RMB",
    "****",
    "尾号",
    "/",
    "-",
    ".",
    ",",
    "年",
    "月",
    "日",
    " at ",
    ":",
    "至",
    "。",
    " ",
    "１２",
    "2027",
    "28",
    "10",
    "04",
    "05",
    "31",
    "29",
    "02",
    "99999",
    "0",
    "23:59",
    "1,000",
    "91234567",
]
MESSAGE_TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=3)), max_size=40).map("".join),
    st.text(alphabet="0123456789/-.:年月日号號 $元,", max_size=60),
)


@settings(max_examples=FUZZ_EXAMPLES)
@given(text=MESSAGE_TEXTS, received=st.dates())
def test_any_text_reads_as_what_it_contains(text: str, received: date) -> None:
    """Any text reads without error, and its expiry text is in it and reads back the same."""
    reading = read_message(text, received)
    assert_well_formed(reading, text)
    if reading.expiry_text is not None:
        again = read_message(f"Expiry date: {reading.expiry_text}", received)
        assert again.expiry_readings == reading.expiry_readings


def full_width(text: str) -> str:
    """Return text with its ASCII digits, punctuation and spaces written full width."""
    return "".join(
        "\u3000" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char
        for char in text
    )


def written_forms(day: date) -> list[tuple[str, tuple[date, ...]]]:
    """Return every way a carrier may write `day` with a year, and the readings each has."""
    d, m, y = day.day, day.month, day.year
    slash = (day, date(y, d, m)) if d <= 12 and d != m else (day,)
    return [
        (f"{d}/{m}/{y}", slash),
        (f"{d:02}/{m:02}/{y}", slash),
        (f"{d}/{m}/{y % 100:02}", slash),
        (f"{d:02}/{m:02}/{y % 100:02} 23:59", slash),
        (f"{d:02}/{m:02}/{y % 100:02} at 23:59", slash),
        (f"{y}-{m:02}-{d:02}", (day,)),
        (f"{y}-{m}-{d}", (day,)),
        (f"{y}/{m:02}/{d:02}", (day,)),
        (f"{y}.{m:02}.{d:02}", (day,)),
        (f"{y}年{m}月{d}日", (day,)),
        (f"{y}年{m:02}月{d:02}日", (day,)),
        (f"{y}年{m}月{d}号", (day,)),
        (f"{y}年{m}月{d}號 23:59", (day,)),
    ]


EXPIRY_WORDS = {
    "valid until ": "",
    "Valid till ": "",
    "validity: ": "",
    "Expiry date: ": "",
    "expiry ": "",
    "expires on ": "",
    "valid to ": "",
    "有效期至": "",
    "有效期為": "",
    "有效期为": "",
    "有效期：": "",
    "有效日期 ": "",
    "到期日：": "",
    "使用期限至": "",
    "屆滿日期": "",
    "": "到期",
    " ": " 届满",
}
FILLERS = [
    "Dear customer,",
    "your number",
    "****4567",
    "HK$100",
    "餘額HK$50",
    "余额12.50元",
    "12:00",
    "2027",
    "Top-up on 1/5/2027 successful.",
    "充值日期2027年5月1日，",
    "您好",
    "閣下",
    "謝謝",
    "thank you",
    "\n",
]


@settings(max_examples=FUZZ_EXAMPLES)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    form=st.integers(min_value=0, max_value=12),
    wide=st.booleans(),
    words=st.sampled_from(list(EXPIRY_WORDS.items())),
    before=st.lists(st.sampled_from(FILLERS), max_size=4),
    after=st.lists(st.sampled_from(FILLERS), max_size=4),
)
def test_every_date_form_reads_back(
    day: date,
    form: int,
    wide: bool,
    words: tuple[str, str],
    before: list[str],
    after: list[str],
) -> None:
    """Any date in any form, named by expiry words among other words, reads back exactly."""
    written, readings = written_forms(day)[form]
    shown = full_width(written) if wide else written
    text = " ".join([*before, f"{words[0]}{shown}{words[1]}", *after])
    reading = read_message(text, RECEIVED)
    assert reading.expiry_readings == readings, text
    # A time of day among the words after the date is the expiry's own.
    expected_text = unicodedata.normalize("NFKC", shown)
    assert reading.expiry_text in {expected_text, f"{expected_text} 12:00"}
    assert choose_expiry(reading.expiry_readings, {day}) == day
    assert_well_formed(reading, text)


@settings(max_examples=FUZZ_EXAMPLES)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)),
    days_before=st.integers(min_value=0, max_value=364),
    suffix=st.sampled_from(["日", "号", "號"]),
    wide=st.booleans(),
)
def test_year_less_dates_read_back(day: date, days_before: int, suffix: str, wide: bool) -> None:
    """A month and day without a year read as that day, received up to a year before."""
    written = f"{day.month}月{day.day}{suffix}"
    text = f"您的号码有效期至{full_width(written) if wide else written}，请及时充值。"
    reading = read_message(text, day - timedelta(days=days_before))
    assert reading.expiry_readings == (day,)


def test_a_latin_carrier_name_is_a_word() -> None:
    """A name such as CU is no mention inside "customer"; CMHK in any width or case is."""
    assert not mentions_carrier("CU", "Dear customer, thank you", None)
    assert not mentions_carrier("csl", "cslx offers", None)
    assert mentions_carrier("CU", "CU: valid until 28/10/2027", None)
    assert mentions_carrier("CMHK", "ＣＭＨＫ：增值成功", None)
    assert mentions_carrier("csl", "hello", "csl")
