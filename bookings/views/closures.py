"""The venue's closures page: a new closure also cancels the bookings it falls on.

Served by bookings because venues cannot know about bookings; removing a
closure (`manage:closure_delete`) touches no booking and stays in venues.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView

from bookings.services import closure_add_cancelling_bookings
from qunxian.roles import ManagerRequiredMixin
from venues.forms import ClosureForm
from venues.permissions import managed_venues

#: Past closures stay listed this long, then drop off the page.
PAST_CLOSURE_DAYS = 90


class ClosureListView(ManagerRequiredMixin, FormView):
    """Current and coming closures, recent past ones, and the form to add one."""

    form_class = ClosureForm
    template_name = "manage/venues/closure_list.html"

    def dispatch(self, request, *args, **kwargs):
        self.venue = get_object_or_404(managed_venues(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "venue": self.venue}

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            venue=self.venue,
            closures=self.venue.closures.filter(
                end_date__gte=today - datetime.timedelta(days=PAST_CLOSURE_DAYS)
            )
            .select_related("space")
            .order_by("start_date", "start_time", "id"),
            today=today,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            cancelled = closure_add_cancelling_bookings(
                venue=self.venue, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if cancelled:
            message = ngettext(
                "The closure is added. %(count)d booking was cancelled and its "
                "user told.",
                "The closure is added. %(count)d bookings were cancelled and their "
                "users told.",
                cancelled,
            ) % {"count": cancelled}
        else:
            message = _("The closure is added.")
        messages.success(self.request, message)
        return redirect(self.request.path)
