"""The fast track: a CSV of numbers from partner data, kept as keyed hashes;
applications from a listed number are marked and can be approved in bulk."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from membership.models import FastTrackEntry, FastTrackList, Membership
from membership.phones import normalised_phone, phone_digest
from membership.services import application_submit, fast_track_import
from qunxian.models import AuditEntry
from tests.factories import OrganizationFactory, TownFactory, UserFactory
from tests.membership.factories import ApplicationFactory

LISTED = "13912345678"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def csv_file(text: str, name="list.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, file, *, source="换电数据 2026-11", day=None):
    return client.post(
        reverse("console:fast_track_upload"),
        {
            "source": source,
            "identified_on": (day or timezone.localdate()).isoformat(),
            "file": file,
        },
    )


def test_numbers_are_normalised_before_hashing():
    assert normalised_phone("+86 139-1234-5678") == LISTED
    assert normalised_phone("0086 13912345678") == LISTED
    assert phone_digest(LISTED) != phone_digest("13912345679")


def test_upload_previews_each_rows_error_and_keeps_nothing_until_confirmed(
    client, admin_user
):
    client.force_login(admin_user)
    body = "手机号\n139 1234 5678\n12345\n+8613912345678\n13800000001\n"
    response = upload(client, csv_file(body, encoding="gb18030"))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "Not an 11-digit mainland mobile number." in page
    assert "The same number as row 2." in page
    assert "139****5678" in page and LISTED not in page
    assert not FastTrackList.objects.exists()

    confirm = reverse(
        "console:fast_track_confirm", args=[response["Location"].split("/")[-2]]
    )
    done = client.post(confirm, follow=True)
    assert "2 numbers are on the fast track" in " ".join(texts(done))
    fast_track = FastTrackList.objects.get()
    assert fast_track.source == "换电数据 2026-11"
    assert fast_track.entry_count == 2
    digests = set(FastTrackEntry.objects.values_list("phone_digest", flat=True))
    assert digests == {phone_digest(LISTED), phone_digest("13800000001")}
    assert AuditEntry.objects.filter(action="fasttracklist.import").exists()
    # The token was used: a second confirm finds nothing.
    client.post(confirm)
    assert FastTrackList.objects.count() == 1


@pytest.mark.parametrize(
    "file, error",
    [
        (csv_file("13912345678", name="list.xlsx"), "Upload a CSV file (.csv)."),
        (csv_file("\x00\x01binary"), "This file is not a CSV text file."),
        (csv_file("手机号\n\n"), "The file lists no mobile number."),
    ],
)
def test_a_file_that_is_not_a_list_is_refused(client, admin_user, file, error):
    client.force_login(admin_user)
    response = upload(client, file)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not FastTrackList.objects.exists()


def test_a_date_in_the_future_is_refused(client, admin_user):
    client.force_login(admin_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = upload(client, csv_file(LISTED), day=tomorrow)
    assert response.status_code == 200
    assert not FastTrackList.objects.exists()


def test_another_admins_token_finds_nothing(client, admin_user):
    from tests.factories import AdminFactory

    client.force_login(admin_user)
    token = upload(client, csv_file(LISTED))["Location"].split("/")[-2]
    client.force_login(AdminFactory())
    client.post(reverse("console:fast_track_confirm", args=[token]))
    assert not FastTrackList.objects.exists()


def test_an_application_from_a_listed_number_is_on_the_fast_track(admin_user):
    OrganizationFactory()
    fast_track_import(
        actor=admin_user,
        source="换电数据",
        identified_on=timezone.localdate(),
        digests=[phone_digest(LISTED)],
    )
    listed = UserFactory(phone=LISTED)
    other = UserFactory()
    fields = {
        "venue": None,
        "name": "骑手",
        "employer": "eleme",
        "employer_name": "",
        "occupation": "rider",
        "town": TownFactory(),
        "consent": True,
    }
    assert application_submit(user=listed, **fields).fast_track
    assert not application_submit(user=other, **fields).fast_track


def test_an_expired_list_marks_nothing(admin_user, settings):
    settings.MEMBERSHIP_FAST_TRACK_DAYS = 30
    fast_track = fast_track_import(
        actor=admin_user,
        source="换电数据",
        identified_on=timezone.localdate() - datetime.timedelta(days=30),
        digests=[phone_digest(LISTED)],
    )
    assert fast_track.is_current()
    FastTrackList.objects.update(
        expires_on=timezone.localdate() - datetime.timedelta(1)
    )
    from membership.services import current_fast_track_list

    assert current_fast_track_list(phone_digest(LISTED)) is None


def test_open_applications_join_the_fast_track_when_their_list_arrives(admin_user):
    waiting = ApplicationFactory(user=UserFactory(phone=LISTED))
    fast_track_import(
        actor=admin_user,
        source="换电数据",
        identified_on=timezone.localdate(),
        digests=[phone_digest(LISTED)],
    )
    waiting.refresh_from_db()
    assert waiting.fast_track


def test_bulk_approval_approves_the_ticked_fast_track_ones_only(
    client, manager_a, venue_a, admin_user
):
    fast_track = fast_track_import(
        actor=admin_user,
        source="换电数据",
        identified_on=timezone.localdate(),
        digests=["x"],
    )
    listed = ApplicationFactory.create_batch(
        3, venue=venue_a, fast_track_list=fast_track
    )
    ordinary = ApplicationFactory(venue=venue_a)
    elsewhere = ApplicationFactory(fast_track_list=fast_track)  # not my venue's
    client.force_login(manager_a)
    queue = client.get(reverse("manage:membership_queue") + "?fast_track=on")
    assert ordinary.name not in queue.content.decode()
    response = client.post(
        reverse("manage:membership_bulk_approve"),
        {"applications": [a.pk for a in listed] + [ordinary.pk]},
        follow=True,
    )
    messages = " ".join(texts(response))
    assert "3 applications were approved." in messages
    assert "not on the fast track" in messages
    numbers = sorted(Membership.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    client.post(
        reverse("manage:membership_bulk_approve"), {"applications": [elsewhere.pk]}
    )
    elsewhere.refresh_from_db()
    assert elsewhere.state == "submitted"
