"""An organisation's own console: its admin sees and runs only its venues.

`org_admin` runs venue A's organisation (普陀区总工会, which also has the
suspended venue); venue B belongs to the women's federation (普陀区妇联).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.services import series_create
from feedback.indexes import FORMULA_VERSION
from feedback.models import Appeal, IndexSnapshot, IndexWeights, Review
from feedback.services import appeal_accept, review_hide
from notices.models import Notice
from notices.services import notice_create
from qunxian.models import AuditEntry
from qunxian.roles import is_console_user, is_organization_admin, is_system_admin
from qunxian.workflow import Refused
from tests.activities.factories import ActivityFactory, SeriesFactory
from tests.factories import (
    AppealFactory,
    BookingFactory,
    ReviewFactory,
    ReviewPhotoFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Venue
from venues.services import (
    manager_assign,
    manager_create,
    venue_create,
    venue_set_status,
    venue_update,
)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def console(client, org_admin):
    client.force_login(org_admin)
    return client


def overdue(appeal: Appeal) -> Appeal:
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(
        accept_due=now - DAY, resolve_due=now + DAY
    )
    return appeal


def download(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# -- The role


def test_an_organisation_admin_is_a_console_user_but_not_a_system_admin(org_admin):
    assert is_organization_admin(org_admin)
    assert is_console_user(org_admin)
    assert not is_system_admin(org_admin)


def test_a_deactivated_organisation_admin_loses_the_role(org_admin):
    org_admin.is_active = False
    assert not is_organization_admin(org_admin)
    assert not is_console_user(org_admin)


def test_the_header_links_an_organisation_admin_to_the_console(console):
    assert reverse("console:home") in page(console.get(reverse("home")))


def test_the_console_menu_hides_the_districts_own_pages(console):
    html = page(console.get(reverse("console:home")))
    assert reverse("console:audit_list") not in html
    assert reverse("console:delivery_list") not in html
    assert reverse("console:venue_list") in html


# -- Naming organisation admins


def test_the_admin_names_and_removes_an_organisation_admin_by_phone(
    client, admin_user, venue_b
):
    person = UserFactory(display_name="妇联干事")
    organization = venue_b.organization
    client.force_login(admin_user)
    url = reverse("console:organization_edit", args=[organization.pk])
    response = client.post(
        reverse("console:organization_admin_add", args=[organization.pk]),
        {"phone": person.phone},
    )
    assert response.status_code == 302
    assert list(organization.admins.all()) == [person]
    assert AuditEntry.objects.filter(action="organization.add_admin").exists()
    assert "妇联干事" in page(client.get(url))

    client.logout()
    client.force_login(person)
    assert page(client.get(reverse("console:venue_list"))).count("场所乙") >= 1

    client.force_login(admin_user)
    response = client.post(
        reverse("console:organization_admin_remove", args=[organization.pk]),
        {"user": person.pk},
    )
    assert response.status_code == 302
    assert not organization.admins.exists()
    assert AuditEntry.objects.filter(action="organization.remove_admin").exists()


def test_naming_an_unknown_number_shows_the_error_and_names_nobody(
    client, admin_user, venue_b
):
    client.force_login(admin_user)
    organization = venue_b.organization
    response = client.post(
        reverse("console:organization_admin_add", args=[organization.pk]),
        {"phone": "13700000000"},
    )
    assert "该手机号未注册。" in page(response)
    assert not organization.admins.exists()


def test_an_organisation_admin_cannot_name_organisation_admins(
    console, org_admin, venue_a, worker
):
    organization = venue_a.organization
    response = console.post(
        reverse("console:organization_admin_add", args=[organization.pk]),
        {"phone": worker.phone},
    )
    assert response.status_code == 403
    assert list(organization.admins.all()) == [org_admin]


# -- Venues


def test_the_venue_list_shows_only_the_organisations_venues(
    console, venue_a, venue_b, manager_s, django_assert_max_num_queries
):
    for n in range(5):
        VenueFactory(name=f"工会场所{n}", organization=venue_a.organization)
        VenueFactory(name=f"妇联场所{n}", organization=venue_b.organization)
    with django_assert_max_num_queries(12):
        html = page(console.get(reverse("console:venue_list")))
    assert "场所甲" in html and "停用场所" in html and "工会场所4" in html
    assert "场所乙" not in html and "妇联场所" not in html


def test_another_organisations_venue_is_a_404_and_stays_as_it_was(console, venue_b):
    assert (
        console.get(reverse("console:venue_edit", args=[venue_b.pk])).status_code == 404
    )
    response = console.post(
        reverse("console:venue_suspend", args=[venue_b.pk]), {"reason": "整改"}
    )
    assert response.status_code == 404
    venue_b.refresh_from_db()
    assert venue_b.status == Venue.Status.ACTIVE


def test_the_organisation_admin_suspends_their_own_venue(console, venue_a):
    response = console.post(
        reverse("console:venue_suspend", args=[venue_a.pk]), {"reason": "整改"}
    )
    assert response.status_code == 302
    venue_a.refresh_from_db()
    assert venue_a.status == Venue.Status.SUSPENDED


def test_the_venue_form_offers_only_the_organisations_own(console, venue_a, venue_b):
    html = page(console.get(reverse("console:venue_create")))
    assert venue_a.organization.name in html
    assert venue_b.organization.name not in html
    response = console.post(
        reverse("console:venue_edit", args=[venue_a.pk]),
        {
            "name": venue_a.name,
            "organization": venue_b.organization_id,
            "category": venue_a.category,
            "town": venue_a.town_id,
            "address": venue_a.address,
            "lat": venue_a.lat,
            "lng": venue_a.lng,
        },
    )
    assert response.status_code == 200  # the form again, with its error
    venue_a.refresh_from_db()
    assert venue_a.organization_id != venue_b.organization_id


def test_venue_services_refuse_another_organisation(org_admin, venue_a, venue_b):
    with pytest.raises(Refused):
        venue_set_status(
            venue=venue_b, actor=org_admin, status=Venue.Status.SUSPENDED, reason="x"
        )
    with pytest.raises(Refused):
        venue_update(
            venue=venue_a, actor=org_admin, data={"organization": venue_b.organization}
        )
    with pytest.raises(Refused):
        venue_create(
            actor=org_admin,
            name="新场所",
            organization=venue_b.organization,
            category=Venue.Category.OTHER,
            town=venue_b.town,
            address="某路1号",
            lat=29.95,
            lng=122.3,
        )
    venue_b.refresh_from_db()
    assert venue_b.status == Venue.Status.ACTIVE
    assert not Venue.objects.filter(name="新场所").exists()


def test_the_venue_download_has_only_the_organisations_venues(console):
    response = console.get(reverse("console:venue_export"), {"format": "csv"})
    assert response.status_code == 200
    text = download(response)
    assert "场所甲" in text
    assert "场所乙" not in text


# -- Organisations and the district's own pages


def test_the_organisation_list_shows_only_theirs_without_editing(
    console, venue_a, venue_b
):
    html = page(console.get(reverse("console:organization_list")))
    assert venue_a.organization.name in html
    assert venue_b.organization.name not in html
    assert reverse("console:organization_create") not in html
    assert (
        reverse("console:organization_edit", args=[venue_a.organization_id]) not in html
    )


@pytest.mark.parametrize(
    "name",
    [
        "console:organization_create",
        "console:audit_list",
        "console:audit_csv",
        "console:delivery_list",
        "console:venue_import",
    ],
)
def test_the_districts_own_pages_are_forbidden(console, name):
    assert console.get(reverse(name)).status_code == 403


def test_computing_the_indexes_is_the_districts(console):
    response = console.post(reverse("console:indexes_compute"), {"period": "2026-10"})
    assert response.status_code == 403
    assert not IndexSnapshot.objects.exists()


# -- Managers


def test_the_manager_list_shows_only_managers_of_the_organisations_venues(
    console, manager_a, manager_b, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        html = page(console.get(reverse("console:manager_list")))
    assert "甲站长" in html
    assert "乙站长" not in html


def test_another_organisations_manager_is_a_404(console, manager_b, venue_a):
    detail = reverse("console:manager_detail", args=[manager_b.pk])
    assert console.get(detail).status_code == 404
    response = console.post(
        reverse("console:manager_assign", args=[manager_b.pk]), {"venue": venue_a.pk}
    )
    assert response.status_code == 404
    assert not venue_a.managers.filter(pk=manager_b.pk).exists()


def test_the_manager_page_shows_only_the_organisations_venues(
    console, manager_a, venue_b
):
    venue_b.managers.add(manager_a)
    html = page(console.get(reverse("console:manager_detail", args=[manager_a.pk])))
    assert "场所甲" in html
    assert "场所乙" not in html
    assert reverse("console:manager_deactivate", args=[manager_a.pk]) not in html


def test_assigning_another_organisations_venue_is_refused(console, manager_a, venue_b):
    response = console.post(
        reverse("console:manager_assign", args=[manager_a.pk]), {"venue": venue_b.pk}
    )
    assert response.status_code == 200  # the form again, the venue not offered
    assert not venue_b.managers.filter(pk=manager_a.pk).exists()


def test_the_organisation_admin_assigns_and_unassigns_their_own_venues(
    console, manager_a, venue_a, manager_s
):
    (suspended,) = Venue.objects.managed_by(manager_s)
    response = console.post(
        reverse("console:manager_assign", args=[manager_a.pk]), {"venue": suspended.pk}
    )
    assert response.status_code == 302
    assert suspended.managers.filter(pk=manager_a.pk).exists()
    response = console.post(
        reverse("console:manager_unassign", args=[manager_a.pk]), {"venue": venue_a.pk}
    )
    assert response.status_code == 302
    assert not venue_a.managers.filter(pk=manager_a.pk).exists()


def test_unassigning_from_another_organisations_venue_changes_nothing(
    console, manager_a, venue_b
):
    venue_b.managers.add(manager_a)
    console.post(
        reverse("console:manager_unassign", args=[manager_a.pk]), {"venue": venue_b.pk}
    )
    assert venue_b.managers.filter(pk=manager_a.pk).exists()


def test_deactivating_an_account_is_the_districts(console, manager_a):
    response = console.post(reverse("console:manager_deactivate", args=[manager_a.pk]))
    assert response.status_code == 403
    manager_a.refresh_from_db()
    assert manager_a.is_active


def test_a_new_manager_account_may_manage_only_the_organisations_venues(
    console, venue_a, venue_b
):
    data = {
        "phone": "13811112222",
        "display_name": "新站长",
        "password1": "tide-lantern-4821",
        "password2": "tide-lantern-4821",
        "venues": [venue_b.pk],
    }
    assert console.post(reverse("console:manager_create"), data).status_code == 200
    assert not venue_b.managers.exists()
    response = console.post(
        reverse("console:manager_create"), {**data, "venues": [venue_a.pk]}
    )
    assert response.status_code == 302
    assert venue_a.managers.filter(display_name="新站长").exists()


def test_manager_services_refuse_another_organisations_venue(
    org_admin, manager_a, venue_b
):
    with pytest.raises(Refused):
        manager_assign(user=manager_a, venues=[venue_b], actor=org_admin)
    with pytest.raises(Refused):
        manager_create(
            phone="13811113333",
            display_name="某人",
            password="tide-lantern-4821",
            venues=[venue_b],
            actor=org_admin,
        )
    assert not venue_b.managers.filter(pk=manager_a.pk).exists()


# -- The ranking


@pytest.fixture
def october(venue_a, venue_b):
    period = datetime.date(2026, 10, 1)
    for venue, composite in ((venue_a, 60), (venue_b, 90)):
        IndexSnapshot.objects.create(
            venue=venue,
            period=period,
            composite=composite,
            activity=composite,
            formula_version=FORMULA_VERSION,
            weights=IndexWeights.objects.current(),
        )
    return period


def test_the_ranking_shows_the_organisations_part(console, october):
    html = page(console.get(reverse("console:indexes"), {"period": "2026-10"}))
    assert "场所甲" in html
    assert "场所乙" not in html
    assert reverse("console:indexes_compute") not in html
    assert "Your organisation's average by month" in html or "本组织各月平均" in html


def test_the_ranking_download_has_the_organisations_rows(console, october):
    response = console.get(reverse("console:indexes_csv"), {"period": "2026-10"})
    text = response.content.decode()
    assert "场所甲" in text
    assert "场所乙" not in text


def test_the_admin_still_ranks_every_venue(client, admin_user, october):
    client.force_login(admin_user)
    html = page(client.get(reverse("console:indexes"), {"period": "2026-10"}))
    assert "场所甲" in html and "场所乙" in html


# -- Feedback and reviews


def test_the_feedback_queue_has_the_organisations_overdue_items(
    console, worker, venue_a, venue_b
):
    overdue(AppealFactory(user=worker, venue=venue_a, text="甲的逾期反馈"))
    overdue(AppealFactory(user=worker, venue=venue_b, text="乙的逾期反馈"))
    AppealFactory(user=worker, venue=None, text="给区里的反馈")
    html = page(console.get(reverse("console:appeal_list")))
    assert "甲的逾期反馈" in html
    assert "乙的逾期反馈" not in html
    assert "给区里的反馈" not in html


def test_another_organisations_or_the_districts_feedback_is_a_404(
    console, worker, venue_b
):
    theirs = overdue(AppealFactory(user=worker, venue=venue_b))
    district = AppealFactory(user=worker, venue=None)
    for appeal in (theirs, district):
        url = reverse("console:appeal_detail", args=[appeal.pk])
        assert console.get(url).status_code == 404
        response = console.post(reverse("console:appeal_accept", args=[appeal.pk]))
        assert response.status_code == 404
        appeal.refresh_from_db()
        assert appeal.state == Appeal.State.SUBMITTED


def test_the_organisation_admin_accepts_their_venues_overdue_item(
    console, worker, venue_a
):
    appeal = overdue(AppealFactory(user=worker, venue=venue_a))
    response = console.post(reverse("console:appeal_accept", args=[appeal.pk]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.ACCEPTED


def test_the_review_list_and_moderation_are_the_organisations(
    console, org_admin, worker, venue_a, venue_b
):
    ours = ReviewFactory(user=worker, venue=venue_a, text="甲的评价")
    theirs = ReviewFactory(user=UserFactory(), venue=venue_b, text="乙的评价")
    html = page(console.get(reverse("console:review_list")))
    assert "甲的评价" in html
    assert "乙的评价" not in html
    response = console.post(
        reverse("console:review_hide", args=[theirs.pk]), {"reason": "广告"}
    )
    assert response.status_code == 404
    response = console.post(
        reverse("console:review_hide", args=[ours.pk]), {"reason": "广告"}
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.state == Review.State.HIDDEN
    assert theirs.state == Review.State.VISIBLE
    with pytest.raises(Refused):
        review_hide(review=theirs, actor=org_admin, reason="广告")


def test_the_photos_are_those_of_the_feedback_and_reviews_the_console_shows(
    console, worker, venue_a, venue_b
):
    ours = overdue(AppealFactory(user=worker, venue=venue_a, with_photo=True))
    theirs = overdue(AppealFactory(user=worker, venue=venue_b, with_photo=True))
    assert (
        console.get(reverse("feedback:appeal_photo", args=[ours.pk])).status_code == 200
    )
    assert (
        console.get(reverse("feedback:appeal_photo", args=[theirs.pk])).status_code
        == 404
    )
    for venue, status in ((venue_a, 200), (venue_b, 404)):
        photo = ReviewPhotoFactory(
            review=ReviewFactory(user=worker, venue=venue, state=Review.State.HIDDEN)
        )
        url = reverse("feedback:review_photo", args=[photo.pk])
        assert console.get(url).status_code == status, venue


def test_appeal_services_refuse_another_organisations_feedback(
    org_admin, worker, venue_b
):
    appeal = overdue(AppealFactory(user=worker, venue=venue_b))
    with pytest.raises(Refused):
        appeal_accept(appeal=appeal, actor=org_admin)
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.SUBMITTED


def test_the_feedback_download_has_the_organisations_venues(
    console, worker, venue_a, venue_b
):
    AppealFactory(user=worker, venue=venue_a, text="甲的反馈")
    AppealFactory(user=worker, venue=venue_b, text="乙的反馈")
    AppealFactory(user=worker, venue=None, text="区里的反馈")
    today = timezone.localdate().isoformat()
    response = console.get(
        reverse("console:appeal_export"),
        {"format": "csv", "since": today, "until": today},
    )
    assert response.status_code == 200
    text = download(response)
    assert "甲的反馈" in text
    assert "乙的反馈" not in text and "区里的反馈" not in text


# -- Activities, bookings, notices, the overview


def test_the_activity_pages_are_the_organisations(
    console, org_admin, venue_a, venue_b, django_assert_max_num_queries
):
    for n in range(3):
        ActivityFactory(venue=venue_a, title=f"甲的活动{n}")
        ActivityFactory(venue=venue_b, title=f"乙的活动{n}")
    SeriesFactory(name="工会系列", organization=venue_a.organization)
    SeriesFactory(name="妇联系列", organization=venue_b.organization)
    with django_assert_max_num_queries(10):
        html = page(console.get(reverse("console:activity_list")))
    assert "甲的活动2" in html and "乙的活动" not in html
    html = page(console.get(reverse("console:activity_series")))
    assert "工会系列" in html and "妇联系列" not in html
    assert page(console.get(reverse("console:activity_reach")))
    response = console.post(
        reverse("console:activity_series"),
        {"name": "新系列", "organization": venue_b.organization_id},
    )
    assert response.status_code == 200  # not offered: the form's error
    with pytest.raises(Refused):
        series_create(actor=org_admin, name="新系列", organization=venue_b.organization)
    assert not SeriesFactory._meta.model.objects.filter(name="新系列").exists()


def test_the_booking_download_has_the_organisations_venues(
    console, worker, venue_a, venue_b
):
    BookingFactory(user=worker, space=SpaceFactory(venue=venue_a, name="甲的房间"))
    BookingFactory(user=worker, space=SpaceFactory(venue=venue_b, name="乙的房间"))
    start = timezone.localdate() + DAY
    response = console.get(
        reverse("console:booking_export"),
        {
            "format": "csv",
            "since": timezone.localdate().isoformat(),
            "until": (start + 3 * DAY).isoformat(),
        },
    )
    assert response.status_code == 200
    text = download(response)
    assert "甲的房间" in text
    assert "乙的房间" not in text


def test_the_notices_are_the_organisations(console, org_admin, venue_a, venue_b):
    ours = Notice.objects.create(
        kind="notice",
        title="工会的通知",
        body="<p>正文</p>",
        organization=venue_a.organization,
        published_at=timezone.now(),
    )
    theirs = Notice.objects.create(
        kind="notice",
        title="妇联的通知",
        body="<p>正文</p>",
        organization=venue_b.organization,
        published_at=timezone.now(),
    )
    html = page(console.get(reverse("console:notice_list")))
    assert "工会的通知" in html and "妇联的通知" not in html
    assert (
        console.get(reverse("console:notice_edit", args=[ours.pk])).status_code == 200
    )
    assert (
        console.get(reverse("console:notice_edit", args=[theirs.pk])).status_code == 404
    )
    assert (
        console.post(reverse("console:notice_delete", args=[theirs.pk])).status_code
        == 404
    )
    assert Notice.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(Refused):
        notice_create(
            actor=org_admin,
            kind="notice",
            title="冒名的通知",
            body="<p>正文</p>",
            organization=venue_b.organization,
        )
    assert not Notice.objects.filter(title="冒名的通知").exists()


def test_the_overview_counts_the_organisations_venues(console, venue_a, venue_b):
    html = page(console.get(reverse("console:home")))
    assert venue_a.organization.name in html
    assert venue_b.organization.name not in html
