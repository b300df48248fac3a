from django.db.models import Count, Q
from django.views.generic import TemplateView

from qunxian.models import User
from qunxian.roles import AdminRequiredMixin
from venues.models import Organization, Venue


class DashboardView(AdminRequiredMixin, TemplateView):
    """The district at a glance: venues by organisation, and who runs them."""

    template_name = "console/home.html"

    def get_context_data(self, **kwargs):
        active = Q(venues__status=Venue.Status.ACTIVE)
        suspended = Q(venues__status=Venue.Status.SUSPENDED)
        organizations = Organization.objects.annotate(
            active_count=Count("venues", filter=active),
            suspended_count=Count("venues", filter=suspended),
        ).order_by("kind", "name")
        return super().get_context_data(
            organizations=organizations,
            venue_count=Venue.objects.count(),
            manager_count=User.objects.filter(managed_venues__isnull=False)
            .distinct()
            .count(),
            unmanaged_count=Venue.objects.filter(managers__isnull=True).count(),
            **kwargs,
        )
