"""Coverage of demand by venues, and where new venues would cover the most.

Each venue serves the demand within its category's radius (the 15-minute
service circle): a demand cell is covered when its centre lies within the
radius of a venue's cell centre (resolution 9, haversine). Neighbours are
looked up in `h3.grid_disk` rings, so the work grows with the cells that have
demand, never with the square of anything.

The maximal covering location model (Church & ReVelle, 1974) picks `k` new
sites among candidate cells (every cell with demand, and the sites an
administrator proposed) to cover the most demand not covered yet, existing
venues being fixed as open:

    maximise   Σ_i w_i · y_i
    subject to y_i ≤ Σ_{j ∈ N(i)} x_j   for each uncovered demand cell i
               Σ_j x_j ≤ k,  x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

solved by HiGHS (`highspy`), started from the greedy solution, which is also
the fallback: greedy is within 1 − 1/e of the optimum, and the solver never
returns less than it was started from.
"""

import datetime
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import h3
import numpy as np
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from venues.demand import COVERAGE_RESOLUTION, SHOWN_RESOLUTION, cell_of
from venues.models import CandidateSite, DemandCount, SitingSnapshot, Town, Venue

EARTH_RADIUS_M = 6_371_008.8


def radius_for(category: str) -> int:
    return settings.SITING_RADIUS_M.get(category, settings.SITING_DEFAULT_RADIUS_M)


def ring_for(radius_m: float) -> int:
    """Grid distance at which every cell centre within `radius_m` is found.

    Cells k steps away lie at least k · spacing · √3/2 from the centre, the
    spacing of neighbouring centres being √3 edges; one more ring for the
    edges' variation over the globe.
    """
    edge = h3.average_hexagon_edge_length(COVERAGE_RESOLUTION, unit="m")
    spacing = math.sqrt(3) * edge
    return math.ceil(radius_m / (spacing * math.sqrt(3) / 2)) + 1


class Centres(dict):
    """Cell → (lat, lng) of its centre in radians, computed once per cell."""

    def __missing__(self, cell):
        lat, lng = h3.cell_to_latlng(cell)
        value = self[cell] = (math.radians(lat), math.radians(lng))
        return value


def _within(centres: Centres, origin: str, cells: list[str], radius_m: float):
    """The cells whose centres lie within `radius_m` of `origin`'s."""
    if not cells:
        return []
    lat0, lng0 = centres[origin]
    points = np.array([centres[cell] for cell in cells])
    dlat = points[:, 0] - lat0
    dlng = points[:, 1] - lng0
    a = (
        np.sin(dlat / 2) ** 2
        + math.cos(lat0) * np.cos(points[:, 0]) * np.sin(dlng / 2) ** 2
    )
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
    return [cell for cell, m in zip(cells, metres, strict=True) if m <= radius_m]


class Neighbourhood:
    """Which cells of `targets` lie within `radius_m` of a given cell."""

    def __init__(self, targets: Iterable[str], radius_m: float):
        self.targets = set(targets)
        self.radius_m = radius_m
        self.ring = ring_for(radius_m)
        self.centres = Centres()

    def __call__(self, cell: str) -> list[str]:
        near = self.targets.intersection(h3.grid_disk(cell, self.ring))
        return _within(self.centres, cell, sorted(near), self.radius_m)


def covered_cells(
    demand: Mapping[str, int], venue_cells: Iterable[str], radius_m: float
) -> set[str]:
    """The demand cells within `radius_m` of a venue."""
    reach = Neighbourhood(demand, radius_m)
    covered = set()
    for cell in set(venue_cells):
        covered.update(reach(cell))
    return covered


@dataclass
class Problem:
    """Uncovered demand, and the uncovered cells each candidate would cover."""

    weights: dict[str, int]  # uncovered demand cell → demand
    reach: dict[str, list[str]]  # candidate cell → the uncovered cells it covers


def siting_problem(
    demand: Mapping[str, int],
    covered: set[str],
    candidates: Iterable[str],
    radius_m: float,
) -> Problem:
    weights = {cell: w for cell, w in demand.items() if cell not in covered and w > 0}
    candidates = set(candidates)
    # Neighbourhoods are symmetric: walk from each uncovered cell to the
    # candidates around it rather than from every candidate.
    around = Neighbourhood(candidates, radius_m)
    reach = defaultdict(list)
    for cell in weights:
        for candidate in around(cell):
            reach[candidate].append(cell)
    return Problem(weights, dict(reach))


@dataclass
class Solution:
    sites: list[str]  # in the order of what each adds, most first
    adds: list[int]  # the uncovered demand each site adds, given those before
    method: str  # "optimal", "solver" (best found in the time) or "greedy"

    @property
    def covered(self) -> int:
        return sum(self.adds)


def _ordered(problem: Problem, sites: Iterable[str]) -> tuple[list[str], list[int]]:
    """`sites` ordered greedily, with the demand each adds to those before."""
    left, done = set(sites), set()
    order, adds = [], []
    while left:

        def gain(site):
            return sum(
                problem.weights[c] for c in problem.reach.get(site, ()) if c not in done
            )

        best = max(sorted(left), key=gain)
        order.append(best)
        adds.append(gain(best))
        done.update(problem.reach.get(best, ()))
        left.remove(best)
    return order, adds


def greedy(problem: Problem, k: int) -> Solution:
    """Add the site that covers the most new demand, k times (lazy evaluation:
    a site's gain only falls as others are added)."""
    heap = [
        (-sum(problem.weights[c] for c in cells), site)
        for site, cells in problem.reach.items()
    ]
    heapq.heapify(heap)
    done, sites, adds = set(), [], []
    while heap and len(sites) < k:
        stale, site = heapq.heappop(heap)
        gain = sum(problem.weights[c] for c in problem.reach[site] if c not in done)
        if gain <= 0:
            continue
        if heap and -heap[0][0] > gain and gain != -stale:
            heapq.heappush(heap, (-gain, site))
            continue
        sites.append(site)
        adds.append(gain)
        done.update(problem.reach[site])
    return Solution(sites, adds, "greedy")


def solve(problem: Problem, k: int, *, seconds: float | None = None) -> Solution:
    """The MCLP by HiGHS, from the greedy start; greedy if the solver fails."""
    start = greedy(problem, k)
    if k == 1 or len(problem.reach) <= k or not start.sites:
        # One site, or room for every useful one: greedy is the optimum.
        return Solution(start.sites, start.adds, "optimal")
    try:
        import highspy
    except ImportError:
        return start
    sites = sorted(problem.reach)
    demand = sorted(problem.weights)
    site_index = {site: j for j, site in enumerate(sites)}
    n_x, n_y = len(sites), len(demand)
    # Columns: x_j (binary), then y_i (continuous in [0, 1]).
    # Rows: for each i, y_i − Σ x_j ≤ 0; then Σ x_j ≤ k.
    by_demand = defaultdict(list)
    for site, cells in problem.reach.items():
        for cell in cells:
            by_demand[cell].append(site_index[site])
    starts, index, value = [0], [], []
    for row, cell in enumerate(demand):
        for j in by_demand[cell]:
            index.append(j)
            value.append(-1.0)
        index.append(n_x + row)
        value.append(1.0)
        starts.append(len(index))
    index.extend(range(n_x))
    value.extend([1.0] * n_x)
    starts.append(len(index))

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", seconds or settings.SITING_SOLVER_SECONDS)
    highs.setOptionValue("mip_rel_gap", 1e-6)
    inf = highspy.kHighsInf
    highs.addVars(n_x + n_y, np.zeros(n_x + n_y), np.ones(n_x + n_y))
    highs.changeColsCost(
        n_x + n_y,
        np.arange(n_x + n_y, dtype=np.int32),
        np.concatenate(
            [np.zeros(n_x), np.array([problem.weights[c] for c in demand], float)]
        ),
    )
    highs.changeColsIntegrality(
        n_x,
        np.arange(n_x, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * n_x),
    )
    highs.addRows(
        n_y + 1,
        np.full(n_y + 1, -inf),
        np.concatenate([np.zeros(n_y), [float(k)]]),
        len(index),
        np.array(starts[:-1], dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    chosen = set(start.sites)
    reached = {c for site in chosen for c in problem.reach[site]}
    initial = highspy.HighsSolution()
    initial.col_value = [float(site in chosen) for site in sites] + [
        float(cell in reached) for cell in demand
    ]
    highs.setSolution(initial)
    highs.run()
    status = highs.getModelStatus()
    values = highs.getSolution().col_value
    if len(values) < n_x:
        return start
    picked = [site for site, v in zip(sites, values[:n_x], strict=True) if v > 0.5]
    order, adds = _ordered(problem, picked)
    if sum(adds) < start.covered or len(order) > k:
        return start
    optimal = status == highspy.HighsModelStatus.kOptimal
    return Solution(order, adds, "optimal" if optimal else "solver")


# -- What a snapshot holds


def nearest_town(lat: float, lng: float, towns: list[tuple[str, float, float]]):
    """The town whose centre is nearest: towns have no boundaries here."""
    return min(
        towns,
        key=lambda t: (
            (t[1] - lat) ** 2 + ((t[2] - lng) * math.cos(math.radians(lat))) ** 2
        ),
    )[0]


def summarise(
    *,
    demand: Mapping[str, int],
    covered: set[str],
    towns: list[tuple[str, float, float]],
    suggestions: Mapping[int, Solution],
    candidate_names: Mapping[str, str],
    ranked: int = 20,
) -> dict:
    """The snapshot's data: shown cells, towns, underserved cells, sites."""
    shown = defaultdict(lambda: [0, 0])
    for cell, weight in demand.items():
        parent = h3.cell_to_parent(cell, SHOWN_RESOLUTION)
        shown[parent][0] += weight
        if cell in covered:
            shown[parent][1] += weight
    town_of = {}
    by_town = defaultdict(lambda: [0, 0])
    for parent, (total, met) in shown.items():
        lat, lng = h3.cell_to_latlng(parent)
        town_of[parent] = nearest_town(lat, lng, towns) if towns else ""
        by_town[town_of[parent]][0] += total
        by_town[town_of[parent]][1] += met
    cells = [
        {"cell": parent, "demand": total, "covered": met, "town": town_of[parent]}
        for parent, (total, met) in sorted(shown.items())
    ]
    underserved = sorted(
        (c for c in cells if c["demand"] > c["covered"]),
        key=lambda c: (c["covered"] - c["demand"], c["cell"]),
    )[:ranked]

    def site(cell, adds):
        lat, lng = h3.cell_to_latlng(cell)
        return {
            "cell": cell,
            "lat": round(lat, 6),
            "lng": round(lng, 6),
            "town": nearest_town(lat, lng, towns) if towns else "",
            "candidate": candidate_names.get(cell, ""),
            "adds": adds,
        }

    return {
        "cells": cells,
        "towns": [
            {"town": name, "demand": total, "covered": met}
            for name, (total, met) in sorted(by_town.items())
        ],
        "underserved": [
            {**c, "uncovered": c["demand"] - c["covered"]} for c in underserved
        ],
        "suggestions": {
            str(k): {
                "method": solution.method,
                "adds": solution.covered,
                "sites": [
                    site(cell, adds)
                    for cell, adds in zip(solution.sites, solution.adds, strict=True)
                ],
            }
            for k, solution in suggestions.items()
        },
    }


# -- The nightly computation


def compute_siting(
    *, today: datetime.date | None = None, categories: Iterable[str] | None = None
) -> list[SitingSnapshot]:
    """A snapshot per category from the demand of the last period's days
    (today excluded: it has not ended), all stamped with the same moment."""
    now = timezone.now()
    today = today or timezone.localdate()
    end = today - datetime.timedelta(days=1)
    start = today - datetime.timedelta(days=settings.SITING_PERIOD_DAYS)
    categories = list(categories or Venue.Category.values)
    any_kind = defaultdict(int)
    by_kind = defaultdict(lambda: defaultdict(int))
    rows = (
        DemandCount.objects.filter(date__range=(start, end))
        .values_list("category", "cell")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for category, cell, total in rows.iterator(chunk_size=10_000):
        (by_kind[category] if category else any_kind)[cell] += total
    venue_cells = defaultdict(set)
    for category, lat, lng in (
        Venue.objects.published().values_list("category", "lat", "lng").order_by()
    ):
        venue_cells[category].add(cell_of(lat, lng))
    candidates = defaultdict(dict)
    for category, cell, name in CandidateSite.objects.values_list(
        "category", "cell", "name"
    ).order_by("name"):
        candidates[category].setdefault(cell, name)
    towns = list(Town.objects.values_list("name", "lat", "lng"))

    snapshots = []
    for category in categories:
        radius = radius_for(category)
        demand = dict(any_kind)
        for cell, total in by_kind[category].items():
            demand[cell] = demand.get(cell, 0) + total
        covered = covered_cells(demand, venue_cells[category], radius)
        proposed = {**candidates[""], **candidates[category]}
        problem = siting_problem(demand, covered, set(demand) | set(proposed), radius)
        seconds = settings.SITING_SOLVER_SECONDS / settings.SITING_MAX_K
        suggestions = {
            k: solve(problem, k, seconds=seconds)
            for k in range(1, settings.SITING_MAX_K + 1)
        }
        snapshots.append(
            SitingSnapshot(
                category=category,
                computed_at=now,
                period_start=start,
                period_end=end,
                radius_m=radius,
                demand_total=sum(demand.values()),
                demand_covered=sum(demand[cell] for cell in covered),
                data=summarise(
                    demand=demand,
                    covered=covered,
                    towns=towns,
                    suggestions=suggestions,
                    candidate_names=proposed,
                ),
            )
        )
    return SitingSnapshot.objects.bulk_create(snapshots)
