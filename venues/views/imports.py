"""The console's venues in a spreadsheet: the download, and the import.

The import is upload → preview → confirm. The upload's rows are kept between
the steps as JSON in the private storage under a random token; the token is
also kept in the uploader's session, and the file names the uploader, so a
guessed, another person's or a used token finds nothing. Each step checks the
rows again against the database as it is then, and the confirm creates the
good rows in one transaction through `venue_import`.
"""

import datetime
import json
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from qunxian.exports import ExportView, FormatForm
from qunxian.private_media import private_storage
from qunxian.roles import ConsoleRequiredMixin, admin_required
from venues.forms import VenueImportForm
from venues.imports import COLUMNS, MAX_ROWS, check_rows, venues_table
from venues.permissions import console_venues
from venues.services import venue_import

SESSION_KEY = "venue_import"
FOLDER = "venue-imports"
KEPT_FOR = datetime.timedelta(hours=6)  # an upload left without a confirm


class VenueExportView(ConsoleRequiredMixin, ExportView):
    """The console's venues, whatever their status, in the columns the import
    reads (the import itself is the district's)."""

    form_class = FormatForm
    layout = "layouts/console.html"
    title = gettext_lazy("Download venues")
    help_text = gettext_lazy(
        "Every venue in the columns the import reads: edit the file and upload "
        "it to add venues."
    )
    filename = "venues"
    back_url = "console:venue_list"
    back_label = gettext_lazy("Venues")

    def table(self, form):
        return venues_table(console_venues(self.request.user))


# -- Keeping an upload between the steps


def _path(token: str) -> str:
    return f"{FOLDER}/{token}.json"


def _sweep(storage) -> None:
    """Forget uploads nobody confirmed."""
    try:
        names = storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return
    stale = timezone.now() - KEPT_FOR
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < stale:
                storage.delete(path)
        except FileNotFoundError:  # swept by another request meanwhile
            continue


def _keep(request, form: VenueImportForm) -> str:
    storage = private_storage()
    _sweep(storage)
    _discard(request)  # one upload at a time per session
    token = secrets.token_urlsafe(24)
    payload = {
        "user": request.user.pk,
        "filename": form.cleaned_data["file"].name[:100],
        "records": form.records,
    }
    storage.save(_path(token), ContentFile(json.dumps(payload).encode()))
    request.session[SESSION_KEY] = token
    return token


def _kept(request, token: str) -> dict | None:
    """The upload behind `token`, if it is this session's and this user's."""
    mine = request.session.get(SESSION_KEY, "")
    if not mine or not constant_time_compare(mine, token):
        return None
    try:
        with private_storage().open(_path(mine)) as file:
            payload = json.load(file)
    except (FileNotFoundError, ValueError):
        return None
    if payload.get("user") != request.user.pk:
        return None
    return payload


def _discard(request) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if token:
        private_storage().delete(_path(token))


def _gone(request):
    messages.error(
        request,
        _("That upload has expired or was already imported. Upload the file again."),
    )
    return redirect("console:venue_import")


# -- The steps


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    form = VenueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return redirect("console:venue_import_preview", token=_keep(request, form))
    return render(
        request,
        "console/venues/import_upload.html",
        {"form": form, "columns": COLUMNS, "max_rows": MAX_ROWS},
    )


def _checked(payload: dict):
    checks = check_rows([(number, values) for number, values in payload["records"]])
    good = [check for check in checks if check.venue is not None]
    return checks, good


@admin_required
@require_safe
def preview(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    checks, good = _checked(payload)
    return render(
        request,
        "console/venues/import_preview.html",
        {
            "token": token,
            "filename": payload["filename"],
            "checks": checks,
            "good_count": len(good),
            "bad_count": len(checks) - len(good),
            "columns": COLUMNS,
        },
    )


@admin_required
@require_POST
def confirm(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    checks, good = _checked(payload)
    if not good:
        messages.error(request, _("No row of this file can be imported."))
        return redirect("console:venue_import_preview", token=token)
    try:
        venues = venue_import(
            actor=request.user, venues=[check.venue for check in good]
        )
    except ValidationError as error:  # changed since the preview: nothing is kept
        messages.error(request, " ".join(error.messages))
        return redirect("console:venue_import_preview", token=token)
    _discard(request)
    skipped = len(checks) - len(good)
    text = ngettext(
        "%(count)s venue was imported.", "%(count)s venues were imported.", len(venues)
    ) % {"count": len(venues)}
    if skipped:
        text += " " + ngettext(
            "%(count)s row with errors was left out.",
            "%(count)s rows with errors were left out.",
            skipped,
        ) % {"count": skipped}
    messages.success(request, text)
    return redirect(reverse("console:venue_list"))
