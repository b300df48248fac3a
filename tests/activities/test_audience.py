"""'For you': matches first only with consent, and the page never says why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from activities.audience import order_for_user
from activities.models import Activity, SignUp
from activities.services import signup_create
from qunxian.workflow import Refused
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


# -- At sign-up: the audience is enforced


def sign_up(client, user, activity, **data):
    client.force_login(user)
    return client.post(
        reverse("activities:sign_up", args=[activity.pk]), data, follow=True
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def women_only():
    return ActivityFactory(title="亲子乐", gender="female", min_age=25, max_age=45)


def test_a_consenting_man_is_refused_for_women_only(client, women_only):
    man = UserFactory(profile_consent=True, gender="male", birth_year=born_aged(35))
    client.force_login(man)
    page = client.get(women_only.get_absolute_url()).content.decode()
    assert reverse("activities:sign_up", args=[women_only.pk]) not in page
    response = sign_up(client, man, women_only, in_audience="on")
    assert not SignUp.objects.exists()
    [message] = messages_of(response)
    assert "25–45" in message
    assert str(Activity.Gender.FEMALE.label) in message


@pytest.mark.parametrize("age", [24, 46, 70])
def test_a_consenting_woman_outside_the_ages_is_refused(client, women_only, age):
    woman = UserFactory(
        profile_consent=True, gender="female", birth_year=born_aged(age)
    )
    sign_up(client, woman, women_only, in_audience="on")
    assert not SignUp.objects.exists()


def test_a_consenting_woman_in_the_ages_signs_up_without_declaring(client, women_only):
    woman = UserFactory(profile_consent=True, gender="female", birth_year=born_aged(30))
    client.force_login(woman)
    page = client.get(women_only.get_absolute_url())
    assert page.context["signup_form"] is None
    sign_up(client, woman, women_only)
    signup = SignUp.objects.get()
    assert signup.user == woman and not signup.declared_in_audience


def test_without_consent_the_person_declares_they_belong(client, women_only):
    # a man without consent: we may not use his gender, so we ask
    person = UserFactory(profile_consent=False, gender="male", birth_year=1990)
    client.force_login(person)
    page = client.get(women_only.get_absolute_url())
    form = page.context["signup_form"]
    assert form is not None and "25–45" in form.fields["in_audience"].label
    assert 'name="in_audience"' in page.content.decode()

    response = sign_up(client, person, women_only)
    assert not SignUp.objects.exists()
    [message] = messages_of(response)
    assert "25–45" in message

    sign_up(client, person, women_only, in_audience="on")
    assert SignUp.objects.get().declared_in_audience


def test_consent_without_a_birth_year_declares_for_an_age_band(client, women_only):
    woman = UserFactory(profile_consent=True, gender="female", birth_year=None)
    sign_up(client, woman, women_only)
    assert not SignUp.objects.exists()
    sign_up(client, woman, women_only, in_audience="on")
    assert SignUp.objects.get().declared_in_audience


def test_an_activity_for_everyone_asks_nothing(client):
    activity = ActivityFactory()
    person = UserFactory()
    client.force_login(person)
    assert client.get(activity.get_absolute_url()).context["signup_form"] is None
    sign_up(client, person, activity)
    assert not SignUp.objects.get().declared_in_audience


def test_the_service_refuses_outside_the_audience_whatever_the_page(women_only):
    man = UserFactory(profile_consent=True, gender="male", birth_year=born_aged(30))
    with pytest.raises(Refused) as refused:
        signup_create(activity=women_only, user=man, declared_in_audience=True)
    assert refused.value.code == "audience"
    assert women_only.seats_taken == 0
