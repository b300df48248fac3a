"""The venue-manager end: applications made at my venues.

Every query starts from `managed_applications(user)`, so another venue's
application is a 404, to a GET and to a POST alike.
"""

from django.views.decorators.http import require_POST

from membership.permissions import managed_applications
from membership.views import handling
from qunxian.roles import ManagerRequiredMixin, manager_required

NAMESPACE = "manage"
LAYOUT = "layouts/manage.html"


class QueueView(ManagerRequiredMixin, handling.QueueView):
    namespace = NAMESPACE
    layout = LAYOUT

    def queue(self):
        return managed_applications(self.request.user)


class ApplicationView(ManagerRequiredMixin, handling.HandlingView):
    namespace = NAMESPACE
    layout = LAYOUT

    def scope(self):
        return managed_applications(self.request.user)


@manager_required
@require_POST
def approve(request, pk):
    return handling.approve(request, managed_applications(request.user), pk, NAMESPACE)


@manager_required
@require_POST
def request_info(request, pk):
    return handling.request_info(
        request, managed_applications(request.user), pk, NAMESPACE
    )


@manager_required
@require_POST
def reject(request, pk):
    return handling.reject(request, managed_applications(request.user), pk, NAMESPACE)


@manager_required
@require_POST
def follow(request, pk):
    return handling.follow(request, managed_applications(request.user), pk, NAMESPACE)


@manager_required
@require_POST
def bulk_approve(request):
    return handling.bulk_approve(request, managed_applications(request.user), NAMESPACE)
