from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, UpdateView

from qunxian import display
from qunxian.forms import ProfileForm
from qunxian.http import redirect_back
from qunxian.services import notifications_mark_read


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


def server_error(request):
    """Rendered without the request's context: the database may be what failed."""
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
