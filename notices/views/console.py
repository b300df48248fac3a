"""The console: its notices; district-wide ones are created here."""

from django.views.decorators.http import require_POST

from notices.filters import ConsoleNoticeFilter
from notices.forms import ConsoleNoticeForm
from notices.permissions import console_notices
from notices.views import editing
from qunxian.roles import ConsoleRequiredMixin, console_required
from venues.permissions import console_organizations


class ConsoleScope:
    namespace = "console"

    def scope(self):
        return console_notices(self.request.user)


class NoticeListView(ConsoleRequiredMixin, ConsoleScope, editing.NoticeAdminListView):
    template_name = "console/notices/notice_list.html"
    filterset_class = ConsoleNoticeFilter


class NoticeFormView(ConsoleRequiredMixin, ConsoleScope, editing.NoticeFormView):
    form_class = ConsoleNoticeForm
    template_name = "console/notices/notice_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organizations": console_organizations(self.request.user),
        }


@console_required
@require_POST
def notice_delete(request, pk):
    return editing.delete_in_scope(
        request, console_notices(request.user), pk, "console"
    )
