"""Where a view goes after a POST, the transaction every write request runs in,
and which pages go out compressed."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.middleware.gzip import GZipMiddleware
from django.utils.http import url_has_allowed_host_and_scheme

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def next_path(request: HttpRequest, default: str) -> str:
    """The request's `next` if it is a path on this site, else `default`.

    Only a printable absolute path is taken: `redirect()` would read "999999"
    or "-1" as a URL name and fail after the write, and a full URL could leave
    the site.
    """
    data = request.GET if request.method in SAFE_METHODS else request.POST
    target = data.get("next", "")
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return target
    return default


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_path(request, default))


class AtomicWritesMiddleware:
    """Run each request that may write in one transaction, undone on a 5xx.

    The services commit their own work; without this an error after a service
    (in the view, the redirect or the template) would answer 500 with the write
    kept. Reads stay outside a transaction: on SQLite `BEGIN IMMEDIATE` would
    make every page queue for the write lock.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response


class PublicGZipMiddleware(GZipMiddleware):
    """Compress only pages without secrets in them (BREACH).

    With compression, the size of a response can tell an attacker who reflects
    text into it whether a guess matches a secret elsewhere in it. So a page
    is compressed only when it was rendered for an anonymous visitor and used
    no CSRF token (using one renews the CSRF cookie on the response): the venue
    list, a venue, the map data, notices. Anything signed in, and any page with
    a form that posts, goes out as is. WhiteNoise compresses the static files.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or (
            settings.CSRF_COOKIE_NAME in response.cookies
        ):
            return response
        return super().process_response(request, response)
