"""The map's markers as GeoJSON text, built by the database.

At 10,000 venues, building 10,000 dicts in Python and serialising them took
most of the request; PostgreSQL (`json_agg`) and SQLite (`json_group_array`)
build the same text in one pass over the rows, and the view sends it as is.
"""

import json

from django.db import connection
from django.db.models import F

from venues.models import Venue

# As text, so that the driver does not parse it back into Python objects.
_POSTGRESQL = """
SELECT coalesce(json_agg(json_build_object(
    'type', 'Feature',
    'id', v.f_id,
    'geometry', json_build_object(
        'type', 'Point', 'coordinates', json_build_array(v.f_lng, v.f_lat)),
    'properties', json_build_object(
        'name', v.f_name,
        'organization', v.f_organization,
        'category', coalesce(%s::json ->> v.f_category, ''),
        'address', v.f_address,
        'url', %s || v.f_id || %s)
))::text, '[]')
FROM ({rows}) v
"""
_SQLITE = """
SELECT json_group_array(json_object(
    'type', 'Feature',
    'id', v.f_id,
    'geometry', json_object(
        'type', 'Point', 'coordinates', json_array(v.f_lng, v.f_lat)),
    'properties', json_object(
        'name', v.f_name,
        'organization', v.f_organization,
        'category', coalesce(json_extract(%s, '$."' || v.f_category || '"'), ''),
        'address', v.f_address,
        'url', %s || v.f_id || %s)
))
FROM ({rows}) v
"""


def feature_collection(venues, *, detail_url: str) -> str:
    """`venues` (a queryset) as a GeoJSON FeatureCollection; `detail_url`
    has a `{pk}` slot."""
    rows = venues.order_by().values(
        f_id=F("pk"),
        f_name=F("name"),
        f_lat=F("lat"),
        f_lng=F("lng"),
        f_address=F("address"),
        f_category=F("category"),
        f_organization=F("organization__name"),
    )
    sql, params = rows.query.sql_with_params()
    template = _POSTGRESQL if connection.vendor == "postgresql" else _SQLITE
    labels = json.dumps(
        {code: str(label) for code, label in Venue.Category.choices},
        ensure_ascii=False,
    )
    before, after = detail_url.split("{pk}")
    with connection.cursor() as cursor:
        cursor.execute(template.format(rows=sql), [labels, before, after, *params])
        (features,) = cursor.fetchone()
    return f'{{"type": "FeatureCollection", "features": {features}}}'
