"""The usage page's weekly chart, as drawn: one line per kind, and no count
under 5 drawn at its value (the page itself: tests/dashboards/test_usage.py)."""

import pytest

from venues.demand import SMALL_COUNT
from venues.views.usage import KINDS
from venues.views.usage_chart import PLOT_HEIGHT, TOP, weekly_chart

WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]


def value_at(chart, y: str) -> float:
    """The count a point's height stands for."""
    top = max(tick["label"] for tick in chart["ticks"])
    return top * (1 - (float(y) - TOP) / PLOT_HEIGHT)


def series(**counts):
    return {"weeks": WEEKS, **{kind: counts.get(kind, [0] * 5) for kind, _l in KINDS}}


def test_small_counts_break_the_line_and_are_not_drawn_at_a_value():
    chart = weekly_chart(series(views=[12, 40, 4, 7, 0]), KINDS)
    views = next(line for line in chart["lines"] if line["kind"] == "views")
    # Two runs: weeks 1–2, then week 4 alone (a point, no line).
    assert [len(run.split()) for run in views["runs"]] == [2, 1]
    drawn = [round(value_at(chart, y)) for _x, y in views["points"]]
    assert drawn == [12, 40, 7]
    assert len(views["hidden"]) == 2  # 4 and 0: marks in the strip
    strip = float(chart["strip_top"])
    assert strip > max(float(tick["y"]) for tick in chart["ticks"])  # under 0
    for line in chart["lines"]:
        for _x, y in line["points"]:
            assert value_at(chart, y) >= SMALL_COUNT - 0.1


def test_only_small_counts_draw_no_line_and_the_axis_is_not_theirs():
    chart = weekly_chart(series(views=[4, 4, 4, 4, 4]), KINDS)
    assert all(not line["runs"] and not line["points"] for line in chart["lines"])
    assert all(len(line["hidden"]) == 5 for line in chart["lines"])
    # The axis does not end at 4, which would give the hidden counts away.
    assert max(tick["label"] for tick in chart["ticks"]) >= 2 * SMALL_COUNT


@pytest.mark.parametrize(
    ("largest", "top"), [(5, 10), (37, 40), (949, 1000), (6130, 8000)]
)
def test_the_axis_ends_at_a_round_number_above_the_largest(largest, top):
    chart = weekly_chart(series(views=[5, largest, 5, 5, 5]), KINDS)
    assert max(tick["label"] for tick in chart["ticks"]) == top
    assert len(chart["ticks"]) <= 6


def test_no_weeks_no_chart():
    assert weekly_chart({"weeks": []}, KINDS) is None
