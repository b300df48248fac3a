"""Personal pages drawn into a layout kept per process (`keep_layout`): the
page is the one drawn whole, and every visitor gets their own bookings,
unread count, CSRF token, roles' links, language and path."""

import datetime
import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from freezegun import freeze_time

from bookings.models import Booking, SpaceRules
from bookings.services import booking_cancel
from qunxian import caching
from qunxian.models import Notification
from tests.factories import BookingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def pages(user):
    booking = user.bookings.order_by("pk").first()
    return [
        reverse("bookings:list"),
        reverse("bookings:detail", args=[booking.pk]),
    ]


def drawn_whole(url, user):
    """The page as the view draws it without a kept layout."""
    request = RequestFactory().get(url)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    request.resolver_match = resolve(url)
    match = request.resolver_match
    response = match.func.__wrapped__(request, *match.args, **match.kwargs)
    return response.render().content.decode()


def without_tokens(html):
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize("page", [0, 1], ids=["my bookings", "a booking"])
def test_the_page_is_the_one_drawn_whole(page, client, worker):
    BookingFactory(user=worker)
    Notification.objects.create(user=worker, kind="booking", title="预约已通过")
    client.force_login(worker)
    url = pages(worker)[page]
    for _ in range(2):  # drawing the layout, then from the kept one
        kept = client.get(url).content.decode()
        assert without_tokens(kept) == without_tokens(drawn_whole(url, worker))
    assert caching.UNREAD_BADGE.format(1) in kept


def test_each_visitor_sees_their_own_page_in_the_kept_layout(client):
    first, second = UserFactory(), UserFactory()
    mine = BookingFactory(user=first, space__venue__name="第一位的驿站")
    theirs = BookingFactory(user=second, space__venue__name="第二位的驿站")
    for _ in range(3):
        Notification.objects.create(user=second, kind="booking", title="t")
    for user, own, other, badge in (
        (first, mine, theirs, None),
        (second, theirs, mine, 3),
        (first, mine, theirs, None),
    ):
        client.force_login(user)
        for url in pages(user):
            html = client.get(url).content.decode()
            assert own.space.venue.name in html
            assert other.space.venue.name not in html
            assert ('class="count-badge"' in html) == (badge is not None)
            if badge:
                assert caching.UNREAD_BADGE.format(badge) in html
            for hole in (caching.UNREAD_HOLE, caching.CSRF_HOLE, caching.PATH_HOLE):
                assert hole not in html
            # The layout's links come back to this page, not the first one kept.
            assert f"?next={url}" in html


def test_the_kept_layouts_csrf_token_works_for_whoever_sees_it(client):
    first, second = UserFactory(), UserFactory()
    BookingFactory(user=first)
    booking = BookingFactory(user=second)
    client.force_login(first)
    client.get(pages(first)[1])
    client.force_login(second)
    url = reverse("bookings:detail", args=[booking.pk])
    html = client.get(url).content.decode()
    tokens = TOKEN.findall(html)
    assert len(tokens) == 2  # log out (the layout) and cancel (the page)
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    response = checked.post(
        reverse("bookings:cancel", args=[booking.pk]),
        {"csrfmiddlewaretoken": tokens[1]},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == booking.State.CANCELLED
    # The message waiting after the redirect is shown, the page drawn whole.
    html = checked.get(url).content.decode()
    assert "message-success" in html
    assert "message-success" not in checked.get(url).content.decode()


def test_a_managers_links_are_never_shown_to_a_worker(client, manager_a, worker):
    manager = manager_a
    BookingFactory(user=manager)
    BookingFactory(user=worker)
    manage = reverse("manage:home")
    client.force_login(manager)
    assert f'href="{manage}"' in client.get(reverse("bookings:list")).content.decode()
    client.force_login(worker)
    assert (
        f'href="{manage}"' not in client.get(reverse("bookings:list")).content.decode()
    )


def test_the_kept_layout_follows_the_language_and_the_display_mode(client, worker):
    BookingFactory(user=worker)
    client.force_login(worker)
    url = reverse("bookings:list")
    assert '<html lang="zh-hans">' in client.get(url).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in english
    assert "My bookings" in english
    client.get(reverse("display", args=["elder"]))
    assert '<html lang="zh-hans" class="elder">' in client.get(url).content.decode()


def test_a_kept_page_shows_every_change_at_the_next_look(client, worker):
    """The drawn content is kept for the values it was drawn from: each look
    reads them fresh, and a change of any shows at once."""
    now = timezone.now().replace(microsecond=0)
    cutoff = datetime.timedelta(minutes=SpaceRules().cancel_cutoff_minutes)
    booking = BookingFactory(  # cancellation closes in two minutes
        user=worker,
        state=Booking.State.APPROVED,
        space__venue__name="旧名驿站",
        start=now + cutoff + datetime.timedelta(minutes=2),
        end=now + cutoff + datetime.timedelta(minutes=62),
    )
    client.force_login(worker)
    urls = pages(worker)
    detail = urls[1]

    def looks():
        return [client.get(url).content.decode() for url in urls for _ in range(2)]

    assert all("旧名驿站" in html for html in looks())
    assert "Cancel this booking" in client.get(detail, headers=ENGLISH).content.decode()

    venue = booking.space.venue
    venue.name = "新名驿站"
    venue.save()
    assert all("新名驿站" in html and "旧名驿站" not in html for html in looks())

    booking.events.create(from_state="pending", to_state="approved", reason="已核实")
    assert "已核实" in client.get(detail).content.decode()  # its history

    assert "Cancel this booking" in client.get(detail, headers=ENGLISH).content.decode()

    with freeze_time(now + datetime.timedelta(minutes=3)):  # past the cut-off
        closed = client.get(detail, headers=ENGLISH).content.decode()
    assert "Cancel this booking" not in closed
    assert "Cancellation has closed" in closed

    booking_cancel(booking=booking, actor=worker, reason="临时有事", now=now)
    for html in (client.get(url, headers=ENGLISH).content.decode() for url in urls):
        assert "Cancelled" in html
    assert "临时有事" in client.get(detail).content.decode()

    Booking.objects.filter(pk=booking.pk).update(state=Booking.State.ATTENDED)
    review_link = reverse("feedback:review_new", args=[venue.pk])
    assert review_link in client.get(detail).content.decode()
    ReviewFactory(user=worker, venue=venue, booking=booking)
    assert review_link not in client.get(detail).content.decode()


def test_the_same_content_is_drawn_once(client, worker, monkeypatch):
    BookingFactory(user=worker)
    drawn = []
    render = caching._render_content_block
    monkeypatch.setattr(
        caching,
        "_render_content_block",
        lambda *args: drawn.append(args[0].template.name) or render(*args),
    )
    client.force_login(worker)
    for url in pages(worker):
        for _ in range(3):
            assert client.get(url).status_code == 200
    assert len(drawn) == 2  # once for each page
    BookingFactory(user=worker)  # a new row: the list is drawn again
    client.get(reverse("bookings:list"))
    assert len(drawn) == 3
