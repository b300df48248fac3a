"""The user end of feedback: reviewing a venue, and one's own appeals (诉求)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bookings.models import Booking
from feedback.models import Appeal, AppealEvent, Review, ReviewPhoto
from feedback.services import (
    appeal_accept,
    appeal_resolve,
    appeal_submit,
    review_hide,
)
from tests.factories import (
    AdminFactory,
    AppealFactory,
    BookingFactory,
    ReviewFactory,
    UserFactory,
    VenueFactory,
    bookable_space,
)
from venues.models import Venue

DAY = datetime.timedelta(days=1)
XSS = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


# --- helpers -----------------------------------------------------------------


def jpeg(size=(640, 480), **params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG", **params)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (29.0, 57.0, 5.0), 3: "E", 4: (122.0, 18.0, 9.0)}
    )
    return jpeg(exif=exif)


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def media_files() -> set[Path]:
    """Every uploaded file, public or private."""
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return {p for root in roots for p in root.rglob("*") if p.is_file()}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def error_codes(response) -> set[str]:
    form = response.context["form"]
    return {e.code for errors in form.errors.as_data().values() for e in errors}


def review_url(venue) -> str:
    return reverse("feedback:review_new", args=[venue.pk])


def reviews_url(venue) -> str:
    return reverse("feedback:venue_reviews", args=[venue.pk])


def rating_of(venue) -> tuple:
    venue = Venue.objects.get(pk=venue.pk)
    return venue.review_count, venue.review_average, venue.good_review_count


def review_state(venue) -> dict:
    """What a refused review must leave as it was."""
    return {
        "reviews": list(Review.objects.values_list("pk", "rating", "text")),
        "photos": ReviewPhoto.objects.count(),
        "rating": rating_of(venue),
        "files": media_files(),
    }


def attended(user, venue, days_ago=1) -> Booking:
    space = venue.spaces.first()
    start = timezone.now().replace(microsecond=0) - days_ago * DAY
    return BookingFactory(
        user=user,
        space=space,
        start=start,
        end=start + datetime.timedelta(hours=1),
        state=Booking.State.ATTENDED,
    )


def queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(context)


@pytest.fixture
def client_w(client, worker):
    client.force_login(worker)
    return client


@pytest.fixture
def walk_in(db):
    return VenueFactory(name="户外劳动者驿站", is_bookable=False)


@pytest.fixture
def bookable(db):
    return bookable_space().venue


@pytest.fixture
def admin(db):
    return AdminFactory()


# --- eligibility ---------------------------------------------------------------


def test_review_page_needs_log_in(client, walk_in):
    response = client.get(review_url(walk_in))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_no_review_without_an_attended_booking(client_w, worker, bookable):
    BookingFactory(user=worker, space=bookable.spaces.first())  # not attended
    page = client_w.get(review_url(bookable))
    assert page.context["refusal"].code == "not_attended"
    assert "after a visit you booked and attended" in page.text
    assert 'name="rating"' not in page.text

    response = client_w.post(review_url(bookable), {"rating": "5", "text": "好"})
    assert response.status_code == 200
    assert response.context["refusal"].code == "not_attended"
    assert not Review.objects.exists()
    assert rating_of(bookable) == (0, None, 0)


def test_one_review_per_attended_booking(client_w, worker, bookable):
    first, second = attended(worker, bookable, 3), attended(worker, bookable, 1)
    assert client_w.post(review_url(bookable), {"rating": "4"}).status_code == 302
    assert client_w.post(review_url(bookable), {"rating": "5"}).status_code == 302
    assert {r.booking_id for r in Review.objects.all()} == {first.pk, second.pk}

    response = client_w.post(review_url(bookable), {"rating": "3"})
    assert response.status_code == 200
    assert response.context["refusal"].code == "not_attended"
    assert Review.objects.count() == 2


def test_walk_in_venue_once_per_30_days_then_again(client_w, worker, walk_in):
    assert client_w.post(review_url(walk_in), {"rating": "5"}).status_code == 302
    page = client_w.get(review_url(walk_in))
    assert page.context["refusal"].code == "too_soon"
    assert client_w.post(review_url(walk_in), {"rating": "1"}).status_code == 200
    assert Review.objects.count() == 1

    Review.objects.update(created_at=timezone.now() - 31 * DAY)
    assert client_w.get(review_url(walk_in)).context["refusal"] is None
    assert client_w.post(review_url(walk_in), {"rating": "4"}).status_code == 302
    assert Review.objects.count() == 2


# --- writing a review -----------------------------------------------------------


def test_review_is_published_and_redirects_to_the_venue(client_w, worker, walk_in):
    response = client_w.post(
        review_url(walk_in), {"rating": "4", "text": "  热水方便。  "}
    )
    assert response.status_code == 302
    assert response["Location"] == walk_in.get_absolute_url()
    assert texts(response) == ["Thank you! Your review is published."]
    review = Review.objects.get()
    assert (review.user, review.venue, review.rating, review.text) == (
        worker,
        walk_in,
        4,
        "热水方便。",
    )


def test_review_form_stars_are_labelled_radios(client_w, walk_in):
    page = client_w.get(review_url(walk_in)).text
    for n in range(1, 6):
        assert f'type="radio" name="rating" value="{n}"' in page
        assert f'for="id_rating_{n - 1}"' in page
    assert "<legend>Your rating</legend>" in page
    assert 'type="file" name="photos" accept="image/*"' in page
    assert "multiple" in page
    assert 'enctype="multipart/form-data"' in page


def test_review_photos_are_stored_reencoded_without_exif(client_w, walk_in):
    response = client_w.post(
        review_url(walk_in),
        {
            "rating": "5",
            "photos": [upload(jpeg_with_gps(), "a.jpg"), upload(jpeg((300, 200)))],
        },
    )
    assert response.status_code == 302
    photos = list(Review.objects.get().photos.order_by("id"))
    assert [(p.width, p.height) for p in photos] == [(640, 480), (300, 200)]
    for photo in photos:
        assert photo.image.name.startswith("reviews/")
        with photo.image.open("rb") as stored:
            im = Image.open(io.BytesIO(stored.read()))
            assert im.format == "JPEG"
            assert not im.getexif()
    stored = {Path(f.path) for p in photos for f in (p.image, p.thumbnail)}
    assert media_files() == stored
    assert all(path.is_relative_to(settings.PRIVATE_MEDIA_ROOT) for path in stored)
    # and they show with the review, through the view that checks who asks
    thumbnail = reverse("feedback:review_thumbnail", args=[photos[0].pk])
    assert f'src="{thumbnail}"' in client_w.get(reviews_url(walk_in)).text


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"rating": "0"}, "rating", "invalid_choice"),
        ({"rating": "6"}, "rating", "invalid_choice"),
        ({"rating": "x"}, "rating", "invalid_choice"),
        ({}, "rating", "required"),
        ({"rating": "5", "text": "长" * 1001}, "text", "max_length"),
        (
            {"rating": "5", "photos": [upload(jpeg(), f"{n}.jpg") for n in range(4)]},
            "photos",
            "too_many_photos",
        ),
        (
            {
                "rating": "5",
                "photos": [upload(jpeg()), upload(b"<html>not a picture</html>")],
            },
            "photos",
            "invalid_image",
        ),
        (
            {
                "rating": "5",
                "photos": [
                    upload(jpeg()),
                    upload(jpeg()[:12] + b"\0" * (10 * 1024 * 1024), "huge.jpg"),
                ],
            },
            "photos",
            "file_too_large",
        ),
    ],
    ids=["0", "6", "x", "none", "long-text", "4-photos", "fake", "oversized"],
)
def test_bad_review_is_refused_and_changes_nothing(
    client_w, walk_in, data, field, code
):
    ReviewFactory(venue=walk_in, rating=3)  # another user's, for the rating fields
    before = review_state(walk_in)
    response = client_w.post(review_url(walk_in), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert error_codes(response) == {code}
    assert 'role="alert"' in response.text
    assert review_state(walk_in) == before
    assert media_files() == set()


def test_bad_file_error_names_the_file(client_w, walk_in):
    response = client_w.post(
        review_url(walk_in),
        {"rating": "5", "photos": [upload(b"plain text", "menu.jpg")]},
    )
    assert "menu.jpg: The file is not a valid image" in response.text


# --- rating on the venue pages ----------------------------------------------


def test_venue_rating_fields_follow_the_reviews(client, walk_in):
    for rating in (5, 4, 2):
        client.force_login(UserFactory())
        client.post(review_url(walk_in), {"rating": str(rating)})
    assert rating_of(walk_in) == (3, Decimal("3.67"), 2)
    venue = Venue.objects.get(pk=walk_in.pk)
    assert venue.good_review_share == 67

    detail = client.get(walk_in.get_absolute_url()).text
    assert "3.7 of 5" in detail
    assert "3 reviews" in detail
    assert "67% good" in detail
    assert f'hx-get="{reviews_url(walk_in)}"' in detail
    assert 'hx-trigger="load"' in detail
    assert f'<a href="{reviews_url(walk_in)}">Read the reviews</a>' in detail
    assert review_url(walk_in) in detail

    listing = client.get(reverse("venues:list")).text
    assert "3.7 of 5" in listing and "67% good" in listing


def test_card_and_page_without_reviews(client, walk_in):
    listing = client.get(reverse("venues:list")).text
    assert "rating-summary" not in listing
    detail = client.get(walk_in.get_absolute_url()).text
    assert "No reviews yet." in detail
    assert reviews_url(walk_in) not in detail  # nothing to load
    assert f"{reverse('feedback:new')}?venue={walk_in.pk}" in detail
    assert "Give feedback about this venue" in detail


def test_reviews_partial_for_htmx_and_full_page_without(client, walk_in):
    ReviewFactory(venue=walk_in, text="很干净", reply="谢谢您的肯定")
    partial = client.get(reviews_url(walk_in), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    assert "很干净" in partial.text and "谢谢您的肯定" in partial.text
    page = client.get(reviews_url(walk_in))
    assert "<html" in page.text and "很干净" in page.text


def test_reviews_are_paged_by_ten_newest_first(client, walk_in):
    now = timezone.now()
    for n in range(11):
        review = ReviewFactory(venue=walk_in, text=f"第{n:02d}条")
        Review.objects.filter(pk=review.pk).update(created_at=now - n * DAY)
    first = client.get(reviews_url(walk_in))
    assert [r.text for r in first.context["reviews"]] == [
        f"第{n:02d}条" for n in range(10)
    ]
    assert first.context["has_next"] and f"{reviews_url(walk_in)}?page=2" in first.text
    second = client.get(reviews_url(walk_in), {"page": 2})
    assert [r.text for r in second.context["reviews"]] == ["第10条"]
    assert not second.context["has_next"] and second.context["has_previous"]


@pytest.mark.parametrize("page", ["0", "x", "101"])
def test_bad_review_page_is_404(client, walk_in, page):
    assert client.get(reviews_url(walk_in), {"page": page}).status_code == 404


def test_reviews_of_an_unpublished_venue_are_404(client, walk_in):
    walk_in.status = Venue.Status.SUSPENDED
    walk_in.save()
    assert client.get(reviews_url(walk_in)).status_code == 404


# --- hidden reviews -----------------------------------------------------------


def test_hidden_review_disappears_publicly_but_its_author_sees_it(
    client, worker, walk_in
):
    client.force_login(worker)
    client.post(review_url(walk_in), {"rating": "1", "text": "服务态度差到极点"})
    review = Review.objects.get()
    review_hide(review=review, actor=AdminFactory(), reason="含人身攻击")

    assert rating_of(walk_in) == (0, None, 0)
    client.logout()
    assert "服务态度差到极点" not in client.get(reviews_url(walk_in)).text
    assert "rating-summary" not in client.get(reverse("venues:list")).text

    client.force_login(UserFactory())
    assert "服务态度差到极点" not in client.get(reverse("feedback:mine")).text

    client.force_login(worker)
    mine = client.get(reverse("feedback:mine")).text
    assert "服务态度差到极点" in mine
    assert "Hidden by an administrator" in mine and "含人身攻击" in mine


# --- appeals ---------------------------------------------------------------------


def test_appeal_to_a_venue_with_photo_sets_deadlines(client_w, worker, walk_in):
    before = timezone.now()
    response = client_w.post(
        reverse("feedback:new"),
        {
            "kind": "repair",
            "venue": walk_in.pk,
            "text": "饮水机坏了",
            "photo": upload(jpeg_with_gps()),
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == appeal.get_absolute_url()
    assert (appeal.user, appeal.venue, appeal.kind, appeal.state) == (
        worker,
        walk_in,
        Appeal.Kind.REPAIR,
        Appeal.State.SUBMITTED,
    )
    days = datetime.timedelta(days=settings.APPEAL_ACCEPT_DAYS)
    assert before + days <= appeal.accept_due <= timezone.now() + days
    days = datetime.timedelta(days=settings.APPEAL_RESOLVE_DAYS)
    assert before + days <= appeal.resolve_due <= timezone.now() + days
    assert list(appeal.events.values_list("to_state", flat=True)) == ["submitted"]
    with appeal.photo.open("rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif()
    assert Path(appeal.photo.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)

    page = client_w.get(appeal.get_absolute_url()).text
    assert "饮水机坏了" in page and "Broken facility" in page
    assert reverse("feedback:appeal_thumbnail", args=[appeal.pk]) in page
    assert timezone.localtime(appeal.resolve_due).strftime("%Y-%m-%d %H:%M") in page


def test_appeal_to_the_district(client_w, worker):
    response = client_w.post(
        reverse("feedback:new"), {"kind": "suggestion", "venue": "", "text": "多建驿站"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.venue is None and appeal.kind == "suggestion"
    assert "The district" in client_w.get(appeal.get_absolute_url()).text
    assert "To the district" in client_w.get(reverse("feedback:mine")).text


def test_venue_is_preselected_from_the_query(client_w, walk_in):
    page = client_w.get(reverse("feedback:new"), {"venue": walk_in.pk}).text
    assert f'<option value="{walk_in.pk}" selected>' in page


@pytest.mark.parametrize("value", ["abc", "999999", "suspended"])
def test_bad_or_unpublished_venue_in_the_query_is_ignored(client_w, value):
    if value == "suspended":
        value = VenueFactory(status=Venue.Status.SUSPENDED).pk
    response = client_w.get(reverse("feedback:new"), {"venue": value})
    assert response.status_code == 200
    assert response.context["form"].initial == {}
    assert '<option value="" selected>' in response.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "", "text": "x"}, "kind"),
        ({"kind": "praise", "text": "x"}, "kind"),
        ({"kind": "help", "text": ""}, "text"),
        ({"kind": "help", "text": "长" * 2001}, "text"),
        ({"kind": "help", "text": "x", "venue": "suspended"}, "venue"),
        ({"kind": "help", "text": "x", "photo": upload(b"fake", "x.jpg")}, "photo"),
    ],
    ids=[
        "no-kind",
        "bad-kind",
        "no-text",
        "long-text",
        "suspended-venue",
        "fake-photo",
    ],
)
def test_bad_appeal_is_refused_and_changes_nothing(client_w, data, field):
    if data.get("venue") == "suspended":
        data["venue"] = VenueFactory(status=Venue.Status.SUSPENDED).pk
    response = client_w.post(reverse("feedback:new"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()
    assert media_files() == set()


def test_another_users_appeal_is_404(client_w, walk_in):
    theirs = AppealFactory(venue=walk_in, state=Appeal.State.RESOLVED)
    assert client_w.get(theirs.get_absolute_url()).status_code == 404
    response = client_w.post(
        reverse("feedback:confirm", args=[theirs.pk]), {"satisfied": "yes"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Appeal.State.RESOLVED


def test_my_feedback_lists_my_appeals_newest_first_with_overdue(
    client_w, worker, walk_in
):
    old = AppealFactory(user=worker, venue=walk_in, text="旧的")
    Appeal.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - 5 * DAY, accept_due=timezone.now() - 3 * DAY
    )
    AppealFactory(user=worker, venue=None, text="新的")
    AppealFactory(venue=walk_in, text="别人的")
    response = client_w.get(reverse("feedback:mine"))
    assert [a.text for a in response.context["appeals"]] == ["新的", "旧的"]
    assert response.text.count('class="overdue"') == 1
    assert "别人的" not in response.text


# --- confirming ----------------------------------------------------------------


@pytest.fixture
def handled(worker, walk_in, manager_a):
    """The worker's appeal, accepted and resolved by the venue."""
    walk_in.managers.add(manager_a)
    appeal = appeal_submit(user=worker, venue=walk_in, kind="complaint", text="太吵")
    appeal_accept(appeal=appeal, actor=manager_a)
    return appeal_resolve(appeal=appeal, actor=manager_a, reply="已提醒其他访客")


def confirm(client, appeal, satisfied, note=""):
    return client.post(
        reverse("feedback:confirm", args=[appeal.pk]),
        {"satisfied": satisfied, "note": note},
    )


def test_resolved_appeal_offers_both_buttons(client_w, handled):
    page = client_w.get(handled.get_absolute_url()).text
    assert "已提醒其他访客" in page
    assert 'name="satisfied" value="yes"' in page
    assert 'name="satisfied" value="no"' in page
    assert page.count("<li><time") == 3  # submitted, accepted, resolved


def test_satisfied_confirms(client_w, handled):
    response = confirm(client_w, handled, "yes", "谢谢")
    assert response.status_code == 302
    handled.refresh_from_db()
    assert (handled.state, handled.satisfied) == (Appeal.State.CONFIRMED, True)
    page = client_w.get(handled.get_absolute_url()).text
    assert "You confirmed you are satisfied." in page
    assert 'value="yes"' not in page
    assert "谢谢" in page and page.count("<li><time") == 4


def test_not_satisfied_reopens_once_then_closes_and_flags(client_w, handled, manager_a):
    confirm(client_w, handled, "no", "还是很吵")
    handled.refresh_from_db()
    assert (handled.state, handled.reopened, handled.flagged) == (
        Appeal.State.ACCEPTED,
        True,
        False,
    )
    page = client_w.get(handled.get_absolute_url()).text
    assert "Reopened because you were not satisfied" in page
    assert "Reopened: you were not satisfied" in page  # the timeline step
    assert 'value="no"' not in page

    appeal_resolve(appeal=handled, actor=manager_a, reply="已安装隔音帘")
    page = client_w.get(handled.get_absolute_url()).text
    assert "closed and passed to the district" in page  # the warning before

    confirm(client_w, handled, "no")
    handled.refresh_from_db()
    assert (handled.state, handled.flagged, handled.satisfied) == (
        Appeal.State.CLOSED,
        True,
        False,
    )
    page = client_w.get(handled.get_absolute_url()).text
    assert "escalated to the district" in page
    assert page.count("<li><time") == handled.events.count() == 6
    assert "Escalated" in client_w.get(reverse("feedback:mine")).text


def test_confirm_of_an_open_appeal_changes_nothing(client_w, worker, walk_in):
    appeal = appeal_submit(user=worker, venue=walk_in, kind="help", text="求助")
    response = confirm(client_w, appeal, "yes")
    assert response.status_code == 302
    assert texts(response)[0].startswith("This feedback item is already")
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.SUBMITTED and appeal.events.count() == 1


def test_confirm_without_a_choice_changes_nothing(client_w, handled):
    response = confirm(client_w, handled, "maybe")
    assert texts(response) == ["Please choose satisfied or not satisfied."]
    handled.refresh_from_db()
    assert handled.state == Appeal.State.RESOLVED


def test_confirm_answers_405_to_get(client_w, handled):
    url = reverse("feedback:confirm", args=[handled.pk])
    assert client_w.get(url).status_code == 405


# --- links from other pages ----------------------------------------------------


def test_attended_booking_links_to_a_review_until_reviewed(client_w, worker, bookable):
    booking = attended(worker, bookable)
    assert "Review this visit" in client_w.get(booking.get_absolute_url()).text
    client_w.post(review_url(bookable), {"rating": "5"})
    assert "Review this visit" not in client_w.get(booking.get_absolute_url()).text


def test_upcoming_booking_has_no_review_link(client_w, worker, bookable):
    booking = BookingFactory(user=worker, space=bookable.spaces.first())
    assert "Review this visit" not in client_w.get(booking.get_absolute_url()).text


def test_bottom_nav_marks_feedback_current(client_w):
    page = client_w.get(reverse("feedback:mine")).text
    link = f'<a href="{reverse("feedback:mine")}" aria-current="page">'
    assert link in page and "#icon-message" in page
    assert link not in client_w.get(reverse("bookings:list")).text


# --- escaping ----------------------------------------------------------------


def test_review_text_is_escaped(client, worker, walk_in):
    client.force_login(worker)
    client.post(review_url(walk_in), {"rating": "3", "text": XSS})
    Review.objects.update(reply=XSS)
    for url in (reviews_url(walk_in), reverse("feedback:mine")):
        page = client.get(url).text
        assert XSS not in page
        assert ESCAPED in page


def test_appeal_text_is_escaped(client_w, walk_in):
    client_w.post(
        reverse("feedback:new"), {"kind": "complaint", "venue": walk_in.pk, "text": XSS}
    )
    appeal = Appeal.objects.get()
    Appeal.objects.update(reply=XSS)
    for url in (appeal.get_absolute_url(), reverse("feedback:mine")):
        page = client_w.get(url).text
        assert XSS not in page
    assert ESCAPED in client_w.get(appeal.get_absolute_url()).text


# --- query counts -------------------------------------------------------------


def with_photo(review):
    ReviewPhoto.objects.create(
        review=review,
        image="reviews/a.jpg",
        thumbnail="reviews/t.jpg",
        width=4,
        height=3,
    )
    return review


@pytest.mark.parametrize("hx", [True, False], ids=["partial", "page"])
def test_reviews_query_count_is_bounded_and_constant(
    client, db, django_assert_max_num_queries, hx
):
    few, many = VenueFactory(), VenueFactory()
    for venue, n in ((few, 3), (many, 30)):
        for _ in range(n):
            with_photo(ReviewFactory(venue=venue, reply="谢谢"))
    headers = {"HTTP_HX_REQUEST": "true"} if hx else {}
    with django_assert_max_num_queries(3):
        client.get(reviews_url(many), **headers)
    assert queries(client, reviews_url(few), **headers) == queries(
        client, reviews_url(many), **headers
    )


def test_my_feedback_query_count_is_bounded_and_constant(
    client, db, django_assert_max_num_queries
):
    few, many = UserFactory(), UserFactory()
    venue = VenueFactory()
    for user, n in ((few, 3), (many, 30)):
        for _ in range(n):
            AppealFactory(user=user, venue=venue)
            AppealFactory(user=user, venue=None)
            with_photo(ReviewFactory(user=user, venue=VenueFactory()))
    client.force_login(many)
    with django_assert_max_num_queries(10):
        client.get(reverse("feedback:mine"))
    count_many = queries(client, reverse("feedback:mine"))
    client.force_login(few)
    assert queries(client, reverse("feedback:mine")) == count_many
