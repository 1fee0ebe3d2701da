"""The OR-Tools routing engine (the adapter for `engine="ortools"`): a `RoutingProblem` as a
`RoutingModel`, solved with PATH_CHEAPEST_ARC then guided local search, read back as a
`RoutingSolution`.

Mapping: each vehicle of each type is one OR-Tools vehicle; jobs are nodes with their skills as the
allowed vehicles; optional jobs sit in a disjunction with their prize as penalty (required ones with
`REQUIRED_PENALTY`, reported unassigned and infeasible if still dropped); several trips a day are
reload nodes (copies of the vehicle's reload depot, optional at no penalty) where each capacity
dimension drops back to zero through its slack; duration cost is the span cost of the time dimension.
Capacity counts delivery plus pickup per trip, which is exact for delivery-only or pickup-only jobs and
safe (never over capacity) for mixed ones. Pickup-and-delivery shipments are not handled by this engine.
OR-Tools routing takes no seed: with a `solution_limit` it is deterministic, the seed is only recorded.
`ORToolsEngine` is the engine registered as "ortools"; it never raises `EngineFailure` (a search that
finds nothing returns every job unassigned).
"""

from __future__ import annotations

import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..progress import Progress, ProgressEvent
from .interface import SearchBudget
from .problem import INF_TIME, UNREACHABLE, RoutingProblem
from .solution import Route, RoutingSolution, Trip, Visit

__all__ = ["ORToolsEngine", "solve_ortools"]

REQUIRED_PENALTY = 10**13
SAFETY_S, SAFETY_S_PER_SOLUTION = 1.0, 0.01
MAX_RELOAD_COPIES = 8


class _Nodes:
    """Node layout: depots, then jobs, then the reload copies of each vehicle."""

    def __init__(self, p: RoutingProblem, vehicles: list[int]):
        self.n_dep, self.n_jobs = len(p.depots), len(p.jobs)
        self.location = [d.location for d in p.depots] + [j.location for j in p.jobs]
        self.reload_owner: dict[int, int] = {}  # node -> vehicle
        self.reload_depot: dict[int, int] = {}
        for v, t in enumerate(vehicles):
            vt = p.vehicle_types[t]
            copies = min(vt.max_reloads, self.n_jobs, MAX_RELOAD_COPIES) if vt.reload_depots else 0
            for d in vt.reload_depots:
                for _ in range(copies):
                    node = len(self.location)
                    self.location.append(p.depots[d].location)
                    self.reload_owner[node] = v
                    self.reload_depot[node] = d

    def job(self, node: int) -> int | None:
        j = node - self.n_dep
        return j if 0 <= j < self.n_jobs else None


def _horizon(p: RoutingProblem) -> int:
    """Past every finite window bound (vehicles, jobs, depots) by the longest route possible."""
    bounds = [t for vt in p.vehicle_types for t in (vt.tw_early, vt.tw_late)]
    bounds += [t for j in p.jobs for t in (j.tw_early, j.tw_late)]
    bounds += [t for d in p.depots for t in (d.tw_early, d.tw_late)]
    finite = [t for t in bounds if t < INF_TIME]
    longest = max((int(m[m < UNREACHABLE].max(initial=0)) for m in p.durations), default=0)
    span = longest * (len(p.jobs) + 2) + sum(j.service for j in p.jobs)
    return int(max([*finite, 0]) + span)


class ORToolsEngine:
    """OR-Tools routing (jobs only: no pickup-and-delivery shipments)."""

    name = "ortools"

    def accepts(self, problem: RoutingProblem) -> bool:
        return not problem.shipments

    def solve(self, problem: RoutingProblem, budget: SearchBudget, progress: Progress) -> RoutingSolution:
        return solve_ortools(problem, budget.seed, budget.time_limit_s, budget.iterations, progress)


def solve_ortools(
    problem: RoutingProblem,
    seed: int = 0,
    time_limit_s: float | None = None,
    iterations: int | None = None,
    progress: Progress | None = None,
) -> RoutingSolution:
    """Solve with OR-Tools routing; stops after `iterations` solutions (reproducible) or
    `time_limit_s`, whichever comes first."""
    t0 = time.perf_counter()
    p = problem
    if p.shipments:
        raise ValueError(
            "pickup-and-delivery shipments need engine 'pyvrp'; the OR-Tools adapter serves jobs"
        )
    vehicles = [t for t, vt in enumerate(p.vehicle_types) for _ in range(vt.count)]
    if not p.jobs or not vehicles:
        every = tuple(range(len(p.jobs)))
        feasible = all(not j.required for j in p.jobs)
        return RoutingSolution((), every, _left_out_cost(p, every), feasible, "ortools", seed, 0, 0.0)
    m = _Model(p, vehicles)
    m.costs()
    m.time_windows()
    _capacity(p, m.routing, m.manager, m.nodes, vehicles, m.keep)
    _reload_limit(p, m.routing, m.manager, m.nodes, vehicles, m.keep)
    m.disjunctions()
    history: list[tuple[float, int]] = []
    count = [0]

    def on_solution() -> None:
        count[0] += 1
        cost = int(m.routing.CostVar().Max())
        elapsed = time.perf_counter() - t0
        if not history or cost < history[-1][1]:
            history.append((round(elapsed, 3), cost))
            if progress is not None:
                progress(
                    ProgressEvent(
                        stage="search", engine="ortools", iteration=count[0], best_cost=cost, seconds=elapsed
                    )
                )

    m.routing.AddAtSolutionCallback(on_solution)
    assignment = m.routing.SolveWithParameters(_params(time_limit_s, iterations))
    if assignment is None:
        every, runtime = tuple(range(len(p.jobs))), time.perf_counter() - t0
        cost = _left_out_cost(p, every)
        return RoutingSolution((), every, cost, False, "ortools", seed, count[0], runtime, tuple(history))
    routes = _read_routes(p, m.routing, m.manager, assignment, m.nodes, vehicles, m.tdim)
    served = {j for r in routes for j in r.jobs}
    unassigned = tuple(j for j in range(len(p.jobs)) if j not in served)
    feasible = not any(p.jobs[j].required for j in unassigned)
    cost = sum(r.cost for r in routes) + _left_out_cost(p, unassigned)
    runtime = time.perf_counter() - t0
    return RoutingSolution(
        routes, unassigned, cost, feasible, "ortools", seed, count[0], runtime, tuple(history)
    )


class _Model:
    """The OR-Tools routing model of a problem: one OR-Tools vehicle per vehicle, arc costs and the
    time dimension per profile, and the disjunctions. The methods add these in a fixed order."""

    def __init__(self, p: RoutingProblem, vehicles: list[int]):
        self.p, self.vehicles = p, vehicles
        self.nodes = _Nodes(p, vehicles)
        n = len(self.nodes.location)
        starts = [p.vehicle_types[t].start_depot for t in vehicles]
        ends = [p.vehicle_types[t].end_depot for t in vehicles]
        self.manager = pywrapcp.RoutingIndexManager(n, len(vehicles), starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.service = [0] * n
        for j, job in enumerate(p.jobs):
            self.service[self.nodes.n_dep + j] = job.service
        self.keep: list[object] = []  # callbacks must outlive the solve
        self.time_per_vehicle: list[int] = []

    def _arc_cb(self, profile: int, unit: int) -> int:
        dist, loc, manager = self.p.distances[profile], self.nodes.location, self.manager

        def cost(i: int, k: int) -> int:
            return unit * int(dist[loc[manager.IndexToNode(i)], loc[manager.IndexToNode(k)]])

        self.keep.append(cost)
        return self.routing.RegisterTransitCallback(cost)

    def _time_cb(self, profile: int) -> int:
        dur, loc, manager, service = (
            self.p.durations[profile],
            self.nodes.location,
            self.manager,
            self.service,
        )

        def transit(i: int, k: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(k)
            return service[a] + int(dur[loc[a], loc[b]])

        self.keep.append(transit)
        return self.routing.RegisterTransitCallback(transit)

    def costs(self) -> None:
        """Arc cost per (profile, unit distance cost), fixed cost per vehicle, transit per profile."""
        arc_ids: dict[tuple[int, int], int] = {}
        time_ids: dict[int, int] = {}
        for v, t in enumerate(self.vehicles):
            vt = self.p.vehicle_types[t]
            key = (vt.profile, vt.unit_distance_cost)
            if key not in arc_ids:
                arc_ids[key] = self._arc_cb(*key)
            self.routing.SetArcCostEvaluatorOfVehicle(arc_ids[key], v)
            if vt.profile not in time_ids:
                time_ids[vt.profile] = self._time_cb(vt.profile)
            self.time_per_vehicle.append(time_ids[vt.profile])
            self.routing.SetFixedCostOfVehicle(vt.fixed_cost, v)

    def time_windows(self) -> None:
        """The time dimension: shifts, spans and their cost, job and reload windows."""
        p, routing, manager = self.p, self.routing, self.manager
        horizon = _horizon(p)
        routing.AddDimensionWithVehicleTransits(self.time_per_vehicle, horizon, horizon, False, "time")
        tdim = self.tdim = routing.GetDimensionOrDie("time")
        for v, t in enumerate(self.vehicles):
            vt = p.vehicle_types[t]
            late = min(vt.tw_late, horizon)
            tdim.CumulVar(routing.Start(v)).SetRange(vt.tw_early, late)
            tdim.CumulVar(routing.End(v)).SetRange(vt.tw_early, late)
            tdim.SetSpanUpperBoundForVehicle(min(vt.max_duration, horizon), v)
            tdim.SetSpanCostCoefficientForVehicle(vt.unit_duration_cost, v)
            routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.End(v)))
            routing.AddVariableMaximizedByFinalizer(tdim.CumulVar(routing.Start(v)))
        for j, job in enumerate(p.jobs):
            idx = manager.NodeToIndex(self.nodes.n_dep + j)
            tdim.CumulVar(idx).SetRange(job.tw_early, min(job.tw_late, horizon))
        for node, d in self.nodes.reload_depot.items():
            dep = p.depots[d]
            tdim.CumulVar(manager.NodeToIndex(node)).SetRange(dep.tw_early, min(dep.tw_late, horizon))

    def disjunctions(self) -> None:
        """Skills as allowed vehicles; prizes (or `REQUIRED_PENALTY`) as drop penalties; reload copies
        owned by one vehicle, free to skip."""
        p, routing, manager, vehicles = self.p, self.routing, self.manager, self.vehicles
        for j, job in enumerate(p.jobs):
            idx = manager.NodeToIndex(self.nodes.n_dep + j)
            allowed = [v for v, t in enumerate(vehicles) if p.allowed(job, p.vehicle_types[t])]
            if len(allowed) < len(vehicles):
                routing.VehicleVar(idx).SetValues([-1, *allowed])
            routing.AddDisjunction([idx], job.prize if not job.required else REQUIRED_PENALTY)
        for node, v in self.nodes.reload_owner.items():
            idx = manager.NodeToIndex(node)
            routing.VehicleVar(idx).SetValues([-1, v])
            routing.AddDisjunction([idx], 0)


def _params(time_limit_s: float | None, iterations: int | None) -> pywrapcp.RoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    if time_limit_s is None and iterations is not None:
        # guided local search never ends by itself: on a problem with fewer distinct solutions than the
        # budget it would search forever, so a budget alone gets a safety cap (hit only in that case)
        time_limit_s = SAFETY_S_PER_SOLUTION * iterations + SAFETY_S
    if time_limit_s is not None:
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if iterations is not None:
        params.solution_limit = max(1, iterations)
    if time_limit_s is None and iterations is None:
        raise ValueError("give a time limit, an iteration budget, or both")
    return params


def _left_out_cost(p: RoutingProblem, jobs) -> int:
    return sum(p.jobs[j].prize for j in jobs if not p.jobs[j].required)


def _capacity(p, routing, manager, nodes: _Nodes, vehicles, keep) -> None:
    for k in range(p.n_dims):
        caps = [p.vehicle_types[t].capacity[k] for t in vehicles]
        demand = [0] * len(nodes.location)
        for j in range(nodes.n_jobs):
            demand[nodes.n_dep + j] = int(p.delivery(j)[k] + p.pickup(j)[k])
        for node, v in nodes.reload_owner.items():
            demand[node] = -caps[v]

        def cb(i, demand=demand):
            return demand[manager.IndexToNode(i)]

        keep.append(cb)
        cb_id = routing.RegisterUnaryTransitCallback(cb)
        routing.AddDimensionWithVehicleCapacity(cb_id, max(caps), caps, True, f"load{k}")
        dim = routing.GetDimensionOrDie(f"load{k}")
        for j in range(nodes.n_jobs):
            dim.SlackVar(manager.NodeToIndex(nodes.n_dep + j)).SetValue(0)
        for v in range(len(vehicles)):
            dim.SlackVar(routing.Start(v)).SetValue(0)


def _reload_limit(p, routing, manager, nodes: _Nodes, vehicles, keep) -> None:
    """At most `max_reloads` reload visits per vehicle, over all its reload depots together."""
    if not nodes.reload_owner:
        return
    count = [1 if node in nodes.reload_owner else 0 for node in range(len(nodes.location))]

    def cb(i):
        return count[manager.IndexToNode(i)]

    keep.append(cb)
    caps = [p.vehicle_types[t].max_reloads if p.vehicle_types[t].reload_depots else 0 for t in vehicles]
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(cb), 0, caps, True, "reloads"
    )


def _read_routes(p, routing, manager, sol, nodes: _Nodes, vehicles, tdim) -> tuple[Route, ...]:
    out: list[Route] = []
    used: dict[int, int] = {}
    for v, t in enumerate(vehicles):
        idx = routing.Start(v)
        if routing.IsEnd(sol.Value(routing.NextVar(idx))):
            continue
        vt = p.vehicle_types[t]
        dist_m, dur_m = p.distances[vt.profile], p.durations[vt.profile]
        start = sol.Value(tdim.CumulVar(idx))
        trips: list[Trip] = []
        visits: list[Visit] = []
        depot = vt.start_depot
        prev, prev_start, distance = manager.IndexToNode(idx), start, 0
        while True:
            idx = sol.Value(routing.NextVar(idx))
            node = manager.IndexToNode(idx)
            a, b = nodes.location[prev], nodes.location[node]
            distance += int(dist_m[a, b])
            prev_job = nodes.job(prev)
            leave = prev_start + (p.jobs[prev_job].service if prev_job is not None else 0)
            at = sol.Value(tdim.CumulVar(idx))
            j = nodes.job(node)
            if j is not None:
                visits.append(Visit(j, leave + int(dur_m[a, b]), at))
            else:
                end_depot = nodes.reload_depot.get(node, vt.end_depot)
                if visits or not trips:
                    trips.append(Trip(depot, end_depot, tuple(visits)))
                else:  # a reload with nothing carried since the last one: extend the last trip
                    trips[-1] = Trip(trips[-1].start_depot, end_depot, trips[-1].visits)
                visits, depot = [], end_depot
            prev, prev_start = node, at
            if routing.IsEnd(idx):
                end = at
                break
        vehicle = used.get(t, 0)
        used[t] = vehicle + 1
        duration = end - start
        cost = vt.fixed_cost + vt.unit_distance_cost * distance + vt.unit_duration_cost * duration
        trips = [tr for tr in trips if tr.visits]
        out.append(Route(t, vehicle, start, end, tuple(trips), distance, duration, cost))
    return tuple(out)
