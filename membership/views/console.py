"""The console: the district union's applications and escalations, members,
the fast-track lists and the figures."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import DetailView, TemplateView

from membership import services
from membership.forms import RejectForm, TransferForm
from membership.models import FastTrackList, Membership, MembershipEvent
from membership.permissions import console_applications
from membership.views import handling
from qunxian.pagination import page_number, page_of, pager
from qunxian.roles import AdminRequiredMixin, admin_required
from qunxian.workflow import Refused

NAMESPACE = "console"
LAYOUT = "layouts/console.html"
PAGE_SIZE = 50


class QueueView(AdminRequiredMixin, handling.QueueView):
    """The district union's own applications and the escalated ones."""

    namespace = NAMESPACE
    layout = LAYOUT

    def queue(self):
        return console_applications().district_queue()


class ApplicationView(AdminRequiredMixin, handling.HandlingView):
    namespace = NAMESPACE
    layout = LAYOUT

    def scope(self):
        return console_applications()


@admin_required
@require_POST
def approve(request, pk):
    return handling.approve(request, console_applications(), pk, NAMESPACE)


@admin_required
@require_POST
def request_info(request, pk):
    return handling.request_info(request, console_applications(), pk, NAMESPACE)


@admin_required
@require_POST
def reject(request, pk):
    return handling.reject(request, console_applications(), pk, NAMESPACE)


@admin_required
@require_POST
def follow(request, pk):
    return handling.follow(request, console_applications(), pk, NAMESPACE)


@admin_required
@require_POST
def bulk_approve(request):
    return handling.bulk_approve(request, console_applications(), NAMESPACE)


# -- Members


class MemberListView(AdminRequiredMixin, TemplateView):
    template_name = "console/membership/member_list.html"

    def get_context_data(self, **kwargs):
        page = page_number(self.request)
        members = Membership.objects.select_related("union", "user", "town").order_by(
            "-started_at", "-id"
        )
        rows, has_next = page_of(members, page, PAGE_SIZE)
        return super().get_context_data(
            members=rows, **pager(self.request, page, has_next), **kwargs
        )


class MemberDetailView(AdminRequiredMixin, DetailView):
    template_name = "console/membership/member_detail.html"
    context_object_name = "membership"

    def get_queryset(self):
        return Membership.objects.select_related(
            "union", "user", "town", "venue", "transferred_from__union"
        ).prefetch_related(
            Prefetch("events", queryset=MembershipEvent.objects.select_related("actor"))
        )

    def get_context_data(self, **kwargs):
        membership = self.object
        return super().get_context_data(
            is_current=membership.status in Membership.CURRENT,
            transfer_form=TransferForm(leaving=membership.union),
            revoke_form=RejectForm(),
            **kwargs,
        )


def _member(pk) -> Membership:
    return get_object_or_404(Membership.objects.select_related("union", "user"), pk=pk)


@admin_required
@require_POST
def transfer(request, pk):
    membership = _member(pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            moved = services.membership_transfer(
                membership=membership,
                actor=request.user,
                union=form.cleaned_data["union"],
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Transferred to %(union)s, number %(number)s.")
                % {"union": moved.union, "number": moved.card_number},
            )
            return redirect("console:membership_member", pk=moved.pk)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("console:membership_member", pk=pk)


@admin_required
@require_POST
def revoke(request, pk):
    membership = _member(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.membership_revoke(
                membership=membership,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The membership was revoked."))
    else:
        messages.error(request, _("Please give a reason."))
    return redirect("console:membership_member", pk=pk)


# -- Fast-track lists


@admin_required
@require_safe
def fast_track_lists(request):
    return render(
        request,
        "console/membership/fast_track_lists.html",
        {"lists": FastTrackList.objects.select_related("uploaded_by")[:100]},
    )
