"""The user end of 职工代表: workers, representatives, the congress's office and
its departments, each seeing what `permissions` lets them (a 404 otherwise)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from qunxian.forms import add_service_error
from qunxian.workflow import Refused
from representatives import services
from representatives.forms import (
    AnswerForm,
    AssignForm,
    DecideForm,
    LogEntryForm,
    ProposalForm,
    RatingForm,
    ReasonForm,
    SessionCloseForm,
    SuggestionForm,
)
from representatives.models import (
    Congress,
    LogEntry,
    Proposal,
    ProposalEvent,
    Representative,
    Session,
)
from representatives.permissions import (
    is_office,
    office_congresses,
    visible_entries,
    visible_proposals,
)
from representatives.selectors import figures_by_session, session_figures
from representatives.views.setup import CongressSetupView

State = Proposal.State
#: Each list of the home page shows this many, newest first.
LIST_LIMIT = 50


def timeline(events, *, office: bool) -> list:
    """A proposal's steps; the committee's reasons stay in the office until
    the decision is published (its publication step carries them then)."""
    events = list(events)
    if not office:
        for event in events:
            if event.to_state == State.DECIDED:
                event.reason = ""
    return events


def _received():
    return Prefetch(
        "proposals",
        queryset=Proposal.objects.received().order_by("-created_at"),
        to_attr="received_proposals",
    )


class HomeView(LoginRequiredMixin, TemplateView):
    """Everyone's page: the suggestions I sent, and what I do as a
    representative, in a congress's office or for a department."""

    template_name = "representatives/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        proposals = Proposal.objects.select_related("session__term__congress")
        return super().get_context_data(
            suggestions=LogEntry.objects.filter(worker=user)
            .select_related("representative__user")
            .prefetch_related(_received())[:LIST_LIMIT],
            terms=Representative.objects.of(user).select_related("term__congress"),
            proposals=proposals.filter(
                pk__in=Proposal.objects.filter(
                    Q(proposer__user=user) | Q(cosigners__representative__user=user)
                ).values("pk")
            )[:LIST_LIMIT],
            to_answer=proposals.filter(department__contacts=user, state=State.ASSIGNED)[
                :LIST_LIMIT
            ],
            congresses=Congress.objects.select_related("organization"),
            sessions=Session.objects.filter(
                term__congress__in=office_congresses(user)
            ).select_related("term__congress")[:LIST_LIMIT],
            **kwargs,
        )


class SuggestionCreateView(LoginRequiredMixin, FormView):
    template_name = "representatives/suggestion_form.html"
    form_class = SuggestionForm

    def form_valid(self, form):
        try:
            entry = services.suggestion_send(
                worker=self.request.user, **form.cleaned_data
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Sent to your representative. Follow it from your page."),
        )
        return redirect(entry)


class RepresentativeView(DetailView):
    """A representative's own page, public: who they are and whom they cover."""

    template_name = "representatives/representative.html"
    context_object_name = "representative"
    queryset = Representative.objects.select_related("user", "term__congress")

    def get_context_data(self, **kwargs):
        representative = self.object
        return super().get_context_data(
            honours=representative.honours.select_related("term__congress"),
            excellent=representative.proposals.filter(is_excellent=True),
            is_self=representative.user_id == self.request.user.pk,
            **kwargs,
        )


class OwnRepresentativeMixin(LoginRequiredMixin):
    """Pages of a representative's own work: anyone else's is a 404."""

    @cached_property
    def representative(self) -> Representative:
        return get_object_or_404(
            Representative.objects.of(self.request.user).select_related(
                "term__congress", "user"
            ),
            pk=self.kwargs["pk"],
        )


class LogView(OwnRepresentativeMixin, FormView):
    """The work log: the entries, newest first, and a form for a new one."""

    template_name = "representatives/log.html"
    form_class = LogEntryForm

    def get_initial(self):
        return {"talked_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            services.log_entry_create(
                representative=self.representative,
                actor=self.request.user,
                **form.cleaned_data,
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, _("Written in your work log."))
        return redirect("representatives:log", self.representative.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            representative=self.representative,
            entries=self.representative.log_entries.prefetch_related("proposals")[:200],
            **kwargs,
        )


class EntryDetailView(LoginRequiredMixin, DetailView):
    """A log entry: for its representative and the office, and for the worker
    who sent it, with the progress and answers of the proposals it fed."""

    template_name = "representatives/entry.html"
    context_object_name = "entry"

    def get_queryset(self):
        return visible_entries(self.request.user).select_related(
            "representative__user", "representative__term__congress"
        )

    def get_context_data(self, **kwargs):
        entry = self.object
        proposals = entry.proposals.select_related("department").prefetch_related(
            Prefetch("events", queryset=ProposalEvent.objects.order_by("created_at"))
        )
        office = is_office(self.request.user, entry.representative.term.congress)
        if entry.representative.user_id != self.request.user.pk and not office:
            proposals = proposals.exclude(state=State.DRAFT)
        proposals = list(proposals)
        for proposal in proposals:
            proposal.timeline = timeline(proposal.events.all(), office=office)
        return super().get_context_data(proposals=proposals, **kwargs)


class ProposalCreateView(OwnRepresentativeMixin, FormView):
    template_name = "representatives/proposal_form.html"
    form_class = ProposalForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "representative": self.representative}

    def get_initial(self):
        # ?entry=<id> ticks one of the representative's entries; others are ignored.
        entry = self.request.GET.get("entry", "")
        if entry.isdigit():
            return {"entries": self.representative.log_entries.filter(pk=entry)}
        return {}

    def form_valid(self, form):
        try:
            proposal = services.proposal_create(
                proposer=self.representative,
                actor=self.request.user,
                **form.cleaned_data,
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Drafted. The co-signers were asked; submit it once enough confirmed."),
        )
        return redirect(proposal)

    def get_context_data(self, **kwargs):
        return super().get_context_data(representative=self.representative, **kwargs)


class ProposalDetailView(LoginRequiredMixin, DetailView):
    """A proposal with its timeline and, for whoever may take one, the next step."""

    template_name = "representatives/proposal.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return visible_proposals(self.request.user).select_related(
            "proposer__user", "session__term__congress", "department", "merged_into"
        )

    def get_context_data(self, **kwargs):
        proposal, user = self.object, self.request.user
        office = is_office(user, proposal.session.term.congress)
        cosigners = list(
            proposal.cosigners.select_related("representative__user").order_by("id")
        )
        is_proposer = proposal.proposer.user_id == user.pk
        mine = next((c for c in cosigners if c.representative.user_id == user.pk), None)
        is_contact = (
            proposal.department_id is not None
            and proposal.department.contacts.filter(pk=user.pk).exists()
        )
        ratings = list(proposal.ratings.select_related("representative__user"))
        rated = any(
            r.representative.user_id == user.pk and r.round == proposal.round
            for r in ratings
        )
        may_rate = not rated and (
            (is_proposer and proposal.state == State.ANSWERED)
            or (
                mine is not None
                and mine.confirmed_at is not None
                and proposal.state in (State.ANSWERED, State.CLOSED)
            )
        )
        draft = proposal.state == State.DRAFT
        return super().get_context_data(
            events=timeline(proposal.events.select_related("actor"), office=office),
            entries=proposal.entries.all() if (is_proposer or office) else (),
            cosigners=cosigners,
            ratings=ratings,
            is_office=office,
            can_submit=is_proposer and draft,
            can_cosign=draft and mine is not None and mine.confirmed_at is None,
            decide_form=DecideForm(proposal=proposal)
            if office and proposal.state in (State.SUBMITTED, State.DECIDED)
            else None,
            can_publish=office and proposal.state == State.DECIDED,
            assign_form=AssignForm(proposal=proposal)
            if office and proposal.state == State.REGISTERED
            else None,
            contact_forms=is_contact and proposal.state == State.ASSIGNED,
            can_extend=(is_contact or office)
            and proposal.state == State.ASSIGNED
            and not proposal.extended,
            answer_form=AnswerForm(),
            reason_form=ReasonForm(),
            rating_form=RatingForm() if may_rate else None,
            **kwargs,
        )


def _error_messages(request, form) -> None:
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)


#: action → (its form, or none; the service; what to say when done)
ACTIONS = {
    "cosign": (None, services.cosigner_confirm, gettext_lazy("You co-signed it.")),
    "submit": (
        None,
        services.proposal_submit,
        gettext_lazy("Submitted to the proposal committee."),
    ),
    "decide": (
        DecideForm,
        services.proposal_decide,
        gettext_lazy("Decision recorded; publish it when the committee is ready."),
    ),
    "publish": (None, services.proposal_publish, gettext_lazy("Decision published.")),
    "assign": (
        AssignForm,
        services.proposal_assign,
        gettext_lazy("Assigned; the department was told."),
    ),
    "send_back": (
        ReasonForm,
        services.proposal_send_back,
        gettext_lazy("Sent back to the union."),
    ),
    "extend": (
        ReasonForm,
        services.proposal_extend,
        gettext_lazy("Deadline extended."),
    ),
    "answer": (
        AnswerForm,
        services.proposal_answer,
        gettext_lazy("Answered; the proposer and co-signers were asked to rate it."),
    ),
    "rate": (RatingForm, services.proposal_rate, gettext_lazy("Thank you for rating.")),
}


@require_POST
@login_required
def proposal_act(request, pk, action):
    proposal = get_object_or_404(visible_proposals(request.user), pk=pk)
    form_class, act, done = ACTIONS[action]
    arguments = {}
    if form_class is not None:
        extra = {"proposal": proposal} if form_class in (DecideForm, AssignForm) else {}
        form = form_class(request.POST, **extra)
        if not form.is_valid():
            _error_messages(request, form)
            return redirect(proposal)
        arguments = form.cleaned_data
    try:
        act(proposal=proposal, actor=request.user, **arguments)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect(proposal)
    messages.success(request, done)
    return redirect(proposal)


class SessionView(LoginRequiredMixin, DetailView):
    """A session as its office handles it: every proposal, the figures, and at
    its end the honours."""

    template_name = "representatives/session.html"
    context_object_name = "session"

    def get_queryset(self):
        return Session.objects.filter(
            term__congress__in=office_congresses(self.request.user)
        ).select_related("term__congress")

    def get_context_data(self, **kwargs):
        session = self.object
        return super().get_context_data(
            proposals=session.proposals.received()
            .select_related("proposer__user", "department")
            .order_by("state", "-submitted_at"),
            figures=session_figures(session),
            close_form=SessionCloseForm(session=session)
            if session.closed_at is None
            else None,
            **kwargs,
        )


@require_POST
@login_required
def session_close(request, pk):
    session = get_object_or_404(
        Session.objects.filter(term__congress__in=office_congresses(request.user)),
        pk=pk,
    )
    form = SessionCloseForm(request.POST, session=session)
    if not form.is_valid():
        _error_messages(request, form)
        return redirect("representatives:session", session.pk)
    try:
        services.session_close(session=session, actor=request.user, **form.cleaned_data)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("representatives:session", session.pk)
    messages.success(request, _("The session is closed; its honours are published."))
    return redirect("representatives:congress", session.term.congress_id)


class CongressView(DetailView):
    """The union's public page of its congress: each session's figures and
    its honours."""

    template_name = "representatives/congress.html"
    context_object_name = "congress"
    queryset = Congress.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        congress = self.object
        sessions = list(
            Session.objects.filter(term__congress=congress)
            .select_related("term__congress")
            .prefetch_related(
                Prefetch(
                    "proposals",
                    queryset=Proposal.objects.filter(is_excellent=True).select_related(
                        "proposer__user"
                    ),
                    to_attr="excellent_proposals",
                ),
                Prefetch(
                    "excellent_representatives",
                    queryset=Representative.objects.select_related("user"),
                ),
            )[:20]
        )
        figures = figures_by_session(sessions)
        for session in sessions:
            session.figures = figures[session.pk]
        return super().get_context_data(
            sessions=sessions,
            is_office=is_office(self.request.user, congress),
            **kwargs,
        )


class OfficeCongressSetupView(LoginRequiredMixin, CongressSetupView):
    layout = "layouts/portal.html"
    url_name = "representatives:congress_setup"

    def scope(self):
        return office_congresses(self.request.user)
