"""Caching of what everyone sees alike, with versions that an edit bumps.

Each kind of shared data has a version in the shared cache (the database's
cache table, or Redis): a change bumps it once committed. Rendered fragments
and whole anonymous pages are kept in each process's own memory
(`caches["fragments"]`) under keys that include the versions they were
rendered at, so a hit costs no round trip; each process rereads a version
from the shared cache at most `VERSION_MEMO_SECONDS` after it last read it,
so an edit shows on every worker within that time of its commit. The short
timeouts bound time-dependent bits such as "open now".
"""

import hashlib
import time
import weakref
from functools import wraps

from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.template import engines
from django.template.context import make_context
from django.template.defaultfilters import urlencode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
)
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from qunxian.display import display_mode

VERSION_MEMO_SECONDS = 1.0

# version key -> (version, monotonic time it was read)
_versions: dict[str, tuple[int, float]] = {}


def fragments():
    """This process's store of rendered fragments (memory, never shared)."""
    return caches["fragments"]


def bump_version(version_key: str) -> None:
    """Invalidate once the change is committed.

    Bumped earlier, another process could cache the old rows under the new
    version before the commit and serve them for the whole timeout.
    """
    transaction.on_commit(lambda: _increment(version_key))


def _increment(version_key: str) -> None:
    try:
        version = cache.incr(version_key)
    except ValueError:  # not set yet, or evicted
        version = int(time.time())
        cache.set(version_key, version, None)
    _versions[version_key] = (version, time.monotonic())


def current_version(version_key: str) -> int:
    """The data's version as the shared cache has it, at most
    VERSION_MEMO_SECONDS old. A version that was evicted restarts from the
    clock, never from a number an older fragment may still be kept under."""
    now = time.monotonic()
    memo = _versions.get(version_key)
    if memo is not None and now - memo[1] < VERSION_MEMO_SECONDS:
        return memo[0]
    version = cache.get_or_set(version_key, lambda: int(time.time()), None)
    _versions[version_key] = (version, now)
    return version


def forget_versions() -> None:
    """Drop this process's memo (tests, and the bench between phases)."""
    _versions.clear()


def versioned_key(prefix: str, version_keys, request, *parts) -> str:
    """A key for this URL, language and display mode at the data's current
    versions (the elder mode draws the same page with another class)."""
    if isinstance(version_keys, str):
        version_keys = (version_keys,)
    versions = ".".join(str(current_version(key)) for key in version_keys)
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    mode = display_mode(request)
    extra = ":".join(str(part) for part in parts)
    return f"{prefix}:{versions}:{get_language()}:{mode}:{extra}:{digest}"


def cached_fragment(key: str, render, timeout: int = 60):
    """`render()`'s result, from this process's memory when it has it."""
    store = fragments()
    value = store.get(key)
    if value is None:
        value = render()
        store.set(key, value, timeout)
    return value


# Stand-ins for the personal bits of a shared page, filled in per request.
UNREAD_HOLE = "qunxian-unread-hole"
CSRF_HOLE = "qunxian-csrf-hole"
PATH_HOLE = "qunxian-path-hole"
CONTENT_HOLE = "qunxian-content-hole"
# How base.html draws the unread count (tests/test_page_queries.py checks it).
UNREAD_BADGE = ' <span class="count-badge">{}</span>'


def _visitor(request):
    """The header's facts of a signed-in visitor (None for anonymous) and the
    part of a kept copy's key they decide: which roles' links it shows."""
    from qunxian.context_processors import _header_facts

    user = request.user
    if not user.is_authenticated:
        return None, "anonymous"
    facts = _header_facts(user)  # one query: roles and unread count
    roles = (facts[role] for role in ("manager", "admin", "console"))
    return facts, "user:" + "".join(str(int(has)) for has in roles)


def _messages_waiting(request) -> bool:
    # Messages may wait in the cookie or, past its size, the session.
    waiting = getattr(request, "_messages", None)
    return waiting is not None and bool(len(waiting))


def _fill_holes(content: bytes, request, facts, path_hole: bool = False) -> bytes:
    """The kept copy with this visitor's unread count, CSRF token and (for a
    layout kept across URLs) path put into its holes."""
    from django.middleware.csrf import get_token

    if facts is None and not path_hole:
        return content
    text = content.decode()
    if facts is not None:
        unread = facts["unread"]
        text = text.replace(
            UNREAD_BADGE.format(UNREAD_HOLE),
            UNREAD_BADGE.format(unread) if unread else "",
        )
    if CSRF_HOLE in text:
        text = text.replace(CSRF_HOLE, get_token(request))
    if path_hole:
        text = text.replace(PATH_HOLE, urlencode(request.get_full_path()))
    return text.encode()


def cache_shared_page(*, version_keys, timeout: int = 60, scope=None):
    """Whole pages that are the same for everyone but the layout's personal
    bits, kept in this process's memory under the data's versions.

    Only for pages whose own content is the same for every visitor (the
    directory, the home), or for everyone who shares a scope: `scope(request)`
    returns the parts of the key that name what else the page depends on (a
    console's organisations, a manager, the minute). The layout's personal
    bits are the signed-in visitor's roles (part of the key: one copy per
    combination), their unread count and their CSRF token (holes in the kept
    copy, filled per request).
    A page with a message to show, or one that sets a cookie, is not kept.
    An anonymous copy is kept compressed too, for the browsers that ask for
    gzip (`PublicGZipMiddleware` would compress it again on every request).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or _messages_waiting(request):
                return view(request, *args, **kwargs)
            facts, who = _visitor(request)
            parts = scope(request) if scope is not None else ()
            key = versioned_key("page", version_keys, request, who, *parts)
            store = fragments()
            kept = store.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    if facts is not None:
                        response.context_data = {
                            **(response.context_data or {}),
                            "unread_count": UNREAD_HOLE,
                            "csrf_token": CSRF_HOLE,
                        }
                    response.render()
                if response.status_code != 200 or response.cookies:
                    response.content = _fill_holes(response.content, request, facts)
                    return response
                expires = time.monotonic() + timeout
                kept = (response.content, response["Content-Type"], None, expires)
                store.set(key, kept, timeout)
            content, content_type, compressed, expires = kept
            # An anonymous copy holds no secret (one that sets no cookie used
            # no CSRF token): compressed once, by the first request that asks
            # for gzip (2.7 MB of map markers took 56 ms), kept until it expires.
            if facts is None and re_accepts_gzip.search(
                request.META.get("HTTP_ACCEPT_ENCODING", "")
            ):
                if compressed is None:
                    compressed = compress_string(content)
                    left = expires - time.monotonic()
                    if left > 0:
                        store.set(key, (*kept[:2], compressed, expires), left)
                if len(compressed) < len(content):
                    response = HttpResponse(compressed, content_type=content_type)
                    response.headers["Content-Encoding"] = "gzip"
                    patch_vary_headers(response, ("Accept-Encoding",))
                    return response
            return HttpResponse(
                _fill_holes(content, request, facts), content_type=content_type
            )

        return wrapped

    return decorator


class _PathHoleRequest:
    """The request as a kept layout sees it: the same but for its path, a
    hole filled per request (the layout's "?next=" links)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self):
        return PATH_HOLE


def keep_layout(view, timeout: int = 300):
    """A personal page drawn fresh into its layout kept in this process.

    The view's page (a TemplateResponse) is drawn as its template's `content`
    block alone, from the view's context, and put into the rest of the page
    as kept for everyone alike: the layout and the page's other blocks,
    drawn once from the request's context only (one copy per template, view,
    language, display mode and roles), with holes for the unread count, the
    CSRF token and the path. So only for pages whose other blocks (the
    title, the head) are the same for everyone; tests/test_kept_layout.py
    compares each such page with the page drawn whole.

    A view that names its content's inputs (`content_inputs`, names in its
    context) has the block itself kept, for that visitor, URL and the
    inputs' values: each request still reads them fresh, the drawing is
    what a second look with the same values skips. Its template may show
    nothing else (no query of its own, no clock).
    """
    inputs = getattr(getattr(view, "view_class", None), "content_inputs", None)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            request.method != "GET"
            or response.status_code != 200
            or not isinstance(response, TemplateResponse)
            or response.is_rendered
            or _messages_waiting(request)
        ):
            return response
        template = response.resolve_template(response.template_name)
        name = template.template.name
        facts, who = _visitor(request)
        match = request.resolver_match
        key = ":".join(
            (
                "layout",
                name,
                match.view_name if match else "",
                get_language(),
                display_mode(request),
                who,
            )
        )
        store = fragments()
        shell = store.get(key)
        if shell is None:
            shell = _layout_shell(name, request, facts)
            store.set(key, shell, timeout)
        context = {
            **response.resolve_context(response.context_data),
            "csrf_token": CSRF_HOLE,
        }
        if inputs is None:
            content = _render_content_block(template, context, request)
        else:
            content = cached_fragment(
                _content_key(key, request, [context[name] for name in inputs]),
                lambda: _render_content_block(template, context, request),
                timeout,
            )
        before, after = shell
        response.content = _fill_holes(
            before + content.encode() + after, request, facts, path_hole=True
        )
        return response

    return wrapped


def _content_key(layout_key: str, request, inputs: list) -> str:
    values = [request.user.pk, request.get_full_path()]
    seen = set()
    for value in inputs:
        _add_values(value, values, seen)
    return make_template_fragment_key(f"content:{layout_key}", values)


def _add_values(value, values: list, seen: set) -> None:
    """`value`'s parts that a page can show: a model instance's loaded
    fields and annotations and the related instances loaded with it, a
    list's items."""
    if isinstance(value, Model):
        if id(value) in seen:  # a review loaded with its booking names it back
            return
        seen.add(id(value))
        values.append(value._meta.label)  # then its fields and annotations
        values.extend(v for k, v in value.__dict__.items() if not k.startswith("_"))
        for name, related in value._state.fields_cache.items():
            values.append(name)
            _add_values(related, values, seen)
    elif isinstance(value, (list, tuple)):
        values.append(len(value))
        for item in value:
            _add_values(item, values, seen)
    else:
        values.append(value)


# A template (django.template.base.Template) -> the blocks of it and of the
# layouts it extends, its own first. Found once: walking the templates' nodes
# for them cost a kept page about a millisecond a request.
_block_chains = weakref.WeakKeyDictionary()


def _block_chain(template, context) -> list[dict[str, BlockNode]]:
    chain = _block_chains.get(template)
    if chain is None:
        chain, level = [], template
        while level is not None:
            nodes = level.nodelist
            chain.append({n.name: n for n in nodes.get_nodes_by_type(BlockNode)})
            extends = nodes.get_nodes_by_type(ExtendsNode)
            level = extends[0].get_parent(context) if extends else None
        _block_chains[template] = chain
    return chain


def _render_content_block(template, context: dict, request) -> str:
    """The `content` block of `template` (a backend's Template) alone, drawn
    as the whole page would draw it ({{ block.super }} included)."""
    engine_template = template.template
    context = make_context(
        context, request, autoescape=template.backend.engine.autoescape
    )
    with context.render_context.push_state(engine_template):
        with context.bind_template(engine_template):
            blocks = BlockContext()
            for level in _block_chain(engine_template, context):
                blocks.add_blocks(level)
            context.render_context[BLOCK_CONTEXT_KEY] = blocks
            return blocks.get_block("content").render(context)


def _layout_shell(name: str, request, facts) -> tuple[bytes, bytes]:
    """The page `name` drawn with a hole for its content block: the parts
    before and after it."""
    shell = engines["django"].from_string(
        f'{{% extends "{name}" %}}{{% block content %}}{CONTENT_HOLE}{{% endblock %}}'
    )
    context = {"request": _PathHoleRequest(request)}
    if facts is not None:
        context |= {"unread_count": UNREAD_HOLE, "csrf_token": CSRF_HOLE}
    before, after = shell.render(context, request).split(CONTENT_HOLE)
    return before.encode(), after.encode()
