from feedback.views.home import HomeView as FeedbackHomeView
from notices.models import Notice

HOME_NOTICE_COUNT = 3


class HomeView(FeedbackHomeView):
    """The user home, plus the newest notices (feedback cannot import notices)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_notices=Notice.objects.published()
            .notices()
            .select_related("organization", "venue")
            .defer("body", "body_text")
            .order_by("-published_at", "-id")[:HOME_NOTICE_COUNT],
            **kwargs,
        )
