from django.urls import path

from qunxian.caching import cache_shared_page
from venues.cache import DIRECTORY_VERSION
from venues.usage import counting_views
from venues.views import console, imports, manage, portal, siting, usage

directory = cache_shared_page(version_keys=DIRECTORY_VERSION)

portal_patterns = [
    path("", directory(portal.VenueListView.as_view()), name="list"),
    path("map/", directory(portal.VenueMapView.as_view()), name="map"),
    path("geojson", directory(portal.venue_geojson), name="geojson"),
    path("near.json", portal.near_json, name="near"),
    path(
        "<int:pk>/",
        counting_views(directory(portal.VenueDetailView.as_view())),
        name="detail",
    ),
    path("<int:pk>/navigate/<str:app>/", portal.navigate, name="navigate"),
]

manage_patterns = [
    path("venues/", manage.VenueListView.as_view(), name="venue_list"),
    # -- manager-end venue pages --
    path("venues/<int:pk>/edit/", manage.VenueEditView.as_view(), name="venue_edit"),
    path("venues/<int:pk>/hours/", manage.HoursView.as_view(), name="venue_hours"),
    path("closures/<int:pk>/delete/", manage.closure_delete, name="closure_delete"),
    path(
        "venues/<int:pk>/spaces/", manage.SpaceListView.as_view(), name="venue_spaces"
    ),
    path("spaces/<int:pk>/edit/", manage.SpaceEditView.as_view(), name="space_edit"),
    path(
        "spaces/<int:pk>/deactivate/",
        manage.space_deactivate,
        name="space_deactivate",
    ),
    path(
        "venues/<int:pk>/photos/", manage.PhotoListView.as_view(), name="venue_photos"
    ),
    path("photos/<int:pk>/move/<str:direction>/", manage.photo_move, name="photo_move"),
    path("photos/<int:pk>/caption/", manage.photo_caption, name="photo_caption"),
    path("photos/<int:pk>/delete/", manage.photo_delete, name="photo_delete"),
]

console_patterns = [
    # -- console pages --
    path("holidays/", console.HolidayListView.as_view(), name="holiday_list"),
    path("holidays/<int:pk>/delete/", console.holiday_remove, name="holiday_delete"),
    path("usage/", usage.usage, name="usage"),
    path("siting/", siting.overview, name="siting"),
    path("siting/cells.geojson", siting.cells, name="siting_cells"),
    path("siting/candidates/", siting.candidates, name="siting_candidates"),
    path(
        "siting/candidates/<int:pk>/remove/",
        siting.candidate_remove,
        name="siting_candidate_remove",
    ),
    path("siting/demand/", siting.demand_upload, name="demand_upload"),
    path(
        "siting/demand/<slug:token>/",
        siting.demand_preview,
        name="demand_upload_preview",
    ),
    path(
        "siting/demand/<slug:token>/confirm/",
        siting.demand_confirm,
        name="demand_upload_confirm",
    ),
    path("venues/", console.VenueListView.as_view(), name="venue_list"),
    path("venues/new/", console.VenueCreateView.as_view(), name="venue_create"),
    path("venues/export/", imports.VenueExportView.as_view(), name="venue_export"),
    path("venues/import/", imports.upload, name="venue_import"),
    path(
        "venues/import/<slug:token>/",
        imports.preview,
        name="venue_import_preview",
    ),
    path(
        "venues/import/<slug:token>/confirm/",
        imports.confirm,
        name="venue_import_confirm",
    ),
    path("venues/<int:pk>/", console.VenueEditView.as_view(), name="venue_edit"),
    path(
        "venues/<int:pk>/suspend/",
        console.VenueSuspendView.as_view(),
        name="venue_suspend",
    ),
    path(
        "venues/<int:pk>/reactivate/",
        console.VenueReactivateView.as_view(),
        name="venue_reactivate",
    ),
    path(
        "organizations/",
        console.OrganizationListView.as_view(),
        name="organization_list",
    ),
    path(
        "organizations/new/",
        console.OrganizationCreateView.as_view(),
        name="organization_create",
    ),
    path(
        "organizations/<int:pk>/",
        console.OrganizationEditView.as_view(),
        name="organization_edit",
    ),
    path(
        "organizations/<int:pk>/admins/add/",
        console.organization_admin_add,
        name="organization_admin_add",
    ),
    path(
        "organizations/<int:pk>/admins/remove/",
        console.organization_admin_remove,
        name="organization_admin_remove",
    ),
    path("managers/", console.ManagerListView.as_view(), name="manager_list"),
    path("managers/new/", console.ManagerCreateView.as_view(), name="manager_create"),
    path("managers/existing/", console.ManagerPickView.as_view(), name="manager_pick"),
    path("managers/<int:pk>/", console.manager_detail, name="manager_detail"),
    path(
        "managers/<int:pk>/assign/",
        console.manager_assign_venue,
        name="manager_assign",
    ),
    path(
        "managers/<int:pk>/unassign/",
        console.manager_unassign_venue,
        name="manager_unassign",
    ),
    path(
        "managers/<int:pk>/deactivate/",
        console.manager_deactivate_account,
        name="manager_deactivate",
    ),
]
