from django.urls import path

from feedback.views import console, exports, indexes, manage, photos, portal

portal_patterns = [
    # -- user-end feedback pages --
    path("", portal.MyFeedbackView.as_view(), name="mine"),
    path("new/", portal.AppealCreateView.as_view(), name="new"),
    path("<int:pk>/", portal.AppealDetailView.as_view(), name="detail"),
    path("<int:pk>/confirm/", portal.confirm, name="confirm"),
    # Photos for every end: each view looks them up in the viewer's scope.
    path("<int:pk>/photo/", photos.appeal_photo, name="appeal_photo"),
    path(
        "<int:pk>/photo/small/",
        photos.appeal_photo,
        {"thumbnail": True},
        name="appeal_thumbnail",
    ),
    path("review-photos/<int:pk>/", photos.review_photo, name="review_photo"),
    path(
        "review-photos/<int:pk>/small/",
        photos.review_photo,
        {"thumbnail": True},
        name="review_thumbnail",
    ),
    path(
        "venues/<int:venue_id>/reviews/",
        portal.VenueReviewsView.as_view(),
        name="venue_reviews",
    ),
    path(
        "venues/<int:venue_id>/review/",
        portal.ReviewCreateView.as_view(),
        name="review_new",
    ),
]

manage_patterns = [
    path("indexes/", indexes.ManageIndexView.as_view(), name="indexes"),
    # -- manager-end feedback pages --
    path("feedback/", manage.AppealListView.as_view(), name="appeal_list"),
    path("feedback/<int:pk>/", manage.AppealDetailView.as_view(), name="appeal_detail"),
    path("feedback/<int:pk>/accept/", manage.appeal_accept, name="appeal_accept"),
    path("feedback/<int:pk>/resolve/", manage.appeal_resolve, name="appeal_resolve"),
    path("feedback/<int:pk>/close/", manage.appeal_close, name="appeal_close"),
    path("reviews/", manage.ReviewListView.as_view(), name="review_list"),
    path("reviews/<int:pk>/", manage.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/reply/", manage.review_reply, name="review_reply"),
    path(
        "feedback/export/",
        exports.ManagerAppealExportView.as_view(),
        name="appeal_export",
    ),
]

console_patterns = [
    path(
        "indexes/",
        indexes.ranking_page(indexes.ConsoleIndexView.as_view()),
        name="indexes",
    ),
    path("indexes/export.csv", indexes.ranking_csv, name="indexes_csv"),
    path("indexes/compute/", indexes.compute, name="indexes_compute"),
    path(
        "indexes/weights/",
        indexes.ConsoleIndexWeightsView.as_view(),
        name="indexes_weights",
    ),
    path(
        "indexes/handling/",
        indexes.ConsoleHandlingView.as_view(),
        name="indexes_handling",
    ),
    # -- console feedback pages --
    path("feedback/", console.AppealListView.as_view(), name="appeal_list"),
    path(
        "feedback/<int:pk>/", console.AppealDetailView.as_view(), name="appeal_detail"
    ),
    path("feedback/<int:pk>/accept/", console.appeal_accept, name="appeal_accept"),
    path("feedback/<int:pk>/resolve/", console.appeal_resolve, name="appeal_resolve"),
    path("feedback/<int:pk>/close/", console.appeal_close, name="appeal_close"),
    path("reviews/", console.ReviewListView.as_view(), name="review_list"),
    path("reviews/<int:pk>/hide/", console.review_hide, name="review_hide"),
    path("reviews/<int:pk>/unhide/", console.review_unhide, name="review_unhide"),
    path(
        "feedback/export/",
        exports.ConsoleAppealExportView.as_view(),
        name="appeal_export",
    ),
]
