from django.core.management import call_command

from bookings.models import Booking
from bookings.services import seat_drift
from feedback.models import Appeal, IndexSnapshot, Review
from feedback.periods import last_complete_month
from qunxian.models import User


def counts():
    return (
        Booking.objects.count(),
        Review.objects.count(),
        Appeal.objects.count(),
        IndexSnapshot.objects.count(),
    )


def test_demo_activity_is_idempotent_and_gives_every_end_work(db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert seat_drift() == []
    manager = User.objects.get(username="manager")
    managed = manager.managed_venues.all()
    assert Booking.objects.filter(
        state=Booking.State.PENDING, space__venue__in=managed
    ).exists()
    assert Appeal.objects.overdue().filter(venue__in=managed).exists()
    assert Appeal.objects.filter(venue__isnull=True).exists()
    assert IndexSnapshot.objects.filter(period=last_complete_month()).count() == 47
    assert Review.objects.filter(user__username="worker").exists() or first[1] > 0
