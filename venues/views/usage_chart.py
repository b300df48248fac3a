"""The weekly use of the console's usage page drawn as an inline SVG line
chart, on the server: no script, nothing from elsewhere.

It fits a phone (the viewBox scales to the width) and hides small counts as
the page's table does: a count under `SMALL_COUNT` is not drawn at a value.
The line breaks there, and a short mark in a shaded strip under the axis,
off the scale, says only "fewer than 5 that week". The numbers stay in the
table below the chart.
"""

import math

from venues.demand import SMALL_COUNT

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 38, 8, 10, 36
STRIP_GAP, STRIP_HEIGHT = 4, 10  # the strip of small counts, under the axis
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
X_LABELS = 4  # weeks named under the axis: the first, the last, two between
# A small sideways shift per kind, so that the bars of small counts of one
# week stand side by side instead of on top of each other.
SHIFT = {"views": -3, "navigations": -1, "bookings": 1, "check_ins": 3}


def _nice_top(largest: int) -> tuple[int, int]:
    """The axis's top and its step: 1, 2 or 5 times a power of ten, 4 steps
    at most; at least 10, so that a line of 5s is not drawn at the top."""
    largest = max(largest, 2 * SMALL_COUNT)
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(n * power for n in (1, 2, 5, 10) if n * power >= raw)
    return step * math.ceil(largest / step), step


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def weekly_chart(data: dict, kinds) -> dict | None:
    """What the template draws, in viewBox units; None without weeks.

    `data` is a usage snapshot's (its "weeks" and a count per week of each
    kind), `kinds` the (kind, label) pairs in the legend's order.
    """
    weeks = data.get("weeks") or []
    if not weeks:
        return None
    shown_counts = [n for kind, _label in kinds for n in data[kind] if n >= SMALL_COUNT]
    top, step = _nice_top(max(shown_counts, default=0))
    gap = PLOT_WIDTH / max(len(weeks) - 1, 1)

    def x(index: int) -> float:
        return LEFT + index * gap if len(weeks) > 1 else LEFT + PLOT_WIDTH / 2

    def y(count: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - count / top)

    strip_top = y(0) + STRIP_GAP
    lines = []
    for kind, label in kinds:
        runs, run, points, hidden = [], [], [], []
        for index, count in enumerate(data[kind]):
            if count < SMALL_COUNT:
                if run:
                    runs.append(run)
                run = []
                hidden.append(_number(x(index) + SHIFT.get(kind, 0)))
                continue
            point = (_number(x(index)), _number(y(count)))
            run.append(point)
            points.append(point)
        if run:
            runs.append(run)
        lines.append(
            {
                "kind": kind,
                "label": label,
                "runs": [" ".join(f"{px},{py}" for px, py in r) for r in runs],
                "points": points,
                "hidden": hidden,
            }
        )
    ticks = [
        {"y": _number(y(value)), "label": value} for value in range(0, top + 1, step)
    ]
    last = len(weeks) - 1
    chosen = sorted(
        {round(n * (len(weeks) - 1) / (X_LABELS - 1)) for n in range(X_LABELS)}
    )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "strip_x": LEFT - 4,  # the marks of the first and last weeks stand out
        "strip_width": PLOT_WIDTH + 8,
        "strip_top": _number(strip_top + 1),
        "strip_bottom": _number(strip_top + STRIP_HEIGHT - 1),
        "strip_y": _number(strip_top),
        "strip_middle": _number(strip_top + STRIP_HEIGHT / 2),
        "strip_height": STRIP_HEIGHT,
        "label_x": LEFT - 7,
        "label_y": HEIGHT - 8,
        "ticks": ticks,
        "weeks": [
            {
                "x": _number(x(i)),
                "label": weeks[i][5:],  # MM-DD of the week's Monday
                "anchor": "start" if i == 0 else "end" if i == last else "middle",
            }
            for i in chosen
        ],
        "lines": lines,
        "first": weeks[0],
        "last": weeks[-1],
        "small": SMALL_COUNT,
    }
