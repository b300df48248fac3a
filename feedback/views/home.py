from django.db.models import Count, Q, Sum
from django.views.generic import TemplateView

from bookings.models import Booking
from venues.models import Organization, Venue, VenueDailyStat


class HomeView(TemplateView):
    """The user end's front door: district totals and the ways in."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        published = Venue.objects.published()
        reviews = published.aggregate(
            count=Sum("review_count"), good=Sum("good_review_count")
        )
        return super().get_context_data(
            venue_count=published.count(),
            visit_count=VenueDailyStat.objects.filter(venue__in=published).aggregate(
                total=Sum("views")
            )["total"]
            or 0,
            booking_count=Booking.objects.filter(
                state__in=[Booking.State.APPROVED, Booking.State.ATTENDED]
            ).count(),
            good_review_share=round(100 * reviews["good"] / reviews["count"])
            if reviews["count"]
            else None,
            kinds=[
                {**row, "label": Organization.Kind(row["kind"]).label}
                for row in Organization.objects.values("kind")
                .annotate(venues=Count("venues", filter=Q(venues__in=published)))
                .order_by("kind")
            ],
            **kwargs,
        )
