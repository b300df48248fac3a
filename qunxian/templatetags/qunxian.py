import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def compact_count(value: int) -> str:
    """4.3万 in Chinese, 42.7k in English, as the reference app shows visits."""
    if value < 10_000:
        return intcomma(value)
    if (get_language() or "").startswith("zh"):
        return f"{value / 10_000:.1f}万"
    return f"{value / 1_000:.1f}k"


@register.simple_tag
def day_and_hours(start, end) -> str:
    """The day in the language's month-day format, its weekday and the hours
    ("12月3日 星期四 10:00–12:00"). One tag, not five filters: a list of
    bookings draws it in every row, and each filter converts to local time."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    day = dateformat.format(start, get_format("MONTH_DAY_FORMAT"))
    return f"{day} {dateformat.format(start, 'D')} {start:%H:%M}–{end:%H:%M}"


@register.filter
def machine_time(value) -> str:
    """A `<time datetime>` value: local ISO 8601 to the second.

    `date:'c'` adds microseconds, which HTML does not allow (at most three digits).
    """
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.simple_tag(takes_context=True)
def current(context, *patterns: str) -> str:
    """` aria-current="page"` on the nav link of the section being shown.

    Each pattern is a view name (`"manage:home"`) or a prefix ending in `*`
    (`"manage:venue_*"`, `"feedback:*"`); one way to mark it in every layout,
    styled by one rule of the stylesheet.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    name = match.view_name if match else ""
    for pattern in patterns:
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return mark_safe(' aria-current="page"')  # noqa: S308 - a constant
        elif name == pattern:
            return mark_safe(' aria-current="page"')  # noqa: S308 - a constant
    return ""
