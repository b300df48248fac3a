from django.urls import path

from dashboards import views
from notices.cache import NOTICES_VERSION
from qunxian.caching import cache_shared_page
from venues.cache import DIRECTORY_VERSION

home = cache_shared_page(
    version_keys=(DIRECTORY_VERSION, NOTICES_VERSION),
    timeout=views.HOME_CACHE_SECONDS,
)
portal_patterns = [path("", home(views.UserHomeView.as_view()), name="home")]

manage_patterns = [path("", views.ManagerInboxView.as_view(), name="home")]

console_patterns = [path("", views.ConsoleHomeView.as_view(), name="home")]
