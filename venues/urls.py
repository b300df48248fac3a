from django.urls import path

from venues.views import console, manage, portal

portal_patterns = [
    path("", portal.VenueListView.as_view(), name="list"),
    path("map/", portal.VenueMapView.as_view(), name="map"),
    path("geojson", portal.venue_geojson, name="geojson"),
    path("<int:pk>/", portal.VenueDetailView.as_view(), name="detail"),
    path("<int:pk>/navigate/<str:app>/", portal.navigate, name="navigate"),
]

manage_patterns = [
    path("", manage.DashboardView.as_view(), name="home"),
]

console_patterns = [
    path("", console.DashboardView.as_view(), name="home"),
]
