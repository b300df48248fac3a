"""The pages people rely on show what they need in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from representatives.models import Proposal
from tests.factories import UserFactory
from tests.representatives.factories import congress_setup, log_entry
from tests.representatives.test_flow import submitted

State = Proposal.State


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    return congress_setup()


def many(world, count):
    today = timezone.localdate()
    for _ in range(count):
        proposal = submitted(
            world,
            state=State.ANSWERED,
            department=world["department"],
            assigned_on=today,
            answer_due=today,
            answer="答复",
            answered_at=timezone.now(),
            answered_on_time=True,
            is_excellent=True,
        )
        proposal.ratings.create(
            representative=world["representative"], round=1, verdict="satisfied"
        )


@pytest.mark.parametrize("count", [1, 6])
def test_the_unions_public_page_does_not_grow_with_proposals(
    client, world, count, django_assert_max_num_queries
):
    many(world, count)
    world["session"].excellent_representatives.add(world["representative"])
    world["session"].closed_at = timezone.now()
    world["session"].save()
    with django_assert_max_num_queries(8):
        page = client.get(
            reverse("representatives:congress", args=[world["congress"].pk])
        )
    figures = page.context["sessions"][0].figures
    assert (figures.received, figures.valid, figures.satisfaction) == (
        count,
        count,
        100,
    )
    assert "Excellent representatives" in page.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_the_session_and_home_pages_do_not_grow(
    client, world, count, django_assert_max_num_queries
):
    many(world, count)
    client.force_login(world["staff"])
    with django_assert_max_num_queries(12):
        assert (
            client.get(
                reverse("representatives:session", args=[world["session"].pk])
            ).status_code
            == 200
        )
    client.force_login(world["representative"].user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("representatives:home")).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("representatives:log", args=[world["representative"].pk])
        )
    assert page.status_code == 200


def test_the_proposal_page_offers_each_person_their_step(client, world):
    proposal = submitted(world, state=State.DRAFT)
    proposal.cosigners.update(confirmed_at=None)
    url = proposal.get_absolute_url()
    client.force_login(world["representative"].user)
    assert client.get(url).context["can_submit"]
    client.force_login(world["representatives"][1].user)
    assert client.get(url).context["can_cosign"]
    Proposal.objects.filter(pk=proposal.pk).update(state=State.SUBMITTED)
    client.force_login(world["committee"])
    assert client.get(url).context["decide_form"] is not None


def test_a_worker_sees_their_suggestion_but_not_a_draft_it_fed(client, world):
    worker = UserFactory()
    entry = log_entry(world["representative"], worker=worker, source="sent")
    proposal = submitted(world, state=State.DRAFT)
    proposal.entries.add(entry)
    client.force_login(worker)
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200
    assert proposal.title not in page.content.decode()
    Proposal.objects.filter(pk=proposal.pk).update(state=State.SUBMITTED)
    assert proposal.title in client.get(entry.get_absolute_url()).content.decode()


def test_the_office_names_a_representative_by_phone(client, world):
    user = UserFactory(phone="13912345678")
    client.force_login(world["staff"])
    url = reverse("representatives:congress_setup", args=[world["congress"].pk])
    response = client.post(
        url,
        {
            "representative-term": world["term"].pk,
            "representative-user": "13900000000",
            "representative-constituency": "供水一班",
            "representative": "",
        },
    )
    assert "No active account has this mobile number." in response.content.decode()
    client.post(
        url,
        {
            "representative-term": world["term"].pk,
            "representative-user": user.phone,
            "representative-constituency": "供水一班",
            "representative": "",
        },
    )
    assert world["term"].representatives.filter(user=user).exists()


def test_the_console_creates_a_congress(client, db):
    from tests.factories import AdminFactory, OrganizationFactory

    client.force_login(AdminFactory())
    union = OrganizationFactory()
    response = client.post(
        reverse("console:congress_list"),
        {"organization": union.pk, "name": "区职代会"},
    )
    assert response.status_code == 302
    assert union.congresses.get().name == "区职代会"


@pytest.mark.parametrize("sessions", [1, 4])
def test_the_unions_page_does_not_grow_with_sessions(
    client, world, sessions, django_assert_max_num_queries
):
    from representatives.models import Session

    for number in range(3, 3 + sessions):
        Session.objects.create(
            term=world["term"], number=number, held_on=timezone.localdate()
        )
    with django_assert_max_num_queries(8):
        client.get(reverse("representatives:congress", args=[world["congress"].pk]))


@pytest.mark.parametrize("extra", [0, 5])
def test_a_proposals_and_an_entrys_pages_do_not_grow(
    client, world, extra, django_assert_max_num_queries
):
    worker = UserFactory()
    proposal = submitted(
        world,
        state=State.ANSWERED,
        department=world["department"],
        answer="答复",
        answered_at=timezone.now(),
    )
    entry = log_entry(world["representative"], worker=worker)
    proposal.entries.add(entry)
    # More co-signers, ratings and steps: the same number of queries.
    term = world["term"]
    for n in range(extra):
        cosigner = term.representatives.create(user=UserFactory(), constituency=f"{n}")
        proposal.cosigners.create(representative=cosigner, confirmed_at=timezone.now())
        proposal.ratings.create(representative=cosigner, round=1, verdict="not")
        proposal.events.create(from_state="assigned", to_state="answered")
    client.force_login(world["representative"].user)
    with django_assert_max_num_queries(12):
        assert client.get(proposal.get_absolute_url()).status_code == 200
    client.force_login(worker)
    with django_assert_max_num_queries(14):
        assert client.get(entry.get_absolute_url()).status_code == 200
    client.force_login(world["representative"].user)
    with django_assert_max_num_queries(10):
        page = client.get(world["representative"].get_absolute_url())
    assert page.status_code == 200
