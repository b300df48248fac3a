import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, FormView, ListView, TemplateView

from bookings.availability import (
    cancel_deadline,
    day_slots,
    day_strip,
    first_free_day,
    rules_for,
    user_may_cancel,
)
from bookings.forms import BookingForm, DayForm
from bookings.models import Booking, BookingEvent, SpaceRules
from bookings.permissions import own_bookings
from bookings.services import booking_cancel, booking_create
from qunxian.models import User
from qunxian.qr import check_in_qr
from qunxian.queries import CompiledQuery
from qunxian.workflow import Refused
from venues.models import Space


def bookable_spaces():
    return Space.objects.bookable().select_related("venue", "rules")


class AvailabilityView(TemplateView):
    """A space's slots: a strip of the next days, then one day's slots.

    Without a date it opens on the first day with a free slot (this afternoon
    may have none). The strip's links carry ?date= and work without JS; with
    htmx they swap in the partial.
    """

    def get_template_names(self):
        if self.request.htmx:
            return ["bookings/partials/availability.html"]
        return ["bookings/availability.html"]

    def get_context_data(self, **kwargs):
        space = get_object_or_404(
            bookable_spaces().prefetch_related("venue__hours", "venue__closures"),
            pk=self.kwargs["space_id"],
        )
        strip = day_strip(space)
        form = DayForm(self.request.GET or None, space=space)
        chosen = form.cleaned_data["date"] if form.is_valid() else None
        day = chosen or first_free_day(strip) or form.today
        by_day = {info.day: info.slots for info in strip}
        if form.is_bound and not form.is_valid():
            slots = []
        elif day in by_day:
            slots = by_day[day]
        else:  # a day beyond the strip, picked with the date field
            slots = day_slots(space, day)
        return super().get_context_data(
            space=space,
            day_form=form,
            day=day,
            strip=strip,
            slots=slots,
            rules=rules_for(space),
            **kwargs,
        )


class BookingCreateView(LoginRequiredMixin, FormView):
    template_name = "bookings/booking_form.html"
    form_class = BookingForm

    def dispatch(self, request, *args, **kwargs):
        self.space = get_object_or_404(
            bookable_spaces().prefetch_related("venue__hours", "venue__closures"),
            pk=kwargs["space_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "space": self.space}

    def get_initial(self):
        return {
            "start": self.request.GET.get("start"),
            "headcount": 1,
            "contact_phone": self.request.user.phone,
        }

    def form_valid(self, form):
        try:
            booking = booking_create(
                user=self.request.user, space=self.space, **form.cleaned_data
            )
        except Refused as refused:
            form.add_error(None, refused)
            return self.render_to_response(
                self.get_context_data(form=form, alternatives=refused.alternatives)
            )
        if booking.state == Booking.State.APPROVED:
            messages.success(self.request, _("Booked. See you there!"))
        elif booking.fair_use_hold:
            messages.warning(
                self.request,
                _(
                    "Your request was sent to the venue for approval: you missed "
                    "several bookings recently, so automatic approval is paused."
                ),
            )
        else:
            messages.success(
                self.request,
                _("Request sent. You will get a message when the venue decides."),
            )
        return redirect(booking)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(space=self.space, **kwargs)
        form = context["form"]
        try:
            context["start"] = form.fields["start"].clean(form["start"].value())
        except ValidationError:
            context["start"] = None
        return context


# Only what a row shows (a venue's and a space's other columns are long).
_MY_BOOKINGS = CompiledQuery(
    lambda user_id: (
        own_bookings(User(pk=user_id))
        .annotate(space_name=F("space__name"), venue_name=F("space__venue__name"))
        .only("state", "start", "end")
    )
)


class MyBookingsView(LoginRequiredMixin, ListView):
    template_name = "bookings/booking_list.html"
    context_object_name = "bookings"
    content_inputs = ("upcoming", "past")  # drawn once for the same rows

    def get_queryset(self):
        return list(_MY_BOOKINGS.raw(self.request.user.pk))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        bookings = context["bookings"]
        context["upcoming"] = [b for b in bookings if b.end > now]
        context["past"] = [b for b in reversed(bookings) if b.end <= now]
        return context


# Only what the page shows, its history in a query of its own (a prefetch
# costs more to set up than it saves).
_BOOKING = CompiledQuery(
    lambda user_id, pk: (
        own_bookings(User(pk=user_id))
        .filter(pk=pk)
        .annotate(
            space_name=F("space__name"),
            venue_id=F("space__venue_id"),
            venue_name=F("space__venue__name"),
            venue_address=F("space__venue__address"),
            venue_phone=F("space__venue__phone"),
            cancel_cutoff_minutes=Coalesce(
                "space__rules__cancel_cutoff_minutes",
                SpaceRules._meta.get_field("cancel_cutoff_minutes").get_default(),
            ),
            review_id=F("review__id"),
        )
        .only(
            *("state", "start", "end", "headcount", "purpose", "contact_phone"),
            "check_in_code",
        )
    )
)
_HISTORY = CompiledQuery(
    lambda booking_id: BookingEvent.objects.filter(booking_id=booking_id).only(
        "created_at", "to_state", "reason"
    )
)


class BookingDetailView(LoginRequiredMixin, DetailView):
    template_name = "bookings/booking_detail.html"
    context_object_name = "booking"
    # Drawn once for the same values of these (qunxian.caching.keep_layout).
    content_inputs = ("booking", "events", "can_cancel", "cancel_deadline")

    def get_object(self):
        for booking in _BOOKING.raw(self.request.user.pk, self.kwargs["pk"]):
            return booking
        raise Http404

    def get_context_data(self, **kwargs):
        booking = self.object
        context = super().get_context_data(**kwargs)
        if booking.state == Booking.State.APPROVED:
            context["qr_svg"] = check_in_qr(booking.check_in_code)
        context["events"] = list(_HISTORY.raw(booking.pk))
        deadline = cancel_deadline(booking, booking.cancel_cutoff_minutes)
        context["can_cancel"] = user_may_cancel(booking, deadline=deadline)
        context["cancel_deadline"] = deadline
        return context


@require_POST
@login_required
def cancel(request, pk):
    booking = get_object_or_404(own_bookings(request.user), pk=pk)
    try:
        booking_cancel(booking=booking, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your booking was cancelled."))
    return redirect(booking)


@login_required
@require_safe
def calendar_file(request, pk):
    """The booking as an iCalendar (RFC 5545) event, in Asia/Shanghai."""
    booking = get_object_or_404(
        own_bookings(request.user)
        .filter(state=Booking.State.APPROVED)
        .select_related("space__venue"),
        pk=pk,
    )
    venue = booking.space.venue
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Qunxian//qunxian//ZH")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@qunxian")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(booking.start))
    event.add("dtend", timezone.localtime(booking.end))
    event.add("summary", f"{venue.name} · {booking.space.name}")
    event.add("location", venue.address)
    event.add("geo", (venue.lat, venue.lng))
    event.add(
        "description",
        _("Check-in code: %(code)s") % {"code": booking.check_in_code},
    )
    event.add("url", request.build_absolute_uri(booking.get_absolute_url()))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    response = HttpResponse(
        calendar.to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response
