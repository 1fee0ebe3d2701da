"""`solve_allocation`: needs x stock x travel times -> shipments, unmet need with reasons, KPIs.

A pure function of its inputs; progress goes through a callback `progress(stage, fraction)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import Scenario, compute_needs

from .inputs import AllocationInputs, build_inputs
from .model import AllocationModel, build_model
from .reasons import NEGLIGIBLE, stock_remaining, unmet_reasons
from .result import AllocationResult

__all__ = ["AllocationOptions", "solve_allocation"]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class AllocationOptions:
    """Solver knobs. `aggregate` solves by zones and priority classes (the scalable model);
    `k_nearest` candidate warehouses per area; `max_rounds` of adding farther warehouses where
    reachable stock is left while an area is short."""

    aggregate: bool = True
    k_nearest: int = 3
    max_rounds: int = 2
    solver: str = "highs"
    threads: int = 1
    handling_h: float = 1.0
    time_limit_s: float | None = None
    algorithm: str = "barrier"

    def __post_init__(self) -> None:
        if self.k_nearest < 1:
            raise ValueError("k_nearest must be >= 1")
        if self.solver not in ("highs", "glop"):
            raise ValueError(f"solver {self.solver!r} not understood; expected highs or glop")


def solve_allocation(
    scenario: Scenario,
    options: AllocationOptions | None = None,
    *,
    needs: pd.DataFrame | None = None,
    travel: dict | None = None,
    progress: Progress | None = None,
) -> AllocationResult:
    """Lexicographic allocation (deprivation, equity, cost, as the policy's `stages` list).

    `needs` (from `compute_needs`) and `travel` (vehicle type -> warehouses x areas TravelMatrix)
    are computed from the scenario when not given.
    """
    opts = options or AllocationOptions()
    report = progress or (lambda stage, fraction: None)
    t0 = time.perf_counter()
    needs = compute_needs(scenario) if needs is None else needs
    if travel is None:
        report("network", 0.0)
        travel = ScenarioNetwork(scenario).warehouse_to_area()
    timings = {"network_and_needs": time.perf_counter() - t0, "build": 0.0, "solve": 0.0, "split": 0.0}
    extra: dict[int, set[int]] = {}
    known = None  # the stage-1 solution of the final model, when the last round already solved it
    growth = scenario.policy.deprivation_growth_per_day
    equity = "equity" in scenario.policy.stages
    # rounds of stage 1 only: add links where reachable stock is stranded, then run every stage once
    for round_no in range(opts.max_rounds):
        t1 = time.perf_counter()
        inp = build_inputs(scenario, needs, travel, opts.k_nearest, opts.aggregate, opts.handling_h, extra)
        model = build_model(inp, growth, equity)
        timings["build"] += time.perf_counter() - t1
        if "deprivation" not in scenario.policy.stages or round_no == opts.max_rounds - 1:
            break
        t = time.perf_counter()
        first = model.lp.solve(model.benefit, maximize=True, **_common(opts, scenario.policy))
        timings["solve"] += time.perf_counter() - t
        if first.status in ("infeasible", "error"):
            break
        more = _stranded(inp, model, first.x)
        if not more:
            known = first
            break
        for a, ws in more.items():
            extra.setdefault(a, set()).update(ws)
        report("augment", (round_no + 1) / opts.max_rounds)
    status, values, stages = _solve_stages(model, scenario, opts, report, timings, known)
    result = _result(scenario, needs, inp, model, values, status, stages, timings)
    report("done", 1.0)
    return result


def _solve_stages(model: AllocationModel, scenario, opts, report, timings, known=None):
    lp, pol = model.lp, scenario.policy
    tol = pol.tolerance
    stages, values, status = {}, np.zeros(lp.n_cols), "optimal"
    for i, stage in enumerate(pol.stages):
        report(stage, i / len(pol.stages))
        t = time.perf_counter()
        common = _common(opts, pol)
        if stage == "deprivation":
            sol = known if known is not None else lp.solve(model.benefit, maximize=True, **common)
        elif stage == "equity":
            if model.phi is None:
                continue
            obj = np.zeros(lp.n_cols)
            obj[model.phi] = 1.0
            sol = lp.solve(obj, maximize=True, **common)
        else:
            sol = lp.solve(model.cost, **common)
        timings["solve"] += time.perf_counter() - t
        if sol.status in ("infeasible", "error"):
            return "infeasible" if not stages else status, values, stages
        if sol.status == "feasible":
            status = "feasible"
        values = sol.x
        stages[stage] = _stage_value(stage, model, values, scenario)
        if i < len(pol.stages) - 1:
            _hold(model, stage, sol, tol)
    return status, values, stages


def _common(opts: AllocationOptions, pol) -> dict:
    """Solver settings shared by every solve. HiGHS's interior point (with crossover) is used: the
    held objectives of later stages are dense rows, where it is far faster than the simplex."""
    limit = opts.time_limit_s if opts.time_limit_s is not None else pol.time_limit_s
    return {
        "solver": opts.solver,
        "time_limit_s": limit,
        "threads": opts.threads,
        "seed": pol.seed,
        "algorithm": opts.algorithm,
    }


def _stage_value(stage, model, values, scenario) -> float:
    if stage == "deprivation":
        return float(model.benefit_const - model.benefit @ values)
    if stage == "equity":
        return float(values[model.phi])
    return float(model.cost @ values)


def _hold(model: AllocationModel, stage: str, sol, tol: float) -> None:
    """Keep a stage's optimum while later stages optimise. With tolerance 0 (the default): exactly, on
    the optimal face (complementary slackness: columns with a nonzero reduced cost and rows with a
    nonzero dual fixed), which also keeps later solves small. Otherwise, or when the solver gives no
    duals: the stage objective as a row, within the tolerance."""
    lp = model.lp
    objective = _objective(model, stage)
    if tol == 0 and objective is not None and lp.fix_face(sol, objective):
        return
    optimum = sol.objective
    slack = tol * max(1.0, abs(optimum))
    if stage == "deprivation":
        nz = np.flatnonzero(model.benefit)
        lp.add_rows(np.zeros(len(nz), np.int64), nz, model.benefit[nz], 1, lb=optimum - slack)
    elif stage == "equity" and model.phi is not None:
        lp.add_rows([0], [model.phi], [1.0], 1, lb=max(0.0, optimum - slack))
    else:
        nz = np.flatnonzero(model.cost)
        lp.add_rows(np.zeros(len(nz), np.int64), nz, model.cost[nz], 1, ub=optimum + slack)


def _objective(model: AllocationModel, stage: str) -> np.ndarray | None:
    if stage == "deprivation":
        return model.benefit
    if stage == "equity" and model.phi is not None:
        obj = np.zeros(model.lp.n_cols)
        obj[model.phi] = 1.0
        return obj
    if stage == "cost":
        return model.cost
    return None


def _stranded(inp: AllocationInputs, model: AllocationModel, values) -> dict[int, set[int]]:
    """Links to add where reachable stock is left while areas are short (stock-driven, so the model
    grows with the stranded stock, not with the number of short areas).

    For each warehouse w with commodity c left: the areas that can reach w and are short of c, or that
    draw c from a warehouse with none of it left (they can move over to w and free that stock for
    someone else: one step of an augmenting path per round), nearest first, until their need of c
    covers the stock left."""
    C = len(inp.commodities)
    W, A = inp.reachable.shape
    remaining, left = stock_remaining(inp, model, values)
    served = np.zeros((inp.n_zones, C))
    np.add.at(served, (model.s_z, model.s_c), values[model.s])
    nz = np.zeros((inp.n_zones, C))
    np.add.at(nz, inp.zone_of, inp.need.sum(axis=(2, 3)))
    short_z = (nz - served) > NEGLIGIBLE * np.maximum(1.0, nz)
    need_ac = inp.need.sum(axis=(2, 3))  # [a, c]
    draws = np.zeros((inp.n_zones, W, C), bool)
    np.logical_or.at(draws, (inp.l_zone[model.x_l], inp.l_wh[model.x_l], model.x_c), values[model.x] > 1e-9)
    best = inp.time_h.min(axis=2)  # [w, a]
    linked = np.zeros((W, A), bool)
    for a, cands in enumerate(inp.candidates):
        linked[list(cands), a] = True
    out: dict[int, set[int]] = {}
    for w, c in np.argwhere(left):
        exhausted = ~left[:, c] & (inp.stock[:, c, -1] > 0)
        movers = draws[:, exhausted, c].any(axis=1)  # zones drawing c from exhausted warehouses
        want = (short_z[:, c] | movers)[inp.zone_of] & inp.reachable[w] & ~linked[w] & (need_ac[:, c] > 0)
        areas = np.flatnonzero(want)
        if not len(areas):
            continue
        areas = areas[np.argsort(best[w, areas], kind="stable")]
        upto = np.searchsorted(np.cumsum(need_ac[areas, c]), remaining[w, c]) + 1
        for a in areas[:upto]:
            out.setdefault(int(a), set()).add(int(w))
    return out


def _result(scenario, needs, inp, model, values, status, stages, timings) -> AllocationResult:
    from .split import split_solution

    t = time.perf_counter()
    shipments, served, loads = split_solution(inp, model, values, needs)
    unmet = unmet_reasons(scenario, inp, model, values, needs, served)
    kpis = _kpis(scenario, inp, needs, served, shipments, loads, unmet)
    timings["split"] = time.perf_counter() - t
    size = {
        "zones": inp.n_zones,
        "areas": len(inp.areas),
        "classes": len(inp.class_weight),
        "links": len(inp.l_zone),
        "variables": model.lp.n_cols,
        "constraints": model.lp.n_rows,
    }
    return AllocationResult(
        shipments=shipments,
        unmet=unmet,
        vehicle_loads=loads,
        kpis=kpis,
        status=status,
        stage_objectives=stages,
        solve_seconds=sum(timings.values()),
        timings=dict(timings),
        model_size=size,
    )


def _kpis(scenario, inp, needs, served, shipments, loads, unmet) -> dict:
    weights = {g.id: g.priority_weight for g in scenario.groups}
    need_ac = needs.groupby(["area", "commodity"])["units"].sum()
    got_ac = served.groupby(["area", "commodity"])["units"].sum().reindex(need_ac.index, fill_value=0.0)
    fill_ac = (got_ac / need_ac).clip(upper=1.0)
    by_area = fill_ac.groupby(level=0).mean()
    need_c = needs.groupby("commodity")["units"].sum()
    got_c = served.groupby("commodity")["units"].sum().reindex(need_c.index, fill_value=0.0)
    by_c = (got_c / need_c).clip(upper=1.0)
    return {
        "fill_rate": float(by_c.mean()) if len(by_c) else 1.0,
        "fill_rate_by_commodity": {k: float(v) for k, v in by_c.items()},
        "min_area_fill_rate": float(by_area.min()) if len(by_area) else 1.0,
        "max_area_fill_rate": float(by_area.max()) if len(by_area) else 1.0,
        "deprivation": _deprivation(inp, needs, served, scenario.policy.deprivation_growth_per_day, weights),
        "weighted_unmet": float((unmet["units"] * unmet["group"].map(weights)).sum()) if len(unmet) else 0.0,
        "delivered_units": float(shipments["units"].sum()) if len(shipments) else 0.0,
        "tonne_km": float((shipments["kg"] / 1000 * shipments["distance_km"]).sum())
        if len(shipments)
        else 0.0,
        "vehicle_hours": float((loads["loads"] * loads["round_trip_h"]).sum()) if len(loads) else 0.0,
        "cost": float((loads["loads"] * loads["trip_cost"]).sum()) if len(loads) else 0.0,
    }


def _deprivation(inp, needs, served, growth, weights) -> float:
    """sum over area, commodity, group, day of weight x (1 + growth (d-1)) x backlog at day end."""
    keys = ["area", "commodity", "group"]
    days = list(range(1, inp.horizon + 1))
    n = needs.pivot_table(index=keys, columns="day", values="units", aggfunc="sum", fill_value=0.0)
    s = served.pivot_table(index=keys, columns="day", values="units", aggfunc="sum", fill_value=0.0)
    idx = n.index.union(s.index)
    n = n.reindex(index=idx, columns=days, fill_value=0.0).to_numpy()
    s = s.reindex(index=idx, columns=days, fill_value=0.0).to_numpy()
    backlog = np.clip(np.cumsum(n - s, axis=1), 0.0, None)
    factor = 1 + growth * np.arange(inp.horizon)
    w = np.array([weights[g] for g in idx.get_level_values("group")])
    return float((backlog * factor[None, :] * w[:, None]).sum())
