"""One interface over the routing engines: `solve_routing(problem, options, progress)`.

Reproducibility: with an `iterations` budget the same problem, seed and budget give the same routes on
any machine (PyVRP counts local-search iterations, OR-Tools counts solutions). A wall-clock
`time_limit_s` alone cannot promise that: a faster or busier machine gets through more or less search
in the same seconds. With `workers` > 1 the PyVRP engine runs seeds seed, seed+1, ... in parallel
processes and keeps the cheapest (ties go to the lowest seed), which stays reproducible under a budget.
Jobs no vehicle can ever serve (`reasons.impossible_jobs`) are left out before the engine starts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from .ortools_engine import solve_ortools
from .problem import RoutingProblem
from .pyvrp_engine import solve_pyvrp
from .reasons import impossible_jobs
from .solution import RoutingSolution

__all__ = ["DEFAULT_OPTIONS", "ENGINES", "RoutingOptions", "solve_routing"]

ENGINES = {"pyvrp": solve_pyvrp, "ortools": solve_ortools}
MIN_JOBS_FOR_PARALLEL = 30


@dataclass(frozen=True)
class RoutingOptions:
    engine: str = "pyvrp"
    time_limit_s: float | None = 10.0
    iterations: int | None = None
    seed: int = 0
    workers: int = 1

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"engine {self.engine!r}: expected one of {sorted(ENGINES)}")
        if self.time_limit_s is None and self.iterations is None:
            raise ValueError("give a time limit, an iteration budget, or both")
        if self.workers < 1:
            raise ValueError(f"workers {self.workers}: expected >= 1")


DEFAULT_OPTIONS = RoutingOptions()


def _without(problem: RoutingProblem, impossible: dict[int, str], options, progress) -> RoutingSolution:
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


def _run(args) -> RoutingSolution:
    problem, opts = args
    return ENGINES[opts.engine](problem, opts.seed, opts.time_limit_s, opts.iterations)


def solve_routing(
    problem: RoutingProblem,
    options: RoutingOptions = DEFAULT_OPTIONS,
    progress: Callable[[dict], None] | None = None,
) -> RoutingSolution:
    """Solve `problem` with the chosen engine; the best solution found within the limits."""
    impossible = impossible_jobs(problem)
    if impossible:
        return _without(problem, impossible, options, progress)
    o = options
    if o.engine != "pyvrp" or o.workers == 1 or len(problem.jobs) < MIN_JOBS_FOR_PARALLEL:
        return ENGINES[o.engine](problem, o.seed, o.time_limit_s, o.iterations, progress)
    # as many seeds as asked, whatever the machine (reproducible); the pool only as large as the cores
    runs = [(problem, replace(o, seed=o.seed + k, workers=1)) for k in range(o.workers)]
    with ProcessPoolExecutor(min(o.workers, os.cpu_count() or 1), mp_context=mp.get_context("fork")) as pool:
        sols = list(pool.map(_run, runs))
    best = min(range(len(sols)), key=lambda k: (not sols[k].feasible, sols[k].cost, k))
    if progress is not None:
        progress(
            {
                "engine": o.engine,
                "iteration": sols[best].iterations,
                "best_cost": sols[best].cost,
                "seconds": sols[best].runtime_s,
                "seed": sols[best].seed,
            }
        )
    return sols[best]
