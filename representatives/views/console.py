"""The console's part: the district's congresses, created and set up here."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from qunxian.forms import add_service_error
from qunxian.roles import AdminRequiredMixin
from qunxian.workflow import Refused
from representatives import services
from representatives.forms import CongressForm
from representatives.models import Congress
from representatives.views.setup import CongressSetupView


class CongressListView(AdminRequiredMixin, FormView):
    template_name = "console/representatives/congress_list.html"
    form_class = CongressForm

    def form_valid(self, form):
        try:
            congress = services.congress_create(
                actor=self.request.user, **form.cleaned_data
            )
        except Refused as refused:
            add_service_error(form, refused)
            return self.form_invalid(form)
        messages.success(self.request, _("Congress created; now set it up."))
        return redirect("console:congress_setup", congress.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            congresses=Congress.objects.select_related("organization"), **kwargs
        )


class ConsoleCongressSetupView(AdminRequiredMixin, CongressSetupView):
    layout = "layouts/console.html"
    url_name = "console:congress_setup"

    def scope(self):
        return Congress.objects.all()
