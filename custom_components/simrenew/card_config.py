"""Stored card and hub settings, read into typed values; free of Home Assistant."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
import math
import re
from typing import Any
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import (
    DEFAULT_REMINDER_DAYS,
    DEFAULT_TIME_ZONE,
    MAX_DAYS,
    MAX_REMINDER_DAYS,
    MONEY_MAX,
    PERIOD_LIMITS,
    SAFE_FIRST_DAY,
    SAFE_LAST_DAY,
    Card,
    CardType,
    Period,
    PeriodUnit,
    RenewalMode,
)
from .plans import Plan, find_plan, stored_plans
from .quiet_hours import DEFAULT_QUIET_END, DEFAULT_QUIET_START, QuietHours

type ZoneLookup = Callable[[str], ZoneInfo | None]

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"[0-9]+")
# Components of IANA names ("America/Argentina/Buenos_Aires", "Etc/GMT+8"): no dots, so no
# path can climb out of the zone database, and no leading slash.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9][A-Za-z0-9_+\-]*)*")
MAX_ZONE_NAME_LENGTH = 64
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control, format (zero-width, direction marks) and lone surrogate characters: invisible in
# a name, and a surrogate cannot even be saved.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# What emoji sequences are built of: a joiner between emoji, and the tags that spell a flag
# after a black flag. A skin tone or a variation selector may stand between emoji and joiner.
_ZERO_WIDTH_JOINER = "\u200d"
_EMOJI_MODIFIERS = "\ufe0f\ufe0e\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff\u20e3"
_FLAG = "\U0001f3f4"
_TAG_FIRST = "\U000e0020"
_TAG_LAST = "\U000e007e"
_CANCEL_TAG = "\U000e007f"


def normalize_phone_number(raw: str) -> str:
    """Return the number in E.164 form ("+" and 8 to 15 digits), or raise ValueError.

    Hong Kong numbers (8 digits) and mainland mobile numbers (11 digits starting with 1)
    may be written without their country code; every other number starts with "+".
    """
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    digits = compact.removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        raise ValueError("not a phone number")
    if not compact.startswith("+"):
        digits = _with_country_code(digits)
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise ValueError("not a phone number")
    return f"+{digits}"


def _with_country_code(digits: str) -> str:
    """Return a number written without "+" with its country code, or raise ValueError."""
    if len(digits) == 8:
        return f"852{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"86{digits}"
    if (len(digits) == 11 and digits.startswith("852")) or (
        len(digits) == 13 and digits.startswith("86")
    ):
        return digits
    raise ValueError("a number without + must be a Hong Kong or mainland China number")


def same_phone_number(stored: object, number: str) -> bool:
    """Return whether a stored number, however it was written, is `number` in E.164."""
    if not isinstance(stored, str):
        return False
    try:
        return normalize_phone_number(stored) == number
    except ValueError:
        return stored == number


def has_hidden_characters(text: str) -> bool:
    """Return whether `text` holds control, zero-width or other invisible characters.

    A zero-width joiner between two emoji ("👨‍👩‍👧", "👩🏽‍💻") and the tags of a flag
    ("🏴󠁧󠁢󠁳󠁣󠁴󠁿") are part of what is seen, not hidden: only those are let through.
    """
    index = 0
    while index < len(text):
        char = text[index]
        if char == _ZERO_WIDTH_JOINER and _joins_emoji(text, index):
            index += 1
        elif char == _FLAG and (end := _flag_tags_end(text, index + 1)) is not None:
            index = end
        elif unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return True
        else:
            index += 1
    return False


def _joins_emoji(text: str, index: int) -> bool:
    """Return whether the joiner at `index` stands between two emoji, as in a family emoji."""
    before = text[:index].rstrip(_EMOJI_MODIFIERS)
    after = text[index + 1 : index + 2]
    return bool(before) and _is_emoji(before[-1]) and bool(after) and _is_emoji(after)


def _is_emoji(char: str) -> bool:
    """Return whether a character is a pictograph: the symbols emoji sequences join."""
    return unicodedata.category(char) == "So"


def _flag_tags_end(text: str, start: int) -> int | None:
    """Return where the tags of a flag such as Scotland's end, or None if they are not one."""
    end = start
    while end < len(text) and _TAG_FIRST <= text[end] <= _TAG_LAST:
        end += 1
    if end == start or end >= len(text) or text[end] != _CANCEL_TAG:
        return None
    return end + 1


def is_zone_name(name: object) -> bool:
    """Return whether `name` is shaped like an IANA time zone name."""
    return (
        isinstance(name, str)
        and len(name) <= MAX_ZONE_NAME_LENGTH
        and _ZONE_NAME.fullmatch(name) is not None
    )


def load_zone(name: str) -> ZoneInfo | None:
    """Return the time zone of an IANA name, or None; may read the zone file."""
    if not is_zone_name(name):
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError, ValueError, OSError:
        return None


def parse_iso_date(value: object) -> date | None:
    """Return a date written exactly as YYYY-MM-DD, or None for anything else."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _whole(value: object) -> int | None:
    """Return a stored count as int, or None if it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _within(value: object, low: int, high: int, default: int) -> int:
    """Return a stored count clamped to [low, high], or `default` if it is not a number."""
    number = _whole(value)
    return default if number is None else min(max(number, low), high)


def _member[E: StrEnum](kind: type[E], value: object, default: E) -> E:
    """Return the enum member stored as `value`, or `default` for anything else."""
    if not isinstance(value, str):
        return default
    try:
        return kind(value)
    except ValueError:
        return default


_STORED_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _stored_day(value: object) -> date:
    """Return a stored date clamped to the window in which date arithmetic stays safe.

    A date edited by hand may lack its leading zeros ("2027-5-6"); it is still that day.
    Anything else raises ValueError.
    """
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and (match := _STORED_DAY.fullmatch(value.strip())):
        day = date(*(int(part) for part in match.groups()))
    else:
        raise ValueError("no stored expiry date")
    return min(max(day, SAFE_FIRST_DAY), SAFE_LAST_DAY)


def _currency(value: object) -> str:
    """Return a stored currency, or Hong Kong dollars where none is stored as text.

    Text that is no ISO 4217 code is kept, so that recording money in it is refused by name.
    """
    if isinstance(value, str) and value.strip():
        return value.strip().upper()
    return "HKD"


def _stored_period(data: Mapping[str, Any]) -> Period | None:
    """Return the stored renewal period, clamped to the longest one its unit allows."""
    length = _whole(data.get("renewal_period"))
    if length is None or length <= 0:
        return None
    unit = _member(PeriodUnit, data.get("renewal_period_unit"), PeriodUnit.DAYS)
    return Period(length=min(length, PERIOD_LIMITS[unit]), unit=unit)


def stored_reminder_days(values: object) -> tuple[int, ...]:
    """Return stored reminder days from latest to earliest, leaving out any that is not one."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return ()
    days = {_whole(value) for value in values}
    return tuple(
        sorted(
            (day for day in days if day is not None and 0 <= day <= MAX_REMINDER_DAYS),
            reverse=True,
        )
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class CardConfig:
    """Everything a user told simrenew about one card."""

    name: str
    expiry_date: date
    time_zone: ZoneInfo
    carrier: str | None = None
    # Private: kept out of the dataclass's repr, so no log or traceback shows them.
    phone_number: str | None = field(default=None, repr=False)
    card_type: CardType = CardType.OTHER
    period: Period | None = None
    renewal_mode: RenewalMode = RenewalMode.FROM_RENEWAL
    renewal_cost: float | None = None
    currency: str = "HKD"
    grace_days: int = 0
    activity_interval_days: int = 0
    renewal_url: str | None = None
    auto_renew: bool = False
    reminder_days: tuple[int, ...] | None = None
    esim: bool = False
    # The mainland number of a China-Hong Kong dual-number card: as private as the first.
    second_phone_number: str | None = field(default=None, repr=False)
    # What the user keeps about the card (how to renew, codes, bound accounts): private.
    notes: str | None = field(default=None, repr=False)
    # The day of month a monthly plan that adds to the old expiry lands on.
    anchor_day: int | None = None
    # Every plan of the card, the default (`period` and `renewal_cost`) first when it has one.
    plans: tuple[Plan, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any], zone_of: ZoneLookup = load_zone) -> CardConfig:
        """Read a card from its stored subentry data.

        Values are kept within what the date rules can compute with, so that a value stored by
        an older release or edited by hand cannot stop the card. `zone_of` finds a time zone
        by name; the default reads the zone file, so Home Assistant passes zones it loaded
        beforehand.
        """
        cost = data.get("renewal_cost")
        if not isinstance(cost, (int, float)) or not (
            math.isfinite(cost) and 0 <= cost <= MONEY_MAX
        ):
            # A cost stored before costs were checked must not break the money sensors.
            cost = None
        period = _stored_period(data)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("no stored name")
        return cls(
            name=name,
            expiry_date=_stored_day(data["expiry_date"]),
            time_zone=_zone(data.get("time_zone", DEFAULT_TIME_ZONE), zone_of),
            # Hand-edited values that are not text are left out rather than shown.
            carrier=_text(data.get("carrier")),
            phone_number=_text(data.get("phone_number")),
            card_type=_member(CardType, data.get("card_type"), CardType.OTHER),
            period=period,
            renewal_mode=_member(RenewalMode, data.get("renewal_mode"), RenewalMode.FROM_RENEWAL),
            renewal_cost=None if cost is None else float(cost),
            currency=_currency(data.get("currency")),
            grace_days=_within(data.get("grace_days"), 0, MAX_DAYS, 0),
            activity_interval_days=_within(data.get("activity_interval_days"), 0, MAX_DAYS, 0),
            renewal_url=_text(data.get("renewal_url")),
            auto_renew=bool(data.get("auto_renew", False)),
            anchor_day=_day_of_month(data.get("anchor_day")),
            reminder_days=stored_reminder_days(data.get("reminder_days")) or None,
            esim=data.get("esim") is True,
            second_phone_number=_text(data.get("second_phone_number")),
            notes=_text(data.get("notes")),
            plans=stored_plans(data, period),
        )

    @property
    def default_plan(self) -> Plan | None:
        """Return the plan the button, the notification and the to-do list renew with."""
        return self.plans[0] if self.period is not None and self.plans else None

    def plan_named(self, name: str) -> Plan | None:
        """Return the card's plan called `name`, however it is capitalised or spaced."""
        return find_plan(self.plans, name)

    def rules(self, last_activity: date | None = None, standing_expiry: date | None = None) -> Card:
        """Return the date rules of this card."""
        return Card(
            standing_expiry=standing_expiry,
            expiry_date=self.expiry_date,
            time_zone=self.time_zone,
            period=self.period,
            renewal_mode=self.renewal_mode,
            grace_days=self.grace_days,
            activity_interval_days=self.activity_interval_days,
            last_activity=last_activity,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class HubOptions:
    """Household-wide reminder settings."""

    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    reminder_time: time = time(9, 0)
    # Reminders reach people without an automation: a notification per card by default.
    persistent_notification: bool = True
    notify_targets: tuple[str, ...] = ()
    # The companion app's notify actions, such as notify.mobile_app_pixel_9.
    phones: tuple[str, ...] = ()
    # Entities whose state is a carrier's message (a phone's last notification, say).
    message_sources: tuple[str, ...] = ()
    # Media players that say reminders aloud, with the text-to-speech entity that speaks.
    speakers: tuple[str, ...] = ()
    tts_entity: str | None = None
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    # Off: no card gets the entity kinds few households use, which leaves room for more cards.
    rarely_used_entities: bool = True

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HubOptions:
        """Read the hub's options, falling back to the defaults."""
        when = parse_time_of_day(options.get("reminder_time"))
        targets = options.get("notify_targets")
        sources = options.get("message_sources")
        phones = options.get("phones")
        speakers = options.get("speakers")
        tts_entity = options.get("tts_entity")
        quiet_start = parse_time_of_day(options.get("quiet_hours_start"))
        quiet_end = parse_time_of_day(options.get("quiet_hours_end"))
        return cls(
            # Stored options that cannot be read fall back to the defaults rather than stop
            # every card's reminders.
            reminder_days=stored_reminder_days(options.get("reminder_days"))
            or DEFAULT_REMINDER_DAYS,
            reminder_time=time(9, 0) if when is None else when,
            persistent_notification=options.get("persistent_notification") is not False,
            notify_targets=tuple(
                target
                for target in (targets if isinstance(targets, list) else [])
                if isinstance(target, str) and target.startswith("notify.")
            ),
            phones=tuple(
                dict.fromkeys(
                    phone
                    for phone in (phones if isinstance(phones, list) else [])
                    if isinstance(phone, str) and phone.startswith("notify.mobile_app_")
                )
            ),
            message_sources=tuple(
                source
                for source in (sources if isinstance(sources, list) else [])
                if isinstance(source, str) and "." in source
            ),
            speakers=tuple(
                dict.fromkeys(
                    speaker
                    for speaker in (speakers if isinstance(speakers, list) else [])
                    if isinstance(speaker, str) and speaker.startswith("media_player.")
                )
            ),
            tts_entity=tts_entity
            if isinstance(tts_entity, str) and tts_entity.startswith("tts.")
            else None,
            quiet_hours=QuietHours(
                DEFAULT_QUIET_START if quiet_start is None else quiet_start,
                DEFAULT_QUIET_END if quiet_end is None else quiet_end,
            ),
            rarely_used_entities=options.get("rarely_used_entities") is not False,
        )


def _text(value: object) -> str | None:
    """Return stored text, or None for an empty or missing value or one that is not text."""
    return value if isinstance(value, str) and value else None


def _day_of_month(value: object) -> int | None:
    """Return a stored day of month, or None for anything that is not one."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 31:
        return value
    return None


def _zone(name: object, zone_of: ZoneLookup) -> ZoneInfo:
    """Return the card's time zone; one that cannot be found falls back to the default."""
    zone = zone_of(name) if isinstance(name, str) and is_zone_name(name) else None
    if zone is None:
        zone = zone_of(DEFAULT_TIME_ZONE)
    if zone is None:
        raise ValueError(f"time zone {DEFAULT_TIME_ZONE} is not available")
    return zone


_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_time_of_day(value: object) -> time | None:
    """Return a wall time written as H:MM or HH:MM[:SS], or None for anything else."""
    if not isinstance(value, str) or not (match := _TIME_OF_DAY.fullmatch(value.strip())):
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)
