"""The user end of feedback: reviews of a venue, and one's own appeals (诉求)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from feedback.forms import AppealConfirmForm, AppealForm, ReviewForm
from feedback.models import Appeal, Review, ReviewPhoto
from feedback.services import (
    appeal_confirm,
    appeal_submit,
    review_booking_for,
    review_create,
)
from qunxian.workflow import Refused
from venues.models import Venue

REVIEWS_PER_PAGE = 10
MAX_REVIEW_PAGE = 100
#: "My feedback" lists this many of each, newest first.
MY_FEEDBACK_LIMIT = 50


def own_appeals(user):
    return Appeal.objects.filter(user=user)


def _photos():
    return Prefetch("photos", queryset=ReviewPhoto.objects.order_by("id"))


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_REVIEW_PAGE, required=False)


# Reviews


class VenueReviewsView(TemplateView):
    """A venue's visible reviews, newest first: a partial for htmx, a page without JS.

    Paged by offset without a COUNT: one row more than a page tells if there is a next.
    """

    def get_template_names(self):
        if self.request.htmx:
            return ["feedback/partials/review_list.html"]
        return ["feedback/venue_reviews.html"]

    def get_context_data(self, **kwargs):
        venue = get_object_or_404(Venue.objects.published(), pk=self.kwargs["venue_id"])
        page_form = PageForm(self.request.GET)
        if not page_form.is_valid():
            raise Http404(_("No such page."))
        page = page_form.cleaned_data["page"] or 1
        start = (page - 1) * REVIEWS_PER_PAGE
        rows = list(
            Review.objects.visible()
            .filter(venue=venue)
            .select_related("user")
            .prefetch_related(_photos())[start : start + REVIEWS_PER_PAGE + 1]
        )
        return super().get_context_data(
            venue=venue,
            reviews=rows[:REVIEWS_PER_PAGE],
            page=page,
            has_previous=page > 1,
            has_next=len(rows) > REVIEWS_PER_PAGE and page < MAX_REVIEW_PAGE,
            **kwargs,
        )


class ReviewCreateView(LoginRequiredMixin, FormView):
    """Says whether the user may review the venue, and why not; else the form."""

    template_name = "feedback/review_form.html"
    form_class = ReviewForm

    @cached_property
    def venue(self):
        return get_object_or_404(Venue.objects.published(), pk=self.kwargs["venue_id"])

    @cached_property
    def refusal(self) -> Refused | None:
        """Why the user may not review this venue now, or None if they may."""
        try:
            review_booking_for(user=self.request.user, venue=self.venue)
        except Refused as refused:
            return refused
        return None

    def post(self, request, *args, **kwargs):
        if self.refusal:  # say why at once, without decoding any upload
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            review_create(
                user=self.request.user,
                venue=self.venue,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
        except Refused as refused:
            form.add_error(None, refused)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you! Your review is published."))
        return redirect(self.venue)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venue=self.venue,
            refusal=self.refusal,
            **kwargs,
        )


# Appeals

State = Appeal.State
#: What each step of the timeline is called, by (from, to); ("", to) for the rest.
STEP_LABELS = {
    ("", State.SUBMITTED): gettext_lazy("Submitted"),
    ("", State.ACCEPTED): gettext_lazy("Accepted"),
    (State.RESOLVED, State.ACCEPTED): gettext_lazy("Reopened: you were not satisfied"),
    ("", State.RESOLVED): gettext_lazy("Resolved, with a reply"),
    ("", State.CONFIRMED): gettext_lazy("Confirmed: you were satisfied"),
    ("", State.CLOSED): gettext_lazy("Closed"),
    (State.RESOLVED, State.CLOSED): gettext_lazy(
        "Closed: not satisfied again, passed to the district"
    ),
}


def step_label(event) -> str:
    return STEP_LABELS.get(
        (event.from_state, event.to_state), STEP_LABELS[("", event.to_state)]
    )


class MyFeedbackView(LoginRequiredMixin, TemplateView):
    """My appeals and my reviews, hidden ones included with the reason."""

    template_name = "feedback/my_feedback.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        appeals = list(
            own_appeals(user).select_related("venue")[: MY_FEEDBACK_LIMIT + 1]
        )
        reviews = list(
            Review.objects.filter(user=user)
            .select_related("venue", "user")
            .prefetch_related(_photos())[: MY_FEEDBACK_LIMIT + 1]
        )
        return super().get_context_data(
            appeals=appeals[:MY_FEEDBACK_LIMIT],
            more_appeals=len(appeals) > MY_FEEDBACK_LIMIT,
            reviews=reviews[:MY_FEEDBACK_LIMIT],
            more_reviews=len(reviews) > MY_FEEDBACK_LIMIT,
            limit=MY_FEEDBACK_LIMIT,
            **kwargs,
        )


class AppealCreateView(LoginRequiredMixin, FormView):
    template_name = "feedback/appeal_form.html"
    form_class = AppealForm

    def get_initial(self):
        # ?venue=<id> preselects a published venue; anything else is ignored.
        venue = self.request.GET.get("venue", "")
        if venue.isdigit() and Venue.objects.published().filter(pk=venue).exists():
            return {"venue": int(venue)}
        return {}

    def form_valid(self, form):
        appeal = appeal_submit(user=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("Sent. You will get a message at each step; follow it here."),
        )
        return redirect(appeal)


class AppealDetailView(LoginRequiredMixin, DetailView):
    """The submitter's own item only: anyone else's is a 404."""

    template_name = "feedback/appeal_detail.html"
    context_object_name = "appeal"

    def get_queryset(self):
        return (
            own_appeals(self.request.user)
            .select_related("venue")
            .prefetch_related("events")
        )

    def get_context_data(self, **kwargs):
        appeal = self.object
        events = list(appeal.events.all())
        for event in events:
            event.label = step_label(event)
        return super().get_context_data(
            events=events,
            confirm_form=AppealConfirmForm()
            if appeal.state == Appeal.State.RESOLVED
            else None,
            **kwargs,
        )


@require_POST
@login_required
def confirm(request, pk):
    appeal = get_object_or_404(own_appeals(request.user), pk=pk)
    form = AppealConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose satisfied or not satisfied."))
        return redirect(appeal)
    satisfied = form.cleaned_data["satisfied"]
    try:
        appeal = appeal_confirm(
            appeal=appeal,
            user=request.user,
            satisfied=satisfied,
            note=form.cleaned_data["note"],
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect(appeal)
    if satisfied:
        messages.success(request, _("Thank you for confirming."))
    elif appeal.state == Appeal.State.ACCEPTED:
        messages.success(request, _("Reopened: it will be handled again."))
    else:
        messages.success(
            request, _("Closed and passed to the district for review. We are sorry.")
        )
    return redirect(appeal)
