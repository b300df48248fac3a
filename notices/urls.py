from django.urls import path

from notices.views import console, manage, portal

portal_patterns = [
    path("", portal.NoticeListView.as_view(), name="list"),
    path("policies/", portal.PolicyListView.as_view(), name="policies"),
    path("<int:pk>/", portal.NoticeDetailView.as_view(), name="detail"),
    path("<int:pk>/attachment/", portal.attachment, name="attachment"),
    path("venues/<int:venue_id>/", portal.VenueNoticesView.as_view(), name="venue"),
]

manage_patterns = [
    path("notices/", manage.NoticeListView.as_view(), name="notice_list"),
    path("notices/new/", manage.NoticeFormView.as_view(), name="notice_create"),
    path("notices/<int:pk>/", manage.NoticeFormView.as_view(), name="notice_edit"),
    path("notices/<int:pk>/delete/", manage.notice_delete, name="notice_delete"),
]

console_patterns = [
    path("notices/", console.NoticeListView.as_view(), name="notice_list"),
    path("notices/new/", console.NoticeFormView.as_view(), name="notice_create"),
    path("notices/<int:pk>/", console.NoticeFormView.as_view(), name="notice_edit"),
    path("notices/<int:pk>/delete/", console.notice_delete, name="notice_delete"),
]
