"""The rich text of notices: a small allowed subset of HTML, sanitised on save.

The sanitiser is nh3 (the Rust crate ammonia): it parses like a browser does,
so what it lets through is what a browser will render. Everything not listed
here goes — scripts and styles with their content, event handlers, style
attributes, and link targets other than http, https and mailto (javascript:,
data:, vbscript:…). Links get rel="noopener noreferrer".
"""

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped with everything inside them, not just unwrapped to their text.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def sanitize_html(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def plain_text(sanitized: str) -> str:
    """The text of already-sanitised HTML, for search and excerpts.

    On nh3's output a regular expression is enough: it is well-formed, and a
    `>` inside an attribute value comes out escaped.
    """
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", sanitized))).strip()
