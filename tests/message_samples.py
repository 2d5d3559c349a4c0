"""Carrier messages as tests send them, in three languages, with the outcome each must have.

Mum's card (+852 9123 4567, CMHK) expires on 6 May 2027; on 1 May a tap recorded a renewal
to 28 Oct 2027 that waits for the carrier's word, unless `waiting` is False. Dad's card
(+852 6123 7890, csl) expires on 10 Sep 2027 and waits for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class Sample:
    """One message, the state it meets, and what it must do."""

    language: str
    text: str
    outcome: str
    sender: str | None = None
    waiting: bool = True
    # The expiry Mum's card must have afterwards (None: unchanged).
    expiry: str | None = None
    # Which card it is about ("mum", "dad" or None).
    card: str | None = "mum"


SAMPLES: tuple[Sample, ...] = (
    # --- confirmed: the date the waiting renewal computed -------------------------------------
    Sample(
        language="en",
        text="CMHK: Your prepaid number ****4567 has been recharged HK$100. "
        "Valid until 28/10/2027 23:59. Balance HK$123.50",
        outcome="confirmed",
        expiry="2027-10-28",
    ),
    Sample(
        language="zh-Hant",
        text="【中國移動香港】閣下號碼****4567已成功增值HK$100，有效期至2027年10月28日，"
        "餘額HK$123.50。",
        outcome="confirmed",
        expiry="2027-10-28",
    ),
    Sample(
        language="zh-Hans",
        text="【中国移动】尊敬的客户，您的号码尾号4567已充值100元，有效期至2027年10月28日，余额123.50元。",
        outcome="confirmed",
        expiry="2027-10-28",
    ),
    Sample(
        language="en",
        text="Recharge successful for 9123 4567. Expiry date: 28/10/27 at 23:59",
        outcome="confirmed",
        expiry="2027-10-28",
    ),
    Sample(
        language="zh-Hant",
        text="CMHK：號碼****4567 增值成功，有效日期：２０２７年１０月２８日。",
        outcome="confirmed",
        expiry="2027-10-28",
    ),
    # --- corrected: another date than the one recorded ---------------------------------------
    Sample(
        language="en",
        text="CMHK: ****4567 topped up. Valid until 2027-10-20.",
        outcome="corrected",
        expiry="2027-10-20",
    ),
    Sample(
        language="zh-Hant",
        text="中國移動香港：****4567 有效期至2027/10/25。",
        outcome="corrected",
        expiry="2027-10-25",
    ),
    Sample(
        language="zh-Hans",
        text="【中国移动】尾号4567的号码有效期至2027-10-27。",
        outcome="corrected",
        expiry="2027-10-27",
    ),
    # --- renewed: nothing waited, and a later expiry ------------------------------------------
    Sample(
        language="en",
        text="CMHK: ****4567 recharged HK$100. Valid until 28/10/2027 23:59.",
        outcome="renewed",
        waiting=False,
        expiry="2027-10-28",
    ),
    Sample(
        language="zh-Hant",
        text="閣下號碼****4567已成功增值HK$100，有效期至2027年10月28日。",
        outcome="renewed",
        waiting=False,
        expiry="2027-10-28",
    ),
    Sample(
        language="zh-Hans",
        text="您的号码尾号4567已充值100元，有效期至2027年10月28日。",
        outcome="renewed",
        waiting=False,
        expiry="2027-10-28",
    ),
    # --- unchanged: what is recorded ----------------------------------------------------------
    Sample(
        language="en",
        text="CMHK: number ****4567 is valid until 6/5/2027.",
        outcome="unchanged",
        waiting=False,
    ),
    Sample(
        language="zh-Hant",
        text="中國移動香港：****4567 到期日 6/5/2027",
        outcome="unchanged",
        waiting=False,
    ),
    Sample(
        language="zh-Hans",
        text="尾号4567的号码有效期至5月6日。",
        outcome="unchanged",
        waiting=False,
    ),
    # --- balance: no expiry -------------------------------------------------------------------
    Sample(language="en", text="CMHK: ****4567 Balance: HK$23.50", outcome="balance"),
    Sample(language="zh-Hant", text="中國移動香港：****4567 餘額 HK$23.50", outcome="balance"),
    Sample(language="zh-Hans", text="尾号4567的号码余额23.50元。", outcome="balance"),
    # --- ambiguous: a date that reads two ways, neither one expected ---------------------------
    Sample(
        language="en",
        text="CMHK: ****4567 valid until 04/05/2027.",
        outcome="ambiguous",
    ),
    Sample(
        language="zh-Hant",
        text="中國移動香港：****4567 有效期至 03/09/2027",
        outcome="ambiguous",
    ),
    Sample(
        language="zh-Hans",
        text="尾号4567的号码有效期至 02/03/2027",
        outcome="ambiguous",
    ),
    # --- not understood: nothing a carrier would send about validity ---------------------------
    Sample(
        language="en",
        text="Your verification code is 912345. It is valid for 5 minutes.",
        outcome="not_understood",
        card=None,
    ),
    Sample(
        language="zh-Hant",
        text="【某銀行】驗證碼：481516，5分鐘內有效，請勿告訴他人。",
        outcome="not_understood",
        card=None,
    ),
    Sample(
        language="zh-Hans",
        text="【某银行】验证码：481516，5分钟内有效，请勿泄露。",
        outcome="not_understood",
        card=None,
    ),
    # --- no card: a carrier's message about a number nobody holds ------------------------------
    Sample(
        language="en",
        text="****9999 valid until 28/10/2027.",
        outcome="no_card",
        card=None,
    ),
    Sample(
        language="zh-Hant",
        text="號碼****9999 有效期至2027年10月28日。",
        outcome="no_card",
        card=None,
    ),
    Sample(
        language="zh-Hans",
        text="尾号9999的号码有效期至2027年10月28日。",
        outcome="no_card",
        card=None,
    ),
)
