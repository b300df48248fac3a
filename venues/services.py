from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from qunxian.services import audit_record
from venues.models import Venue, VenueDailyStat


def _count(venue: Venue, field: str) -> None:
    today = timezone.localdate()
    updated = VenueDailyStat.objects.filter(venue=venue, date=today).update(
        **{field: F(field) + 1}
    )
    if updated:
        return
    try:
        with transaction.atomic():
            VenueDailyStat.objects.create(venue=venue, date=today, **{field: 1})
    except IntegrityError:  # another request created today's row first
        VenueDailyStat.objects.filter(venue=venue, date=today).update(
            **{field: F(field) + 1}
        )


def venue_count_view(*, venue: Venue) -> None:
    _count(venue, "views")


def venue_count_navigation(*, venue: Venue) -> None:
    _count(venue, "navigations")


@transaction.atomic
def venue_add_manager(*, venue: Venue, user, actor) -> None:
    venue.managers.add(user)
    audit_record(
        actor=actor, action="venue.add_manager", subject=venue, details=str(user)
    )


@transaction.atomic
def venue_remove_manager(*, venue: Venue, user, actor) -> None:
    venue.managers.remove(user)
    audit_record(
        actor=actor, action="venue.remove_manager", subject=venue, details=str(user)
    )
