"""What the manager end and the console share: the list and the form pages.

Each end says where its notices come from (`scope`) and which form it uses; an
object outside the scope is a 404 to a GET and to a POST alike.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from notices.services import notice_create, notice_delete, notice_update
from qunxian.forms import add_service_error
from qunxian.pagination import page_number, page_of, pager

PAGE_SIZE = 30


class ScopedNotices:
    namespace = ""  # "manage" or "console"

    def scope(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(namespace=self.namespace, **kwargs)


class NoticeAdminListView(ScopedNotices, TemplateView):
    """Every notice in scope, scheduled ones too, newest first."""

    filterset_class = None

    def get_context_data(self, **kwargs):
        queryset = self.scope().select_related("organization", "venue", "author")
        queryset = queryset.order_by("-published_at", "-id").defer("body")
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                self.request.GET, queryset=queryset, request=self.request
            )
            queryset = filterset.qs if filterset.is_valid() else queryset.none()
        page = page_number(self.request)
        notices, has_next = page_of(queryset, page, PAGE_SIZE)
        return super().get_context_data(
            filter=filterset,
            notices=notices,
            **pager(self.request, page, has_next),
            **kwargs,
        )


class NoticeFormView(ScopedNotices, FormView):
    """New when there is no `pk` in the URL, else an edit of that notice."""

    def dispatch(self, request, *args, **kwargs):
        self.notice = None
        if "pk" in kwargs:
            self.notice = get_object_or_404(
                self.scope().select_related("organization", "venue"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "notice": self.notice}

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice=self.notice, **kwargs)

    def form_valid(self, form):
        actor = self.request.user
        try:
            if self.notice is None:
                notice_create(actor=actor, **form.service_kwargs())
                message = _("The notice is saved.")
            else:
                notice_update(notice=self.notice, actor=actor, **form.service_kwargs())
                message = _("Your changes are saved.")
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(f"{self.namespace}:notice_list")


def delete_in_scope(request, scope, pk: int, namespace: str):
    notice = get_object_or_404(scope.select_related("venue"), pk=pk)
    notice_delete(notice=notice, actor=request.user)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": notice.title})
    return redirect(f"{namespace}:notice_list")
