import pytest

from tests.factories import AdminFactory, UserFactory, VenueFactory


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
    return VenueFactory(name="场所乙")


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
def admin_user(db):
    return AdminFactory(display_name="区管理员")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
