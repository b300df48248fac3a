"""The notice services: what they write, and every refusal."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from notices.attachments import MAX_ATTACHMENT_BYTES
from notices.models import Notice
from notices.services import notice_create, notice_delete, notice_update
from qunxian.models import AuditEntry
from qunxian.workflow import Refused
from tests.factories import MINIMAL_PDF, NoticeFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=False)


def media_files() -> set[Path]:
    """Every uploaded file, public or private."""
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return {p for root in roots for p in root.rglob("*") if p.is_file()}


def pdf(name="通知.pdf", data=MINIMAL_PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def create(actor, **overrides):
    kwargs = {
        "actor": actor,
        "kind": Notice.Kind.NOTICE,
        "title": "关于开展夏季送清凉活动的通知",
        "body": "<p>各基层工会：</p>",
        **overrides,
    }
    return notice_create(**kwargs)


def update_kwargs(notice, **overrides):
    return {
        "notice": notice,
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "topic": notice.topic,
        "organization": notice.organization,
        "venue": notice.venue,
        "published_at": notice.published_at,
        "pinned": notice.pinned,
        **overrides,
    }


# --- sanitising on save --------------------------------------------------------


def test_create_sanitises_the_body_and_keeps_its_text(admin_user):
    notice = create(
        admin_user,
        organization=OrganizationFactory(),
        body='<p onclick="x()">报名<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">链接</a>',
    )
    notice.refresh_from_db()
    assert notice.body == '<p>报名</p><a rel="noopener noreferrer">链接</a>'
    assert notice.body_text == "报名 链接"
    assert AuditEntry.objects.filter(
        action="notice.create", subject_type="notice", subject_id=notice.pk
    ).exists()


def test_update_sanitises_the_body(admin_user):
    notice = create(admin_user, organization=OrganizationFactory())
    notice_update(
        actor=admin_user,
        **update_kwargs(notice, body='<p>新<img src=x onerror="alert(1)"></p>'),
    )
    notice.refresh_from_db()
    assert notice.body == "<p>新</p>"


def test_a_body_with_nothing_left_is_refused(admin_user):
    with pytest.raises(ValidationError) as caught:
        create(
            admin_user,
            organization=OrganizationFactory(),
            body="<script>alert(1)</script>",
        )
    assert "body" in caught.value.error_dict
    assert not Notice.objects.exists()


# --- attachments ---------------------------------------------------------------


def test_a_real_pdf_is_stored_under_a_random_name(admin_user):
    notice = create(admin_user, organization=OrganizationFactory(), attachment=pdf())
    notice.refresh_from_db()
    assert notice.attachment_name == "通知.pdf"
    stored = Path(notice.attachment.path)
    assert stored.read_bytes() == MINIMAL_PDF
    assert stored.parent == Path(settings.PRIVATE_MEDIA_ROOT) / "notices"
    assert len(stored.stem) == 32 and "通知" not in stored.name
    assert media_files() == {stored}


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (lambda: pdf("scan.pdf", png_bytes()), "not_pdf"),
        (lambda: pdf("通知.docx"), "not_pdf_name"),
        (lambda: pdf("通知.pdf.exe"), "not_pdf_name"),
        (lambda: pdf("通知"), "not_pdf_name"),
        (
            lambda: pdf("huge.pdf", MINIMAL_PDF.ljust(MAX_ATTACHMENT_BYTES + 1)),
            "file_too_large",
        ),
        (lambda: pdf("empty.pdf", b""), "not_pdf"),
    ],
    ids=["png-renamed", "docx", "double-extension", "no-extension", "11MB", "empty"],
)
def test_a_bad_attachment_is_refused_and_nothing_is_stored(admin_user, upload, code):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, organization=OrganizationFactory(), attachment=upload())
    assert [e.code for e in caught.value.error_dict["attachment"]] == [code]
    assert not Notice.objects.exists()
    assert not AuditEntry.objects.exists()
    assert media_files() == set()


def test_a_file_whose_size_lies_is_still_refused(admin_user):
    upload = pdf("big.pdf", MINIMAL_PDF.ljust(MAX_ATTACHMENT_BYTES + 10))
    upload.size = 100
    with pytest.raises(ValidationError):
        create(admin_user, organization=OrganizationFactory(), attachment=upload)
    assert media_files() == set()


def test_exactly_ten_megabytes_is_accepted(admin_user):
    upload = pdf("big.pdf", MINIMAL_PDF.ljust(MAX_ATTACHMENT_BYTES))
    notice = create(admin_user, organization=OrganizationFactory(), attachment=upload)
    assert notice.attachment.size == MAX_ATTACHMENT_BYTES


def test_replacing_an_attachment_deletes_the_old_file_after_commit(
    admin_user, django_capture_on_commit_callbacks
):
    notice = create(admin_user, organization=OrganizationFactory(), attachment=pdf())
    old = Path(notice.attachment.path)
    with django_capture_on_commit_callbacks(execute=True):
        notice_update(
            actor=admin_user, **update_kwargs(notice, attachment=pdf("新版.pdf"))
        )
    notice.refresh_from_db()
    assert notice.attachment_name == "新版.pdf"
    assert not old.exists()
    assert media_files() == {Path(notice.attachment.path)}


def test_a_refused_replacement_keeps_the_old_attachment(admin_user):
    notice = create(admin_user, organization=OrganizationFactory(), attachment=pdf())
    before = media_files()
    with pytest.raises(ValidationError):
        notice_update(
            actor=admin_user,
            **update_kwargs(notice, attachment=pdf("x.pdf", png_bytes())),
        )
    notice.refresh_from_db()
    assert notice.attachment_name == "通知.pdf"
    assert media_files() == before


def test_removing_the_attachment(admin_user, django_capture_on_commit_callbacks):
    notice = create(admin_user, organization=OrganizationFactory(), attachment=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        notice_update(actor=admin_user, **update_kwargs(notice, remove_attachment=True))
    notice.refresh_from_db()
    assert not notice.attachment
    assert notice.attachment_name == ""
    assert media_files() == set()


def test_delete_removes_the_row_and_the_file(
    admin_user, django_capture_on_commit_callbacks
):
    notice = create(admin_user, organization=OrganizationFactory(), attachment=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        notice_delete(notice=notice, actor=admin_user)
    assert not Notice.objects.exists()
    assert media_files() == set()
    assert AuditEntry.objects.filter(action="notice.delete").exists()


# --- scope, organisation, topics ---------------------------------------------


def test_a_venue_notice_takes_the_venue_organisation(manager_a, venue_a):
    notice = create(manager_a, venue=venue_a)
    assert notice.organization == venue_a.organization
    assert notice.author == manager_a


def test_a_venue_notice_of_another_organisation_is_refused(
    admin_user, venue_a, youth_league
):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, venue=venue_a, organization=youth_league)
    assert "organization" in caught.value.error_dict


def test_a_manager_cannot_publish_district_wide(manager_a):
    with pytest.raises(Refused) as refused:
        create(manager_a, organization=OrganizationFactory())
    assert refused.value.code == "out_of_scope"
    assert not Notice.objects.exists()


def test_a_manager_cannot_publish_for_another_venue(manager_a, venue_b):
    with pytest.raises(Refused) as refused:
        create(manager_a, venue=venue_b)
    assert refused.value.code == "out_of_scope"
    assert not Notice.objects.exists()


def test_a_manager_cannot_move_a_notice_to_another_venue(manager_a, venue_a, venue_b):
    notice = create(manager_a, venue=venue_a)
    with pytest.raises(Refused) as refused:
        notice_update(actor=manager_a, **update_kwargs(notice, venue=venue_b))
    assert refused.value.code == "out_of_scope"
    notice.refresh_from_db()
    assert notice.venue == venue_a


def test_a_policy_needs_a_topic(admin_user):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, organization=OrganizationFactory(), kind="policy")
    assert "topic" in caught.value.error_dict


def test_a_notice_drops_a_topic(admin_user):
    notice = create(admin_user, organization=OrganizationFactory(), topic="youth")
    assert notice.topic == ""


def test_the_database_refuses_a_policy_without_topic(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeFactory(kind="policy", topic="")


# --- scheduling --------------------------------------------------------------


def test_a_scheduled_notice_is_hidden_until_its_time(admin_user):
    later = timezone.now() + datetime.timedelta(days=1)
    notice = create(admin_user, organization=OrganizationFactory(), published_at=later)
    assert notice.is_scheduled
    assert not Notice.objects.published().filter(pk=notice.pk).exists()
    Notice.objects.filter(pk=notice.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Notice.objects.published().filter(pk=notice.pk).exists()


def test_a_suspended_venue_notice_is_hidden(venue_a):
    notice = NoticeFactory(venue=venue_a)
    venue_a.status = venue_a.Status.SUSPENDED
    venue_a.save(update_fields=["status"])
    assert not Notice.objects.published().filter(pk=notice.pk).exists()


def test_ordering_is_pinned_first_then_newest(db):
    now = timezone.now()
    old_pinned = NoticeFactory(pinned=True, published_at=now - datetime.timedelta(9))
    new = NoticeFactory(published_at=now - datetime.timedelta(1))
    older = NoticeFactory(published_at=now - datetime.timedelta(5))
    assert list(Notice.objects.published()) == [old_pinned, new, older]
