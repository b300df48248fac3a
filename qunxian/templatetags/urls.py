"""`{% url %}` with its answers remembered, installed as a template builtin
(settings.TEMPLATES) so every template's `{% url %}` is this one.

The URLconf does not change while a process runs, so the same view name,
arguments, namespace and script prefix always reverse to the same path; a
layout reverses a dozen names on every page, and a list one per row.
"""

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reverse(urlconf, prefix, view_name, args, kwargs, current_app) -> str:
    return reverse(
        view_name, urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _plain(value) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


class RememberingURLNode(URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(
            sorted((key, value.resolve(context)) for key, value in self.kwargs.items())
        )
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(
                getattr(request, "resolver_match", None), "namespace", None
            )
        path = ""
        try:
            if all(_plain(value) for value in args) and all(
                _plain(value) for _key, value in kwargs
            ):
                path = _reverse(
                    get_urlconf(),
                    get_script_prefix(),
                    view_name,
                    args,
                    kwargs,
                    current_app,
                )
            else:  # model instances and the like: not worth keeping
                path = reverse(
                    view_name, args=args, kwargs=dict(kwargs), current_app=current_app
                )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = path
            return ""
        return conditional_escape(path) if context.autoescape else path


@register.tag(name="url")
def remembering_url(parser, token):
    node = url(parser, token)
    return RememberingURLNode(node.view_name, node.args, node.kwargs, node.asvar)
