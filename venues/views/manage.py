from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.views.generic import ListView

from qunxian.roles import ManagerRequiredMixin
from venues.permissions import managed_venues


class DashboardView(ManagerRequiredMixin, ListView):
    """The manager's home: the venues they run, with last month's traffic."""

    template_name = "manage/home.html"
    context_object_name = "venues"

    def get_queryset(self):
        since = timezone.localdate() - timedelta(days=30)
        recent = Q(daily_stats__date__gte=since)
        return (
            managed_venues(self.request.user)
            .select_related("organization", "town")
            .annotate(
                views_30d=Sum("daily_stats__views", filter=recent, default=0),
                navigations_30d=Sum(
                    "daily_stats__navigations", filter=recent, default=0
                ),
                space_count=Count("spaces", distinct=True),
            )
        )
