"""What the two reviewers' ends share: the queue, an application's page and
its steps.

The manager end and the console differ in the scope an application is found
in (a 404 outside it), the queue they start from and their URLs; the pages,
forms and calls into the services are the same.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, TemplateView

from membership import services
from membership.forms import BulkApproveForm, QuestionForm, QueueFilterForm, RejectForm
from membership.models import MembershipApplication
from qunxian.http import redirect_back
from qunxian.pagination import page_number, page_of, pager

PAGE_SIZE = 50
State = MembershipApplication.State


class QueueView(TemplateView):
    """Applications to answer, overdue first; `queue()` says which."""

    namespace = ""  # "manage" or "console"
    template_name = "membership/handling/queue.html"
    layout = ""

    def queue(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        now = timezone.now()
        form = QueueFilterForm(self.request.GET or {"state": ""})
        applications = MembershipApplication.objects.none()
        if form.is_valid():
            applications = form.filter(self.queue())
        page = page_number(self.request)
        rows, has_next = page_of(
            applications.select_related(
                "union", "venue", "town", "fast_track_list", "follower"
            ).handling_order(now),
            page,
            PAGE_SIZE,
        )
        return super().get_context_data(
            layout=self.layout,
            namespace=self.namespace,
            filter_form=form,
            applications=rows,
            bulk_ready=any(row.fast_track and row.is_waiting for row in rows),
            now=now,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class HandlingView(DetailView):
    namespace = ""
    template_name = "membership/handling/application.html"
    context_object_name = "application"
    layout = ""

    def scope(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.scope().select_related(
            "union", "venue", "town", "user", "fast_track_list", "follower"
        )

    def get_context_data(self, **kwargs):
        application = self.object
        return super().get_context_data(
            layout=self.layout,
            namespace=self.namespace,
            events=list(application.events.select_related("actor")),
            is_overdue=application.is_overdue(),
            can_decide=application.is_waiting,
            can_reject=application.is_open,
            question_form=QuestionForm(),
            reject_form=RejectForm(),
            **kwargs,
        )


def _detail(namespace: str, pk: int) -> str:
    return reverse(f"{namespace}:membership_application", args=[pk])


def _step(request, scope, pk: int, namespace: str, act, form_class=None) -> object:
    application = get_object_or_404(scope, pk=pk)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, text)
            return redirect_back(request, _detail(namespace, pk))
        data = form.cleaned_data
    try:
        done = act(application, data)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, done)
    return redirect_back(request, _detail(namespace, pk))


def approve(request, scope, pk, namespace):
    def act(application, data):
        membership = services.application_approve(
            application=application, actor=request.user
        )
        return _("Approved: member number %(number)s of %(union)s.") % {
            "number": membership.card_number,
            "union": membership.union,
        }

    return _step(request, scope, pk, namespace, act)


def request_info(request, scope, pk, namespace):
    def act(application, data):
        services.application_request_info(
            application=application, actor=request.user, question=data["question"]
        )
        return _("Sent: the applicant was asked.")

    return _step(request, scope, pk, namespace, act, QuestionForm)


def reject(request, scope, pk, namespace):
    def act(application, data):
        services.application_reject(
            application=application, actor=request.user, reason=data["reason"]
        )
        return _("Rejected: the applicant was told the reason.")

    return _step(request, scope, pk, namespace, act, RejectForm)


def follow(request, scope, pk, namespace):
    def act(application, data):
        services.application_follow(application=application, actor=request.user)
        return _("You follow this application; the applicant was told.")

    return _step(request, scope, pk, namespace, act)


def bulk_approve(request, scope, namespace):
    queue = reverse(f"{namespace}:membership_queue")
    form = BulkApproveForm(request.POST, scope=scope)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect_back(request, queue)
    approved, problems = services.applications_bulk_approve(
        applications=form.cleaned_data["applications"], actor=request.user
    )
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)s application was approved.",
                "%(count)s applications were approved.",
                approved,
            )
            % {"count": approved},
        )
    for problem in problems:
        messages.error(request, problem)
    return redirect_back(request, queue)
