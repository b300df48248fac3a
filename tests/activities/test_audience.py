"""'For you': matches first only with consent, and the page never says why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from activities.audience import order_for_user
from activities.models import Activity
from tests.activities.factories import ActivityFactory, soon
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def born_aged(age):
    return timezone.localdate().year - age


@pytest.fixture
def activities():
    """In start order: for everyone, for men, for ages 25–45, for women 60+."""
    return {
        "everyone": ActivityFactory(title="全体", starts_at=soon(1)),
        "men": ActivityFactory(title="男士", starts_at=soon(2), gender="male"),
        "parents": ActivityFactory(
            title="亲子", starts_at=soon(3), min_age=25, max_age=45
        ),
        "older_women": ActivityFactory(
            title="银发姐妹", starts_at=soon(4), min_age=60, gender="female"
        ),
    }


def titles(user):
    ordered, _tailored = order_for_user(Activity.objects.all(), user)
    return [(a.title, a.for_you) for a in ordered]


def test_consenting_woman_of_35_sees_the_parents_activity_first(activities):
    user = UserFactory(profile_consent=True, gender="female", birth_year=born_aged(35))
    assert titles(user) == [
        ("亲子", True),
        ("全体", False),
        ("男士", False),
        ("银发姐妹", False),
    ]


def test_consenting_man_sees_mens_and_age_matches_first_in_time_order(activities):
    user = UserFactory(profile_consent=True, gender="male", birth_year=born_aged(30))
    assert [title for title, for_you in titles(user) if for_you] == ["男士", "亲子"]


def test_without_consent_the_list_is_plain_chronological(activities):
    user = UserFactory(profile_consent=False, gender="female", birth_year=born_aged(35))
    assert titles(user) == [
        ("全体", False),
        ("男士", False),
        ("亲子", False),
        ("银发姐妹", False),
    ]
    assert order_for_user(Activity.objects.all(), user)[1] is False


def test_anonymous_visitor_gets_the_plain_list(activities):
    assert [for_you for _t, for_you in titles(AnonymousUser())] == [False] * 4


def test_without_birth_year_age_ranges_never_match_but_gender_does(activities):
    user = UserFactory(profile_consent=True, gender="male", birth_year=None)
    assert [title for title, for_you in titles(user) if for_you] == ["男士"]


def test_consent_with_nothing_shared_is_plain(activities):
    user = UserFactory(profile_consent=True, gender="", birth_year=None)
    ordered, tailored = order_for_user(Activity.objects.all(), user)
    assert not tailored
    assert [a.title for a in ordered] == ["全体", "男士", "亲子", "银发姐妹"]


def test_list_page_labels_matches_generically_and_reveals_no_profile(
    client, activities
):
    user = UserFactory(profile_consent=True, gender="female", birth_year=born_aged(35))
    client.force_login(user)
    response = client.get(reverse("activities:list"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-for-you") == 1
    first = page.index(f'data-activity="{activities["parents"].pk}"')
    assert first < page.index(f'data-activity="{activities["everyone"].pk}"')
    for leak in ("year-old", "because", "woman", str(user.birth_year)):
        assert leak not in page


def test_list_page_without_consent_has_no_for_you_label(client, activities):
    client.force_login(
        UserFactory(profile_consent=False, gender="female", birth_year=born_aged(35))
    )
    page = client.get(reverse("activities:list")).content.decode()
    assert "data-for-you" not in page
