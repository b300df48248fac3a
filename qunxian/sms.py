"""Text messages: one function sends them, through the backend `SMS_BACKEND` names.

A message is a provider template (its code in `SMS_TEMPLATES`) and its
parameters, as Chinese providers require: no free text reaches a phone.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider refused the message or could not be reached: try again later."""


def send_sms(*, phone: str, template: str, params: dict[str, str]) -> None:
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(phone=phone, template=template, params=params)


class ConsoleBackend:
    """Development: writes the message to the log instead of sending it."""

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        logger.info("SMS to %s: %s %s", phone, template, params)
