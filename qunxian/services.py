from django.contrib.auth.models import Group
from django.db import models, transaction

from qunxian.models import AuditEntry, User
from qunxian.roles import SYSTEM_ADMIN_GROUP


def audit_record(
    *, actor: User | None, action: str, subject: models.Model, details: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        subject_label=str(subject)[:200],
        details=details,
    )


@transaction.atomic
def user_make_admin(*, user: User, actor: User | None) -> None:
    group, _created = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    user.groups.add(group)
    audit_record(actor=actor, action="user.make_admin", subject=user)
