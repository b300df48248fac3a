import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qunxian.models import User
from tests.factories import PASSWORD, UserFactory


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


def test_signup_with_a_taken_number_is_refused(client, db):
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
    assert User.objects.count() == 1


@pytest.mark.parametrize("login", ["13900000777", "someone"])
def test_log_in_with_phone_number_or_username(client, db, login):
    UserFactory(username="someone", phone="13900000777")
    response = client.post(
        reverse("account_login"), {"login": login, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_wrong_passwords_are_refused_with_a_clear_message(client, db):
    UserFactory(username="someone", phone="13900000777")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "13900000777", "password": "wrong"}
        )
        assert response.status_code == 200
        assert (
            "手机号" in response.content.decode() or "密码" in response.content.decode()
        )
    response = client.post(
        reverse("account_login"), {"login": "13900000777", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


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
