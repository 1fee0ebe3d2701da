"""`solve_allocation`: needs x stock x travel times -> shipments, unmet need with reasons, KPIs.

A pure function of its inputs; progress goes through a callback that takes a `ProgressEvent`
(stage "allocation", `step` and `fraction`). The steps, in this order: the flow start and the pricing
rounds on coarse zones (rounds.py, pricing.py), the fleet-zone splits (fleet_zones.py), the
lexicographic LP stages (stages.py), then the split back to areas and groups (split.py), the unmet
need's reasons (reasons.py) and the KPIs (kpis.py).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from scenarios import Scenario

from ..instance import PlanningInstance, compile_instance
from ..progress import Progress, ProgressEvent, no_progress
from .builder import ModelBuilder
from .fleet_zones import split_fleet_zones
from .inputs import AllocationInputs
from .kpis import allocation_kpis
from .model import AllocationModel
from .options import AllocationOptions
from .reasons import unmet_reasons
from .result import AllocationResult
from .rounds import price_rounds
from .split import split_solution
from .stages import StageOutcome, solve_stages

__all__ = ["AllocationOptions", "solve_allocation"]


def solve_allocation(
    problem: PlanningInstance | Scenario,
    options: AllocationOptions | None = None,
    *,
    closed: np.ndarray | None = None,
    progress: Progress | None = None,
) -> AllocationResult:
    """Lexicographic allocation (deprivation, equity, cost, as the policy's `stages` list).

    `problem`: a compiled instance (a scenario is compiled here, with its own network and needs);
    `closed` [W, A]: warehouse-area links no vehicle may use (a plan round's routing said so).
    `progress` gets `ProgressEvent(stage="allocation", step=..., fraction=...)`: steps `network` (only
    when compiling a scenario), `augment` (a pricing round added links), each LP stage's name, `done`;
    fractions never go back and end at 1.
    """
    opts = options or AllocationOptions()
    report = progress or no_progress
    t0 = time.perf_counter()
    if isinstance(problem, Scenario):
        report(ProgressEvent(stage="allocation", fraction=0.0, step="network"))
        problem = compile_instance(problem)
    instance = problem
    timings = {"network_and_needs": time.perf_counter() - t0, "build": 0.0, "solve": 0.0, "split": 0.0}
    b = ModelBuilder.start(instance, closed, opts, timings)
    if b.stage1 and opts.flow_start:
        b.add_flow_links()
    pool = ThreadPoolExecutor(1, thread_name_prefix="siaga-lp") if opts.overlap and b.stage1 else None
    try:
        stage1 = price_rounds(b, pool, report)
        if b.stage1 and opts.aggregate and opts.exact_fleet:
            stage1 = split_fleet_zones(b, stage1)
        elif opts.aggregate:
            b.fleet_exact = False
        inp, model, known = stage1
        outcome = solve_stages(model, b.policy, b.settings, known=known, progress=report, timings=timings)
    finally:
        # a final model whose links lost their round may still be solving (HiGHS cannot be stopped):
        # wait for it, so no solver thread outlives the call (callers fork routing workers next)
        if pool is not None:
            t = time.perf_counter()
            pool.shutdown(wait=True, cancel_futures=True)
            timings["solve"] += time.perf_counter() - t
    result = _result(b, instance, inp, model, outcome)
    report(ProgressEvent(stage="allocation", fraction=1.0, step="done"))
    return result


def _result(
    b: ModelBuilder,
    instance: PlanningInstance,
    inp: AllocationInputs,
    model: AllocationModel,
    outcome: StageOutcome,
) -> AllocationResult:
    """Split the solution back to areas and groups, with the unmet need's reasons and the KPIs."""
    status, values, stages = outcome
    needs: pd.DataFrame = instance.needs.frame
    need_rows = b.final.need_rows
    t = time.perf_counter()
    shipments, served, loads = split_solution(inp, model, values, needs, need_rows)
    unmet = unmet_reasons(inp, model, values, needs=needs, served=served, need_rows=need_rows)
    kpis = allocation_kpis(
        instance.scenario,
        inp,
        needs,
        served=served,
        shipments=shipments,
        loads=loads,
        unmet=unmet,
        need_rows=need_rows,
    )
    b.timings["split"] = time.perf_counter() - t
    size: dict[str, int | bool] = {
        "zones": inp.n_zones,
        "areas": len(inp.areas),
        "classes": int(inp.class_value.size),
        "links": len(inp.l_zone),
        "variables": model.lp.n_cols,
        "constraints": model.lp.n_rows,
        "fleet_exact": b.fleet_exact,
        "pricing_rounds": b.pricing_rounds,
    }
    return AllocationResult(
        shipments=shipments,
        unmet=unmet,
        vehicle_loads=loads,
        kpis=kpis,
        status=status,
        stage_objectives=stages,
        solve_seconds=sum(b.timings.values()),
        timings=dict(b.timings),
        model_size=size,
    )
