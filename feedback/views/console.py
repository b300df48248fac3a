"""The console's feedback pages: what the district handles, and moderation.

The district handles appeals addressed to it and, as escalation, any venue's
appeal while it is overdue (`district_appeals`); an organisation admin its
venues' overdue ones (`console_appeals`); outside that set an appeal is a 404
here, even to an admin. Reviews are moderated here: hiding one takes it off the
public pages (its author still sees it, with the reason).
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from feedback import services
from feedback.filters import ConsoleAppealFilter, ConsoleReviewFilter
from feedback.forms import ReviewHideForm
from feedback.models import ReviewPhoto
from feedback.permissions import console_appeals, console_reviews
from feedback.views import handling
from qunxian.http import redirect_back
from qunxian.roles import (
    ConsoleRequiredMixin,
    console_required,
)
from qunxian.sorting import Column, Sorting
from qunxian.workflow import Refused

PAGE_SIZE = 50


# -- Appeals


class AppealListView(ConsoleRequiredMixin, handling.AppealQueueView):
    """The district's appeals and every overdue one: overdue first."""

    template_name = "console/feedback/appeal_list.html"
    filterset_class = ConsoleAppealFilter

    def scope(self):
        return console_appeals(self.request.user)


class AppealDetailView(ConsoleRequiredMixin, handling.AppealHandlingView):
    template_name = "console/feedback/appeal_detail.html"
    namespace = "console"

    def scope(self):
        return console_appeals(self.request.user)


def _appeal_step(request, pk, step):
    appeal = get_object_or_404(console_appeals(request.user), pk=pk)
    handled = step(request, appeal)
    if handled and not console_appeals(request.user).filter(pk=pk).exists():
        # Back on time at its venue: it is the venue's to finish, not ours.
        messages.info(
            request,
            _("%(appeal)s is no longer overdue; its venue's managers handle it now.")
            % {"appeal": appeal},
        )
        return redirect("console:appeal_list")
    return redirect("console:appeal_detail", pk)


@console_required
@require_POST
def appeal_accept(request, pk):
    return _appeal_step(request, pk, handling.accept)


@console_required
@require_POST
def appeal_resolve(request, pk):
    return _appeal_step(request, pk, handling.resolve)


@console_required
@require_POST
def appeal_close(request, pk):
    return _appeal_step(request, pk, handling.close)


# -- Reviews


#: Without a `?sort=`, the newest first.
REVIEW_ORDERS = [
    Column(gettext_lazy("Date"), "date", ("created_at",), descending_first=True),
    Column(gettext_lazy("Rating"), "rating", ("rating",)),
    Column(gettext_lazy("Venue"), "venue", ("venue__name",)),
]


class ReviewListView(ConsoleRequiredMixin, ListView):
    """The console's reviews, newest first, to hide (with a reason) or show again."""

    template_name = "console/feedback/review_list.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        reviews = (
            console_reviews(self.request.user)
            .select_related("venue", "user")
            .prefetch_related(
                Prefetch("photos", queryset=ReviewPhoto.objects.order_by("id"))
            )
        )
        self.filterset = ConsoleReviewFilter(
            self.request.GET, queryset=reviews, request=self.request
        )
        self.sorting = Sorting(self.request, REVIEW_ORDERS)
        if not self.filterset.is_valid():
            return reviews.none()
        return self.sorting.apply(self.filterset.qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, sorting=self.sorting, **kwargs
        )


def _review(request, pk):
    return get_object_or_404(
        console_reviews(request.user).select_related("venue", "user"), pk=pk
    )


@console_required
@require_POST
def review_hide(request, pk):
    review = _review(request, pk)
    form = ReviewHideForm(request.POST)
    if not form.is_valid():
        handling.form_errors_as_messages(request, form)
        return redirect_back(request, reverse("console:review_list"))
    try:
        services.review_hide(
            review=review, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The review by %(user)s of %(venue)s is hidden from the public.")
            % {"user": review.user, "venue": review.venue.name},
        )
    return redirect_back(request, reverse("console:review_list"))


@console_required
@require_POST
def review_unhide(request, pk):
    review = _review(request, pk)
    try:
        services.review_unhide(review=review, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The review by %(user)s of %(venue)s is shown again.")
            % {"user": review.user, "venue": review.venue.name},
        )
    return redirect_back(request, reverse("console:review_list"))
