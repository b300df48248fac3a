from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView, UpdateView

from qunxian import display
from qunxian.exports import CSV, XLSX, Table, table_response
from qunxian.filters import AuditFilter
from qunxian.forms import ProfileForm
from qunxian.http import redirect_back
from qunxian.models import AuditEntry
from qunxian.pagination import page_number, page_of, pager
from qunxian.roles import AdminRequiredMixin, admin_required
from qunxian.services import notifications_mark_read

AUDIT_PAGE_SIZE = 50


class ProfileView(LoginRequiredMixin, UpdateView):
    """我的: the worker's own details, and links to everything that is theirs."""

    form_class = ProfileForm
    template_name = "account/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your details were saved."))
        return super().form_valid(form)


class InboxView(LoginRequiredMixin, ListView):
    """消息: what happened to my bookings and feedback; opening it reads them."""

    template_name = "account/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return self.request.user.notifications.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notifications"] = list(context["object_list"])  # before marking
        notifications_mark_read(user=self.request.user)
        return context


@require_safe
def switch_language(request, code):
    """Remember the chosen language in its cookie and go back.

    A link rather than Django's POST form: pages then carry no CSRF token, so
    the anonymous directory pages can be cached for everyone.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = redirect_back(request, "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    return response


@require_safe
def switch_display(request, mode):
    """Turn 适老化 (elder) mode on or off for this browser and go back.

    A link, like the language switch, so it works without JavaScript and the
    cached anonymous pages carry no CSRF token.
    """
    if mode not in display.MODES:
        raise Http404
    response = redirect_back(request, "/")
    response.set_cookie(
        display.COOKIE,
        mode,
        max_age=display.COOKIE_AGE,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    return response


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def too_many_requests(request, exception=None):
    """allauth's answer past a rate limit (its `handler429` hook)."""
    return render(request, "errors/429.html", status=429)


def server_error(request):
    """Rendered without the request's context: the database may be what failed."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


# -- The console's audit log: every app writes to it, so it is the core's page.


def audit_filter(request) -> AuditFilter:
    return AuditFilter(
        request.GET,
        queryset=AuditEntry.objects.select_related("actor").order_by(
            "-created_at", "-id"
        ),
    )


def audit_page(request, filterset: AuditFilter) -> dict:
    page = page_number(request)
    entries, has_next = [], False
    if filterset.is_valid():
        entries, has_next = page_of(filterset.qs, page, AUDIT_PAGE_SIZE)
    return {"filter": filterset, "entries": entries, **pager(request, page, has_next)}


class AuditListView(AdminRequiredMixin, TemplateView):
    """Every change made in the admin ends, newest first."""

    template_name = "console/audit/audit_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **audit_page(self.request, audit_filter(self.request)), **kwargs
        )


def audit_table(filterset: AuditFilter) -> Table:
    def rows():
        for entry in filterset.qs.iterator(chunk_size=1000):
            yield [
                entry.created_at,
                str(entry.actor or _("System")),
                entry.action_label,
                entry.subject_type_label,
                entry.subject_id,
                entry.subject_label,
                entry.details,
            ]

    return Table(
        title=_("Audit log"),
        headers=[
            _("When"),
            _("Who"),
            _("What"),
            _("About"),
            _("ID"),
            _("Subject"),
            _("Details"),
        ],
        rows=rows(),
        datetime_format="%Y-%m-%d %H:%M:%S",
    )


def _audit_export(request, file_format: str):
    """The entries the same filters select, all of them, for a spreadsheet.

    Read row by row, so a long log is not held in memory; bad filters show
    the page with their errors instead.
    """
    filterset = audit_filter(request)
    if not filterset.is_valid():
        return render(
            request, AuditListView.template_name, audit_page(request, filterset)
        )
    return table_response(
        audit_table(filterset), file_format=file_format, filename="audit-log"
    )


@admin_required
@require_safe
def audit_csv(request):
    return _audit_export(request, CSV)


@admin_required
@require_safe
def audit_xlsx(request):
    return _audit_export(request, XLSX)
