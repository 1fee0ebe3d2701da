"""A planning instance's shipments -> trips on one timeline per vehicle: loads per warehouse and
delivery day, one routing problem per warehouse and day (`parts`: the loads leave from the warehouse
that ships them, served by the vehicles that may load there: the pooled fleet, or those based there),
solved by the chosen engine, and the routes put on the physical vehicles one after another over the
whole horizon (`timeline`: a vehicle is in one place at a time, drives empty to where it loads, works
its duty hours and is busy until it is back), plus the loads left unassigned with their reason.

Every hour is on the plan's one clock: hours since day 1, 00:00 local time.
Reasons, in the order they are checked: `over_capacity` (a single unit bigger than every vehicle that can
make the trip), `unreachable` (no vehicle type that may load at the warehouse reaches the area and comes
back), `time_window` (no such vehicle can arrive inside the area's access window and be back inside its
shift), `fleet_exhausted` (feasible alone, but the fleet's trips were used for higher-priority loads),
`horizon` (the vehicle that carries it would arrive after the horizon), `throughput` (no day of the
horizon has room left in the warehouse's throughput for its trip), `small_load` (its trip is longer than
the policy's `min_trip_km` and carries less than `min_trip_kg`: not worth a crew's day; see
`small_trips`).
Progress: a `ProgressEvent(stage="routing", done=<parts solved>, total=<parts>)` after each part.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import pandas as pd

from network import ScenarioNetwork
from scenarios.model import Policy, Scenario

from ..instance import PlanningInstance, compile_instance
from ..progress import Progress, ProgressEvent, no_progress
from .engine import DEFAULT_OPTIONS, RoutingOptions, solve_routing
from .kpis import RoutingKpis, routing_kpis
from .loads import Load, make_loads
from .parts import (
    DEFAULT_SETTINGS,
    DispatchPart,
    DispatchSettings,
    PartTravel,
    dispatch_parts,
    largest_capacity,
    reach,
)
from .problem import UNREACHABLE
from .reload_fill import fill_reloads
from .small_trips import SMALL_LOAD, consolidate, drop_small_trips
from .solution import RoutingSolution
from .timeline import FleetTimeline, VehicleStart
from .trips import Trip

__all__ = [
    "DEFAULT_SETTINGS",
    "REASONS",
    "DispatchPart",
    "DispatchSettings",
    "RoutingResult",
    "route_shipments",
]

REASONS = (
    "unreachable",
    "over_capacity",
    "time_window",
    "fleet_exhausted",
    "horizon",
    "throughput",
    SMALL_LOAD,
)
MIN_PART_S = 0.02  # search seconds for the smallest warehouse-day problem under a time limit
UNASSIGNED_COLUMNS = ["warehouse", "area", "commodity", "day", "units", "kg", "reason"]


@dataclass(frozen=True)
class RoutingResult:
    """Trips (one per departure from a warehouse), loads left unassigned with reasons (one row per
    commodity of a load: warehouse, area, commodity, day, units, kg, reason), KPIs, status
    ("feasible" when every load travels, "partial" otherwise), and the solved parts for checking."""

    trips: tuple[Trip, ...]
    unassigned: pd.DataFrame
    kpis: RoutingKpis
    status: str
    solve_seconds: float
    parts: tuple[tuple[DispatchPart, RoutingSolution], ...] = field(repr=False, default=())


def route_shipments(
    problem: PlanningInstance | Scenario,
    shipments: pd.DataFrame,
    options: RoutingOptions = DEFAULT_OPTIONS,
    settings: DispatchSettings = DEFAULT_SETTINGS,
    network: ScenarioNetwork | None = None,
    *,
    progress: Progress | None = None,
    needs: pd.DataFrame | None = None,
    starts: Sequence[VehicleStart] | None = None,
) -> RoutingResult:
    """Trips that carry `shipments` (warehouse, area, commodity, delivery day, units), best first by
    priority.

    `problem`: the compiled planning instance (its network, fleet and need priorities), or a scenario,
    compiled here with `network` (built when not given) and `needs` (by default the scenario's); with
    an instance both stay None. `starts`: where each vehicle is first free (default: at its base from
    00:00 of day 1)."""
    t0 = time.perf_counter()
    if isinstance(problem, PlanningInstance):
        if network is not None or needs is not None:
            raise ValueError("a planning instance carries its network and needs: pass neither")
        inst = problem
    else:
        inst = compile_instance(problem, network=network, needs=needs)
    tr = PartTravel(inst)
    kg_per_unit = {c.id: c.kg_per_unit for c in inst.scenario.commodities}
    shipments = consolidate(inst.scenario, shipments, kg_per_unit)
    reach_of = reach(tr, shipments)
    loads = make_loads(inst.scenario, shipments, largest_capacity(tr, reach_of), inst.needs.load_priority)
    parts, rejected = dispatch_parts(tr, reach_of, loads, settings)
    timeline = FleetTimeline(tr, settings, starts=starts)
    solved, left = _solve_by_day(parts, timeline, options, progress or no_progress, inst.scenario.policy)
    return _result(timeline, solved, loads, [*rejected, *left], time.perf_counter() - t0)


def _solve_by_day(
    parts: Sequence[DispatchPart],
    timeline: FleetTimeline,
    o: RoutingOptions,
    progress: Progress,
    policy: Policy,
) -> tuple[list[tuple[DispatchPart, RoutingSolution]], list[tuple[Load, str]]]:
    """Dispatch day by dispatch day: each part sized to the vehicles free for it, solved, and its
    routes put on the timeline before the next day's parts are sized."""
    by_day: dict[int, list[DispatchPart]] = {}
    for p in parts:
        by_day.setdefault(p.day - p.lag_days, []).append(p)
    if o.workers > 1 and by_day:
        # One pool for every day, forked once: forking again after each day's work (the allocation's
        # solver threads live on in this process) risks a child inheriting a held lock. A day with one
        # part runs it in the pool with parallel seeds, forked from the fresh worker.
        with ProcessPoolExecutor(o.workers, mp_context=mp.get_context("fork")) as pool:
            return _days(by_day, (len(parts), policy), timeline, o, progress, pool)
    return _days(by_day, (len(parts), policy), timeline, o, progress, None)


def _days(
    by_day: dict[int, list[DispatchPart]],
    counted: tuple[int, Policy],
    timeline: FleetTimeline,
    o: RoutingOptions,
    progress: Progress,
    pool: ProcessPoolExecutor | None,
) -> tuple[list[tuple[DispatchPart, RoutingSolution]], list[tuple[Load, str]]]:
    n_parts, policy = counted
    solved: list[tuple[DispatchPart, RoutingSolution]] = []
    left: list[tuple[Load, str]] = []
    total_jobs = sum(len(p.problem.jobs) for ps in by_day.values() for p in ps) or 1
    done = 0
    for e in sorted(by_day):
        sized = []
        for p, counts in zip(by_day[e], _shares(by_day[e], timeline), strict=True):
            q = _sized(p, counts)
            if q is None:
                left += [(ld, "fleet_exhausted") for ld in p.loads]
            else:
                sized.append(q)
        day_solved = _solve_parts(
            sized, o, progress, pool=pool, total_jobs=total_jobs, done=done, total=n_parts
        )
        done += len(by_day[e])
        day_solved, small = drop_small_trips(day_solved, policy)
        left += small
        left += timeline.assign(day_solved)
        solved += day_solved
    return solved, left


def _shares(parts: Sequence[DispatchPart], timeline: FleetTimeline) -> list[list[int]]:
    """Per part, per vehicle type of its problem: how many of the free vehicles of its pool it may
    plan with. Parts of one day drawing on one pool share its free vehicles by the kg they carry (each
    gets one while there are enough), so that together they never plan with more than there are."""
    wants: dict[tuple[int, str], list[tuple[int, int, float]]] = {}
    free: dict[tuple[int, str], int] = {}
    for i, p in enumerate(parts):
        for k, v in enumerate(p.vehicle_types):
            key = timeline.tr.pool_key(p.warehouse, v)
            free.setdefault(key, timeline.available(p, v))
            wants.setdefault(key, []).append((i, k, _servable_kg(p, k)))
    out = [[0] * len(p.vehicle_types) for p in parts]
    for key, items in wants.items():
        items = [x for x in items if x[2] > 0]
        for (i, k, _), n in zip(items, _split(free[key], [w for *_, w in items]), strict=True):
            out[i][k] = min(n, parts[i].problem.vehicle_types[k].count)
    return out


def _servable_kg(part: DispatchPart, k: int) -> float:
    """The kg of the part's loads that its vehicle type `k` may carry and reaches (a part's claim on a
    pool's vehicles of that type: none for a type that serves none of its loads)."""
    p = part.problem
    vt = p.vehicle_types[k]
    dur = p.durations[vt.profile]
    home = p.depots[vt.start_depot].location
    return sum(
        ld.kg
        for job, ld in zip(p.jobs, part.loads, strict=True)
        if p.allowed(job, vt) and dur[home, job.location] < UNREACHABLE
    )


def _split(n: int, weights: Sequence[float]) -> list[int]:
    """`n` whole vehicles over claims of `weights`: one each, heaviest first, while they last; the rest
    in proportion (largest remainder, ties to the earlier claim)."""
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    got = [0] * len(weights)
    for i in order[:n]:
        got[i] = 1
    rest = n - sum(got)
    if rest <= 0:
        return got
    total = sum(weights) or 1.0
    exact = [rest * w / total for w in weights]
    base = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))[: rest - sum(base)]:
        base[i] += 1
    return [g + b for g, b in zip(got, base, strict=True)]


def _sized(part: DispatchPart, counts: Sequence[int]) -> DispatchPart | None:
    """The part with `counts` vehicles of each of its types (None: none at all)."""
    vts = tuple(replace(vt, count=n) for vt, n in zip(part.problem.vehicle_types, counts, strict=True))
    if not any(vt.count for vt in vts):
        return None
    return replace(part, problem=replace(part.problem, vehicle_types=vts))


def _solve_one(args: tuple[DispatchPart, RoutingOptions]) -> RoutingSolution:
    part, opts = args
    return fill_reloads(part.problem, solve_routing(part.problem, opts))


def _solve_parts(
    parts: Sequence[DispatchPart],
    o: RoutingOptions,
    progress: Progress,
    *,
    pool: ProcessPoolExecutor | None,
    total_jobs: int,
    done: int,
    total: int,
) -> list[tuple[DispatchPart, RoutingSolution]]:
    """Solve `parts` (one dispatch day's), each with its share of the time limit by jobs out of
    `total_jobs`; progress counts from `done` of `total` parts."""
    workers = max(1, min(o.workers, len(parts)))
    runs = []
    for p in parts:
        limit = None
        if o.time_limit_s is not None:
            limit = min(
                o.time_limit_s, max(MIN_PART_S, o.time_limit_s * workers * len(p.problem.jobs) / total_jobs)
            )
        # one part alone may use the parallel seeds; several parts share the cores instead
        runs.append((p, replace(o, time_limit_s=limit, workers=o.workers if workers == 1 else 1)))
    out = []
    if pool is None:
        for k, run in enumerate(runs):
            out.append((run[0], _solve_one(run)))
            _report(out[-1], o, progress, done=done + k + 1, total=total)
        return out
    for k, sol in enumerate(pool.map(_solve_one, runs)):
        out.append((runs[k][0], sol))
        _report(out[-1], o, progress, done=done + k + 1, total=total)
    return out


def _report(
    solved: tuple[DispatchPart, RoutingSolution],
    o: RoutingOptions,
    progress: Progress,
    *,
    done: int,
    total: int,
) -> None:
    """A part solved: a `fallback` event first when another engine than the configured one solved it
    (in the parent process, so parts solved by worker processes are reported too), then `routing`."""
    part, sol = solved
    if sol.engine != o.engine:
        where = f"{part.warehouse} day {part.day}"
        progress(ProgressEvent(stage="fallback", engine=sol.engine, step=where))
    progress(ProgressEvent(stage="routing", done=done, total=total))


def _result(
    timeline: FleetTimeline,
    solved: list[tuple[DispatchPart, RoutingSolution]],
    loads: Sequence[Load],
    left: list[tuple[Load, str]],
    seconds: float,
) -> RoutingResult:
    cost = 0
    for part, sol in solved:
        if not sol.feasible:  # never expected (the engines start from, or keep, a feasible plan)
            left += [(ld, "fleet_exhausted") for ld in part.loads]
            continue
        cost += sum(r.cost for r in sol.routes)
        left += [(part.loads[j], "fleet_exhausted") for j in sol.unassigned]
    trips = timeline.trips
    un = _unassigned(left)
    kpis = routing_kpis(trips, loads, un, cost)
    status = "feasible" if not left else "partial"
    return RoutingResult(tuple(trips), un, kpis, status, seconds, tuple(solved))


def _unassigned(left: list[tuple[Load, str]]) -> pd.DataFrame:
    """One row per commodity of each load left, its kg pro rata of the load's units."""
    rows = [
        {
            "warehouse": ld.warehouse,
            "area": ld.area,
            "commodity": c,
            "day": ld.day,
            "units": q,
            "kg": ld.kg * q / sum(ld.units.values()) if sum(ld.units.values()) else 0.0,
            "reason": why,
        }
        for ld, why in left
        for c, q in ld.units.items()
    ]
    return pd.DataFrame(rows, columns=UNASSIGNED_COLUMNS)
