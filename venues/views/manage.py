from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, UpdateView

from qunxian.roles import ManagerRequiredMixin, manager_required
from qunxian.sorting import Column, Sorting
from venues import services
from venues.forms import (
    PhotoCaptionForm,
    PhotoUploadForm,
    SpaceForm,
    VenueInfoForm,
    WeekHoursForm,
)
from venues.hours import HoursRange
from venues.models import Closure, Space, VenuePhoto
from venues.permissions import managed_venues

VENUE_COLUMNS = [
    Column(gettext_lazy("Venue"), "name", ("name",)),
    Column(gettext_lazy("Organisation"), "organisation", ("organization__name",)),
    Column(gettext_lazy("Status"), "status", ("status",)),
    Column(
        gettext_lazy("Views (30 days)"),
        "views",
        ("views_30d",),
        num=True,
        descending_first=True,
    ),
    Column(
        gettext_lazy("Navigations (30 days)"),
        "navigations",
        ("navigations_30d",),
        num=True,
        descending_first=True,
    ),
    Column(
        gettext_lazy("Spaces"),
        "spaces",
        ("space_count",),
        num=True,
        descending_first=True,
    ),
]


class VenueListView(ManagerRequiredMixin, ListView):
    """My venues: the ones they run, with last month's traffic."""

    template_name = "manage/venues/venue_list.html"
    context_object_name = "venues"

    def get_queryset(self):
        since = timezone.localdate() - timedelta(days=30)
        recent = Q(daily_stats__date__gte=since)
        return self.sorting.apply(
            managed_venues(self.request.user)
            .select_related("organization", "town")
            .annotate(
                views_30d=Sum("daily_stats__views", filter=recent, default=0),
                navigations_30d=Sum(
                    "daily_stats__navigations", filter=recent, default=0
                ),
                space_count=Count("spaces", distinct=True),
            )
        )

    @cached_property
    def sorting(self):
        return Sorting(self.request, VENUE_COLUMNS)

    def get_context_data(self, **kwargs):
        return super().get_context_data(sorting=self.sorting, **kwargs)


class ManagedVenueMixin:
    """A page about one venue the user manages (`self.venue`); any other is a 404."""

    def dispatch(self, request, *args, **kwargs):
        self.venue = get_object_or_404(managed_venues(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.venue, **kwargs)

    def get_success_url(self):
        return self.request.path


class VenueEditView(ManagerRequiredMixin, UpdateView):
    form_class = VenueInfoForm
    template_name = "manage/venues/venue_form.html"
    context_object_name = "venue"

    def get_queryset(self):
        return managed_venues(self.request.user)

    def form_valid(self, form):
        try:
            services.venue_update(
                venue=self.object, actor=self.request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The venue's information is saved."))
        return redirect(self.request.path)


class HoursView(ManagerRequiredMixin, ManagedVenueMixin, FormView):
    """The weekly hours as a grid of days and periods, saved as a whole.

    "Copy Monday" is a submit button too, so it works without JavaScript: it
    saves nothing and shows the grid again with Monday's periods on Tuesday
    to Friday, to check and save.
    """

    form_class = WeekHoursForm
    template_name = "manage/venues/hours_form.html"

    @cached_property
    def stored(self):
        return WeekHoursForm.initial_for(
            HoursRange(h.weekday, h.opens, h.closes) for h in self.venue.hours.all()
        )

    def get_form_kwargs(self):
        initial, periods = self.stored
        initial = {**initial, "holiday_hours": self.venue.holiday_hours}
        kwargs = {"periods": periods, "prefix": None}
        if self.request.method == "POST" and "copy_monday" not in self.request.POST:
            # Saving replaces the week with what was posted.
            return {**kwargs, "data": self.request.POST}
        if self.request.method == "POST":
            initial = {
                **WeekHoursForm.copy_monday(self.request.POST, periods),
                "holiday_hours": self.request.POST.get(
                    "holiday_hours", self.venue.holiday_hours
                ),
            }
        return {**kwargs, "initial": initial}

    def post(self, request, *args, **kwargs):
        if "copy_monday" in request.POST:
            messages.info(
                request,
                _("Monday's hours are copied to Tuesday to Friday. Check, then save."),
            )
            return self.render_to_response(self.get_context_data())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.venue_set_hours(
                venue=self.venue,
                actor=self.request.user,
                ranges=form.ranges(),
                holiday_hours=form.cleaned_data["holiday_hours"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The opening hours are saved."))
        return redirect(self.get_success_url())


@manager_required
@require_POST
def closure_delete(request, pk):
    closure = get_object_or_404(
        Closure.objects.filter(venue__in=managed_venues(request.user)).select_related(
            "venue"
        ),
        pk=pk,
    )
    services.closure_delete(closure=closure, actor=request.user)
    messages.success(request, _("The closure is removed."))
    return redirect("manage:venue_closures", pk=closure.venue_id)


class SpaceListView(ManagerRequiredMixin, ManagedVenueMixin, FormView):
    form_class = SpaceForm
    template_name = "manage/venues/space_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            spaces=self.venue.spaces.order_by("-is_active", "name"), **kwargs
        )

    def form_valid(self, form):
        try:
            services.space_create(
                venue=self.venue, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The space is added."))
        return redirect(self.get_success_url())


class SpaceEditView(ManagerRequiredMixin, UpdateView):
    form_class = SpaceForm
    template_name = "manage/venues/space_form.html"
    context_object_name = "space"

    def get_queryset(self):
        return Space.objects.filter(
            venue__in=managed_venues(self.request.user)
        ).select_related("venue")

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.object.venue, **kwargs)

    def form_valid(self, form):
        try:
            services.space_update(
                space=self.object, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The space is saved."))
        return redirect("manage:venue_spaces", pk=self.object.venue_id)


@manager_required
@require_POST
def space_deactivate(request, pk):
    space = get_object_or_404(
        Space.objects.filter(venue__in=managed_venues(request.user)).select_related(
            "venue"
        ),
        pk=pk,
    )
    services.space_deactivate(space=space, actor=request.user)
    messages.success(
        request,
        _("“%(name)s” no longer takes bookings.") % {"name": space.name},
    )
    return redirect("manage:venue_spaces", pk=space.venue_id)


class PhotoListView(ManagerRequiredMixin, ManagedVenueMixin, FormView):
    form_class = PhotoUploadForm
    template_name = "manage/venues/photo_list.html"

    @cached_property
    def photos(self):
        return list(self.venue.photos.all())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "photo_count": len(self.photos)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            photos=self.photos, max_photos=services.MAX_PHOTOS_PER_VENUE, **kwargs
        )

    def form_valid(self, form):
        try:
            services.photo_add(
                venue=self.venue,
                actor=self.request.user,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The photo is added."))
        return redirect(self.get_success_url())


def _managed_photo(request, pk) -> VenuePhoto:
    return get_object_or_404(
        VenuePhoto.objects.filter(
            venue__in=managed_venues(request.user)
        ).select_related("venue"),
        pk=pk,
    )


def _photo_list_url(photo: VenuePhoto, anchor: bool = True) -> str:
    url = reverse("manage:venue_photos", args=[photo.venue_id])
    return f"{url}#photo-{photo.pk}" if anchor else url


@manager_required
@require_POST
def photo_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    photo = _managed_photo(request, pk)
    if services.photo_move(photo=photo, actor=request.user, direction=direction):
        messages.success(request, _("The photo is moved."))
    return redirect(_photo_list_url(photo))


@manager_required
@require_POST
def photo_caption(request, pk):
    photo = _managed_photo(request, pk)
    form = PhotoCaptionForm(request.POST)
    if form.is_valid():
        services.photo_update_caption(
            photo=photo, actor=request.user, caption=form.cleaned_data["caption"]
        )
        messages.success(request, _("The caption is saved."))
    else:
        for text in form.errors.get("caption", []):
            messages.error(request, text)
    return redirect(_photo_list_url(photo))


@manager_required
@require_POST
def photo_delete(request, pk):
    photo = _managed_photo(request, pk)
    services.photo_delete(photo=photo, actor=request.user)
    messages.success(request, _("The photo is deleted."))
    return redirect(_photo_list_url(photo, anchor=False))
