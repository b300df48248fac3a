"""The console's fast-track upload: upload → preview → confirm.

As with the venue import (venues/views/imports.py), the checked rows wait
between the steps as JSON in the private storage under a random token, which
is also kept in the uploader's session; the file names the uploader, so a
guessed, another person's or a used token finds nothing. What waits is each
row's keyed hash and masked number, never a number.
"""

import datetime
import json
import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from membership.fasttrack import MAX_ROWS, PhoneRow
from membership.forms import FastTrackUploadForm
from membership.services import fast_track_import
from qunxian.private_media import private_storage
from qunxian.roles import admin_required
from qunxian.workflow import Refused

SESSION_KEY = "fast_track_import"
FOLDER = "fast-track-imports"
KEPT_FOR = datetime.timedelta(hours=6)  # an upload left without a confirm


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


def _discard(request) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if token:
        private_storage().delete(_path(token))


def _keep(request, form: FastTrackUploadForm) -> str:
    storage = private_storage()
    _sweep(storage)
    _discard(request)  # one upload at a time per session
    token = secrets.token_urlsafe(24)
    payload = {
        "user": request.user.pk,
        "filename": form.cleaned_data["file"].name[:100],
        "source": form.cleaned_data["source"],
        "identified_on": form.cleaned_data["identified_on"].isoformat(),
        "rows": [row.as_json() for row in form.rows],
    }
    storage.save(_path(token), ContentFile(json.dumps(payload).encode()))
    request.session[SESSION_KEY] = token
    return token


def _kept(request, token: str) -> dict | None:
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


def _gone(request):
    messages.error(
        request,
        _("That upload has expired or was already imported. Upload the file again."),
    )
    return redirect("console:fast_track_upload")


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    form = FastTrackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return redirect("console:fast_track_preview", token=_keep(request, form))
    return render(
        request,
        "console/membership/fast_track_upload.html",
        {"form": form, "max_rows": MAX_ROWS},
    )


def _rows(payload) -> list[PhoneRow]:
    return [PhoneRow(**row) for row in payload["rows"]]


@admin_required
@require_safe
def preview(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    rows = _rows(payload)
    good = sum(1 for row in rows if row.digest)
    return render(
        request,
        "console/membership/fast_track_preview.html",
        {
            "token": token,
            "payload": payload,
            "rows": rows,
            "good_count": good,
            "bad_count": len(rows) - good,
        },
    )


@admin_required
@require_POST
def confirm(request, token):
    payload = _kept(request, token)
    if payload is None:
        return _gone(request)
    rows = _rows(payload)
    try:
        fast_track = fast_track_import(
            actor=request.user,
            source=payload["source"],
            identified_on=datetime.date.fromisoformat(payload["identified_on"]),
            digests=[row.digest for row in rows if row.digest],
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("console:fast_track_preview", token=token)
    _discard(request)
    messages.success(
        request,
        ngettext(
            "%(count)s number is on the fast track until %(day)s.",
            "%(count)s numbers are on the fast track until %(day)s.",
            fast_track.entry_count,
        )
        % {"count": fast_track.entry_count, "day": f"{fast_track.expires_on:%Y-%m-%d}"},
    )
    return redirect("console:fast_track_lists")
