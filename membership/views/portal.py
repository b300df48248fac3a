"""The user end of membership: applying, one's application, the member card,
and the public check of a card that its QR code opens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.generic import DetailView, FormView, TemplateView

from membership import services
from membership.forms import AnswerForm, ApplicationForm, LeaveForm
from membership.models import Membership, MembershipApplication
from qunxian.forms import add_service_error
from qunxian.models import absolute_url
from qunxian.qr import link_qr
from qunxian.workflow import Refused

State = MembershipApplication.State

#: What each step of an application says in the applicant's timeline.
STEP_LABELS = {
    State.SUBMITTED: gettext_lazy("Application sent"),
    State.INFO_REQUESTED: gettext_lazy("The union asked for more information"),
    State.ANSWERED: gettext_lazy("You answered"),
    State.APPROVED: gettext_lazy("Approved: welcome to the union"),
    State.REJECTED: gettext_lazy("Not accepted"),
    State.WITHDRAWN: gettext_lazy("You withdrew it"),
}
ESCALATED_LABEL = gettext_lazy("Passed to the district union: it was overdue")


def own_applications(user):
    return MembershipApplication.objects.filter(user=user)


def current_membership(user) -> Membership | None:
    return user.memberships.current().select_related("union", "town").first()


class MembershipHomeView(LoginRequiredMixin, TemplateView):
    """入会: my membership, my applications, or the way to apply."""

    template_name = "membership/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            membership=current_membership(user),
            applications=list(
                own_applications(user).select_related("union", "venue")[:10]
            ),
            refusal=services.application_refusal(user),
            **kwargs,
        )


class ApplyView(LoginRequiredMixin, FormView):
    template_name = "membership/apply.html"
    form_class = ApplicationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            refusal = services.application_refusal(request.user)
            if refusal is not None:
                messages.error(request, refusal.message)
                return redirect("membership:home")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # ?venue=<id> ("join here") picks a union venue; anything else is ignored.
        initial = {"name": self.request.user.display_name}
        venue = self.request.GET.get("venue", "")
        if venue.isdigit() and services.union_venues().filter(pk=venue).exists():
            initial["venue"] = int(venue)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            application = services.application_submit(
                user=self.request.user,
                venue=data["venue"],
                name=data["name"],
                employer=data["employer"],
                employer_name=data["employer_name"],
                occupation=data["occupation"],
                town=data["town"],
                consent=data["consent"],
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Sent. The union answers within %(days)s working days.")
            % {"days": settings.MEMBERSHIP_ANSWER_WORKING_DAYS},
        )
        return redirect(application)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        venue = form["venue"].value()
        chosen = None
        if venue and str(venue).isdigit():
            chosen = (
                services.union_venues()
                .select_related("organization")
                .filter(pk=venue)
                .first()
            )
        context["venue"] = chosen
        context["union"] = chosen.organization if chosen else services.district_union()
        return context


class ApplicationDetailView(LoginRequiredMixin, DetailView):
    """The applicant's own application only: anyone else's is a 404."""

    template_name = "membership/application_detail.html"
    context_object_name = "application"

    def get_queryset(self):
        return own_applications(self.request.user).select_related(
            "union", "venue", "town", "follower"
        )

    def get_context_data(self, **kwargs):
        events = list(self.object.events.all())
        for event in events:
            if event.from_state == event.to_state:  # no move: the escalation
                event.label = ESCALATED_LABEL
            else:
                event.label = STEP_LABELS[event.to_state]
        return super().get_context_data(
            events=events,
            answer_form=AnswerForm()
            if self.object.state == State.INFO_REQUESTED
            else None,
            **kwargs,
        )


@require_POST
@login_required
def answer(request, pk):
    application = get_object_or_404(own_applications(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write your answer."))
        return redirect(application)
    try:
        services.application_answer(
            application=application,
            user=request.user,
            answer=form.cleaned_data["answer"],
        )
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Sent: the union will look at it again."))
    return redirect(application)


@require_POST
@login_required
def withdraw(request, pk):
    application = get_object_or_404(own_applications(request.user), pk=pk)
    try:
        services.application_withdraw(application=application, user=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect(application)


@require_safe
@login_required
def card(request):
    """My member card: its number, union and the QR code of its public check."""
    membership = current_membership(request.user)
    if membership is None:
        messages.info(request, _("You are not a member of a union yet."))
        return redirect("membership:home")
    verify_url = absolute_url(
        reverse("membership:verify", args=[membership.card_token])
    )
    return render(
        request,
        "membership/card.html",
        {
            "membership": membership,
            "verify_url": verify_url,
            "qr": link_qr(verify_url, title=_("Member card check")),
        },
    )


@require_safe
def greeting(request):
    """The home page's greeting of a member, with a link to their card: loaded
    through htmx, as the home page itself is the same for everyone. Empty for
    anyone who holds no card."""
    membership = (
        current_membership(request.user) if request.user.is_authenticated else None
    )
    if membership is None:
        return HttpResponse()
    return render(request, "membership/partials/greeting.html", {"card": membership})


@require_POST
@login_required
def renew(request):
    membership = current_membership(request.user)
    if membership is None:
        return redirect("membership:home")
    try:
        services.membership_renew(membership=membership, user=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Renewed: your card is valid again."))
    return redirect("membership:card")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def leave(request):
    """退会, after a confirmation."""
    membership = current_membership(request.user)
    if membership is None:
        return redirect("membership:home")
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_leave(
                membership=membership,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            add_service_error(form, refused)
        else:
            messages.success(request, _("You have left the union."))
            return redirect("membership:home")
    return render(
        request, "membership/leave.html", {"membership": membership, "form": form}
    )


@require_safe
def verify(request, token):
    """The public check of a card: valid, lapsed or revoked, and the union.

    Nothing about the person: the page is open to whoever scans the code.
    """
    membership = get_object_or_404(
        Membership.objects.select_related("union"), card_token=token
    )
    return render(
        request,
        "membership/verify.html",
        {"verdict": membership.verdict, "union": membership.union},
    )
