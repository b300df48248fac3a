"""Lists sorted by a click on a column header: `?sort=name` or `?sort=-name`.

The server sorts, so it works without JavaScript; the value is read against the
list's own columns, and anything else (`?sort=password`, `?sort=--x`) is ignored
and the list keeps its default order.
"""

from dataclasses import dataclass

from django.db.models import F


@dataclass(frozen=True)
class Column:
    """A column of a list; `fields` (ORM paths) make it sortable, ascending first."""

    label: str
    key: str = ""
    fields: tuple[str, ...] = ()
    num: bool = False
    #: Sorting by it starts descending (counts and dates: the most first).
    descending_first: bool = False


@dataclass(frozen=True)
class Header:
    """A `<th>` as `partials/table_head.html` renders it."""

    column: Column
    url: str = ""
    #: "ascending" / "descending" on the sorted column (`aria-sort`), else "".
    direction: str = ""


class Sorting:
    """The order a request asks for among `columns`, its headers, and the sort."""

    def __init__(self, request, columns: list[Column]):
        self.request = request
        self.columns = columns
        sortable = {column.key: column for column in columns if column.fields}
        value = request.GET.get("sort", "")
        key = value.removeprefix("-")
        self.column = sortable.get(key)
        self.descending = self.column is not None and value.startswith("-")

    def apply(self, queryset, *tie_breakers: str):
        """`queryset` in the order asked for; as it came if none, or a wrong one, is."""
        if self.column is None:
            return queryset
        order = [
            F(field).desc(nulls_last=True)
            if self.descending
            else F(field).asc(nulls_last=True)
            for field in self.column.fields
        ]
        return queryset.order_by(*order, *(tie_breakers or ("pk",)))

    def _url(self, column: Column) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        if column is self.column:
            descending = not self.descending
        else:
            descending = column.descending_first
        query["sort"] = f"-{column.key}" if descending else column.key
        return f"?{query.urlencode()}"

    @property
    def headers(self) -> list[Header]:
        headers = []
        for column in self.columns:
            if not column.fields:
                headers.append(Header(column))
                continue
            direction = ""
            if column is self.column:
                direction = "descending" if self.descending else "ascending"
            headers.append(Header(column, self._url(column), direction))
        return headers
