"""The venue-manager end: notices for the venues the user manages."""

from django.views.decorators.http import require_POST

from notices.forms import ManagerNoticeForm
from notices.permissions import managed_notices
from notices.views import editing
from qunxian.roles import ManagerRequiredMixin, manager_required
from venues.permissions import managed_venues


class ManagerScope:
    namespace = "manage"

    def scope(self):
        return managed_notices(self.request.user)


class NoticeListView(ManagerRequiredMixin, ManagerScope, editing.NoticeAdminListView):
    template_name = "manage/notices/notice_list.html"


class NoticeFormView(ManagerRequiredMixin, ManagerScope, editing.NoticeFormView):
    form_class = ManagerNoticeForm
    template_name = "manage/notices/notice_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "venues": managed_venues(self.request.user),
        }


@manager_required
@require_POST
def notice_delete(request, pk):
    return editing.delete_in_scope(request, managed_notices(request.user), pk, "manage")
