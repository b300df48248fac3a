from django.urls import path

from dashboards import views
from dashboards.cache import INBOX_VERSION
from notices.cache import NOTICES_VERSION
from qunxian.caching import cache_shared_page
from venues.cache import DIRECTORY_VERSION

home = cache_shared_page(
    version_keys=(DIRECTORY_VERSION, NOTICES_VERSION),
    timeout=views.HOME_CACHE_SECONDS,
)
portal_patterns = [path("", home(views.UserHomeView.as_view()), name="home")]

inbox = cache_shared_page(
    version_keys=(INBOX_VERSION, DIRECTORY_VERSION),
    timeout=views.INBOX_CACHE_SECONDS,
    scope=views.inbox_scope,
)
manage_patterns = [path("", inbox(views.ManagerInboxView.as_view()), name="home")]

console_patterns = [path("", views.ConsoleHomeView.as_view(), name="home")]
