"""Private uploads: only those who may see the item get its file.

Appeal photos, review photos and notice attachments live under
PRIVATE_MEDIA_ROOT and are served by one view each, which looks the item up in
the viewer's scope; nothing of theirs is reachable under /media/.
"""

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from feedback.models import Appeal, Review
from notices.models import Notice
from tests.factories import (
    MINIMAL_PDF,
    AppealFactory,
    NoticeFactory,
    ReviewFactory,
    ReviewPhotoFactory,
    UserFactory,
)
from venues.models import Venue

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_bytes(file) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


def photo_url(appeal, thumbnail=False) -> str:
    name = "feedback:appeal_thumbnail" if thumbnail else "feedback:appeal_photo"
    return reverse(name, args=[appeal.pk])


@pytest.fixture
def appeal(worker, venue_a):
    return AppealFactory(user=worker, venue=venue_a, with_photo=True)


@pytest.fixture
def hidden_photo(worker, venue_a):
    review = ReviewFactory(
        user=worker, venue=venue_a, state=Review.State.HIDDEN, hidden_reason="广告"
    )
    return ReviewPhotoFactory(review=review)


@pytest.fixture
def scheduled_notice(venue_a):
    return NoticeFactory(
        venue=venue_a,
        with_pdf=True,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )


# --- appeal photos --------------------------------------------------------------


@pytest.mark.parametrize("thumbnail", [False, True], ids=["photo", "thumbnail"])
def test_appeal_photo_is_a_404_to_anyone_but_its_owner_and_venue_managers(
    client, appeal, manager_b, thumbnail
):
    another_worker = UserFactory()
    for user in (None, another_worker, manager_b):
        assert get(client, user, photo_url(appeal, thumbnail)).status_code == 404, user


@pytest.mark.parametrize("thumbnail", [False, True], ids=["photo", "thumbnail"])
def test_owner_and_venue_manager_get_the_appeal_photo_bytes(
    client, appeal, worker, manager_a, thumbnail
):
    file = appeal.photo_thumbnail if thumbnail else appeal.photo
    for user in (worker, manager_a):
        response = get(client, user, photo_url(appeal, thumbnail))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert body(response) == stored_bytes(file)


def test_admin_gets_the_photos_of_the_appeals_the_console_shows(
    client, worker, venue_a, admin_user
):
    district = AppealFactory(user=worker, venue=None, with_photo=True)
    overdue = AppealFactory(
        user=worker,
        venue=venue_a,
        with_photo=True,
        accept_due=timezone.now() - datetime.timedelta(hours=1),
    )
    on_time = AppealFactory(user=worker, venue=venue_a, with_photo=True)
    for appeal in (district, overdue):
        response = get(client, admin_user, photo_url(appeal))
        assert response.status_code == 200
        assert body(response) == stored_bytes(appeal.photo)
    # Its venue's to handle: the console shows no page with it, so no photo.
    assert get(client, admin_user, photo_url(on_time)).status_code == 404


def test_an_appeal_without_photo_is_a_404(client, worker, venue_a):
    appeal = AppealFactory(user=worker, venue=venue_a)
    assert get(client, worker, photo_url(appeal)).status_code == 404


def test_a_lost_file_is_a_404(client, appeal, worker):
    storages["private"].delete(appeal.photo.name)
    assert get(client, worker, photo_url(appeal)).status_code == 404


def test_private_response_is_not_shared_cached_nor_sniffed(client, appeal, worker):
    response = get(client, worker, photo_url(appeal))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in cache_control and "public" not in cache_control
    assert response["X-Content-Type-Options"] == "nosniff"
    name = Path(appeal.photo.name).name
    assert response["Content-Disposition"] == f'inline; filename="{name}"'


# --- review photos --------------------------------------------------------------


def test_visible_review_photo_is_public(client, worker, venue_a):
    photo = ReviewPhotoFactory(review=ReviewFactory(user=worker, venue=venue_a))
    for name, file in (
        ("feedback:review_photo", photo.image),
        ("feedback:review_thumbnail", photo.thumbnail),
    ):
        response = get(client, None, reverse(name, args=[photo.pk]))
        assert response.status_code == 200
        assert body(response) == stored_bytes(file)


def test_hidden_review_photo_is_a_404_to_the_public(client, hidden_photo, manager_b):
    url = reverse("feedback:review_photo", args=[hidden_photo.pk])
    for user in (None, UserFactory(), manager_b):
        assert get(client, user, url).status_code == 404, user


def test_hidden_review_photo_to_its_author_venue_managers_and_admin(
    client, hidden_photo, worker, manager_a, admin_user
):
    url = reverse("feedback:review_thumbnail", args=[hidden_photo.pk])
    for user in (worker, manager_a, admin_user):
        response = get(client, user, url)
        assert response.status_code == 200, user
        assert body(response) == stored_bytes(hidden_photo.thumbnail)


def test_photo_of_a_suspended_venues_review_is_not_public(client, worker, venue_a):
    photo = ReviewPhotoFactory(review=ReviewFactory(user=worker, venue=venue_a))
    Venue.objects.filter(pk=venue_a.pk).update(status=Venue.Status.SUSPENDED)
    url = reverse("feedback:review_photo", args=[photo.pk])
    assert get(client, None, url).status_code == 404
    assert get(client, worker, url).status_code == 200  # still the author's


# --- notice attachments ---------------------------------------------------------


def test_unpublished_notice_attachment_is_a_404_to_the_public(
    client, scheduled_notice, manager_b
):
    url = reverse("notices:attachment", args=[scheduled_notice.pk])
    for user in (None, UserFactory(), manager_b):
        assert get(client, user, url).status_code == 404, user


def test_unpublished_notice_attachment_to_those_who_may_edit_it(
    client, scheduled_notice, manager_a, admin_user
):
    url = reverse("notices:attachment", args=[scheduled_notice.pk])
    edit = reverse("manage:notice_edit", args=[scheduled_notice.pk])
    assert url in get(client, manager_a, edit).text
    for user in (manager_a, admin_user):
        response = get(client, user, url)
        assert response.status_code == 200, user
        assert body(response) == MINIMAL_PDF
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''%E9%80%9A%E7%9F%A5%E5%8E%9F%E6%96%87.pdf"
        )


# --- behind nginx ---------------------------------------------------------------


def test_with_an_accel_prefix_nginx_sends_the_file(client, settings, appeal, worker):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    response = get(client, worker, photo_url(appeal))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{appeal.photo.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline;")


def test_with_an_accel_prefix_the_scope_still_decides(
    client, settings, appeal, hidden_photo, scheduled_notice
):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private"
    for url in (
        photo_url(appeal),
        reverse("feedback:review_photo", args=[hidden_photo.pk]),
        reverse("notices:attachment", args=[scheduled_notice.pk]),
    ):
        response = get(client, None, url)
        assert response.status_code == 404, url
        assert "X-Accel-Redirect" not in response


# --- not public any more ----------------------------------------------------------


def test_private_files_are_not_reachable_under_media(
    client, appeal, hidden_photo, scheduled_notice
):
    names = [
        appeal.photo.name,
        appeal.photo_thumbnail.name,
        hidden_photo.image.name,
        scheduled_notice.attachment.name,
    ]
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    for name in names:
        assert (private_root / name).is_file()
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
        assert client.get(reverse("media", args=[name])).status_code == 404
        # and no climbing out of MEDIA_ROOT into the private root next to it
        escape = reverse("media", args=[f"../{private_root.name}/{name}"])
        assert client.get(escape).status_code == 400


def test_a_private_file_has_no_url(appeal):
    with pytest.raises(ValueError, match="private"):
        appeal.photo.url  # noqa: B018


# --- files uploaded before ------------------------------------------------------


def migration(name: str):
    return importlib.import_module(name)


def test_the_migrations_move_existing_files_to_the_private_root(worker, venue_a):
    public, private = storages["default"], storages["private"]
    names = {
        "photo": public.save("appeals/old.jpg", ContentFile(b"photo")),
        "photo_thumbnail": public.save("appeals/old-t.jpg", ContentFile(b"thumb")),
    }
    appeal = AppealFactory(user=worker, venue=venue_a)
    Appeal.objects.filter(pk=appeal.pk).update(**names)
    pdf = public.save("notices/old.pdf", ContentFile(MINIMAL_PDF))
    notice = NoticeFactory()
    Notice.objects.filter(pk=notice.pk).update(attachment=pdf)

    forward = [
        migration("feedback.migrations.0003_private_photos").move("default", "private"),
        migration("notices.migrations.0002_private_attachments").move(
            "default", "private"
        ),
    ]
    for run in forward * 2:  # a second run finds nothing left to move
        run(apps, None)

    for name in (*names.values(), pdf):
        assert private.exists(name) and not public.exists(name)
    appeal.refresh_from_db()
    assert stored_bytes(appeal.photo) == b"photo"
    notice.refresh_from_db()
    assert stored_bytes(notice.attachment) == MINIMAL_PDF
