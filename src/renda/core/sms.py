"""Pluggable SMS gateway. ``RENDA_SMS_BACKEND`` names a class with ``send(phone, text)``.

The default backend only logs (and the outbox table keeps every message), so
a deployment without a gateway loses nothing; a real provider (阿里云, 腾讯云,
a government SMS platform) is one small class implementing ``SmsBackend``.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("renda.sms")


class SmsError(Exception):
    """The gateway refused or failed; the message stays in the outbox as failed."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


def get_backend() -> SmsBackend:
    return import_string(settings.RENDA_SMS_BACKEND)()
