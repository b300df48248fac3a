import pytest

from feedback.models import IndexWeights
from tests.activities.factories import activity_personas
from tests.factories import (
    AdminFactory,
    AppealFactory,
    BookingFactory,
    ClosureFactory,
    NoticeFactory,
    OrganizationFactory,
    ReviewFactory,
    ReviewPhotoFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
    VenuePhotoFactory,
)
from venues.models import Organization, Venue


def pytest_configure(config):
    # A failing browser test leaves a screenshot in test-results/ for the reader.
    if hasattr(config.option, "screenshot"):
        config.option.screenshot = "only-on-failure"
        config.option.output = "test-results"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def worker(db):
    return UserFactory(display_name="李师傅")


@pytest.fixture
def venue_a(db):
    return VenueFactory(name="场所甲")


@pytest.fixture
def venue_b(db):
    """Of another organisation than venue A's, for the organisation admin."""
    return VenueFactory(
        name="场所乙",
        organization=OrganizationFactory(
            name="普陀区妇联", kind=Organization.Kind.WOMEN
        ),
    )


@pytest.fixture
def manager_a(venue_a):
    user = UserFactory(display_name="甲站长")
    venue_a.managers.add(user)
    return user


@pytest.fixture
def manager_b(venue_b):
    user = UserFactory(display_name="乙站长")
    venue_b.managers.add(user)
    return user


@pytest.fixture
def org_admin(venue_a):
    """An admin of venue A's organisation (not of venue B's), in the console."""
    user = UserFactory(display_name="工会管理员")
    venue_a.organization.admins.add(user)
    return user


@pytest.fixture
def admin_user(db):
    return AdminFactory(display_name="区管理员")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import caches

    from qunxian.caching import forget_versions
    from venues.usage import forget_salts

    def empty():
        for alias in ("default", "fragments", "usage"):
            caches[alias].clear()
        forget_versions()
        forget_salts()

    empty()
    yield
    empty()


@pytest.fixture
def manager_s(db):
    """The manager of a suspended venue, and of nothing else."""
    user = UserFactory(display_name="停用站长")
    VenueFactory(name="停用场所", status=Venue.Status.SUSPENDED).managers.add(user)
    return user


@pytest.fixture
def personas(
    worker, manager_a, manager_b, manager_s, org_admin, admin_user, venue_a, venue_b
):
    """One of everything at venue A, for the tests that walk every URL."""
    # The index weights' version 1, which a migration makes and a flush removes.
    IndexWeights.objects.current()
    venue_a.is_bookable = True
    venue_a.save(update_fields=["is_bookable"])
    space_a = SpaceFactory(venue=venue_a)
    review_a = ReviewFactory(user=worker, venue=venue_a)
    return {
        "anonymous": None,
        "worker": worker,
        "manager_a": manager_a,
        "manager_b": manager_b,
        "manager_s": manager_s,
        "org_admin": org_admin,
        "admin": admin_user,
        "venue_a": venue_a,
        "venue_b": venue_b,
        "space_a": space_a,
        "booking_a": BookingFactory(user=worker, space=space_a),
        "closure_a": ClosureFactory(venue=venue_a),
        "photo_a": VenuePhotoFactory(venue=venue_a),
        "appeal_a": AppealFactory(user=worker, venue=venue_a, with_photo=True),
        "appeal_district": AppealFactory(user=worker, venue=None),
        "review_a": review_a,
        "review_photo_a": ReviewPhotoFactory(review=review_a),
        **activity_personas(worker, venue_a),
        "notice_a": NoticeFactory(venue=venue_a, with_pdf=True),
    }
