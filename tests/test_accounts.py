import re
import runpy

import pytest
from allauth.core.internal import ratelimit
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

from qunxian.accounts import TOO_MANY_FAILED_LOGINS
from qunxian.models import User
from tests.factories import PASSWORD, UserFactory
from tests.test_settings import SETTINGS


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


def test_signup_creates_a_worker_who_is_logged_in(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "phone": "138 0013 8000",
            "display_name": "王师傅",
            "password1": "sea-breeze-2026",
            "password2": "sea-breeze-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="13800138000")
    assert user.display_name == "王师傅"
    assert client.get(reverse("profile")).status_code == 200


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


def test_signup_with_a_taken_number_is_refused_with_a_clear_message(client, db):
    """No SMS can tell the owner privately, so sign-up says it, not a code page."""
    UserFactory(phone="13800138000")
    response = client.post(
        reverse("account_signup"),
        {
            "phone": "13800138000",
            "display_name": "王师傅",
            "password1": "sea-breeze-2026",
            "password2": "sea-breeze-2026",
        },
    )
    assert response.status_code == 200
    assert "此电话号码已被其他用户注册" in response.content.decode()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


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


def test_a_password_reset_lifts_the_lock(client, someone, mailoutbox):
    someone.email = "someone@example.cn"
    someone.save()
    for _ in range(5):
        log_in(client, "someone")
    client.post(reverse("account_reset_password"), {"email": "someone@example.cn"})
    link = re.search(r"https?://testserver(/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "sea-breeze-2026"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert log_in(client, "someone", new).status_code == 302


def test_a_password_reset_answers_alike_for_known_and_unknown_addresses(
    client, someone, mailoutbox
):
    someone.email = "someone@example.cn"
    someone.save()
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "someone@example.cn"})
    unknown = client.post(url, {"email": "nobody@example.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [mail.to for mail in mailoutbox] == [
        ["someone@example.cn"],
        ["nobody@example.cn"],
    ]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[1].body


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
