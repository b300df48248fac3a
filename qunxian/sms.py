"""Text messages: one function sends them, through the backend `SMS_BACKEND` names.

A message is a provider template (its code in `SMS_TEMPLATES`) and its
parameters, as Chinese providers require: no free text reaches a phone.
"""

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class Message:
    phone: str
    template: str
    params: dict[str, str]


# What MemoryBackend sent, oldest first; tests empty it.
outbox: list[Message] = []


class MemoryBackend:
    """Tests: keeps each message in `outbox`, as Django's locmem backend keeps mail."""

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        outbox.append(Message(phone=phone, template=template, params=dict(params)))


class AliyunBackend:
    """Aliyun SMS (dysmsapi 2017-05-25, SendSms) through its official SDK.

    One attempt per call: the task queue retries with backoff, and a person
    waiting for a code asks again.
    """

    CONNECT_TIMEOUT_MS = 3_000
    READ_TIMEOUT_MS = 5_000

    def __init__(self) -> None:
        # The SDK takes most of a second to import: only processes that send pay.
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        endpoint = urlsplit(settings.ALIYUN_SMS_ENDPOINT)
        self.client = Client(
            Config(
                access_key_id=settings.ALIYUN_SMS_ACCESS_KEY_ID,
                access_key_secret=settings.ALIYUN_SMS_ACCESS_KEY_SECRET,
                region_id=settings.ALIYUN_SMS_REGION,
                endpoint=endpoint.netloc,
                protocol=endpoint.scheme,
                connect_timeout=self.CONNECT_TIMEOUT_MS,
                read_timeout=self.READ_TIMEOUT_MS,
            )
        )

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> None:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        template_code = settings.SMS_TEMPLATES.get(template)
        if not template_code:
            raise SmsError(
                f"No provider template for {template!r}: "
                f"set SMS_TEMPLATE_{template.upper()}."
            )
        request = SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            template_code=template_code,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            response = self.client.send_sms_with_options(
                request, RuntimeOptions(autoretry=False)
            )
        except TeaException as error:  # HTTP errors and unreachable hosts alike
            raise SmsError(f"Aliyun SMS: {error.message}") from error
        body = response.body
        # Refusals (a bad template, the provider's own rate limits) come as 200.
        if body.code != "OK":
            raise SmsError(f"Aliyun SMS: {body.code}: {body.message}")
        logger.info("SMS to %s: %s sent, BizId %s", phone, template, body.biz_id)
