"""The venue-manager end for feedback: appeals to my venues, reviews of them.

Every query starts from `managed_appeals(user)` or `managed_reviews(user)`, so
another venue's item is a 404, to a GET and to a POST alike. State changes go
through the services; an appeal's events are the record of who did what.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from feedback import services
from feedback.filters import ManagerAppealFilter, ManagerReviewFilter
from feedback.forms import ReviewReplyForm
from feedback.models import ReviewPhoto
from feedback.permissions import managed_appeals, managed_reviews
from feedback.views import handling
from qunxian.http import redirect_back
from qunxian.roles import ManagerRequiredMixin, manager_required
from qunxian.workflow import Refused

PAGE_SIZE = 50


# -- Appeals


class AppealListView(ManagerRequiredMixin, handling.AppealQueueView):
    """Appeals to my venues: overdue first, then open ones, oldest first."""

    template_name = "manage/feedback/appeal_list.html"
    filterset_class = ManagerAppealFilter

    def scope(self):
        return managed_appeals(self.request.user)


class AppealDetailView(ManagerRequiredMixin, handling.AppealHandlingView):
    template_name = "manage/feedback/appeal_detail.html"
    namespace = "manage"

    def scope(self):
        return managed_appeals(self.request.user)


def _appeal_step(request, pk, step):
    appeal = get_object_or_404(managed_appeals(request.user), pk=pk)
    step(request, appeal)
    return redirect_back(request, reverse("manage:appeal_detail", args=[pk]))


@manager_required
@require_POST
def appeal_accept(request, pk):
    return _appeal_step(request, pk, handling.accept)


@manager_required
@require_POST
def appeal_resolve(request, pk):
    return _appeal_step(request, pk, handling.resolve)


@manager_required
@require_POST
def appeal_close(request, pk):
    return _appeal_step(request, pk, handling.close)


# -- Reviews


def _reviews(user):
    return (
        managed_reviews(user)
        .select_related("venue", "user")
        .prefetch_related(
            Prefetch("photos", queryset=ReviewPhoto.objects.order_by("id"))
        )
    )


class ReviewListView(ManagerRequiredMixin, ListView):
    """Reviews of my venues: by default those still waiting for a reply."""

    template_name = "manage/feedback/review_list.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        reviews = _reviews(self.request.user)
        self.filterset = ManagerReviewFilter(
            self.request.GET, queryset=reviews, request=self.request
        )
        return self.filterset.qs if self.filterset.is_valid() else reviews.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class ReviewDetailView(ManagerRequiredMixin, DetailView):
    template_name = "manage/feedback/review_detail.html"
    context_object_name = "review"

    def get_queryset(self):
        return _reviews(self.request.user)

    def get_context_data(self, **kwargs):
        form = ReviewReplyForm(initial={"reply": self.object.reply})
        return super().get_context_data(reply_form=form, **kwargs)


@manager_required
@require_POST
def review_reply(request, pk):
    review = get_object_or_404(
        managed_reviews(request.user).select_related("venue", "user"), pk=pk
    )
    form = ReviewReplyForm(request.POST)
    if not form.is_valid():
        handling.form_errors_as_messages(request, form)
        return redirect("manage:review_detail", pk)
    try:
        services.review_reply(
            review=review, actor=request.user, text=form.cleaned_data["reply"]
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("manage:review_detail", pk)
    messages.success(
        request,
        _("Your reply to %(user)s is published; they were told.")
        % {"user": review.user},
    )
    return redirect_back(request, reverse("manage:review_list"))
