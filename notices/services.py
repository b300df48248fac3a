"""Writes for notices and policies: create, update, delete."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.attachments import CheckedPdf, check_pdf
from notices.html import plain_text, sanitize_html
from notices.models import Notice
from qunxian.models import User
from qunxian.services import audit_record
from venues.images import Upload
from venues.models import Organization, Venue
from venues.permissions import check_organization_scope, check_scope


def _fill(
    notice: Notice,
    *,
    kind: str,
    title: str,
    body: str,
    topic: str,
    organization: Organization | None,
    venue: Venue | None,
    published_at: datetime.datetime,
    pinned: bool,
) -> None:
    """Set the fields on `notice` (unsaved) or refuse with errors by field."""
    errors: dict[str, list[str]] = {}
    if venue is not None:
        if organization is not None and organization.pk != venue.organization_id:
            errors.setdefault("organization", []).append(
                _("A venue's notice is published by the venue's own organisation.")
            )
        organization = venue.organization
    if organization is None:
        errors.setdefault("organization", []).append(
            _("Choose the publishing organisation.")
        )
    if kind == Notice.Kind.POLICY and topic not in Notice.Topic.values:
        errors.setdefault("topic", []).append(_("Choose the policy's topic."))
    if kind == Notice.Kind.NOTICE:
        topic = ""  # topics group policies only
    clean_body = sanitize_html(body)
    text = plain_text(clean_body)
    if not text:
        errors.setdefault("body", []).append(
            _("The text is empty once unsupported formatting is removed.")
        )
    if published_at is None or timezone.is_naive(published_at):
        errors.setdefault("published_at", []).append(
            _("Enter the date and time of publication.")
        )
    if errors:
        raise ValidationError(errors)

    notice.kind = kind
    notice.title = title.strip()
    notice.body = clean_body
    notice.body_text = text
    notice.topic = topic
    notice.organization = organization
    notice.venue = venue
    notice.published_at = published_at
    notice.pinned = pinned
    # Choices, lengths and blanks, without a query: the relations are set above.
    notice.clean_fields(
        exclude=["organization", "venue", "author", "attachment", "body_text"]
    )


def _store(notice: Notice, pdf: CheckedPdf) -> None:
    notice.attachment.save(pdf.file.name, pdf.file, save=False)
    notice.attachment_name = pdf.display_name


def _delete_later(storage: Storage, name: str) -> None:
    # Only once the change is surely committed: a rollback must not leave a
    # row pointing at a file already removed.
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _check_notice_scope(
    actor: User, venue: Venue | None, organization: Organization | None
) -> None:
    """A venue's notice is its managers' and its console's; one of no venue is
    its organisation's console's (an organisation admin's, or the district's)."""
    if venue is not None:
        check_scope(actor, venue)
    else:
        check_organization_scope(actor, organization)


@transaction.atomic
def notice_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str,
    organization: Organization | None = None,
    venue: Venue | None = None,
    topic: str = "",
    published_at: datetime.datetime | None = None,
    pinned: bool = False,
    attachment: Upload | None = None,
) -> Notice:
    """Publish now, or at `published_at` when it lies ahead (hidden until then).

    With a `venue`, the notice is that venue's and its organisation is the
    venue's; without one it is district-wide, which only the console publishes:
    a system admin, or an admin of the publishing organisation.
    """
    _check_notice_scope(actor, venue, organization)
    notice = Notice(author=actor)
    _fill(
        notice,
        kind=kind,
        title=title,
        body=body,
        topic=topic,
        organization=organization,
        venue=venue,
        published_at=published_at or timezone.now(),
        pinned=pinned,
    )
    # Checked before anything is written, so a refusal stores nothing.
    pdf = _checked_attachment(attachment)
    try:
        if pdf:
            _store(notice, pdf)
        notice.save()
        audit_record(actor=actor, action="notice.create", subject=notice)
    except Exception:
        # The file is written outside the transaction: take it back by hand.
        if notice.attachment.name:
            notice.attachment.storage.delete(notice.attachment.name)
        raise
    return notice


@transaction.atomic
def notice_update(
    *,
    notice: Notice,
    actor: User,
    kind: str,
    title: str,
    body: str,
    topic: str,
    organization: Organization | None,
    venue: Venue | None,
    published_at: datetime.datetime,
    pinned: bool,
    attachment: Upload | None = None,
    remove_attachment: bool = False,
) -> Notice:
    """Edit in place; a new attachment replaces the old, which is then deleted."""
    _check_notice_scope(actor, notice.venue, notice.organization)
    _check_notice_scope(actor, venue, organization)
    # Locked so that two editors replacing the attachment at once each delete
    # the file the other's row no longer points at, and never one still in use.
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _fill(
        notice,
        kind=kind,
        title=title,
        body=body,
        topic=topic,
        organization=organization,
        venue=venue,
        published_at=published_at,
        pinned=pinned,
    )
    pdf = _checked_attachment(attachment)
    storage, old_name = notice.attachment.storage, notice.attachment.name
    try:
        if pdf:
            _store(notice, pdf)
        elif remove_attachment:
            notice.attachment = ""
            notice.attachment_name = ""
        notice.save()
        audit_record(actor=actor, action="notice.update", subject=notice)
    except Exception:
        if pdf and notice.attachment.name != old_name:
            storage.delete(notice.attachment.name)
        raise
    if old_name and notice.attachment.name != old_name:
        _delete_later(storage, old_name)
    return notice


@transaction.atomic
def notice_delete(*, notice: Notice, actor: User) -> None:
    _check_notice_scope(actor, notice.venue, notice.organization)
    audit_record(
        actor=actor, action="notice.delete", subject=notice, details=notice.kind
    )
    storage, name = notice.attachment.storage, notice.attachment.name
    notice.delete()
    _delete_later(storage, name)


def _checked_attachment(upload: Upload | None) -> CheckedPdf | None:
    if not upload:
        return None
    try:
        return check_pdf(upload)
    except ValidationError as error:
        raise ValidationError({"attachment": error.error_list}) from error
