"""Paging without counting: a page of rows, whether another follows, the links."""

MAX_PAGE = 1000


def page_number(request) -> int:
    """The `page` asked for, clamped to 1…MAX_PAGE; garbage reads as the first."""
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    return min(max(page, 1), MAX_PAGE)


def page_of(queryset, page: int, size: int) -> tuple[list, bool]:
    """One page, and whether another follows, without counting the whole table."""
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return rows[:size], len(rows) > size


def pager(request, page: int, has_next: bool) -> dict:
    """The context `partials/pager.html` renders: the page and the other filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "has_previous": page > 1,
        "has_next": has_next and page < MAX_PAGE,
        "query": query.urlencode(),
    }
