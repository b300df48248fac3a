"""The user end: notices, policies by topic, one notice, its attachment."""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from notices.filters import NoticeFilter
from notices.models import Notice
from notices.permissions import readable_notices
from qunxian.pagination import page_number, page_of, pager
from qunxian.private_media import serve_private
from venues.models import Venue

PAGE_SIZE = 20
# On the venue's page: the latest few, then a link to all of them.
VENUE_PAGE_NOTICES = 3
# Policies come on one page, grouped; past this many, searching narrows them.
POLICY_LIMIT = 300


def listed(queryset):
    """What a list item shows, in one query."""
    return queryset.select_related("organization", "venue").defer(
        "body", "attachment_name"
    )


class NoticeListView(TemplateView):
    """通知: newest first, pinned ones on top; search and organisation filter."""

    template_name = "notices/notice_list.html"

    def get_context_data(self, **kwargs):
        filterset = NoticeFilter(
            self.request.GET, queryset=Notice.objects.published().notices()
        )
        page = page_number(self.request)
        notices, has_next = [], False
        if filterset.is_valid():
            notices, has_next = page_of(listed(filterset.qs), page, PAGE_SIZE)
        return super().get_context_data(
            filter=filterset,
            notices=notices,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class VenueNoticesView(TemplateView):
    """A venue's own notices and policies: on its page through htmx (nothing
    when it has none), a page of its own without JS."""

    def get_template_names(self):
        if self.request.htmx:
            return ["notices/partials/venue_notices.html"]
        return ["notices/venue_notices.html"]

    def get_context_data(self, **kwargs):
        venue = get_object_or_404(Venue.objects.published(), pk=self.kwargs["venue_id"])
        size = VENUE_PAGE_NOTICES if self.request.htmx else PAGE_SIZE
        page = 1 if self.request.htmx else page_number(self.request)
        notices, has_next = page_of(
            listed(Notice.objects.published().filter(venue=venue)), page, size
        )
        return super().get_context_data(
            venue=venue,
            notices=notices,
            more=has_next,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class PolicyListView(TemplateView):
    """政策法规: every published policy, grouped by topic in the topics' order."""

    template_name = "notices/policy_list.html"

    def get_context_data(self, **kwargs):
        filterset = NoticeFilter(
            self.request.GET, queryset=Notice.objects.published().policies()
        )
        rows = []
        if filterset.is_valid():
            rows = list(listed(filterset.qs)[: POLICY_LIMIT + 1])
        by_topic = {topic: [] for topic in Notice.Topic}
        for policy in rows[:POLICY_LIMIT]:
            by_topic[Notice.Topic(policy.topic)].append(policy)
        return super().get_context_data(
            filter=filterset,
            groups=[
                {"topic": topic, "policies": policies}
                for topic, policies in by_topic.items()
                if policies
            ],
            truncated=len(rows) > POLICY_LIMIT,
            **kwargs,
        )


class NoticeDetailView(DetailView):
    template_name = "notices/notice_detail.html"
    context_object_name = "notice"

    def get_queryset(self):
        return Notice.objects.published().select_related("organization", "venue")


@require_safe
def attachment(request, pk):
    """The PDF, as a download named as uploaded: to anyone once the notice is
    out, and before that to those who may edit it.

    Sent as an attachment rather than shown inline: an uploaded PDF is not ours
    to render on our own origin.
    """
    notice = get_object_or_404(readable_notices(request.user), pk=pk)
    return serve_private(
        notice.attachment,
        as_attachment=True,
        filename=notice.attachment_name or "attachment.pdf",
        content_type="application/pdf",
    )
