"""Mounts the three ends: the user end at `/`, `manage:` and `console:`."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

from activities import urls as activity_urls
from bookings import urls as booking_urls
from dashboards import urls as dashboard_urls
from feedback import urls as feedback_urls
from membership import urls as membership_urls
from notices import urls as notice_urls
from qunxian import views
from qunxian.accounts import LoginView
from qunxian.roles import console_required, guarded_patterns, manager_required
from representatives import urls as representative_urls
from venues import urls as venue_urls
from volunteering import urls as volunteering_urls

handler403 = "qunxian.views.permission_denied"
handler404 = "qunxian.views.page_not_found"
handler500 = "qunxian.views.server_error"
handler429 = "qunxian.views.too_many_requests"  # read by allauth

manage_patterns = [
    *dashboard_urls.manage_patterns,
    *venue_urls.manage_patterns,
    *booking_urls.manage_patterns,
    *feedback_urls.manage_patterns,
    *activity_urls.manage_patterns,
    *notice_urls.manage_patterns,
    *membership_urls.manage_patterns,
    *volunteering_urls.manage_patterns,
    *representative_urls.manage_patterns,
]
console_patterns = [
    *dashboard_urls.console_patterns,
    *venue_urls.console_patterns,
    *booking_urls.console_patterns,
    *feedback_urls.console_patterns,
    *activity_urls.console_patterns,
    *notice_urls.console_patterns,
    *membership_urls.console_patterns,
    *volunteering_urls.console_patterns,
    *representative_urls.console_patterns,
    # The audit log is the core's: every app writes to it.
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/export.csv", views.audit_csv, name="audit_csv"),
    path("audit/export.xlsx", views.audit_xlsx, name="audit_xlsx"),
    # Notifications are the core's too: every app sends them.
    path("messages/failed/", views.DeliveryListView.as_view(), name="delivery_list"),
    path(
        "messages/failed/<int:pk>/resend/",
        views.resend_delivery,
        name="delivery_resend",
    ),
]

urlpatterns = [
    *dashboard_urls.portal_patterns,
    path("venues/", include((venue_urls.portal_patterns, "venues"))),
    path("bookings/", include((booking_urls.portal_patterns, "bookings"))),
    path("feedback/", include((feedback_urls.portal_patterns, "feedback"))),
    path("activities/", include((activity_urls.portal_patterns, "activities"))),
    path("notices/", include((notice_urls.portal_patterns, "notices"))),
    path("membership/", include((membership_urls.portal_patterns, "membership"))),
    path(
        "volunteering/",
        include((volunteering_urls.portal_patterns, "volunteering")),
    ),
    path(
        "representatives/",
        include((representative_urls.portal_patterns, "representatives")),
    ),
    path("me/", views.ProfileView.as_view(), name="profile"),
    path("messages/", views.InboxView.as_view(), name="inbox"),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("language/<str:code>/", views.switch_language, name="language"),
    path("display/<str:mode>/", views.switch_display, name="display"),
    # Each admin end is guarded once here, on top of each view's own guard
    # (in the console, `admin_required` on the district's own pages).
    path(
        "manage/",
        include((guarded_patterns(manager_required, manage_patterns), "manage")),
    ),
    path(
        "console/",
        include((guarded_patterns(console_required, console_patterns), "console")),
    ),
]

if settings.SERVE_MEDIA:
    # Venue photos are public; a front proxy may serve MEDIA_ROOT instead.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(
            rf"^{media_prefix}(?P<path>.*)$",
            require_safe(serve),
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    ]
