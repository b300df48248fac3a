"""Photos sent with feedback, served from the private storage.

One URL per photo for all three ends: the lookup runs in the viewer's scope
(`viewable_appeals`, `viewable_reviews`), so a photo is a 404 to whoever may
not see the page it is shown on.
"""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from feedback.models import ReviewPhoto
from feedback.permissions import viewable_appeals, viewable_reviews
from qunxian.private_media import serve_private


@require_safe
def appeal_photo(request, pk, thumbnail=False):
    appeal = get_object_or_404(viewable_appeals(request.user), pk=pk)
    return serve_private(appeal.photo_thumbnail if thumbnail else appeal.photo)


@require_safe
def review_photo(request, pk, thumbnail=False):
    photo = get_object_or_404(
        ReviewPhoto.objects.filter(review__in=viewable_reviews(request.user)), pk=pk
    )
    return serve_private(photo.thumbnail if thumbnail else photo.image)
