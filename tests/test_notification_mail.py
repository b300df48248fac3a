"""notify() queues e-mail for people with an address, except inside
notification_mail_muted() (the demo's writes)."""

from qunxian.models import Delivery, NotificationKind
from qunxian.services import notification_mail_muted, notify
from tests.factories import UserFactory


def test_muted_notifications_reach_the_inbox_but_queue_no_mail(db):
    user = UserFactory(email="li@example.org")
    with notification_mail_muted():
        notify(user=user, kind=NotificationKind.BOOKING, title="Booking confirmed")
    assert user.notifications.count() == 1
    assert not Delivery.objects.exists()

    notify(user=user, kind=NotificationKind.BOOKING, title="Booking confirmed")
    assert user.notifications.count() == 2
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]
