from django.urls import path

from bookings.views import calendar, closures, exports, manage, portal
from qunxian.caching import keep_layout

portal_patterns = [
    path("", keep_layout(portal.MyBookingsView.as_view()), name="list"),
    path("<int:pk>/", keep_layout(portal.BookingDetailView.as_view()), name="detail"),
    path("<int:pk>/cancel/", portal.cancel, name="cancel"),
    path("<int:pk>/booking.ics", portal.calendar_file, name="ics"),
    path(
        "spaces/<int:space_id>/availability/",
        portal.AvailabilityView.as_view(),
        name="availability",
    ),
    path(
        "spaces/<int:space_id>/book/",
        portal.BookingCreateView.as_view(),
        name="new",
    ),
]

manage_patterns = [
    path(
        "venues/<int:pk>/closures/",
        closures.ClosureListView.as_view(),
        name="venue_closures",
    ),
    # -- manager-end booking pages --
    path("bookings/", manage.QueueView.as_view(), name="booking_queue"),
    path("calendar/", calendar.WeekCalendarView.as_view(), name="booking_calendar"),
    path("calendar/day/", calendar.DaySheetView.as_view(), name="booking_day_sheet"),
    path("bookings/decide/", manage.bulk_decide, name="booking_bulk_decide"),
    path(
        "bookings/check-in/",
        manage.CheckInByCodeView.as_view(),
        name="booking_check_in_code",
    ),
    path(
        "bookings/<int:pk>/",
        manage.BookingDetailView.as_view(),
        name="booking_detail",
    ),
    path("bookings/<int:pk>/approve/", manage.approve, name="booking_approve"),
    path("bookings/<int:pk>/reject/", manage.reject, name="booking_reject"),
    path("bookings/<int:pk>/cancel/", manage.cancel, name="booking_cancel"),
    path("bookings/<int:pk>/check-in/", manage.check_in, name="booking_check_in"),
    path("bookings/<int:pk>/no-show/", manage.no_show, name="booking_no_show"),
    path("spaces/<int:pk>/day/", manage.SpaceDayView.as_view(), name="space_day"),
    path("spaces/<int:pk>/rules/", manage.SpaceRulesView.as_view(), name="space_rules"),
    # -- downloads --
    path(
        "bookings/export/",
        exports.ManagerBookingExportView.as_view(),
        name="booking_export",
    ),
]

console_patterns = [
    path(
        "bookings/export/",
        exports.ConsoleBookingExportView.as_view(),
        name="booking_export",
    ),
]
