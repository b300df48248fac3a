"""The venue-manager end for bookings: the queue, a booking, a day, the door.

Every query starts from `managed_bookings(user)` or `managed_venues(user)`, so a
booking or space of another venue is a 404. State changes go through the
services, whose BookingEvent rows are the record of who decided what.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from bookings import services
from bookings.availability import day_slots, rules_for
from bookings.filters import ManagerBookingFilter
from bookings.forms import (
    BulkDecisionForm,
    CheckInCodeForm,
    DateForm,
    ReasonForm,
    SpaceRulesForm,
)
from bookings.models import Booking, BookingEvent
from bookings.permissions import managed_bookings
from qunxian.http import redirect_back
from qunxian.roles import ManagerRequiredMixin, manager_required
from qunxian.sorting import Column, Sorting
from qunxian.workflow import Refused
from venues.permissions import managed_spaces

State = Booking.State


def _label(booking: Booking) -> str:
    local = timezone.localtime(booking.start)
    return f"{booking.user} · {booking.space.name} {local:%m-%d %H:%M}"


# -- The queue of requests


#: Without a `?sort=`, the longest-waiting first.
QUEUE_ORDERS = [
    Column(gettext_lazy("Requested"), "requested", ("created_at",)),
    Column(gettext_lazy("When"), "start", ("start",)),
    Column(gettext_lazy("Venue"), "venue", ("space__venue__name", "space__name")),
]


class QueueView(ManagerRequiredMixin, ListView):
    """Pending requests at my venues, the longest-waiting first."""

    template_name = "manage/bookings/queue.html"
    context_object_name = "bookings"
    paginate_by = 50

    def get_queryset(self):
        pending = (
            managed_bookings(self.request.user)
            .filter(state=State.PENDING)
            .select_related("space__venue", "user")
            .order_by("created_at", "id")
        )
        self.filterset = ManagerBookingFilter(
            self.request.GET, queryset=pending, request=self.request
        )
        self.sorting = Sorting(self.request, QUEUE_ORDERS)
        if not self.filterset.is_valid():
            return pending.none()
        return self.sorting.apply(self.filterset.qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            sorting=self.sorting,
            spaces=managed_spaces(self.request.user).order_by("venue__name", "name"),
            **kwargs,
        )


def _decide(request, booking: Booking, action: str, reason: str = "") -> str:
    """Approve or reject through the service; '' or the refusal's message."""
    try:
        if action == BulkDecisionForm.APPROVE:
            services.booking_approve(booking=booking, actor=request.user)
        else:
            services.booking_reject(booking=booking, actor=request.user, reason=reason)
    except Refused as refused:
        return refused.message
    return ""


@manager_required
@require_POST
def bulk_decide(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect_back(request, reverse("manage:booking_queue"))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    ids = form.cleaned_data["booking"]
    # Only my venues' bookings are found; any other id is "not found", untouched.
    found = managed_bookings(request.user).select_related("space", "user").in_bulk(ids)
    done = 0
    for pk in ids:
        booking = found.get(pk)
        if booking is None:
            messages.error(
                request, _("Booking #%(id)s: not found at your venues.") % {"id": pk}
            )
            continue
        if problem := _decide(request, booking, action, reason):
            messages.error(request, f"{_label(booking)}: {problem}")
        else:
            done += 1
    if done:
        text = (
            ngettext(
                "%(count)s booking approved.", "%(count)s bookings approved.", done
            )
            if action == BulkDecisionForm.APPROVE
            else ngettext(
                "%(count)s booking rejected.", "%(count)s bookings rejected.", done
            )
        )
        messages.success(request, text % {"count": done})
    return redirect_back(request, reverse("manage:booking_queue"))


# -- One booking


def _managed_booking(request, pk) -> Booking:
    return get_object_or_404(
        managed_bookings(request.user).select_related("space__venue", "user"), pk=pk
    )


class BookingDetailView(ManagerRequiredMixin, DetailView):
    template_name = "manage/bookings/booking_detail.html"
    context_object_name = "booking"

    def get_queryset(self):
        return (
            managed_bookings(self.request.user)
            .select_related("space__venue", "user")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=BookingEvent.objects.select_related("actor"),
                )
            )
        )

    def get_context_data(self, **kwargs):
        state = self.object.state
        return super().get_context_data(
            can_decide=state == State.PENDING,
            can_attend=state == State.APPROVED,
            can_cancel=state in Booking.ACTIVE,
            reason_form=ReasonForm(),
            **kwargs,
        )


def _act(request, pk, act, done_message: str, *, with_reason: bool = False):
    """Run one transition on one of my bookings, then go back where we were."""
    booking = _managed_booking(request, pk)
    kwargs = {}
    if with_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please give a reason."))
            return redirect_back(request, reverse("manage:booking_detail", args=[pk]))
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        act(booking=booking, actor=request.user, **kwargs)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done_message % {"booking": _label(booking)})
    return redirect_back(request, reverse("manage:booking_detail", args=[pk]))


@manager_required
@require_POST
def approve(request, pk):
    return _act(request, pk, services.booking_approve, _("Approved: %(booking)s."))


@manager_required
@require_POST
def reject(request, pk):
    return _act(
        request,
        pk,
        services.booking_reject,
        _("Rejected: %(booking)s."),
        with_reason=True,
    )


def _venue_cancel(**kwargs):
    return services.booking_cancel(by_venue=True, **kwargs)


@manager_required
@require_POST
def cancel(request, pk):
    return _act(
        request,
        pk,
        _venue_cancel,
        _("Cancelled: %(booking)s. The user was told."),
        with_reason=True,
    )


@manager_required
@require_POST
def check_in(request, pk):
    return _act(request, pk, services.booking_check_in, _("Checked in: %(booking)s."))


@manager_required
@require_POST
def no_show(request, pk):
    return _act(request, pk, services.booking_mark_no_show, _("No-show: %(booking)s."))


# -- A space's day


class SpaceDayView(ManagerRequiredMixin, TemplateView):
    """One space's slots on one day, with the bookings that hold each."""

    template_name = "manage/bookings/space_day.html"

    def get_context_data(self, **kwargs):
        space = get_object_or_404(
            managed_spaces(self.request.user)
            .select_related("rules")
            .prefetch_related("venue__hours", "venue__closures"),
            pk=self.kwargs["pk"],
        )
        form = DateForm(self.request.GET or None)
        day = form.day()
        slots = day_slots(space, day)
        zone = timezone.get_default_timezone()
        first = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        after = first + datetime.timedelta(days=1)
        if slots:  # an evening range may run past midnight
            first, after = min(first, slots[0].start), max(after, slots[-1].end)
        bookings = list(
            managed_bookings(self.request.user)
            .filter(
                space=space, state__in=Booking.HOLDING, start__lt=after, end__gt=first
            )
            .select_related("user")
            .order_by("start", "created_at")
        )
        rows = [
            {
                "slot": slot,
                "entries": [
                    {"booking": b, "starts_here": b.start == slot.start}
                    for b in bookings
                    if b.start < slot.end and b.end > slot.start
                ],
            }
            for slot in slots
        ]
        placed = {entry["booking"].pk for row in rows for entry in row["entries"]}
        return super().get_context_data(
            space=space,
            venue=space.venue,
            day=day,
            day_form=form,
            previous_day=day - datetime.timedelta(days=1),
            next_day=day + datetime.timedelta(days=1),
            rows=rows,
            others=[b for b in bookings if b.pk not in placed],
            **kwargs,
        )


# -- The door


class CheckInByCodeView(ManagerRequiredMixin, FormView):
    """Type the code from the user's phone: find it (GET), then check in (POST)."""

    template_name = "manage/bookings/check_in.html"
    form_class = CheckInCodeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "code" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        booking = self._find(form) if form.is_bound else None
        return self.render_to_response(
            self.get_context_data(form=form, booking=booking)
        )

    def _find(self, form) -> Booking | None:
        if not form.is_valid():
            return None
        booking = (
            managed_bookings(self.request.user)
            .select_related("space__venue", "user")
            .filter(check_in_code=form.cleaned_data["code"])
            .first()
        )
        if booking is None:
            form.add_error("code", _("No such booking at your venues."))
        return booking

    def form_valid(self, form):
        booking = self._find(form)
        if booking is None:
            return self.form_invalid(form)
        try:
            services.booking_check_in(booking=booking, actor=self.request.user)
        except Refused as refused:
            messages.error(self.request, refused.message)
            return redirect(
                f"{reverse('manage:booking_check_in_code')}?code={booking.check_in_code}"
            )
        messages.success(
            self.request, _("Checked in: %(booking)s.") % {"booking": _label(booking)}
        )
        return redirect("manage:booking_check_in_code")


# -- A space's rules


class SpaceRulesView(ManagerRequiredMixin, FormView):
    template_name = "manage/bookings/space_rules.html"
    form_class = SpaceRulesForm

    def dispatch(self, request, *args, **kwargs):
        self.space = get_object_or_404(
            managed_spaces(request.user).select_related("rules"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": rules_for(self.space)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            space=self.space, venue=self.space.venue, **kwargs
        )

    def form_valid(self, form):
        try:
            services.space_rules_update(
                space=self.space, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The booking rules of “%(space)s” are saved.") % {"space": self.space},
        )
        return redirect(self.request.path)
