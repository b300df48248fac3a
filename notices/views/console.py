"""The console: every notice; district-wide ones are created here."""

from django.views.decorators.http import require_POST

from notices.filters import ConsoleNoticeFilter
from notices.forms import ConsoleNoticeForm
from notices.models import Notice
from notices.views import editing
from qunxian.roles import AdminRequiredMixin, admin_required


class ConsoleScope:
    namespace = "console"

    def scope(self):
        return Notice.objects.all()


class NoticeListView(AdminRequiredMixin, ConsoleScope, editing.NoticeAdminListView):
    template_name = "console/notices/notice_list.html"
    filterset_class = ConsoleNoticeFilter


class NoticeFormView(AdminRequiredMixin, ConsoleScope, editing.NoticeFormView):
    form_class = ConsoleNoticeForm
    template_name = "console/notices/notice_form.html"


@admin_required
@require_POST
def notice_delete(request, pk):
    return editing.delete_in_scope(request, Notice.objects.all(), pk, "console")
