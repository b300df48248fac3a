"""Notices (通知) and policy documents (政策法规).

A notice is district-wide (venue empty, published from the console) or belongs
to one venue (published by its managers; its organisation is the venue's). A
`published_at` in the future schedules it: it stays hidden until then.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunxian.private_media import private_storage
from venues.models import Organization, Venue


class NoticeQuerySet(models.QuerySet):
    def published(self):
        """What users see: due, and not from a suspended venue."""
        return self.filter(published_at__lte=timezone.now()).filter(
            Q(venue__isnull=True) | Q(venue__status=Venue.Status.ACTIVE)
        )

    def notices(self):
        return self.filter(kind=Notice.Kind.NOTICE)

    def policies(self):
        return self.filter(kind=Notice.Kind.POLICY)

    def district_wide(self):
        return self.filter(venue__isnull=True)


def attachment_path(notice, filename):
    # `filename` is already random (notices.attachments); the upload's own name
    # is kept in `attachment_name` for display only.
    return f"notices/{filename}"


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        POLICY = "policy", _("Policy or regulation")

    class Topic(models.TextChoices):
        """The topics policies are grouped by, in the order they are shown."""

        LABOUR = "labour", _("Labour protection")
        YOUTH = "youth", _("Youth development")
        WOMEN_CHILDREN = "women_children", _("Rights of women and children")
        SCIENCE = "science", _("Science popularisation")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Sanitised HTML (notices.html), written only by the services.
    body = models.TextField(_("text"))
    # The body as plain text, for search and excerpts; kept by the services.
    body_text = models.TextField(editable=False, default="")
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("publishing organisation"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("venue"),
    )
    attachment = models.FileField(
        _("PDF attachment"),
        upload_to=attachment_path,
        # Private until published: served by notices:attachment only.
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    attachment_name = models.CharField(
        _("attachment file name"), max_length=100, blank=True
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    pinned = models.BooleanField(_("pinned"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(
                fields=["kind", "-pinned", "-published_at"], name="notice_kind_order"
            ),
            models.Index(fields=["venue", "-published_at"], name="notice_venue"),
        ]
        constraints = [
            # A policy is filed under a topic; a notice has none.
            models.CheckConstraint(
                condition=(Q(kind="notice") & Q(topic=""))
                | (Q(kind="policy") & ~Q(topic="")),
                name="notice_topic_only_for_policies",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["notice", "policy"]), name="notice_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notices:detail", args=[self.pk])

    @property
    def is_scheduled(self) -> bool:
        return self.published_at > timezone.now()
