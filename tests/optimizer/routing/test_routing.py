"""Routing engines on small named problems: known optima, several trips a day, modes, time windows,
each unassigned reason, reproducibility under a work budget, and the independent checker on every
engine output (and on tampered solutions)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.progress import ProgressEvent
from optimizer.routing import (
    Depot,
    EngineFailure,
    Job,
    RoutingOptions,
    RoutingProblem,
    SearchBudget,
    VehicleType,
    check_routes,
    solve_routing,
)
from optimizer.routing.engine import ENGINES as REGISTRY
from optimizer.routing.io import problem_from_dict, problem_to_dict, read_problem
from optimizer.routing.reasons import explain_unassigned, impossible_jobs
from optimizer.routing.solution import Route, RoutingSolution, Trip, Visit

from ...conftest import DATA_DIR

ENGINES = ["pyvrp", "ortools"]
BUDGET = 300  # iterations (PyVRP) / solutions (OR-Tools): reproducible, whatever the machine


def solve(problem: RoutingProblem, engine: str, seed: int = 0, iterations: int = BUDGET) -> RoutingSolution:
    sol = solve_routing(problem, RoutingOptions(engine, time_limit_s=None, iterations=iterations, seed=seed))
    check = check_routes(problem, sol)
    assert check.ok, check.violations
    assert check.cost == sol.cost
    return sol


def names(problem: RoutingProblem, route: Route) -> list[str]:
    return [problem.jobs[j].name for j in route.jobs]


@pytest.mark.parametrize("engine", ENGINES)
def test_tsp7_reaches_the_enumerated_optimum(engine):
    """On seven jobs and one vehicle both engines find the optimum found by trying every order."""
    p = read_problem(DATA_DIR / "routing_tsp7.json")
    d = p.distances[0]
    best = min(
        d[0, o[0]] + sum(d[a, b] for a, b in itertools.pairwise(o)) + d[o[-1], 0]
        for o in itertools.permutations(range(1, 8))
    )
    sol = solve(p, engine)
    assert sol.cost == best
    assert sol.feasible and not sol.unassigned


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_trip_reloads_at_the_depot(engine):
    """A vehicle of capacity 2 serves four jobs in two trips (one per cluster), cost 2 x 21 = 42."""
    p = read_problem(DATA_DIR / "routing_multitrip.json")
    sol = solve(p, engine)
    assert not sol.unassigned
    assert len(sol.routes) == 1
    trips = sol.routes[0].trips
    assert len(trips) == 2
    assert sorted(sorted(p.jobs[v.job].name[0] for v in t.visits) for t in trips) == [["e", "e"], ["w", "w"]]
    assert sol.cost == 42


@pytest.mark.parametrize("engine", ENGINES)
def test_without_reloads_the_fleet_runs_out(engine):
    """The same vehicle without reloads carries one trip; the other two jobs are `fleet_exhausted`."""
    p = read_problem(DATA_DIR / "routing_multitrip.json")
    vt = dataclasses.replace(p.vehicle_types[0], reload_depots=(), max_reloads=0)
    p = dataclasses.replace(p, vehicle_types=(vt,))
    sol = solve(p, engine)
    assert len(sol.unassigned) == 2
    assert set(explain_unassigned(p, sol).values()) == {"fleet_exhausted"}
    assert sol.cost == 21 + 2 * 100_000  # one trip plus the prizes left


@pytest.mark.parametrize("engine", ENGINES)
def test_modes_each_job_goes_by_the_vehicle_that_can_reach_it(engine):
    """The road job goes by truck, the river job by boat, the helipad job by helicopter."""
    p = read_problem(DATA_DIR / "routing_modes.json")
    sol = solve(p, engine)
    assert not sol.unassigned
    served_by = {p.jobs[j].name: p.vehicle_types[r.vehicle_type].name for r in sol.routes for j in r.jobs}
    assert served_by == {"by_road": "truck", "by_river": "boat", "helipad": "helicopter"}


@pytest.mark.parametrize("engine", ENGINES)
def test_time_windows_force_the_order(engine):
    """Windows make the far job first: order far, mid, near, the near job served when it opens (60)."""
    p = read_problem(DATA_DIR / "routing_windows.json")
    sol = solve(p, engine)
    (route,) = sol.routes
    assert names(p, route) == ["far", "mid", "near"]
    near = route.trips[0].visits[-1]
    assert near.start == 60 and near.arrival <= 60
    assert sol.cost == 60


@pytest.mark.parametrize("engine", ENGINES)
def test_each_unassigned_reason(engine):
    """Jobs built for each reason get it: unreachable, over_capacity, time_window, fleet_exhausted
    (the lower prize of two jobs that do not fit together)."""
    p = read_problem(DATA_DIR / "routing_reasons.json")
    assert impossible_jobs(p) == {0: "unreachable", 1: "over_capacity", 2: "time_window"}
    sol = solve(p, engine)
    why = {p.jobs[j].name: r for j, r in explain_unassigned(p, sol).items()}
    assert why == {
        "unreachable": "unreachable",
        "over_capacity": "over_capacity",
        "time_window": "time_window",
        "fits_low": "fleet_exhausted",
    }


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_same_seed_and_budget_same_routes(engine):
    """Same problem, seed and work budget give the same routes and cost, run after run."""
    p = read_problem(DATA_DIR / "routing_tsp7.json")
    vt = dataclasses.replace(p.vehicle_types[0], count=3, capacity=(3,))
    p = dataclasses.replace(p, vehicle_types=(vt,))
    a, b = solve(p, engine, seed=7), solve(p, engine, seed=7)
    assert a.routes == b.routes and a.cost == b.cost


@pytest.mark.slow
def test_parallel_seeds_are_reproducible_and_no_worse():
    """Two seeds in two processes under a budget: the same answer twice, never worse than seed 0 alone."""
    rng = np.random.default_rng(3)
    xy = rng.integers(0, 1000, size=(61, 2))
    d = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    p = RoutingProblem(
        (Depot(0),), tuple(Job(i, (1,)) for i in range(1, 61)), (VehicleType(10, (8,)),), (d,), (d,)
    )
    opts = RoutingOptions("pyvrp", time_limit_s=None, iterations=400, seed=0, workers=2)
    a, b = solve_routing(p, opts), solve_routing(p, opts)
    single = solve(p, "pyvrp", seed=0, iterations=400)
    assert a.routes == b.routes
    assert a.cost <= single.cost
    assert check_routes(p, a).ok


def test_checker_finds_tampering():
    """The checker reports over capacity, a missed window, a wrong cost and a double visit."""
    p = read_problem(DATA_DIR / "routing_windows.json")
    sol = solve(p, "pyvrp")
    (route,) = sol.routes
    jobs = [dataclasses.replace(j, delivery=(9,)) if j.name == "far" else j for j in p.jobs]
    heavy = dataclasses.replace(p, jobs=tuple(jobs))
    assert any("over capacity" in v for v in check_routes(heavy, sol).violations)
    visits = route.trips[0].visits
    late = Route(
        route.vehicle_type,
        0,
        route.start,
        route.end,
        (Trip(0, 0, tuple(reversed(visits))),),
        route.distance,
        route.duration,
        route.cost,
    )
    assert any(
        "window closes" in v for v in check_routes(p, dataclasses.replace(sol, routes=(late,))).violations
    )
    cheap = dataclasses.replace(route, cost=route.cost - 1)
    assert any("cost" in v for v in check_routes(p, dataclasses.replace(sol, routes=(cheap,))).violations)
    twice = dataclasses.replace(route, trips=(Trip(0, 0, (*visits, Visit(visits[0].job, 999, 999))),))
    assert any(
        "served 2 times" in v for v in check_routes(p, dataclasses.replace(sol, routes=(twice,))).violations
    )


def test_problem_round_trips_through_json():
    """A problem written as a dict and read back is the same problem."""
    p = read_problem(DATA_DIR / "routing_modes.json")
    doc = problem_to_dict(p)
    assert problem_to_dict(problem_from_dict(doc)) == doc
    assert problem_from_dict(doc).jobs == p.jobs and problem_from_dict(doc).vehicle_types == p.vehicle_types


def test_invalid_problem_says_what_is_wrong():
    """A job with the wrong number of load dimensions and a bad depot index fail with the numbers."""
    d = np.zeros((2, 2), np.int64)
    with pytest.raises(ValueError, match=r"job 0: delivery has 2 dimensions, vehicles have 1"):
        RoutingProblem((Depot(0),), (Job(1, (1, 2)),), (VehicleType(1, (5,)),), (d,), (d,))
    with pytest.raises(ValueError, match=r"vehicle type 0: depot 3 unknown"):
        RoutingProblem((Depot(0),), (Job(1, (1,)),), (VehicleType(1, (5,), start_depot=3),), (d,), (d,))


@st.composite
def small_problems(draw):
    n = draw(st.integers(1, 8))
    xy = np.array(
        draw(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=n + 2, max_size=n + 2))
    )
    d = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    jobs = []
    for i in range(n):
        lo = draw(st.integers(0, 100))
        jobs.append(
            Job(
                2 + i,
                (draw(st.integers(0, 6)),),
                service=draw(st.integers(0, 5)),
                tw_early=lo,
                tw_late=lo + draw(st.integers(0, 200)),
                prize=draw(st.integers(0, 500)),
                required=False,
            )
        )
    vts = (
        VehicleType(
            draw(st.integers(1, 2)),
            (draw(st.integers(1, 10)),),
            tw_late=400,
            fixed_cost=5,
            reload_depots=(0,),
            max_reloads=draw(st.integers(0, 2)),
        ),
        VehicleType(
            1, (draw(st.integers(1, 10)),), start_depot=1, end_depot=1, tw_late=300, unit_duration_cost=1
        ),
    )
    return RoutingProblem((Depot(0), Depot(1)), tuple(jobs), vts, (d,), (d,))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_checker_accepts_every_engine_output(p):
    """On random small problems (windows, two depots, reloads, prizes) both engines' solutions pass the
    independent checker, and neither is worse than leaving every job out."""
    for engine in ENGINES:
        sol = solve(p, engine, iterations=100)
        assert sol.cost <= sum(j.prize for j in p.jobs)


@pytest.mark.parametrize("engine", ENGINES)
def test_progress_reports_improving_costs_and_time_limit_returns_best(engine):
    """Under a wall-clock limit alone the engine returns its best plan; the progress callback hears
    each improvement, costs never rising, and the last one is the returned cost."""
    p = read_problem(DATA_DIR / "routing_tsp7.json")
    vt = dataclasses.replace(p.vehicle_types[0], count=3, capacity=(3,))
    p = dataclasses.replace(p, vehicle_types=(vt,))
    events: list[ProgressEvent] = []
    sol = solve_routing(p, RoutingOptions(engine, time_limit_s=0.5, seed=0), progress=events.append)
    assert check_routes(p, sol).ok and sol.feasible
    assert {(e.stage, e.engine) for e in events} <= {("search", engine)}
    costs = [e.best_cost for e in events]
    assert costs == sorted(costs, reverse=True)
    if costs:
        assert costs[-1] == sol.cost


def test_checker_finds_a_delivery_before_its_pickup():
    """A shipment delivered before it is picked up is reported; the engine's own order passes."""
    from optimizer.routing import Shipment

    d = np.array([[0, 5, 9], [5, 0, 4], [9, 4, 0]], np.int64)
    p = RoutingProblem(
        (Depot(0),), (), (VehicleType(1, (3,)),), (d,), (d,), shipments=(Shipment(1, 2, (2,)),)
    )
    sol = solve(p, "pyvrp")
    (route,) = sol.routes
    assert [v.kind for v in route.trips[0].visits] == ["pickup", "delivery"]
    swapped = tuple(replace_kind(v) for v in route.trips[0].visits)
    bad = dataclasses.replace(route, trips=(Trip(0, 0, swapped),))
    violations = check_routes(p, dataclasses.replace(sol, routes=(bad,))).violations
    assert any("delivered before it was picked up" in v for v in violations)


def replace_kind(v: Visit) -> Visit:
    return dataclasses.replace(v, kind="delivery" if v.kind == "pickup" else "pickup")


def test_a_type_barred_from_every_job_cannot_serve_them():
    """Skills hold even when one vehicle type may serve no job at all (its barred arcs stay dear)."""
    d = np.array([[0, 100, 100], [100, 0, 100], [100, 100, 0]], np.int64)
    jobs = (Job(1, (6,), skills=frozenset({1})), Job(2, (6,), skills=frozenset({1})))
    vts = (VehicleType(2, (10,), skills=frozenset({1})), VehicleType(1, (100,)))
    p = RoutingProblem((Depot(0),), jobs, vts, (d,), (d,))
    sol = solve(p, "pyvrp")  # `solve` asserts the checker finds nothing
    assert all(r.vehicle_type == 0 for r in sol.routes)
    one = dataclasses.replace(p, vehicle_types=(dataclasses.replace(vts[0], count=1), vts[1]))
    forced = solve_routing(one, RoutingOptions("pyvrp", time_limit_s=None, iterations=BUDGET))
    assert not forced.feasible  # only the barred type could carry the second job: never claimed feasible


@pytest.mark.slow
def test_ortools_handles_a_late_opening_shift_without_end():
    """A shift opening at 08:00 with no closing time does not break the OR-Tools time dimension."""
    d = np.array([[0, 10], [10, 0]], np.int64)
    p = RoutingProblem((Depot(0),), (Job(1, (1,)),), (VehicleType(1, (5,), tw_early=28_800),), (d,), (d,))
    sol = solve(p, "ortools")
    assert sol.routes[0].start >= 28_800 and not sol.unassigned


def test_ortools_counts_reloads_over_all_reload_depots():
    """With two reload depots and max_reloads 1, OR-Tools reloads at most once in all."""
    d = np.array(
        [[0, 1, 5, 5, 5], [1, 0, 5, 5, 5], [5, 5, 0, 1, 1], [5, 5, 1, 0, 1], [5, 5, 1, 1, 0]], np.int64
    )
    jobs = tuple(Job(k, (1,), prize=1000, required=False) for k in (2, 3, 4))
    vt = VehicleType(1, (1,), reload_depots=(0, 1), max_reloads=1)
    p = RoutingProblem((Depot(0), Depot(1)), jobs, (vt,), (d,), (d,))
    sol = solve(p, "ortools")
    assert all(len(r.trips) <= 2 for r in sol.routes)
    assert len(sol.unassigned) == 1


def test_vehicle_type_without_vehicles_is_skipped():
    """A vehicle type with count 0 is simply unused by both engines."""
    p = read_problem(DATA_DIR / "routing_tsp7.json")
    p = dataclasses.replace(
        p, vehicle_types=(dataclasses.replace(p.vehicle_types[0], count=0), p.vehicle_types[0])
    )
    for engine in ENGINES:
        sol = solve(p, engine)
        assert {r.vehicle_type for r in sol.routes} == {1}


def test_checker_flags_duplicate_unassigned_and_unknown_jobs():
    """Listing a job unassigned twice, or routing an unknown job, is a violation, not a crash."""
    p = read_problem(DATA_DIR / "routing_reasons.json")
    sol = solve(p, "pyvrp")
    twice = dataclasses.replace(sol, unassigned=(*sol.unassigned, sol.unassigned[0]))
    assert any("more than once" in v for v in check_routes(p, twice).violations)
    (route,) = sol.routes
    ghost = dataclasses.replace(route, trips=(Trip(0, 0, (Visit(99, 0, 0),)),))
    assert any("unknown" in v for v in check_routes(p, dataclasses.replace(sol, routes=(ghost,))).violations)


class StuckEngine:
    """A test engine whose search always ends among infeasible plans (it serves nothing)."""

    name = "stuck"

    def accepts(self, problem: RoutingProblem) -> bool:
        return True

    def solve(self, problem: RoutingProblem, budget: SearchBudget, progress) -> RoutingSolution:
        left = tuple(range(len(problem.jobs)))
        cost = sum(j.prize for j in problem.jobs)
        raise EngineFailure(
            "stuck on purpose", RoutingSolution((), left, cost, False, self.name, budget.seed, 0, 0.0)
        )


def optional_tsp7() -> RoutingProblem:
    p = read_problem(DATA_DIR / "routing_tsp7.json")
    jobs = tuple(dataclasses.replace(j, required=False, prize=1000) for j in p.jobs)
    return dataclasses.replace(p, jobs=jobs)


def test_a_failed_engine_falls_back_and_says_so(monkeypatch):
    """When the engine fails (EngineFailure) the configured fallback solves the problem: a `fallback`
    progress event names it and why, and the solution's engine reads "stuck>ortools"."""
    monkeypatch.setitem(REGISTRY, "stuck", StuckEngine())
    p = optional_tsp7()
    events: list[ProgressEvent] = []
    opts = RoutingOptions("stuck", time_limit_s=None, iterations=BUDGET, fallback="ortools")
    sol = solve_routing(p, opts, progress=events.append)
    assert [e for e in events if e.stage == "fallback"] == [
        ProgressEvent(stage="fallback", engine="ortools", step="stuck on purpose")
    ]
    assert sol.engine == "stuck>ortools" and sol.feasible and not sol.unassigned
    assert check_routes(p, sol).ok
    assert sol.routes == solve(p, "ortools").routes


def test_without_a_fallback_the_failure_comes_back(monkeypatch):
    """With `fallback=None` the failed engine's own solution comes back (infeasible, its name), and no
    other engine runs."""
    monkeypatch.setitem(REGISTRY, "stuck", StuckEngine())
    events: list[ProgressEvent] = []
    opts = RoutingOptions("stuck", time_limit_s=None, iterations=BUDGET, fallback=None)
    sol = solve_routing(optional_tsp7(), opts, progress=events.append)
    assert sol.engine == "stuck" and not sol.feasible and len(sol.unassigned) == 7
    assert events == []


def test_default_fallback_is_ortools_and_unknown_engines_are_refused():
    """The default fallback is OR-Tools (today's behaviour); an unknown engine or fallback is an error."""
    assert RoutingOptions().fallback == "ortools"
    with pytest.raises(ValueError, match="fallback"):
        RoutingOptions(fallback="nope")
    with pytest.raises(ValueError, match="engine"):
        RoutingOptions("nope")


@pytest.mark.slow
def test_a_fallback_inside_a_plan_reaches_the_plan_progress(monkeypatch):
    """A plan whose engine fails on every warehouse-day part is still routed by the fallback, and the
    plan's progress says so: a `fallback` event per part with the engine label and the round."""
    from optimizer.plan import PlanOptions, plan_scenario
    from scenarios import load_scenario

    monkeypatch.setitem(REGISTRY, "stuck", StuckEngine())
    routing = RoutingOptions("stuck", time_limit_s=None, iterations=50, workers=1, fallback="ortools")
    events: list[ProgressEvent] = []
    plan = plan_scenario(
        load_scenario(DATA_DIR / "tiny_flood"), PlanOptions(routing=routing, max_rounds=1), events.append
    )
    fallbacks = [e for e in events if e.stage == "fallback"]
    assert fallbacks and {e.engine for e in fallbacks} == {"stuck>ortools"}
    assert {e.round for e in fallbacks} >= {0} and all(e.step and " day " in e.step for e in fallbacks)
    assert plan.trips
