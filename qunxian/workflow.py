"""State machines: the one way an object moves from one state to another.

A model with states declares them as `TextChoices` and its moves as a table
beside the docstring that explains them, action → (states it may leave, the
state it enters):

    TRANSITIONS = {
        "approve": ((State.PENDING,), State.APPROVED),
        "cancel": (ACTIVE, State.CANCELLED),
    }

(`STATE_FIELD = "status"` when the field is not called `state`.) A service
then calls `transition(booking, "approve", actor=..., reason=...)`: in one
transaction it locks the row, re-reads the state, refuses a wrong one, saves,
writes the event row (the `qunxian.models.Event` table pointing at the model,
if it has one) and the audit entry `<model>.<action>`.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from qunxian.models import Event, User
from qunxian.services import audit_record

M = TypeVar("M", bound=models.Model)


class Refused(ValidationError):
    """An action the rules do not allow now: `message` says why, `code` which rule.

    A ValidationError, so a form shows it as its error above the fields.
    `alternatives` are what the user could take instead, such as the nearest
    free slots when the one asked for was just taken.
    """

    def __init__(self, message, *, code: str = "refused", alternatives=()):
        super().__init__(message, code=code)
        self.alternatives = list(alternatives)


def transition(
    obj: M,
    action: str,
    *,
    actor: User | None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    check: Callable[[M], None] | None = None,
    audit: bool = True,
) -> M:
    """Move `obj` by `action` of its model's TRANSITIONS, and return it.

    `obj` itself is moved (what it has loaded stays loaded); only its state,
    `fields` and `auto_now` fields are saved. `check(obj)` runs under the lock,
    after the state is found right and before anything is written, for the
    service's own re-checks; it refuses by raising Refused. `previous_state`
    is set on it, for work that depends on where it came from (a confirmed
    sign-up frees a seat, a waiting one does not).

    Every person's step is audited; the system's (`actor` None: expiry, a
    waiting-list promotion) and, with `audit=False`, the steps that follow
    from another audited one (an activity's cancellation cancels its sign-ups)
    leave their event row only.
    """
    model = type(obj)
    sources, target = model.TRANSITIONS[action]
    state_field = getattr(model, "STATE_FIELD", "state")
    fields = fields or {}
    with transaction.atomic():
        # Lock late, then re-check: whoever got here first has already moved
        # the object, and the state read before the lock may be stale.
        current = (
            model._default_manager.select_for_update()
            .values_list(state_field, flat=True)
            .get(pk=obj.pk)
        )
        setattr(obj, state_field, current)
        if current not in sources:
            raise _wrong_state(obj, state_field, current, target)
        if check is not None:
            check(obj)
        setattr(obj, state_field, target)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save(update_fields=[state_field, *fields, *_auto_now(model)])
        record_event(
            obj, actor=actor, from_state=current, to_state=target, reason=reason
        )
        if audit and actor is not None:
            audit_record(
                actor=actor,
                action=f"{model._meta.model_name}.{action}",
                subject=obj,
                details=reason,
            )
    obj.previous_state = current
    return obj


def record_event(
    obj: models.Model,
    *,
    actor: User | None,
    to_state: str,
    from_state: str = "",
    reason: str = "",
) -> None:
    """A row in the object's event table, if its model has one; without a
    `from_state`, the first row of a new object."""
    relation = _event_relation(type(obj))
    if relation is not None:
        relation.related_model.objects.create(
            **{relation.field.name: obj},
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )


def _wrong_state(obj, state_field: str, current: str, target: str) -> Refused:
    labels = dict(obj._meta.get_field(state_field).choices)
    names = {
        "object": obj._meta.verbose_name,
        "state": labels.get(current, current),
        "to": labels.get(target, target),
    }
    if current == target:
        message = _("This %(object)s is already “%(state)s”.") % names
    else:
        message = (
            _("This %(object)s is already “%(state)s”; it cannot become “%(to)s”.")
            % names
        )
    return Refused(message, code="wrong_state")


@functools.cache
def _event_relation(model: type[models.Model]):
    for relation in model._meta.related_objects:
        if issubclass(relation.related_model, Event):
            return relation
    return None


@functools.cache
def _auto_now(model: type[models.Model]) -> tuple[str, ...]:
    # A save with update_fields touches `auto_now` fields only when named.
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False)
    )
