"""What the two handlers' ends share: an appeal's page and its three steps.

The manager end and the console differ only in the scope an appeal is looked
up in (a 404 outside it) and in the URLs they answer on; the page, the forms
and the calls into the services are the same.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from feedback import services
from feedback.forms import AppealCloseForm, AppealResolveForm
from feedback.models import Appeal, AppealEvent
from feedback.selectors import handling_order
from qunxian.sorting import Column, Sorting
from qunxian.workflow import Refused

State = Appeal.State

#: Without a `?sort=`, the handling order: overdue first, then the oldest.
APPEAL_COLUMNS = [
    Column(gettext_lazy("Feedback")),
    Column(gettext_lazy("Addressed to"), "venue", ("venue__name",)),
    Column(gettext_lazy("State"), "state", ("state",)),
    Column(gettext_lazy("Due")),
    Column(
        gettext_lazy("Submitted"), "submitted", ("created_at",), descending_first=True
    ),
]


def form_errors_as_messages(request, form) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


def with_timeline(appeals):
    return appeals.select_related("venue", "user").prefetch_related(
        Prefetch("events", queryset=AppealEvent.objects.select_related("actor"))
    )


class AppealQueueView(ListView):
    """An end's appeals, overdue first, filtered; `scope()` and
    `filterset_class` say which appeals and which filters."""

    context_object_name = "appeals"
    paginate_by = 50

    def get_queryset(self):
        now = timezone.now()
        appeals = handling_order(self.scope().select_related("venue", "user"), now)
        self.filterset = self.filterset_class(
            self.request.GET, queryset=appeals, request=self.request
        )
        self.sorting = Sorting(self.request, APPEAL_COLUMNS)
        if not self.filterset.is_valid():
            return appeals.none()
        return self.sorting.apply(self.filterset.qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, sorting=self.sorting, now=timezone.now(), **kwargs
        )


class AppealHandlingView(DetailView):
    """An appeal as its handler sees it; subclasses give the scope and the URLs."""

    context_object_name = "appeal"
    namespace = ""  # "manage" or "console"

    def scope(self):
        raise NotImplementedError

    def get_queryset(self):
        return with_timeline(self.scope())

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def get_context_data(self, **kwargs):
        appeal, now = self.object, timezone.now()
        return super().get_context_data(
            now=now,
            is_overdue=appeal.is_overdue(now),
            accept_late=appeal.state == State.SUBMITTED and appeal.accept_due < now,
            resolve_late=appeal.state in Appeal.OPEN and appeal.resolve_due < now,
            can_accept=appeal.state == State.SUBMITTED,
            can_resolve=appeal.state == State.ACCEPTED,
            can_close=appeal.state in Appeal.OPEN,
            accept_url=self.url("appeal_accept", appeal.pk),
            resolve_url=self.url("appeal_resolve", appeal.pk),
            close_url=self.url("appeal_close", appeal.pk),
            list_url=self.url("appeal_list"),
            resolve_form=AppealResolveForm(),
            close_form=AppealCloseForm(),
            **kwargs,
        )


def _step(request, act, appeal: Appeal, done: str, **kwargs) -> bool:
    try:
        appeal = act(appeal=appeal, actor=request.user, **kwargs)
    except Refused as refused:
        messages.error(request, refused.message)
        return False
    messages.success(request, done % {"appeal": appeal})
    return True


def accept(request, appeal: Appeal) -> bool:
    return _step(
        request,
        services.appeal_accept,
        appeal,
        _("Accepted: %(appeal)s. The submitter was told."),
    )


def resolve(request, appeal: Appeal) -> bool:
    form = AppealResolveForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return False
    return _step(
        request,
        services.appeal_resolve,
        appeal,
        _("Resolved: %(appeal)s. The submitter was sent your reply."),
        reply=form.cleaned_data["reply"],
    )


def close(request, appeal: Appeal) -> bool:
    form = AppealCloseForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return False
    return _step(
        request,
        services.appeal_close,
        appeal,
        _("Closed: %(appeal)s. The submitter was told the reason."),
        reason=form.cleaned_data["reason"],
    )
