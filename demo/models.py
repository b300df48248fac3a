from django.contrib.contenttypes.models import ContentType
from django.db import models


class DemoRow(models.Model):
    """A row the demo loader made, under a stable key such as ``visit:2026-03-04:0``.

    A re-run finds its rows here instead of making them again, so their ids stay
    and everything not listed here (what people did) is never touched. A key may
    list several rows: the newest is current; the older ones are demo rows whose
    moment passed (a request decided, an activity held) and stay as history.
    """

    key = models.CharField(max_length=120, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="demo_row_once"
            )
        ]

    def __str__(self):
        return f"{self.key} → {self.content_type.model} #{self.object_id}"
