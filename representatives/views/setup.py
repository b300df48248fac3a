"""Setting a congress up: its terms and sessions, representatives, departments,
staff and committee. The console (every congress, for the system admins) and
the user end (a congress's own office) share this page; they differ only in
the congresses a page is looked up in and the URLs it answers on.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from qunxian.forms import add_service_error
from qunxian.workflow import Refused
from representatives import services
from representatives.forms import (
    DepartmentForm,
    MemberForm,
    RepresentativeForm,
    SessionForm,
    TermForm,
)
from representatives.models import Congress, Representative

#: The page's forms by the name of their submit button, and what each does.
FORMS = {
    "term": (TermForm, services.term_create),
    "session": (SessionForm, services.session_create),
    "representative": (RepresentativeForm, services.representative_name),
    "department": (DepartmentForm, services.department_create),
    "member": (MemberForm, services.congress_add_member),
}
NEEDS_CONGRESS = {SessionForm, RepresentativeForm}


class CongressSetupView(TemplateView):
    template_name = "representatives/setup.html"
    layout = ""  # the end's layout template
    url_name = ""  # this page's URL name

    def scope(self):
        raise NotImplementedError

    def get_congress(self) -> Congress:
        return get_object_or_404(
            self.scope().select_related("organization"), pk=self.kwargs["pk"]
        )

    def forms(self, congress, data=None, bound=""):
        forms = {}
        for name, (form_class, _act) in FORMS.items():
            extra = {"congress": congress} if form_class in NEEDS_CONGRESS else {}
            forms[name] = form_class(
                data if name == bound else None, prefix=name, **extra
            )
        return forms

    def get(self, request, *args, **kwargs):
        congress = self.get_congress()
        return self.render_to_response(self.context(congress, self.forms(congress)))

    def post(self, request, *args, **kwargs):
        congress = self.get_congress()
        name = next((n for n in FORMS if n in request.POST), None)
        if name is None:
            messages.error(request, _("Nothing to save."))
            return redirect(self.url_name, congress.pk)
        forms = self.forms(congress, request.POST, bound=name)
        form = forms[name]
        if form.is_valid():
            data = dict(form.cleaned_data)
            if name in ("department", "member", "term"):
                data["congress"] = congress
            try:
                FORMS[name][1](actor=request.user, **data)
            except Refused as refused:
                add_service_error(form, refused)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.url_name, congress.pk)
        return self.render_to_response(self.context(congress, forms), status=200)

    def context(self, congress, forms):
        return self.get_context_data(
            congress=congress,
            layout=self.layout,
            forms=forms,
            action=reverse(self.url_name, args=[congress.pk]),
            terms=congress.terms.prefetch_related("sessions"),
            representatives=Representative.objects.filter(
                term__congress=congress
            ).select_related("user", "term"),
            departments=congress.departments.prefetch_related("contacts"),
            staff=congress.staff.all(),
            committee=congress.committee.all(),
        )
