from django.urls import path

from membership.views import console, fasttrack, figures, manage, portal

portal_patterns = [
    path("", portal.MembershipHomeView.as_view(), name="home"),
    path("apply/", portal.ApplyView.as_view(), name="apply"),
    path(
        "applications/<int:pk>/",
        portal.ApplicationDetailView.as_view(),
        name="application",
    ),
    path("applications/<int:pk>/answer/", portal.answer, name="answer"),
    path("applications/<int:pk>/withdraw/", portal.withdraw, name="withdraw"),
    path("card/", portal.card, name="card"),
    path("greeting/", portal.greeting, name="greeting"),
    path("card/renew/", portal.renew, name="renew"),
    path("card/leave/", portal.leave, name="leave"),
    # The public check a card's QR code opens: no log-in, no personal data.
    path("check/<str:token>/", portal.verify, name="verify"),
]

manage_patterns = [
    path("membership/", manage.QueueView.as_view(), name="membership_queue"),
    path(
        "membership/approve/",
        manage.bulk_approve,
        name="membership_bulk_approve",
    ),
    path(
        "membership/<int:pk>/",
        manage.ApplicationView.as_view(),
        name="membership_application",
    ),
    path("membership/<int:pk>/approve/", manage.approve, name="membership_approve"),
    path(
        "membership/<int:pk>/ask/",
        manage.request_info,
        name="membership_request_info",
    ),
    path("membership/<int:pk>/reject/", manage.reject, name="membership_reject"),
    path("membership/<int:pk>/follow/", manage.follow, name="membership_follow"),
]

console_patterns = [
    path("membership/", console.QueueView.as_view(), name="membership_queue"),
    path(
        "membership/approve/",
        console.bulk_approve,
        name="membership_bulk_approve",
    ),
    path(
        "membership/<int:pk>/",
        console.ApplicationView.as_view(),
        name="membership_application",
    ),
    path("membership/<int:pk>/approve/", console.approve, name="membership_approve"),
    path(
        "membership/<int:pk>/ask/",
        console.request_info,
        name="membership_request_info",
    ),
    path("membership/<int:pk>/reject/", console.reject, name="membership_reject"),
    path("membership/<int:pk>/follow/", console.follow, name="membership_follow"),
    path("members/", console.MemberListView.as_view(), name="membership_members"),
    path(
        "members/<int:pk>/",
        console.MemberDetailView.as_view(),
        name="membership_member",
    ),
    path("members/<int:pk>/transfer/", console.transfer, name="membership_transfer"),
    path("members/<int:pk>/revoke/", console.revoke, name="membership_revoke"),
    path("fast-track/", console.fast_track_lists, name="fast_track_lists"),
    path("fast-track/upload/", fasttrack.upload, name="fast_track_upload"),
    path(
        "fast-track/upload/<slug:token>/",
        fasttrack.preview,
        name="fast_track_preview",
    ),
    path(
        "fast-track/upload/<slug:token>/confirm/",
        fasttrack.confirm,
        name="fast_track_confirm",
    ),
    path(
        "membership/figures/", figures.FiguresView.as_view(), name="membership_figures"
    ),
    path(
        "membership/figures/export.csv",
        figures.figures_csv,
        name="membership_figures_csv",
    ),
]
