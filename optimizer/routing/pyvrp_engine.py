"""The PyVRP engine: a `RoutingProblem` as PyVRP `ProblemData`, solved by PyVRP's iterated local
search, read back as a `RoutingSolution`.

Each depot and each job gets its own PyVRP location (so two jobs at one place can differ in skills);
a job a vehicle type may not serve (skills) is cut off in that type's profile by unreachable arcs,
given a sentinel length dearer than any plan without them but small enough to keep PyVRP's penalised
costs inside int64.

`PyVRPEngine` is the engine registered as "pyvrp": when the search ends among infeasible plans although
every job is optional it raises `EngineFailure` (prizes far above PyVRP's starting penalties can keep a
short search among plans that carry too much), and `solve_routing` decides about a fallback.
`solve_pyvrp` never falls back: it returns that best infeasible solution as it is.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pyvrp
from pyvrp.PenaltyManager import PenaltyParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from ..progress import Progress, ProgressEvent, no_progress
from .interface import EngineFailure, SearchBudget
from .problem import INF_TIME, UNREACHABLE, Job, RoutingProblem, Shipment, VehicleType
from .solution import Route, RoutingSolution, Trip, Visit

__all__ = ["PyVRPEngine", "solve_pyvrp"]

INT_MAX = np.iinfo(np.int64).max


def _clip(t: int) -> int:
    return min(int(t), INT_MAX)


def _sentinels(p: RoutingProblem, dist: np.ndarray, dur: np.ndarray) -> tuple[int, int]:
    """Lengths that stand in for `UNREACHABLE` (2^40): a distance dearer than any plan without it and
    than any prize, and a duration past every shift (so using it is lateness, which PyVRP penalises);
    both small enough that penalty x lateness stays far inside int64."""
    top_prize = max([j.prize for j in p.jobs] + [sh.prize for sh in p.shipments], default=0)
    n = len(dist) + 1
    fin_d, fin_t = dist[dist < UNREACHABLE], dur[dur < UNREACHABLE]
    max_d = int(fin_d.max()) if fin_d.size else 1
    max_t = int(fin_t.max()) if fin_t.size else 1
    windows = [v.tw_late for v in p.vehicle_types if v.tw_late < INF_TIME]
    horizon = max(windows) if windows else n * max_t
    return min(2 * max(top_prize, n * max_d) + 1, UNREACHABLE), min(
        2 * max(horizon, n * max_t) + 1, UNREACHABLE
    )


def _cap(m: np.ndarray, value: int) -> np.ndarray:
    bad = m >= UNREACHABLE
    if not bad.any():
        return m
    out = m.copy()
    out[bad] = value
    return out


def to_pyvrp(problem: RoutingProblem) -> pyvrp.ProblemData:
    """The problem as PyVRP data: depots, then jobs, then each shipment's pickup and delivery, each at
    its own location; one profile per (profile, barred locations) of the vehicle types."""
    p = problem
    ship_locs = [x for sh in p.shipments for x in (sh.pickup, sh.delivery)]
    loc = np.array([d.location for d in p.depots] + [j.location for j in p.jobs] + ship_locs, np.int64)
    vts, dist_mats, dur_mats = _vehicle_types(p, loc)
    locations = [pyvrp.Location(0, 0) for _ in range(len(loc))]
    depots = [pyvrp.Depot(i, d.tw_early, _clip(d.tw_late), name=d.name) for i, d in enumerate(p.depots)]
    return pyvrp.ProblemData(
        locations,
        _clients(p),
        depots,
        vts,
        dist_mats,  # type: ignore[arg-type]
        dur_mats,  # type: ignore[arg-type]
        shipments=_shipments(p),
    )


def _barred(p: RoutingProblem, vt: VehicleType) -> frozenset[int]:
    """PyVRP locations of the jobs and shipment stops the type may not serve (skills)."""
    n_dep, n_jobs = len(p.depots), len(p.jobs)
    return frozenset(n_dep + j for j, job in enumerate(p.jobs) if not p.allowed(job, vt)) | frozenset(
        n_dep + n_jobs + 2 * k + e
        for k, sh in enumerate(p.shipments)
        if not p.allowed(sh, vt)
        for e in (0, 1)
    )


def _vehicle_types(
    p: RoutingProblem, loc: np.ndarray
) -> tuple[list[pyvrp.VehicleType], list[np.ndarray], list[np.ndarray]]:
    profiles: dict[tuple[int, frozenset[int]], int] = {}
    dist_mats: list[np.ndarray] = []
    dur_mats: list[np.ndarray] = []
    vts = []
    for vt in p.vehicle_types:
        if vt.count == 0:  # PyVRP wants num_available > 0; `_routes` maps type indices back
            continue
        barred = _barred(p, vt)
        key = (vt.profile, barred)
        if key not in profiles:
            profiles[key] = len(dist_mats)
            ix = np.ix_(loc, loc)
            dist = np.array(p.distances[vt.profile][ix], np.int64)
            dur = np.array(p.durations[vt.profile][ix], np.int64)
            if barred:
                cut = np.fromiter(barred, np.int64)
                for m in (dist, dur):
                    m[cut, :] = UNREACHABLE
                    m[:, cut] = UNREACHABLE
                    m[cut, cut] = 0
            big_d, big_t = _sentinels(p, p.distances[vt.profile], p.durations[vt.profile])
            dist_mats.append(_cap(dist, big_d))
            dur_mats.append(_cap(dur, big_t))
        vts.append(
            pyvrp.VehicleType(
                num_available=vt.count,
                capacity=list(vt.capacity),
                start_depot=vt.start_depot,
                end_depot=vt.end_depot,
                fixed_cost=vt.fixed_cost,
                tw_early=vt.tw_early,
                tw_late=_clip(vt.tw_late),
                shift_duration=_clip(vt.max_duration),
                unit_distance_cost=vt.unit_distance_cost,
                unit_duration_cost=vt.unit_duration_cost,
                profile=profiles[key],
                reload_depots=list(vt.reload_depots),
                max_reloads=vt.max_reloads if vt.reload_depots else 0,
                name=vt.name,
            )
        )
    return vts, dist_mats, dur_mats


def _clients(p: RoutingProblem) -> list[pyvrp.Client]:
    n_dep, dims = len(p.depots), p.n_dims
    return [
        pyvrp.Client(
            n_dep + j,
            delivery=list(job.delivery or (0,) * dims),
            pickup=list(job.pickup or (0,) * dims),
            service_duration=job.service,
            tw_early=job.tw_early,
            tw_late=_clip(job.tw_late),
            prize=job.prize,
            required=job.required,
            name=job.name,
        )
        for j, job in enumerate(p.jobs)
    ]


def _shipments(p: RoutingProblem) -> list[pyvrp.Shipment]:
    first = len(p.depots) + len(p.jobs)
    return [
        pyvrp.Shipment(
            first + 2 * k,
            first + 2 * k + 1,
            pickup_tw_early=sh.pickup_tw[0],
            pickup_tw_late=_clip(sh.pickup_tw[1]),
            pickup_service_duration=sh.pickup_service,
            delivery_tw_early=sh.delivery_tw[0],
            delivery_tw_late=_clip(sh.delivery_tw[1]),
            delivery_service_duration=sh.delivery_service,
            amount=list(sh.amount),
            prize=sh.prize,
            required=sh.required,
            name=sh.name,
        )
        for k, sh in enumerate(p.shipments)
    ]


class _Progress(pyvrp.IteratedLocalSearchCallbacks):
    def __init__(self, progress: Progress):
        self.progress = progress
        self.t0 = time.perf_counter()
        self.history: list[tuple[float, int]] = []
        self.iteration = 0

    def on_iteration(self, current, candidate, best, cost_evaluator):
        self.iteration += 1

    def on_best(self, best):
        if not best.is_feasible():
            return
        cost = _solution_cost(best)
        elapsed = time.perf_counter() - self.t0
        self.history.append((round(elapsed, 3), cost))
        self.progress(
            ProgressEvent(
                stage="search", engine="pyvrp", iteration=self.iteration, best_cost=cost, seconds=elapsed
            )
        )


def _penalties(problem: RoutingProblem) -> PenaltyParams:
    """PyVRP's penalties for excess load and lateness start at the midpoint of [min, max]. With prizes
    far above the default maximum (1e5) an infeasible plan that carries more looks better than any
    feasible one; with penalties above the prizes the search never passes through the briefly
    overloaded plans that lead to a reload. The largest prize as the ceiling (midpoint half of it)
    serves both, measured on tests/data/routing_multitrip.json and the Samarinda flood."""
    top = max([j.prize for j in problem.jobs] + [sh.prize for sh in problem.shipments], default=0)
    return PenaltyParams(max_penalty=max(1e5, float(top)))


def _any_required(p: RoutingProblem) -> bool:
    return any(j.required for j in p.jobs) or any(sh.required for sh in p.shipments)


def _solution_cost(sol: pyvrp.Solution) -> int:
    return int(
        sol.distance_cost() + sol.duration_cost() + sol.fixed_vehicle_cost() + sol.uncollected_prizes()
    )


def _stop(time_limit_s: float | None, iterations: int | None) -> StoppingCriterion:
    crits: list[StoppingCriterion] = []
    if iterations is not None:
        crits.append(MaxIterations(iterations))
    if time_limit_s is not None:
        crits.append(MaxRuntime(time_limit_s))
    if not crits:
        raise ValueError("give a time limit, an iteration budget, or both")
    return crits[0] if len(crits) == 1 else MultipleCriteria(crits)


class PyVRPEngine:
    """PyVRP's iterated local search (any problem, pickup-and-delivery shipments included)."""

    name = "pyvrp"

    def accepts(self, problem: RoutingProblem) -> bool:
        return True

    def solve(self, problem: RoutingProblem, budget: SearchBudget, progress: Progress) -> RoutingSolution:
        sol, stuck = _search(problem, budget, progress)
        if stuck:
            raise EngineFailure("pyvrp ended among infeasible plans although every job is optional", sol)
        return sol


def solve_pyvrp(
    problem: RoutingProblem,
    seed: int = 0,
    time_limit_s: float | None = None,
    iterations: int | None = None,
    progress: Progress | None = None,
) -> RoutingSolution:
    """Solve with PyVRP; stops at `iterations` (reproducible) or `time_limit_s`, whichever comes first.
    No fallback: a search that ends among infeasible plans returns its best one (`feasible` False)."""
    return _search(problem, SearchBudget(seed, time_limit_s, iterations), progress or no_progress)[0]


def _search(p: RoutingProblem, budget: SearchBudget, progress: Progress) -> tuple[RoutingSolution, bool]:
    """PyVRP's best solution, and whether the search got stuck among infeasible plans although every
    job is optional (a feasible plan exists)."""
    t0, seed = time.perf_counter(), budget.seed
    if not p.jobs and not p.shipments:
        return RoutingSolution((), (), 0, True, "pyvrp", seed, 0, 0.0), False
    data = to_pyvrp(p)
    cb = _Progress(progress)
    params = pyvrp.SolveParams(ils=pyvrp.IteratedLocalSearchParams(callbacks=cb), penalty=_penalties(p))
    stop = _stop(budget.time_limit_s, budget.iterations)
    with warnings.catch_warnings():  # PyVRP warns when a penalty hits its ceiling; the result says it
        warnings.simplefilter("ignore")
        res = pyvrp.solve(data, stop, seed=seed, collect_stats=False, params=params)
    best = res.best
    routes = _routes(best, [t for t, vt in enumerate(p.vehicle_types) if vt.count > 0])
    sol = RoutingSolution(
        routes=routes,
        unassigned=tuple(sorted(int(i) for i in _unassigned(best, len(p.jobs)))),
        unassigned_shipments=tuple(sorted(_unassigned_shipments(best, len(p.shipments)))),
        cost=_solution_cost(best),
        feasible=bool(best.is_feasible()) and not _uses_barred(p, routes),
        engine="pyvrp",
        seed=seed,
        iterations=int(res.num_iterations),
        runtime_s=time.perf_counter() - t0,
        history=tuple(cb.history),
    )
    return sol, not best.is_feasible() and not _any_required(p)


def _unassigned(sol: pyvrp.Solution, n_jobs: int) -> set[int]:
    served = {a.idx for r in sol.routes() for a in r.schedule() if a.is_client()}
    return set(range(n_jobs)) - served


def _uses_barred(p: RoutingProblem, routes: tuple[Route, ...]) -> bool:
    """Whether a route took a sentinel arc: a job its type may not serve, or an unreachable leg."""
    for r in routes:
        vt = p.vehicle_types[r.vehicle_type]
        dur = p.durations[vt.profile]
        for t in r.trips:
            here = p.depots[t.start_depot].location
            for v in t.visits:
                task, loc = _task(p, v)
                if not p.allowed(task, vt) or dur[here, loc] >= UNREACHABLE:
                    return True
                here = loc
            if dur[here, p.depots[t.end_depot].location] >= UNREACHABLE:
                return True
    return False


def _task(p: RoutingProblem, v: Visit) -> tuple[Job | Shipment, int]:
    """The job or shipment of a visit, and the location it is served at."""
    if v.kind == "job":
        return p.jobs[v.job], p.jobs[v.job].location
    sh = p.shipments[v.job]
    return sh, sh.pickup if v.kind == "pickup" else sh.delivery


def _unassigned_shipments(sol: pyvrp.Solution, n: int) -> set[int]:
    served = {int(a.idx) for r in sol.routes() for a in r.schedule() if a.is_pickup()}
    return set(range(n)) - served


def _routes(sol: pyvrp.Solution, types: list[int]) -> tuple[Route, ...]:
    used: dict[int, int] = {}
    out = []
    for r in sol.routes():
        vt = types[int(r.vehicle_type())]
        trips: list[Trip] = []
        visits: list[Visit] = []
        start_depot: int | None = None
        for a in r.schedule():
            if a.is_depot():
                if start_depot is not None:
                    trips.append(Trip(start_depot, int(a.idx), tuple(visits)))
                start_depot, visits = int(a.idx), []
            else:
                arrival = int(a.start_time - a.wait_duration)
                kind = "job" if a.is_client() else "pickup" if a.is_pickup() else "delivery"
                visits.append(Visit(int(a.idx), arrival, int(a.start_time), kind))
        vehicle = used.get(vt, 0)
        used[vt] = vehicle + 1
        cost = int(r.distance_cost() + r.duration_cost() + r.fixed_vehicle_cost())
        out.append(
            Route(
                vt,
                vehicle,
                int(r.start_time()),
                int(r.end_time()),
                tuple(trips),
                int(r.distance()),
                int(r.duration()),
                cost,
            )
        )
    return tuple(out)
