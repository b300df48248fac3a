from django import template
from django.urls import reverse

from qunxian.exports import ExportForm

register = template.Library()


@register.inclusion_tag("partials/export_form.html")
def export_form(url_name: str, label: str) -> dict:
    """`{% export_form "manage:booking_export" _("Download bookings") %}`."""
    return {"url": reverse(url_name), "label": label, "form": ExportForm()}
