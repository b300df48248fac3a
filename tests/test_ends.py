"""The home page of each end shows real data."""

from django.core.management import call_command
from django.urls import reverse

from qunxian.models import AuditEntry
from qunxian.roles import is_system_admin, is_venue_manager
from tests.factories import OrganizationFactory, VenueFactory
from venues.models import Organization, Venue


def test_user_home_shows_district_totals_and_entry_points(client, venue_a, venue_b):
    VenueFactory(status=Venue.Status.SUSPENDED)
    response = client.get(reverse("home"))
    assert response.context["venue_count"] == 2
    page = response.content.decode()
    for entry in ("服务场所", "政策法规", "通知发布"):
        assert entry in page


def test_manager_home_lists_only_their_venues(client, manager_a, venue_a, venue_b):
    client.force_login(manager_a)
    response = client.get(reverse("manage:venue_list"))
    assert list(response.context["venues"]) == [venue_a]
    assert venue_b.name not in response.content.decode()


def test_console_home_counts_venues_by_organisation(client, admin_user, db):
    youth = OrganizationFactory(name="共青团普陀区委", kind=Organization.Kind.YOUTH)
    VenueFactory.create_batch(2)
    VenueFactory(organization=youth)
    VenueFactory(organization=youth, status=Venue.Status.SUSPENDED)
    client.force_login(admin_user)
    response = client.get(reverse("console:home"))
    counts = {
        o.name: (o.active_count, o.suspended_count)
        for o in response.context["organizations"]
    }
    assert counts == {"普陀区总工会": (2, 0), "共青团普陀区委": (1, 1)}


def test_make_admin_command_grants_the_role_and_records_it(worker):
    call_command("make_admin", worker.phone)
    assert is_system_admin(worker)
    assert AuditEntry.objects.filter(action="user.make_admin").exists()


def test_grant_manager_command_names_and_removes_a_manager(worker, venue_a):
    call_command("grant_manager", worker.username, str(venue_a.pk))
    assert is_venue_manager(worker)
    call_command("grant_manager", worker.username, str(venue_a.pk), "--revoke")
    worker._is_venue_manager = None
    assert not is_venue_manager(worker)


def test_manager_inbox_counts_what_waits_at_their_venues_only(
    client, manager_a, venue_a, venue_b, worker, django_assert_max_num_queries
):
    from bookings.models import Booking
    from feedback.models import Appeal
    from tests.factories import BookingFactory, SpaceFactory

    BookingFactory(space=SpaceFactory(venue=venue_a), user=worker)
    BookingFactory(space=SpaceFactory(venue=venue_b), user=worker)
    BookingFactory(
        space=SpaceFactory(venue=venue_a), user=worker, state=Booking.State.APPROVED
    )
    client.force_login(manager_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("manage:home"))
    assert response.context["counts"]["bookings_pending"] == 1
    assert [b.space.venue for b in response.context["pending"]] == [venue_a]
    assert not Appeal.objects.exists()
    assert response.context["counts"]["appeals_open"] == 0


def test_language_link_sets_the_cookie_and_returns(client, db):
    response = client.get(reverse("language", args=["en"]), {"next": "/venues/"})
    assert response.status_code == 302 and response["Location"] == "/venues/"
    assert response.cookies["django_language"].value == "en"
    assert "Service venues" in client.get(reverse("home")).content.decode()


def test_language_link_refuses_foreign_redirects_and_unknown_languages(client, db):
    response = client.get(
        reverse("language", args=["en"]), {"next": "https://evil.cn/"}
    )
    assert response["Location"] == "/"
    assert client.get(reverse("language", args=["xx"])).status_code == 404


def test_visit_totals_read_the_way_the_reference_app_writes_them():
    from django.utils import translation

    from qunxian.templatetags.qunxian import compact_count

    with translation.override("zh-hans"):
        assert compact_count(41_000) == "4.1万"
        assert "万" not in compact_count(9_999)
    with translation.override("en"):
        assert compact_count(41_000) == "41.0k"
