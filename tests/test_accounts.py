import re
import runpy
from datetime import timedelta

import pytest
from allauth.core.internal import ratelimit
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from freezegun import freeze_time

from qunxian import sms
from qunxian.accounts import (
    TOO_MANY_FAILED_LOGINS,
    TOO_MANY_TEXTS_HOURS,
    TOO_MANY_TEXTS_MINUTES,
)
from qunxian.models import User
from tests.factories import PASSWORD, UserFactory
from tests.test_settings import SETTINGS


@pytest.fixture(autouse=True)
def texts(settings):
    """The SMS sent, as `mailoutbox` holds the mail."""
    settings.SMS_BACKEND = "qunxian.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


class FailingBackend:
    def send(self, *, phone, template, params):
        raise sms.SmsError("isv.BUSINESS_LIMIT_CONTROL: 触发天级流控Permits:10")


def last_code(texts, phone):
    return next(t.params["code"] for t in reversed(texts) if t.phone == phone)


def zh(message, **params):
    with translation.override("zh-hans"):
        return str(message % params)


NEW_PASSWORD = "sea-breeze-2026"


def sign_up(client, phone="13800138000", **extra):
    return client.post(
        reverse("account_signup"),
        {
            "phone": phone,
            "display_name": "王师傅",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        **extra,
    )


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "15000000000"])
def test_mainland_mobile_numbers_are_accepted(db, phone):
    UserFactory.build(phone=phone).full_clean(exclude=["password"])


@pytest.mark.parametrize(
    "phone", ["12800138000", "1380013800", "138001380001", "23800138000", "1380013800a"]
)
def test_other_numbers_are_refused(db, phone):
    with pytest.raises(ValidationError) as error:
        UserFactory.build(phone=phone).full_clean(exclude=["password"])
    assert "phone" in error.value.message_dict


def test_phone_numbers_are_unique(db):
    UserFactory(phone="13800138000")
    with pytest.raises(ValidationError):
        UserFactory.build(phone="13800138000").full_clean(exclude=["password"])


def test_signup_asks_for_number_name_and_password_only(client, db):
    response = client.get(reverse("account_signup"))
    fields = set(response.context["form"].fields)
    assert fields == {"phone", "display_name", "password1", "password2"}


def test_signup_texts_a_code_that_verifies_the_number_and_logs_in(client, db, texts):
    response = sign_up(client, "138 0013 8000")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone="13800138000")
    assert user.display_name == "王师傅"
    assert not user.phone_verified
    assert [(t.phone, t.template) for t in texts] == [("13800138000", "verify_code")]
    code = texts[0].params["code"]
    assert re.fullmatch(r"\d{6}", code)
    assert client.get(reverse("profile")).status_code == 302  # not logged in yet

    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    user.refresh_from_db()
    assert user.phone_verified


def test_a_wrong_code_is_refused_and_the_fifth_ends_the_attempt(client, db, texts):
    sign_up(client)
    code = texts[0].params["code"]
    wrong = "000000" if code != "000000" else "111111"
    url = reverse("account_verify_phone")
    for _attempt in range(4):
        response = client.post(url, {"code": wrong})
        assert response.status_code == 200
        assert "错误代码" in response.content.decode()
    response = client.post(url, {"code": wrong})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    # The right code no longer helps: the attempt is over.
    assert client.post(url, {"code": code}).status_code == 302
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(phone="13800138000").phone_verified


def test_a_code_expires_after_five_minutes(client, db, texts):
    start = timezone.now()
    with freeze_time(start):
        sign_up(client)
    code = texts[0].params["code"]
    with freeze_time(start + timedelta(minutes=5, seconds=1)):
        response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(phone="13800138000").phone_verified


def test_an_unverified_sign_up_cannot_log_in_with_its_password_alone(client, db, texts):
    sign_up(client)
    client.post(reverse("account_logout"))
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        response = client.post(
            reverse("account_login"),
            {"login": "13800138000", "password": NEW_PASSWORD},
        )
        assert response["Location"] == reverse("account_verify_phone")
        assert "_auth_user_id" not in client.session
        assert len(texts) == 2
        client.post(reverse("account_verify_phone"), {"code": texts[1].params["code"]})
    assert "_auth_user_id" in client.session


def test_signup_with_a_bad_number_shows_a_chinese_error_and_saves_nothing(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "phone": "12345",
            "display_name": "王师傅",
            "password1": "sea-breeze-2026",
            "password2": "sea-breeze-2026",
        },
    )
    assert response.status_code == 200
    assert "请输入以13–19开头的11位手机号" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_a_taken_number_answers_as_for_a_new_one(client, db, texts):
    """Only the owner learns, by SMS, that the number has an account."""
    UserFactory(phone="13800138000")
    taken = sign_up(client, "13800138000")
    new = sign_up(Client(), "13800138001", REMOTE_ADDR="192.0.2.9")
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"] == reverse("account_verify_phone")
    assert [(t.phone, t.template) for t in texts] == [
        ("13800138000", "account_exists"),
        ("13800138001", "verify_code"),
    ]
    page = client.get(taken["Location"])
    assert page.status_code == 200 and "13800138000" in page.content.decode()
    assert User.objects.filter(phone="13800138000").count() == 1
    assert client.post(taken["Location"], {"code": "123456"}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_failing_sms_provider_shows_a_clear_error_and_keeps_no_account(
    client, db, settings, texts
):
    settings.SMS_BACKEND = "tests.test_accounts.FailingBackend"
    start = timezone.now()
    with freeze_time(start):
        response = sign_up(client)
    assert response.status_code == 503
    with translation.override("zh-hans"):
        assert gettext("The text message could not be sent") in (
            response.content.decode()
        )
    assert not User.objects.exists()
    settings.SMS_BACKEND = "qunxian.sms.MemoryBackend"
    with freeze_time(start + timedelta(minutes=1, seconds=1)):
        assert sign_up(client)["Location"] == reverse("account_verify_phone")
    assert len(texts) == 1


@pytest.mark.parametrize("login", ["13900000777", "someone"])
def test_log_in_with_phone_number_or_username(client, db, login):
    UserFactory(username="someone", phone="13900000777")
    response = client.post(
        reverse("account_login"), {"login": login, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


WRONG_PASSWORD = "wrong"


def log_in(client, login, password=WRONG_PASSWORD, ip="192.0.2.1"):
    return client.post(
        reverse("account_login"),
        {"login": login, "password": password},
        REMOTE_ADDR=ip,
    )


def too_many(minutes):
    with translation.override("zh-hans"):
        return str(TOO_MANY_FAILED_LOGINS % {"minutes": minutes})


@pytest.fixture
def someone(db):
    return UserFactory(username="someone", phone="13900000777")


def test_wrong_passwords_are_refused_with_a_clear_message(client, someone):
    response = log_in(client, "13900000777")
    assert response.status_code == 200
    assert "手机号" in response.content.decode() or "密码" in response.content.decode()


def test_past_the_limit_the_log_in_page_answers_429_saying_when(client, someone):
    for _ in range(5):
        assert log_in(client, "13900000777").status_code == 200
    response = log_in(client, "13900000777")
    assert response.status_code == 429
    assert 290 <= int(response["Retry-After"]) <= 300
    page = response.content.decode()
    assert too_many(5) in page
    assert 'name="login"' in page and 'name="password"' in page


def test_the_right_password_is_refused_while_the_account_is_locked(client, someone):
    for _ in range(5):
        log_in(client, "someone")
    response = log_in(client, "someone", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_phone_number_and_username_of_one_account_share_one_counter(client, someone):
    """The lock holds whichever identifier of the account is typed, from anywhere."""
    for attempt in range(5):
        login = "13900000777" if attempt % 2 else "someone"
        assert log_in(client, login, ip=f"192.0.2.{attempt}").status_code == 200
    for login in ("13900000777", "someone"):
        response = log_in(client, login, PASSWORD, ip="198.51.100.7")
        assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_login_naming_no_account_counts_under_what_was_typed(client, someone):
    for _ in range(5):
        log_in(client, "nobody")
    assert log_in(client, "Nobody").status_code == 429
    assert log_in(client, "someone", PASSWORD).status_code == 302


def test_failed_log_ins_are_limited_per_client_address(client, someone):
    for attempt in range(10):
        assert log_in(client, f"nobody{attempt}").status_code == 200
    response = log_in(client, "someone", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert log_in(client, "someone", PASSWORD, ip="198.51.100.7").status_code == 302


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(
    client, someone, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    url = reverse("account_login")
    for attempt in range(10):
        data = {"login": f"nobody{attempt}", "password": "wrong"}
        client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    data = {"login": "someone", "password": PASSWORD}
    response = client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert response.status_code == 429
    response = client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert response.status_code == 302


def test_the_limit_holds_across_processes_sharing_the_default_cache(
    client, someone, monkeypatch
):
    """Two clients of the production cache, as two gunicorn workers have."""
    for name in ("REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(SETTINGS))["CACHES"]["default"]
    backend = import_string(config["BACKEND"])
    workers = [backend(config["LOCATION"], config) for _ in range(2)]
    for attempt in range(5):
        monkeypatch.setattr(ratelimit, "cache", workers[attempt % 2])
        assert log_in(client, "someone").status_code == 200
    monkeypatch.setattr(ratelimit, "cache", workers[1])
    assert log_in(client, "13900000777", PASSWORD).status_code == 429


def reset_password(client, login, code_of):
    """Asks for a code, gives it back and sets NEW_PASSWORD; the last answer."""
    response = client.post(reverse("account_reset_password"), {"login": login})
    assert response["Location"] == reverse("account_confirm_password_reset_code")
    response = client.post(response["Location"], {"code": code_of()})
    assert response["Location"] == reverse("account_complete_password_reset")
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(response["Location"], data)


def test_a_password_reset_lifts_the_lock(client, someone, mailoutbox):
    someone.email = "someone@example.cn"
    someone.save()
    for _ in range(5):
        log_in(client, "someone")

    def mailed_code():
        return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)

    response = reset_password(client, "someone@example.cn", mailed_code)
    assert response.status_code == 302
    assert log_in(client, "someone", NEW_PASSWORD).status_code == 302


def test_a_phone_only_account_resets_its_password_by_sms(client, someone, texts):
    """Without an e-mail address, the number gets the code."""
    assert not someone.email
    response = reset_password(
        client, "139 0000 0777", lambda: last_code(texts, "13900000777")
    )
    assert response.status_code == 302
    assert [(t.phone, t.template) for t in texts] == [("13900000777", "verify_code")]
    assert log_in(client, "13900000777", NEW_PASSWORD).status_code == 302


def test_a_password_reset_answers_alike_for_unknown_numbers(client, someone, texts):
    known = client.post(reverse("account_reset_password"), {"login": "13900000777"})
    unknown = Client().post(
        reverse("account_reset_password"),
        {"login": "13900000888"},
        REMOTE_ADDR="192.0.2.9",
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [t.phone for t in texts] == ["13900000777"]


def test_a_password_reset_answers_alike_for_known_and_unknown_addresses(
    client, someone, mailoutbox
):
    someone.email = "someone@example.cn"
    someone.save()
    url = reverse("account_reset_password")
    known = client.post(url, {"login": "someone@example.cn"})
    unknown = Client().post(url, {"login": "nobody@example.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [mail.to for mail in mailoutbox] == [
        ["someone@example.cn"],
        ["nobody@example.cn"],
    ]
    assert re.search(r"\b\d{6}\b", mailoutbox[0].body)
    assert not re.search(r"\b\d{6}\b", mailoutbox[1].body)


# -- Log-in by SMS code, and the limits on texts


def request_code(phone, ip="192.0.2.1", client=None):
    """Each request from its own browser unless told: one with a pending code
    is sent back to it."""
    client = client or Client()
    return client.post(
        reverse("account_request_login_code"), {"phone": phone}, REMOTE_ADDR=ip
    )


def test_an_existing_account_logs_in_by_sms_code(client, someone, texts):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("account_request_login_code")}' in page
    response = request_code("13900000777", client=client)
    assert response["Location"] == reverse("account_confirm_login_code")
    assert [(t.phone, t.template) for t in texts] == [("13900000777", "login_code")]
    response = client.post(response["Location"], {"code": texts[0].params["code"]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(someone.pk)


def test_log_in_by_code_answers_alike_for_unknown_numbers(someone, texts):
    known, unknown = Client(), Client()
    answers = [
        request_code("13900000777", "192.0.2.1", known),
        request_code("13900000888", "192.0.2.2", unknown),
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    pages = [
        known.get(answers[0]["Location"]).content.decode(),
        unknown.get(answers[1]["Location"]).content.decode(),
    ]
    assert "13900000777" in pages[0] and "13900000888" in pages[1]
    strip = re.compile(r"139000007{3}|139000008{3}|value=\"[^\"]*\"")
    assert strip.sub("", pages[0]) == strip.sub("", pages[1])
    assert [t.phone for t in texts] == ["13900000777"]
    # Asked again within the minute, both are refused in the same words.
    again = [request_code("13900000777", "192.0.2.3"), request_code("13900000888")]
    assert again[0].status_code == again[1].status_code == 200
    refusal = zh(TOO_MANY_TEXTS_MINUTES, minutes=1)
    assert all(refusal in a.content.decode() for a in again)
    assert len(texts) == 1


def test_a_number_gets_one_text_a_minute_and_ten_a_day(someone, texts):
    start = timezone.now()
    with freeze_time(start):
        assert request_code("13900000777").status_code == 302
        # From another address too, a minute has not passed for the number.
        response = request_code("13900000777", ip="198.51.100.1")
        assert zh(TOO_MANY_TEXTS_MINUTES, minutes=1) in response.content.decode()
    # Spaced out (the provider allows 5 an hour), ten a day go through.
    for step in range(1, 10):
        with freeze_time(start + timedelta(minutes=13 * step)):
            response = request_code("13900000777", ip=f"198.51.100.{step}")
            assert response.status_code == 302, step
    with freeze_time(start + timedelta(minutes=13 * 10)):
        response = request_code("13900000777", ip="203.0.113.1")
    assert response.status_code == 200
    assert zh(TOO_MANY_TEXTS_HOURS, hours=22) in response.content.decode()
    assert len(texts) == 10


def test_an_address_gets_one_text_a_minute(db, texts):
    UserFactory(phone="13900000001")
    UserFactory(phone="13900000002")
    refusal = zh(TOO_MANY_TEXTS_MINUTES, minutes=1)
    start = timezone.now()
    with freeze_time(start):
        assert request_code("13900000001").status_code == 302
        response = request_code("13900000002")
        assert response.status_code == 200
        assert refusal in response.content.decode()
        # A sign-up and a password reset from that address wait too.
        response = sign_up(Client(), "13800138000", REMOTE_ADDR="192.0.2.1")
        assert refusal in response.content.decode()
        response = Client().post(
            reverse("account_reset_password"),
            {"login": "13900000002"},
            REMOTE_ADDR="192.0.2.1",
        )
        assert refusal in response.content.decode()
    with freeze_time(start + timedelta(seconds=61)):
        assert request_code("13900000002").status_code == 302
    assert [t.phone for t in texts] == ["13900000001", "13900000002"]
    assert not User.objects.filter(phone="13800138000").exists()


def test_a_failing_provider_on_log_in_by_code_is_a_clear_error(
    client, someone, settings
):
    settings.SMS_BACKEND = "tests.test_accounts.FailingBackend"
    response = request_code("13900000777", client=client)
    assert response.status_code == 503
    assert 'href="/accounts/login/code/"' in response.content.decode()


def test_profile_saves_consented_details(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("profile"),
        {
            "display_name": "李师傅",
            "email": "",
            "gender": "male",
            "birth_year": "1985",
            "profile_consent": "on",
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.gender, worker.birth_year, worker.profile_consent) == (
        "male",
        1985,
        True,
    )


def test_profile_refuses_a_birth_year_in_the_future(client, worker):
    client.force_login(worker)
    response = client.post(
        reverse("profile"), {"display_name": "李师傅", "birth_year": "2999"}
    )
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.birth_year is None


def test_past_allauths_page_limit_the_answer_is_a_translated_429_page(
    client, db, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _attempt in range(2):
        client.post(reverse("account_login"), {"login": "x", "password": "y"})
    response = client.post(reverse("account_login"), {"login": "x", "password": "y"})
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


def test_a_new_number_is_stored_once_its_code_comes_back(client, someone, texts):
    client.force_login(someone)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("account_change_phone"), {"phone": "13700000001"})
    assert response["Location"] == reverse("account_verify_phone")
    someone.refresh_from_db()
    assert someone.phone == "13900000777"
    assert [(t.phone, t.template) for t in texts] == [("13700000001", "verify_code")]
    client.post(response["Location"], {"code": texts[0].params["code"]})
    someone.refresh_from_db()
    assert (someone.phone, someone.phone_verified) == ("13700000001", True)


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_request_login_code",
    ],
)
def test_account_pages_use_the_sites_fields_and_buttons(client, db, name):
    """allauth's own markup (`form.as_p`, bare buttons) would show unstyled."""
    page = client.get(reverse(name)).content.decode()
    assert 'class="field' in page
    assert "<p><label" not in page
    assert re.search(r'<button class="button"[^>]*type="submit"', page)
