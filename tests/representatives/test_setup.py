"""Setting a congress up: each refusal says why and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from qunxian.models import AuditEntry
from qunxian.workflow import Refused
from representatives import services
from representatives.models import Congress, Department, Term
from tests.factories import AdminFactory, OrganizationFactory, UserFactory
from tests.representatives.factories import congress_setup

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    return congress_setup()


def test_only_an_admin_creates_a_congress_and_only_for_a_union(db):
    union = OrganizationFactory()
    youth = OrganizationFactory(name="共青团普陀区委", kind="youth")
    with pytest.raises(Refused) as refused:
        services.congress_create(organization=union, actor=UserFactory(), name="职代会")
    assert refused.value.code == "out_of_scope"
    with pytest.raises(Refused) as refused:
        services.congress_create(organization=youth, actor=AdminFactory(), name="x")
    assert refused.value.code == "kind"
    assert not Congress.objects.exists()


def test_terms_sessions_and_representatives_refuse_duplicates(world):
    staff, term = world["staff"], world["term"]
    congress = world["congress"]
    with pytest.raises(Refused, match="already has that term"):
        services.term_create(
            congress=congress,
            actor=staff,
            number=term.number,
            starts_on=term.starts_on,
            ends_on=term.ends_on,
        )
    with pytest.raises(Refused, match="must end after it starts"):
        services.term_create(
            congress=congress,
            actor=staff,
            number=9,
            starts_on=term.ends_on,
            ends_on=term.ends_on - DAY,
        )
    with pytest.raises(Refused, match="already has that session"):
        services.session_create(
            term=term, actor=staff, number=world["session"].number, held_on=term.ends_on
        )
    with pytest.raises(Refused, match="already a representative"):
        services.representative_name(
            term=term,
            actor=staff,
            user=world["representative"].user,
            constituency="二班",
        )
    assert Term.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_the_staff_of_another_congress_cannot_set_this_one_up(client, world):
    other = congress_setup()
    client.force_login(other["staff"])
    url = reverse("representatives:congress_setup", args=[world["congress"].pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"department-name": "x", "department": ""}).status_code == 404
    )
    with pytest.raises(Refused):
        services.congress_add_member(
            congress=world["congress"],
            actor=other["staff"],
            user=other["staff"],
            committee=True,
        )
    assert not world["congress"].committee.filter(pk=other["staff"].pk).exists()


def test_a_department_needs_known_contacts(client, world):
    client.force_login(AdminFactory())
    url = reverse("console:congress_setup", args=[world["congress"].pk])
    known = UserFactory(phone="13911112222")
    response = client.post(
        url,
        {
            "department-name": "工会办公室",
            "department-contacts": f"{known.phone}, 13900009999",
            "department": "",
        },
    )
    assert "13900009999" in response.content.decode()
    assert not Department.objects.filter(name="工会办公室").exists()
    client.post(
        url,
        {
            "department-name": "工会办公室",
            "department-contacts": known.phone,
            "department": "",
        },
    )
    department = Department.objects.get(name="工会办公室")
    assert list(department.contacts.all()) == [known]


def test_the_office_names_staff_and_committee_members(client, world):
    user = UserFactory(phone="13933334444")
    client.force_login(world["committee"])
    url = reverse("representatives:congress_setup", args=[world["congress"].pk])
    client.post(
        url, {"member-user": user.phone, "member-committee": "committee", "member": ""}
    )
    assert world["congress"].committee.filter(pk=user.pk).exists()
    assert AuditEntry.objects.filter(action="congress.add_committee").exists()
