"""One interface over the routing engines: `solve_routing(problem, options, progress)`.

Engines (`interface.RoutingEngine`) are registered by name in `ENGINES` ("pyvrp", "ortools";
`register_engine` adds one). Reproducibility: with an `iterations` budget the same problem, seed and
budget give the same routes on any machine (PyVRP counts local-search iterations, OR-Tools counts
solutions). A wall-clock `time_limit_s` alone cannot promise that: a faster or busier machine gets
through more or less search in the same seconds. With `workers` > 1 the PyVRP engine runs seeds seed,
seed+1, ... in parallel processes and keeps the cheapest (ties go to the lowest seed), which stays
reproducible under a budget. Jobs no vehicle can ever serve (`reasons.impossible_jobs`) are left out
before the engine starts.

Fallback, never silent: when the engine raises `EngineFailure` (its search ended among infeasible plans
although one exists), `options.fallback` (default "ortools") solves the problem again with the same
budget, when it accepts the problem; a `ProgressEvent(stage="fallback", engine=<fallback>, step=<why>)`
reports it and the solution's `engine` reads "<engine>><fallback>" (e.g. "pyvrp>ortools"). With
`fallback=None` (or a fallback that is the engine itself, or that does not take the problem) the
engine's failed solution comes back as it is (`feasible` False, its own `engine`). A seed run in a
worker process falls back the same way, but its event stays in that process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from ..progress import Progress, ProgressEvent, no_progress
from .interface import EngineFailure, RoutingEngine, SearchBudget
from .ortools_engine import ORToolsEngine
from .problem import RoutingProblem
from .pyvrp_engine import PyVRPEngine
from .reasons import impossible_jobs
from .solution import RoutingSolution

__all__ = ["DEFAULT_OPTIONS", "ENGINES", "RoutingOptions", "register_engine", "solve_routing"]

ENGINES: dict[str, RoutingEngine] = {"pyvrp": PyVRPEngine(), "ortools": ORToolsEngine()}
MIN_JOBS_FOR_PARALLEL = 30


def register_engine(engine: RoutingEngine) -> None:
    """Make `engine` available as `RoutingOptions(engine=engine.name)` (and as a fallback)."""
    ENGINES[engine.name] = engine


@dataclass(frozen=True)
class RoutingOptions:
    """The engine and its budget (`time_limit_s` and/or `iterations`, `seed`), `workers` processes,
    and the engine that takes over when the engine fails (`fallback`, None: none; see the module)."""

    engine: str = "pyvrp"
    time_limit_s: float | None = 10.0
    iterations: int | None = None
    seed: int = 0
    workers: int = 1
    fallback: str | None = field(default="ortools", kw_only=True)

    def __post_init__(self) -> None:
        for what, name in (("engine", self.engine), ("fallback", self.fallback)):
            if name is not None and name not in ENGINES:
                raise ValueError(f"{what} {name!r}: expected one of {sorted(ENGINES)}")
        if self.time_limit_s is None and self.iterations is None:
            raise ValueError("give a time limit, an iteration budget, or both")
        if self.workers < 1:
            raise ValueError(f"workers {self.workers}: expected >= 1")

    @property
    def budget(self) -> SearchBudget:
        return SearchBudget(self.seed, self.time_limit_s, self.iterations)


DEFAULT_OPTIONS = RoutingOptions()


def _without(
    problem: RoutingProblem, impossible: Mapping[int, str], options: RoutingOptions, progress: Progress
) -> RoutingSolution:
    """Solve without the jobs no vehicle can serve (cheap checks first), then map the indices back."""
    kept = [j for j in range(len(problem.jobs)) if j not in impossible]
    sub = replace(problem, jobs=tuple(problem.jobs[j] for j in kept))
    sol = (
        solve_routing(sub, options, progress)
        if kept
        else RoutingSolution((), (), 0, True, options.engine, options.seed, 0, 0.0)
    )
    routes = tuple(
        replace(
            r,
            trips=tuple(
                replace(
                    t, visits=tuple(replace(v, job=kept[v.job]) if v.kind == "job" else v for v in t.visits)
                )
                for t in r.trips
            ),
        )
        for r in sol.routes
    )
    left = [problem.jobs[j] for j in impossible]
    return replace(
        sol,
        routes=routes,
        unassigned=tuple(sorted([kept[j] for j in sol.unassigned] + list(impossible))),
        cost=sol.cost + sum(j.prize for j in left if not j.required),
        feasible=sol.feasible and not any(j.required for j in left),
    )


def _solve_once(problem: RoutingProblem, options: RoutingOptions, progress: Progress) -> RoutingSolution:
    """One run of the chosen engine, with the fallback when it fails (see the module)."""
    t0 = time.perf_counter()
    try:
        return ENGINES[options.engine].solve(problem, options.budget, progress)
    except EngineFailure as failure:
        name = options.fallback
        if name is None or name == options.engine or not ENGINES[name].accepts(problem):
            return failure.solution
        progress(ProgressEvent(stage="fallback", engine=name, step=failure.reason))
        try:
            sol = ENGINES[name].solve(problem, options.budget, progress)
        except EngineFailure as second:
            sol = second.solution
        return replace(sol, engine=f"{options.engine}>{name}", runtime_s=time.perf_counter() - t0)


def _run(args: tuple[RoutingProblem, RoutingOptions]) -> RoutingSolution:
    problem, opts = args
    return _solve_once(problem, opts, no_progress)


def solve_routing(
    problem: RoutingProblem,
    options: RoutingOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
) -> RoutingSolution:
    """Solve `problem` with the chosen engine; the best solution found within the limits. Progress:
    stage "search" events (engine, iteration, best_cost, seconds; seed too for parallel seeds) and
    "fallback" events."""
    report = progress or no_progress
    impossible = impossible_jobs(problem)
    if impossible:
        return _without(problem, impossible, options, report)
    o = options
    if o.engine != "pyvrp" or o.workers == 1 or len(problem.jobs) < MIN_JOBS_FOR_PARALLEL:
        return _solve_once(problem, o, report)
    # as many seeds as asked, whatever the machine (reproducible); the pool only as large as the cores
    runs = [(problem, replace(o, seed=o.seed + k, workers=1)) for k in range(o.workers)]
    with ProcessPoolExecutor(min(o.workers, os.cpu_count() or 1), mp_context=mp.get_context("fork")) as pool:
        sols = list(pool.map(_run, runs))
    best = min(range(len(sols)), key=lambda k: (not sols[k].feasible, sols[k].cost, k))
    report(
        ProgressEvent(
            stage="search",
            engine=o.engine,
            iteration=sols[best].iterations,
            best_cost=sols[best].cost,
            seconds=sols[best].runtime_s,
            seed=sols[best].seed,
        )
    )
    return sols[best]
