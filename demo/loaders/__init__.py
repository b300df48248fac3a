"""One loader per app, run in order by ``load_demo``; the helpers they share.

Every loader writes through the apps' services, as a person would, and marks
what it makes in `DemoRow` under a stable key. Randomness is seeded from the
key, so a row the demo could not make (a slot taken, say) is the same missing
row on every run.
"""

import random
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from demo.models import DemoRow

SEED = 20261128
DATA = Path(__file__).resolve().parent.parent / "data"

M = TypeVar("M", bound=models.Model)


def seeded(*parts: object) -> random.Random:
    """A generator seeded from the fixed seed and names: stable across runs."""
    # Not for security: demo data only.
    return random.Random(":".join(map(str, (SEED, *parts))))  # noqa: S311


def demo_row(
    key: str,
    model: type[M],
    make: Callable[[], M | None],
    *,
    fresh: Callable[[M], bool] | None = None,
) -> M | None:
    """The demo's row for `key`: the one made before, else a new one from make().

    `fresh` says whether a row made before still serves (a request still waiting,
    an activity still ahead); when it no longer does, a new one is made beside
    it and the old one stays, as history. make() may return None: the demo
    could not make this row today.
    """
    content_type = ContentType.objects.get_for_model(model)
    rows = DemoRow.objects.filter(key=key, content_type=content_type)
    current = rows.order_by("-id").first()
    if current is not None:
        obj = model._default_manager.filter(pk=current.object_id).first()
        if obj is None:  # deleted by hand: the mark goes with it
            current.delete()
        elif fresh is None or fresh(obj):
            return obj
    obj = make()
    if obj is not None:
        DemoRow.objects.create(key=key, content_type=content_type, object_id=obj.pk)
    return obj
