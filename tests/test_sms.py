"""The SMS backends; Aliyun's against a local stand-in for its SendSms API."""

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from qunxian import sms


class AliyunStub(BaseHTTPRequestHandler):
    """Answers as dysmsapi.aliyuncs.com does: HTTP 200 and a Code, OK or not."""

    answer: tuple[int, dict] = (
        200,
        {"Code": "OK", "Message": "OK", "BizId": "9^0", "RequestId": "R-1"},
    )
    requests: list[dict]

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        url = urlsplit(self.path)
        self.requests.append(
            {
                "path": url.path,
                "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        )
        status, payload = self.answer
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def aliyun(settings):
    handler = type("Handler", (AliyunStub,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "qunxian.sms.AliyunBackend"
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "test-key"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "test-secret"  # noqa: S105
    settings.ALIYUN_SMS_SIGN_NAME = "群团e家"
    settings.SMS_TEMPLATES = {"login_code": "SMS_471234567"}
    yield handler
    server.shutdown()
    server.server_close()


def test_aliyun_sends_the_number_sign_template_and_parameters(aliyun):
    sms.send_sms(phone="13800138000", template="login_code", params={"code": "042917"})
    [request] = aliyun.requests
    assert request["headers"]["x-acs-action"] == "SendSms"
    assert request["headers"]["x-acs-version"] == "2017-05-25"
    assert "Credential=test-key" in request["headers"]["authorization"]
    query = request["query"]
    assert query["PhoneNumbers"] == "13800138000"
    assert query["SignName"] == "群团e家"
    assert query["TemplateCode"] == "SMS_471234567"
    assert json.loads(query["TemplateParam"]) == {"code": "042917"}


def test_a_refusal_by_aliyun_raises_sms_error_with_its_message(aliyun):
    aliyun.answer = (
        200,
        {
            "Code": "isv.BUSINESS_LIMIT_CONTROL",
            "Message": "触发分钟级流控Permits:1",
            "RequestId": "R-2",
        },
    )
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms(phone="13800138000", template="login_code", params={"code": "1"})
    assert "isv.BUSINESS_LIMIT_CONTROL" in str(error.value)
    assert "触发分钟级流控Permits:1" in str(error.value)


def test_an_http_error_from_aliyun_raises_sms_error(aliyun):
    aliyun.answer = (
        500,
        {"Code": "ServiceUnavailable", "Message": "try later", "RequestId": "R-3"},
    )
    with pytest.raises(sms.SmsError, match="try later"):
        sms.send_sms(phone="13800138000", template="login_code", params={"code": "1"})


def test_an_unreachable_aliyun_raises_sms_error(aliyun, settings):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{port}"
    with pytest.raises(sms.SmsError, match="(?i)connect"):
        sms.send_sms(phone="13800138000", template="login_code", params={"code": "1"})


def test_a_template_without_its_code_in_settings_is_an_sms_error(aliyun):
    with pytest.raises(sms.SmsError, match="SMS_TEMPLATE_VERIFY_CODE"):
        sms.send_sms(phone="13800138000", template="verify_code", params={})
    assert aliyun.requests == []


def test_templates_come_from_one_variable_each(monkeypatch):
    import runpy

    from tests.test_settings import SETTINGS

    monkeypatch.setenv("SMS_TEMPLATE_LOGIN_CODE", "SMS_1")
    templates = runpy.run_path(str(SETTINGS))["SMS_TEMPLATES"]
    assert templates["login_code"] == "SMS_1"
    assert {"login_code", "verify_code"} <= set(templates)


def test_the_memory_backend_keeps_messages(settings):
    settings.SMS_BACKEND = "qunxian.sms.MemoryBackend"
    sms.outbox.clear()
    sms.send_sms(phone="13800138000", template="verify_code", params={"code": "1"})
    assert sms.outbox == [sms.Message("13800138000", "verify_code", {"code": "1"})]
    sms.outbox.clear()


def test_the_console_backend_logs_the_message(settings, caplog):
    settings.SMS_BACKEND = "qunxian.sms.ConsoleBackend"
    with caplog.at_level(logging.INFO, logger="qunxian.sms"):
        sms.send_sms(phone="13800138000", template="verify_code", params={"code": "7"})
    assert "13800138000" in caplog.text and "verify_code" in caplog.text
