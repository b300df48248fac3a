"""Sign-ups have a check-in code: a QR on the person's page, scanned or typed
at the manager's door page."""

import pytest
from django.urls import reverse

from activities import services
from activities.models import SignUp
from bookings.models import CODE_ALPHABET
from tests.activities.factories import ActivityFactory, soon
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = SignUp.State
DOOR = reverse("manage:activity_check_in_code")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def under_way(venue_a):
    """Starting in half an hour: the door is open."""
    return ActivityFactory(venue=venue_a, starts_at=soon(0, 0.5))


@pytest.fixture
def signup(under_way, worker):
    return services.signup_create(activity=under_way, user=worker)


def test_every_sign_up_gets_its_own_code(under_way):
    signups = [
        services.signup_create(activity=under_way, user=UserFactory()) for _ in range(5)
    ]
    codes = {s.check_in_code for s in signups}
    assert len(codes) == 5
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_the_person_sees_the_qr_of_their_code(client, worker, signup):
    client.force_login(worker)
    page = client.get(reverse("activities:detail", args=[signup.activity_id]))
    html = page.content.decode()
    assert "QR code of the check-in code" in html and signup.check_in_code in html


def test_a_waitlisted_person_has_no_qr_yet(client, venue_a, worker):
    full = ActivityFactory(venue=venue_a, seats=1)
    services.signup_create(activity=full, user=UserFactory())
    waiting = services.signup_create(activity=full, user=worker)
    assert waiting.state == State.WAITLISTED
    client.force_login(worker)
    html = client.get(reverse("activities:detail", args=[full.pk])).content.decode()
    assert "QR code of the check-in code" not in html
    assert waiting.check_in_code not in html


def test_find_then_check_in_by_code(client, manager_a, signup):
    client.force_login(manager_a)
    typed = " " + signup.check_in_code.lower()[:3] + " " + signup.check_in_code[3:]
    found = client.get(DOOR, {"code": typed})
    assert found.status_code == 200 and found.context["signup"] == signup
    assert signup.user.display_name in found.content.decode()

    response = client.post(DOOR, {"code": signup.check_in_code})
    assert response.status_code == 302 and response["Location"] == DOOR
    signup.refresh_from_db()
    assert signup.state == State.ATTENDED and signup.checked_in_at


def test_another_venues_code_is_not_found_and_changes_nothing(
    client, manager_b, signup
):
    client.force_login(manager_b)
    found = client.get(DOOR, {"code": signup.check_in_code})
    assert found.context["signup"] is None
    assert "No such sign-up at your venues" in found.content.decode()
    response = client.post(DOOR, {"code": signup.check_in_code})
    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


def test_too_early_is_refused_with_the_services_reason(client, manager_a, venue_a):
    later = ActivityFactory(venue=venue_a, starts_at=soon(2))
    signup = services.signup_create(activity=later, user=UserFactory())
    client.force_login(manager_a)
    response = client.post(DOOR, {"code": signup.check_in_code}, follow=True)
    assert "Check-in opens 30 minutes before the start." in response.content.decode()
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


@pytest.mark.parametrize("bad", ["", "ABC", "X" * 21, "<script>"])
def test_a_bad_code_is_a_form_error(client, manager_a, signup, bad):
    client.force_login(manager_a)
    response = client.post(DOOR, {"code": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


@pytest.mark.parametrize(
    "name", ["manage:booking_check_in_code", "manage:activity_check_in_code"]
)
def test_the_door_pages_offer_the_camera_and_keep_the_typed_code(
    client, manager_a, name
):
    client.force_login(manager_a)
    html = client.get(reverse(name)).content.decode()
    # The reader is hidden until its script runs; the typed field is always there.
    assert "data-qr-scan" in html and 'data-input="id_code"' in html
    assert 'name="code"' in html
    assert "/static/js/qr-scan.js" in html and "vendor/jsqr/jsQR.js" in html
    assert "secure (https) connection" in html


def qr_modules(html: str) -> int:
    """The side of the page's QR code in modules (scale 6, quiet zone of 4)."""
    import re

    svg = html[html.index('class="qr"') :]
    # No width: the page sizes the code; the viewBox keeps the side in pixels.
    width = int(re.search(r'<svg[^>]*\bviewBox="0 0 (\d+) ', svg).group(1))
    return width // 6 - 2 * 4


def test_the_qr_codes_are_full_qr_codes_that_cameras_read(
    client, worker, manager_a, signup
):
    """Six characters make segno choose a Micro QR, which jsQR, BarcodeDetector
    and most phones cannot read: version 1 (21 modules) at least."""
    from bookings.services import booking_approve
    from tests.factories import BookingFactory, bookable_space

    client.force_login(worker)
    html = client.get(reverse("activities:detail", args=[signup.activity_id]))
    assert qr_modules(html.content.decode()) >= 21

    space = bookable_space()
    space.venue.managers.add(manager_a)
    booking = BookingFactory(user=worker, space=space)
    booking_approve(booking=booking, actor=manager_a)
    html = client.get(reverse("bookings:detail", args=[booking.pk]))
    assert qr_modules(html.content.decode()) >= 21
