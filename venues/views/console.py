from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from qunxian.forms import add_service_error
from qunxian.models import AuditEntry, User
from qunxian.pagination import page_number, page_of, pager
from qunxian.roles import (
    AdminRequiredMixin,
    ConsoleRequiredMixin,
    admin_required,
    console_required,
    is_system_admin,
)
from qunxian.sorting import Column, Sorting
from venues.filters import ConsoleVenueFilter
from venues.forms import (
    ConsoleOrganizationForm,
    ConsoleVenueForm,
    ExistingAccountForm,
    HolidayForm,
    ManagerAssignForm,
    ManagerCreateForm,
    ManagerPickForm,
    ManagerUnassignForm,
    OrganizationAdminRemoveForm,
    VenueStatusForm,
)
from venues.models import Organization, PublicHoliday, Venue
from venues.permissions import console_organizations, console_venues
from venues.services import (
    holiday_add,
    holiday_delete,
    manager_assign,
    manager_create,
    manager_deactivate,
    manager_unassign,
    organization_add_admin,
    organization_create,
    organization_remove_admin,
    organization_update,
    venue_create,
    venue_set_status,
    venue_update,
)

PAGE_SIZE = 25
MANAGER_PAGE_SIZE = 50
HISTORY_SIZE = 20

VENUE_COLUMNS = [
    Column(gettext_lazy("Venue"), "name", ("name",)),
    Column(gettext_lazy("Organisation"), "organisation", ("organization__name",)),
    Column(gettext_lazy("Category"), "category", ("category",)),
    Column(gettext_lazy("Street or town"), "town", ("town__name",)),
    Column(gettext_lazy("Status"), "status", ("status",)),
    Column(gettext_lazy("Managers")),
]
MANAGER_COLUMNS = [
    Column(gettext_lazy("Name"), "name", ("display_name",)),
    Column(gettext_lazy("Mobile number"), "phone", ("phone",)),
    Column(
        gettext_lazy("Venues"),
        "venues",
        ("venue_count",),
        num=True,
        descending_first=True,
    ),
]


def venue_history(venue: Venue) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(subject_type="venue", subject_id=venue.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:HISTORY_SIZE]
    )


def map_settings() -> dict:
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": settings.MAP_CENTER,
    }


# -- Venues


class VenueListView(ConsoleRequiredMixin, TemplateView):
    """Every venue of the console, whatever its status, with who manages it."""

    template_name = "console/venues/venue_list.html"

    def get_context_data(self, **kwargs):
        filterset = ConsoleVenueFilter(
            self.request.GET,
            queryset=console_venues(self.request.user),
            request=self.request,
        )
        sorting = Sorting(self.request, VENUE_COLUMNS)
        page = page_number(self.request)
        venues, has_next = [], False
        if filterset.is_valid():
            venues, has_next = page_of(
                sorting.apply(filterset.qs)
                .select_related("organization", "town")
                .prefetch_related(
                    Prefetch(
                        "managers",
                        queryset=User.objects.order_by("display_name", "pk"),
                    )
                ),
                page,
                PAGE_SIZE,
            )
        return super().get_context_data(
            filter=filterset,
            venues=venues,
            sorting=sorting,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class ConsoleVenueFormMixin:
    form_class = ConsoleVenueForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organizations": console_organizations(self.request.user),
        }


class VenueCreateView(ConsoleRequiredMixin, ConsoleVenueFormMixin, FormView):
    template_name = "console/venues/venue_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(map_tiles=map_settings(), **kwargs)

    def form_valid(self, form):
        try:
            venue = venue_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The venue was created."))
        return redirect("console:venue_edit", pk=venue.pk)


class VenueEditView(ConsoleRequiredMixin, ConsoleVenueFormMixin, FormView):
    """A venue's details, its status, its managers and its recent history."""

    template_name = "console/venues/venue_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.venue = get_object_or_404(
            console_venues(request.user).select_related("organization", "town"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # A copy of its own: a bound form writes into its instance, and the page
        # must keep showing the venue as stored.
        return {
            **super().get_form_kwargs(),
            "instance": Venue.objects.get(pk=self.venue.pk),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venue=self.venue,
            managers=self.venue.managers.order_by("display_name", "pk"),
            status_form=VenueStatusForm(),
            history=venue_history(self.venue),
            map_tiles=map_settings(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            venue_update(
                venue=self.venue, actor=self.request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The venue was saved."))
        return redirect("console:venue_edit", pk=self.venue.pk)


class VenueStatusView(ConsoleRequiredMixin, FormView):
    """Suspend or reactivate, with a reason; GET shows the form on its own."""

    form_class = VenueStatusForm
    template_name = "console/venues/venue_status.html"
    from_status = to_status = None

    def dispatch(self, request, *args, **kwargs):
        self.venue = get_object_or_404(console_venues(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            venue=self.venue,
            suspending=self.to_status == Venue.Status.SUSPENDED,
            applicable=self.venue.status == self.from_status,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            venue_set_status(
                venue=self.venue,
                actor=self.request.user,
                status=self.to_status,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.to_status == Venue.Status.SUSPENDED:
            messages.success(
                self.request, _("The venue is suspended and hidden from users.")
            )
        else:
            messages.success(self.request, _("The venue is active again."))
        return redirect("console:venue_edit", pk=self.venue.pk)


class VenueSuspendView(VenueStatusView):
    from_status, to_status = Venue.Status.ACTIVE, Venue.Status.SUSPENDED


class VenueReactivateView(VenueStatusView):
    from_status, to_status = Venue.Status.SUSPENDED, Venue.Status.ACTIVE


# -- Organisations


class OrganizationListView(ConsoleRequiredMixin, TemplateView):
    """The console's organisations; only the district creates and edits them."""

    template_name = "console/organizations/organization_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organizations=console_organizations(self.request.user)
            .annotate(
                active_count=Count(
                    "venues", filter=Q(venues__status=Venue.Status.ACTIVE)
                ),
                suspended_count=Count(
                    "venues", filter=Q(venues__status=Venue.Status.SUSPENDED)
                ),
            )
            .order_by("kind", "name"),
            **kwargs,
        )


class OrganizationCreateView(AdminRequiredMixin, FormView):
    form_class = ConsoleOrganizationForm
    template_name = "console/organizations/organization_form.html"

    def form_valid(self, form):
        try:
            organization_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation was created."))
        return redirect("console:organization_list")


class OrganizationEditView(AdminRequiredMixin, FormView):
    """Its name and kind, and who runs its own console."""

    form_class = ConsoleOrganizationForm
    template_name = "console/organizations/organization_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.organization = get_object_or_404(Organization, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Organization.objects.get(pk=self.organization.pk),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **organization_admins(self.organization), **kwargs
        )

    def form_valid(self, form):
        try:
            organization_update(
                organization=self.organization,
                actor=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation was saved."))
        return redirect("console:organization_list")


def organization_admins(organization: Organization, admin_form=None) -> dict:
    return {
        "organization": organization,
        "admins": organization.admins.order_by("display_name", "pk"),
        "admin_form": admin_form or ExistingAccountForm(),
    }


@admin_required
@require_POST
def organization_admin_add(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    form = ExistingAccountForm(request.POST)
    if form.is_valid():
        try:
            organization_add_admin(
                organization=organization, user=form.user, actor=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s now runs the console of %(organization)s.")
                % {"person": form.user, "organization": organization},
            )
            return redirect("console:organization_edit", pk=organization.pk)
    return render(
        request,
        OrganizationEditView.template_name,
        {
            "form": ConsoleOrganizationForm(instance=organization),
            **organization_admins(organization, admin_form=form),
        },
    )


@admin_required
@require_POST
def organization_admin_remove(request, pk):
    organization = get_object_or_404(Organization, pk=pk)
    form = OrganizationAdminRemoveForm(request.POST, organization=organization)
    if form.is_valid():
        organization_remove_admin(
            organization=organization,
            user=form.cleaned_data["user"],
            actor=request.user,
        )
        messages.success(
            request,
            _("%(person)s no longer runs the console of %(organization)s.")
            % {"person": form.cleaned_data["user"], "organization": organization},
        )
    else:
        messages.error(request, _("This person does not run this organisation."))
    return redirect("console:organization_edit", pk=organization.pk)


# -- Venue managers


def console_managers(user):
    """The people who manage at least one of the console's venues, with how many."""
    return User.objects.filter(managed_venues__in=console_venues(user)).annotate(
        venue_count=Count("managed_venues")
    )


class ConsoleVenuesFormMixin:
    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "console_venues": console_venues(self.request.user),
        }


class ManagerListView(ConsoleRequiredMixin, TemplateView):
    """People who manage at least one of the console's venues, with those venues."""

    template_name = "console/managers/manager_list.html"

    def get_context_data(self, **kwargs):
        sorting = Sorting(self.request, MANAGER_COLUMNS)
        page = page_number(self.request)
        managers = (
            console_managers(self.request.user)
            .order_by("display_name", "pk")
            .prefetch_related(
                Prefetch(
                    "managed_venues",
                    queryset=console_venues(self.request.user).order_by("name"),
                )
            )
        )
        managers, has_next = page_of(sorting.apply(managers), page, MANAGER_PAGE_SIZE)
        return super().get_context_data(
            managers=managers,
            sorting=sorting,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class ManagerCreateView(ConsoleRequiredMixin, ConsoleVenuesFormMixin, FormView):
    form_class = ManagerCreateForm
    template_name = "console/managers/manager_create.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = manager_create(
                phone=data["phone"],
                display_name=data["display_name"],
                password=data["password1"],
                venues=data["venues"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "The account was created. Give the manager their mobile number "
                "and the initial password."
            ),
        )
        return redirect("console:manager_detail", pk=user.pk)


class ManagerPickView(ConsoleRequiredMixin, ConsoleVenuesFormMixin, FormView):
    form_class = ManagerPickForm
    template_name = "console/managers/manager_pick.html"

    def form_valid(self, form):
        try:
            manager_assign(
                user=form.user,
                venues=form.cleaned_data["venues"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The venues were assigned."))
        return redirect("console:manager_detail", pk=form.user.pk)


def render_manager(request, person: User, assign_form=None):
    venues = console_venues(request.user)
    return render(
        request,
        "console/managers/manager_detail.html",
        {
            "person": person,
            "venues": venues.managed_by(person)
            .select_related("organization")
            .order_by("name"),
            "assign_form": assign_form
            or ManagerAssignForm(user=person, console_venues=venues),
            "history": list(
                AuditEntry.objects.filter(subject_type="user", subject_id=person.pk)
                .select_related("actor")
                .order_by("-created_at", "-id")[:HISTORY_SIZE]
            ),
            "is_self": person.pk == request.user.pk,
            "protected": person.is_superuser or is_system_admin(person),
        },
    )


def console_person(request, pk) -> User:
    """Anyone, to a system admin; to an organisation admin, a manager of theirs."""
    if is_system_admin(request.user):
        return get_object_or_404(User, pk=pk)
    return get_object_or_404(console_managers(request.user), pk=pk)


@console_required
def manager_detail(request, pk):
    return render_manager(request, console_person(request, pk))


@console_required
@require_POST
def manager_assign_venue(request, pk):
    person = console_person(request, pk)
    form = ManagerAssignForm(
        request.POST, user=person, console_venues=console_venues(request.user)
    )
    if form.is_valid():
        try:
            manager_assign(
                user=person, venues=[form.cleaned_data["venue"]], actor=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The venue was assigned."))
            return redirect("console:manager_detail", pk=person.pk)
    return render_manager(request, person, assign_form=form)


@console_required
@require_POST
def manager_unassign_venue(request, pk):
    person = console_person(request, pk)
    form = ManagerUnassignForm(
        request.POST, user=person, console_venues=console_venues(request.user)
    )
    if form.is_valid():
        manager_unassign(
            venue=form.cleaned_data["venue"], user=person, actor=request.user
        )
        messages.success(request, _("The venue was unassigned."))
    else:
        messages.error(request, _("This person does not manage that venue."))
    return redirect("console:manager_detail", pk=person.pk)


@admin_required
@require_POST
def manager_deactivate_account(request, pk):
    person = get_object_or_404(User, pk=pk)
    try:
        manager_deactivate(user=person, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The account was deactivated and taken off its venues.")
        )
    return redirect("console:manager_detail", pk=person.pk)


# -- The district's holiday list


class HolidayListView(AdminRequiredMixin, FormView):
    """One year of public holidays and make-up working days, and the form to
    add a day; the venues' booking calendars follow it."""

    form_class = HolidayForm
    template_name = "console/venues/holiday_list.html"

    @cached_property
    def year(self) -> int:
        this_year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", this_year))
        except ValueError:
            return this_year
        return year if abs(year - this_year) <= 5 else this_year

    def get_context_data(self, **kwargs):
        this_year = timezone.localdate().year
        return super().get_context_data(
            year=self.year,
            years=range(this_year - 1, this_year + 3),
            holidays=PublicHoliday.objects.filter(date__year=self.year),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            holiday = holiday_add(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(day)s is on the list.") % {"day": holiday.date}
        )
        return redirect(f"{reverse('console:holiday_list')}?year={holiday.date.year}")


@admin_required
@require_POST
def holiday_remove(request, pk):
    holiday = get_object_or_404(PublicHoliday, pk=pk)
    holiday_delete(actor=request.user, holiday=holiday)
    messages.success(request, _("%(day)s is off the list.") % {"day": holiday.date})
    return redirect(f"{reverse('console:holiday_list')}?year={holiday.date.year}")
