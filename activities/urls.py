from django.urls import path

from activities.views import console, exports, manage, portal

portal_patterns = [
    path("", portal.ActivityListView.as_view(), name="list"),
    path("mine/", portal.MySignUpsView.as_view(), name="mine"),
    path("<int:pk>/", portal.ActivityDetailView.as_view(), name="detail"),
    path("<int:pk>/sign-up/", portal.sign_up, name="sign_up"),
    path("<int:pk>/cancel/", portal.cancel, name="cancel"),
]

manage_patterns = [
    path("activities/", manage.ActivityListView.as_view(), name="activity_list"),
    path(
        "activities/new/", manage.ActivityCreateView.as_view(), name="activity_create"
    ),
    path(
        "activities/<int:pk>/edit/",
        manage.ActivityEditView.as_view(),
        name="activity_edit",
    ),
    path("activities/<int:pk>/cancel/", manage.cancel, name="activity_cancel"),
    path(
        "activities/<int:pk>/",
        manage.SignUpListView.as_view(),
        name="activity_signups",
    ),
    path(
        "activities/check-in/",
        manage.CheckInByCodeView.as_view(),
        name="activity_check_in_code",
    ),
    path(
        "activities/sign-ups/<int:pk>/check-in/",
        manage.check_in,
        name="activity_check_in",
    ),
    # -- downloads --
    path(
        "activities/sign-ups/export/",
        exports.ManagerSignUpExportView.as_view(),
        name="signup_export",
    ),
]

console_patterns = [
    path("activities/", console.ActivityListView.as_view(), name="activity_list"),
    path(
        "activities/series/", console.SeriesListView.as_view(), name="activity_series"
    ),
    path("activities/reach/", console.ReachReportView.as_view(), name="activity_reach"),
    path(
        "activities/sign-ups/export/",
        exports.ConsoleSignUpExportView.as_view(),
        name="signup_export",
    ),
]
