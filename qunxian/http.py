"""Where a view goes after a POST, and the transaction every write request runs in."""

from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
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
