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
import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import h3
import numpy as np
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from h3.api.numpy_int import grid_disk

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


class Neighbours:
    """Which of `cells` lie within `radius_m` of each other, found once.

    Every cell's `h3.grid_disk` ring is intersected with the known cells, then
    all the pairs are measured at once (haversine between cell centres); the
    pairs are symmetric and each cell is its own neighbour. Categories that
    share a radius share one of these.
    """

    def __init__(self, cells: Iterable[str], radius_m: float):
        numbers = np.unique(
            np.array([h3.str_to_int(cell) for cell in set(cells)], dtype=np.uint64)
        )
        self.cells = [h3.int_to_str(int(number)) for number in numbers]
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        self.radius_m = radius_m
        ring = ring_for(radius_m)
        disks = [grid_disk(int(number), ring) for number in numbers]
        origins = np.repeat(np.arange(len(numbers)), [len(d) for d in disks])
        found = np.concatenate(disks) if disks else np.zeros(0, dtype=np.uint64)
        targets = np.searchsorted(numbers, found)
        known = targets < len(numbers)
        known[known] = numbers[targets[known]] == found[known]
        origins, targets = origins[known], targets[known]
        centres = np.radians([h3.cell_to_latlng(cell) for cell in self.cells])
        centres = centres.reshape(-1, 2)
        lat1, lng1 = centres[origins, 0], centres[origins, 1]
        lat2, lng2 = centres[targets, 0], centres[targets, 1]
        a = (
            np.sin((lat2 - lat1) / 2) ** 2
            + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
        )
        inside = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)) <= radius_m
        # np.repeat left the origins in order: each cell's neighbours are a run.
        self.origins, self.targets = origins[inside], targets[inside]
        self.starts = np.searchsorted(self.origins, np.arange(len(self.cells) + 1))

    def of(self, i: int) -> np.ndarray:
        return self.targets[self.starts[i] : self.starts[i + 1]]

    def reached(self, cells: Iterable[str]) -> np.ndarray:
        """A mask over `self.cells`: within the radius of any of `cells`."""
        mask = np.zeros(len(self.cells), dtype=bool)
        for cell in set(cells):
            mask[self.of(self.index[cell])] = True
        return mask


@dataclass
class Problem:
    """Uncovered demand, and the uncovered cells each candidate would cover."""

    weights: dict[str, int]  # uncovered demand cell → demand
    reach: dict[str, list[str]]  # candidate cell → the uncovered cells it covers
    #: What each candidate would add as the only new site; summed when not given.
    alone: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if not self.alone:
            self.alone = {
                site: sum(self.weights[c] for c in cells)
                for site, cells in self.reach.items()
            }


def siting_problem(
    near: Neighbours,
    demand: Mapping[str, int],
    covered: np.ndarray,
    candidates: Iterable[str],
) -> Problem:
    """The MCLP's data over the cells of `near`; `covered` is its mask."""
    weight = np.zeros(len(near.cells), dtype=np.int64)
    for cell, count in demand.items():
        weight[near.index[cell]] = count
    open_demand = (weight > 0) & ~covered
    is_candidate = np.zeros(len(near.cells), dtype=bool)
    is_candidate[
        np.array([near.index[cell] for cell in set(candidates)], dtype=np.int64)
    ] = True
    pairs = is_candidate[near.origins] & open_demand[near.targets]
    sites, cells = near.origins[pairs], near.targets[pairs]
    firsts, bounds = np.unique(sites, return_index=True)
    gains = np.bincount(sites, weights=weight[cells], minlength=len(near.cells))
    names = near.cells
    reach, alone = {}, {}
    ends = [*bounds[1:].tolist(), len(sites)][: len(bounds)]
    for site, start, end in zip(firsts.tolist(), bounds.tolist(), ends, strict=True):
        reach[names[site]] = [names[c] for c in cells[start:end].tolist()]
        alone[names[site]] = int(gains[site])
    weights = {names[i]: int(weight[i]) for i in np.flatnonzero(open_demand)}
    return Problem(weights, reach, alone)


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
    heap = [(-gain, site) for site, gain in problem.alone.items()]
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
    return solve_each(problem, [k], seconds=seconds)[k]


def solve_each(
    problem: Problem, ks: Iterable[int], *, seconds: float | None = None
) -> dict[int, Solution]:
    """The MCLP for each k by HiGHS, one model whose budget row changes, each
    started from greedy's solution; greedy where the solver is missing."""
    seconds = seconds or settings.SITING_SOLVER_SECONDS
    ks = sorted(set(ks))
    # Greedy's picks for k are the first k of its picks for the largest k.
    most = greedy(problem, ks[-1])
    starts = {k: Solution(most.sites[:k], most.adds[:k], "greedy") for k in ks}
    solutions = {}
    for k, start in starts.items():
        if k == 1 or len(problem.reach) <= k or not start.sites:
            # One site, or room for every useful one: greedy is the optimum.
            solutions[k] = Solution(start.sites, start.adds, "optimal")
    if len(solutions) == len(starts):
        return solutions
    try:
        import highspy
    except ImportError:
        return {**starts, **solutions}
    sites = _promising(problem, starts.values())
    pruned = len(sites) < len(problem.reach)
    demand = sorted({cell for site in sites for cell in problem.reach[site]})
    site_index = {site: j for j, site in enumerate(sites)}
    n_x, n_y = len(sites), len(demand)
    # Columns: x_j (binary), then y_i (continuous in [0, 1]).
    # Rows: for each i, y_i − Σ x_j ≤ 0; then Σ x_j ≤ k.
    by_demand = defaultdict(list)
    for site in sites:
        for cell in problem.reach[site]:
            by_demand[cell].append(site_index[site])
    row_starts, index, value = [], [], []
    for row, cell in enumerate(demand):
        row_starts.append(len(index))
        index.extend(by_demand[cell])
        value.extend([-1.0] * len(by_demand[cell]))
        index.append(n_x + row)
        value.append(1.0)
    row_starts.append(len(index))
    index.extend(range(n_x))
    value.extend([1.0] * n_x)

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", float(seconds))
    highs.setOptionValue("mip_rel_gap", 1e-6)
    inf = highspy.kHighsInf
    n = n_x + n_y
    highs.addVars(n, np.zeros(n), np.ones(n))
    costs = [0.0] * n_x + [float(problem.weights[c]) for c in demand]
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(costs))
    highs.changeColsIntegrality(
        n_x,
        np.arange(n_x, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * n_x),
    )
    highs.addRows(
        n_y + 1,
        np.full(n_y + 1, -inf),
        np.zeros(n_y + 1),
        len(index),
        np.array(row_starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for k, start in starts.items():
        if k in solutions:
            continue
        highs.changeRowBounds(n_y, -inf, float(k))
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
        picked = [site for site, v in zip(sites, values[:n_x], strict=False) if v > 0.5]
        order, adds = _ordered(problem, picked)
        if len(values) < n_x or sum(adds) < start.covered or len(order) > k:
            solutions[k] = start
            continue
        optimal = status == highspy.HighsModelStatus.kOptimal and not pruned
        solutions[k] = Solution(order, adds, "optimal" if optimal else "solver")
    return solutions


def _promising(problem: Problem, starts: Iterable[Solution]) -> list[str]:
    """The candidates the solver chooses among: all of them, or in a large
    network the ones that alone cover the most, and greedy's picks."""
    limit = settings.SITING_SOLVER_CANDIDATES
    if len(problem.reach) <= limit:
        return sorted(problem.reach)
    alone = sorted(problem.reach, key=lambda site: (-problem.alone[site], site))
    return sorted(set(alone[:limit]).union(*(start.sites for start in starts)))


# -- What a snapshot holds


@functools.lru_cache(maxsize=200_000)
def _shown_cell(cell: str) -> str:
    """The coarser cell a page shows (cached: every category asks again)."""
    return h3.cell_to_parent(cell, SHOWN_RESOLUTION)


@functools.lru_cache(maxsize=100_000)
def nearest_town(lat: float, lng: float, towns: tuple[tuple[str, float, float], ...]):
    """The town whose centre is nearest: towns have no boundaries here.
    (Cached: every category asks about the same cells.)"""
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
    towns: tuple[tuple[str, float, float], ...],
    suggestions: Mapping[int, Solution],
    candidate_names: Mapping[str, str],
    ranked: int = 20,
) -> dict:
    """The snapshot's data: shown cells, towns, underserved cells, sites."""
    shown = defaultdict(lambda: [0, 0])
    for cell, weight in demand.items():
        parent = _shown_cell(cell)
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
    towns = tuple(Town.objects.values_list("name", "lat", "lng"))

    every_cell = {cell for kind in by_kind.values() for cell in kind} | set(any_kind)
    every_cell |= {cell for cells in venue_cells.values() for cell in cells}
    every_cell |= {cell for sites in candidates.values() for cell in sites}
    neighbours = {}  # by radius: the categories that share one share the pairs
    ks = range(1, settings.SITING_MAX_K + 1)
    seconds = settings.SITING_SOLVER_SECONDS / (len(categories) * len(ks))
    snapshots = []
    for category in categories:
        radius = radius_for(category)
        if radius not in neighbours:
            neighbours[radius] = Neighbours(every_cell, radius)
        near = neighbours[radius]
        demand = dict(any_kind)
        for cell, total in by_kind[category].items():
            demand[cell] = demand.get(cell, 0) + total
        reached = near.reached(venue_cells[category])
        covered = {cell for cell in demand if reached[near.index[cell]]}
        proposed = {**candidates[""], **candidates[category]}
        problem = siting_problem(near, demand, reached, set(demand) | set(proposed))
        suggestions = solve_each(problem, ks, seconds=seconds)
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
