"""No POST answers 5xx to a hostile `next`, and a request that fails keeps no write."""

import pytest
from django.http import HttpResponse
from django.urls import path, reverse

from bookings.models import Booking
from qunxian.models import AuditEntry
from qunxian.services import audit_record
from tests.test_roles_by_url import TABLE

HOSTILE_NEXT = [
    "999999",
    "-1",
    "plain text",
    "😀",
    "\x00",
    "/venues/\x00",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
]


def acting_role(name: str) -> str:
    """The persona who may use the URL, so the POST reaches its redirect."""
    if name.startswith("manage:"):
        return "manager_a"
    if name.startswith("console:"):
        return "admin"
    return "worker"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_no_post_answers_5xx_to_a_hostile_next(client, personas, name):
    kwargs = TABLE[name][0]
    url = reverse(name, kwargs=kwargs(personas) if callable(kwargs) else kwargs)
    client.force_login(personas[acting_role(name)])
    for value in HOSTILE_NEXT:
        response = client.post(url, {"next": value})
        assert response.status_code < 500, (url, repr(value))
        location = response.get("Location", "")
        assert "evil.example" not in location, location
        assert not location.startswith("javascript"), location


def test_approve_with_a_numeric_next_approves_and_goes_to_the_booking(client, personas):
    booking = personas["booking_a"]
    client.force_login(personas["manager_a"])
    url = reverse("manage:booking_approve", args=[booking.pk])
    response = client.post(url, {"next": "999999"})
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:booking_detail", args=[booking.pk])
    booking.refresh_from_db()
    assert booking.state == Booking.State.APPROVED


def test_a_same_site_next_is_followed(client, personas):
    booking = personas["booking_a"]
    client.force_login(personas["manager_a"])
    back = reverse("manage:booking_queue") + "?state=pending"
    response = client.post(
        reverse("manage:booking_approve", args=[booking.pk]), {"next": back}
    )
    assert response["Location"] == back


def test_language_link_ignores_a_hostile_next(client):
    for value in HOSTILE_NEXT:
        response = client.get(reverse("language", args=["en"]), {"next": value})
        assert response.status_code == 302
        assert response["Location"] == "/"


def write_then_fail(request):
    audit_record(actor=None, action="test.write", subject=request.user)
    raise RuntimeError("after the service")


def write_then_answer(request):
    audit_record(actor=None, action="test.write", subject=request.user)
    return HttpResponse("ok")


urlpatterns = [
    path("fail/", write_then_fail),
    path("ok/", write_then_answer),
]


@pytest.mark.urls(__name__)
def test_a_write_request_that_fails_after_its_service_keeps_no_write(client, worker):
    client.force_login(worker)
    client.raise_request_exception = False
    response = client.post("/fail/")
    assert response.status_code == 500
    assert not AuditEntry.objects.filter(action="test.write").exists()


@pytest.mark.urls(__name__)
def test_a_write_request_that_succeeds_keeps_its_write(client, worker):
    client.force_login(worker)
    assert client.post("/ok/").status_code == 200
    assert AuditEntry.objects.filter(action="test.write").count() == 1
