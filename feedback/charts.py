"""Trend lines drawn on the server as SVG coordinates: no JavaScript needed."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 640, 220, 32


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    x: float
    y: float | None


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    path: str  # the polyline's "points" attribute
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD

    @property
    def gridlines(self):
        """(y, label) for 0, 25, 50, 75 and 100."""
        return [(self._y(v), v) for v in (0, 25, 50, 75, 100)]

    def _y(self, value: float) -> float:
        return round(HEIGHT - PAD - value / 100 * (HEIGHT - 2 * PAD), 1)


def trend_chart(series: list[tuple[str, float | None]]) -> Chart:
    """Place a 0–100 series (oldest first) on the chart; gaps stay gaps."""
    step = (WIDTH - 2 * PAD) / max(len(series) - 1, 1)
    chart = Chart(points=[], path="")
    points = [
        Point(
            label=label,
            value=value,
            x=round(PAD + index * step, 1),
            y=None if value is None else chart._y(value),
        )
        for index, (label, value) in enumerate(series)
    ]
    path = " ".join(f"{p.x},{p.y}" for p in points if p.y is not None)
    return Chart(points=points, path=path)
