"""notify() e-mails people with an address, except inside notification_mail_muted()."""

from django.core import mail

from qunxian.services import notification_mail_muted, notify
from tests.factories import UserFactory


def test_muted_notifications_reach_the_inbox_but_send_no_mail(
    db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="li@example.org")
    # The commit comes after the muted block, as when a caller's transaction ends.
    with django_capture_on_commit_callbacks(execute=True):
        with notification_mail_muted():
            notify(user=user, title="预约已确认")
        assert user.notifications.count() == 1
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="预约已通过")
    assert [m.to for m in mail.outbox] == [["li@example.org"]]
