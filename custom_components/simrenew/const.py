"""Constants shared by the Home Assistant side of simrenew."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "simrenew"
LOGGER = logging.getLogger(__package__)

SUBENTRY_CARD: Final = "card"

CONF_NAME: Final = "name"
CONF_CARRIER: Final = "carrier"
CONF_PHONE_NUMBER: Final = "phone_number"
CONF_CARD_TYPE: Final = "card_type"
CONF_EXPIRY_DATE: Final = "expiry_date"
CONF_RENEWAL_PERIOD: Final = "renewal_period"
CONF_RENEWAL_PERIOD_UNIT: Final = "renewal_period_unit"
CONF_RENEWAL_MODE: Final = "renewal_mode"
CONF_RENEWAL_COST: Final = "renewal_cost"
CONF_CURRENCY: Final = "currency"
CONF_GRACE_DAYS: Final = "grace_days"
CONF_ACTIVITY_INTERVAL_DAYS: Final = "activity_interval_days"
CONF_TIME_ZONE: Final = "time_zone"
CONF_RENEWAL_URL: Final = "renewal_url"
CONF_AUTO_RENEW: Final = "auto_renew"
CONF_ANCHOR_DAY: Final = "anchor_day"
CONF_NOTES: Final = "notes"
CONF_ESIM: Final = "esim"
CONF_SECOND_PHONE_NUMBER: Final = "second_phone_number"
CONF_PRODUCT: Final = "product"

CONF_REMINDER_DAYS: Final = "reminder_days"
CONF_REMINDER_TIME: Final = "reminder_time"
CONF_PERSISTENT_NOTIFICATION: Final = "persistent_notification"
CONF_NOTIFY_TARGETS: Final = "notify_targets"
CONF_MESSAGE_SOURCES: Final = "message_sources"
CONF_PHONES: Final = "phones"
CONF_RARELY_USED_ENTITIES: Final = "rarely_used_entities"

DEFAULT_CURRENCY: Final = "HKD"
DEFAULT_REMINDER_TIME: Final = "09:00:00"

EVENT_REMINDER: Final = "simrenew_reminder"
EVENT_RENEWED: Final = "simrenew_renewed"
EVENT_EXPIRED: Final = "simrenew_expired"
EVENT_CORRECTED: Final = "simrenew_expiry_corrected"
EVENT_UNDONE: Final = "simrenew_renewal_undone"
EVENT_CONFIRMED: Final = "simrenew_renewal_confirmed"
EVENT_BALANCE: Final = "simrenew_balance_recorded"
EVENT_ACTIVITY: Final = "simrenew_activity_recorded"
EVENT_MESSAGE_READ: Final = "simrenew_message_read"
