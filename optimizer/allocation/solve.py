"""`solve_allocation`: needs x stock x travel times -> shipments, unmet need with reasons, KPIs.

A pure function of its inputs; progress goes through a callback `progress(stage, fraction)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import Scenario

from ..instance import PlanningInstance, compile_instance
from .inputs import (
    AllocationInputs,
    acg_key,
    id_indices,
    index_of,
    link_inputs,
    scenario_arrays,
    with_classes,
)
from .links import flow_links
from .model import AllocationModel, build_model
from .reasons import stock_remaining, unmet_reasons
from .result import AllocationResult

__all__ = ["AllocationOptions", "solve_allocation"]

Progress = Callable[[str, float], None]
PRICE_TOL = 1e-7  # relative to the largest objective coefficient: below it a reduced cost is round-off
ROUND_TOL = 1e-3  # after the first round, price again only while links add (or could add) this share
MAX_SPLITS = 4  # stage-1 re-solves that split zones where fleet hours bind


@dataclass(frozen=True)
class AllocationOptions:
    """Solver knobs. `aggregate` solves by zones and priority classes (the scalable model);
    `k_nearest` candidate warehouses per area, plus (`flow_start`) those a min-cost max flow of stock to
    need draws on (links.py); `max_rounds` of stage-1 solves on coarse zones whose duals price farther
    links from warehouses with stock left (column generation; the last round is the final model on fine
    zones), with the final model's priority classes or (`pricing_classes="one"`) a single class. The
    rounds run on coarse zones also with `aggregate=False`, so the per-area model solves over exactly
    the zone model's links. `overlap` solves the final model on a second thread beside the round that
    decides whether its links are the last (same result, less wall time; off where allocations already
    run on every core). `transport_cuts` bound the vehicle hours (round trips as this model counts
    them) a warehouse spends on deliveries of a day: from routing, the hours of what its vehicles could
    really carry."""

    aggregate: bool = True
    k_nearest: int = 3
    max_rounds: int = 8
    solver: str = "highs"
    threads: int = 1
    handling_h: float = 1.0
    time_limit_s: float | None = None
    algorithm: str = "barrier"
    transport_cuts: tuple[tuple[str, int, float], ...] = ()  # (warehouse, delivery day, vehicle hours)
    flow_start: bool = True  # start with the links a min-cost max flow of stock to need uses (links.py)
    overlap: bool = True  # solve the final model beside the last pricing round (a second thread)
    pricing_classes: str = "weights"  # the pricing rounds' classes: "weights" (as the final model), "one"
    exact_fleet: bool = True  # split zones where fleet hours bind, so stage 1 equals the per-area model's
    max_exact_zones: int = 600  # ... unless that would make more zones than this (then approximate)

    def __post_init__(self) -> None:
        if self.k_nearest < 1:
            raise ValueError("k_nearest must be >= 1")
        if self.pricing_classes not in ("weights", "one"):
            raise ValueError(f"pricing_classes {self.pricing_classes!r}: expected weights or one")
        if self.solver not in ("highs", "glop"):
            raise ValueError(f"solver {self.solver!r} not understood; expected highs or glop")


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
    """
    opts = options or AllocationOptions()
    report = progress or (lambda stage, fraction: None)
    t0 = time.perf_counter()
    if isinstance(problem, Scenario):
        report("network", 0.0)
        problem = compile_instance(problem)
    instance = problem
    scenario = instance.scenario
    needs = instance.needs.frame
    timings = {"network_and_needs": time.perf_counter() - t0, "build": 0.0, "solve": 0.0, "split": 0.0}
    growth = scenario.policy.deprivation_growth_per_day
    equity = "equity" in scenario.policy.stages
    t1 = time.perf_counter()
    # the pricing rounds run on coarse zones (the candidate key alone; with `pricing_classes="one"` one
    # priority class), also for the per-area model (`aggregate=False`), so that it gets exactly the zone
    # model's links: only then can their optima be compared
    final = scenario_arrays(instance, closed, aggregate=opts.aggregate, handling_h=opts.handling_h)
    coarse = with_classes(final, aggregate=True, one_class=opts.pricing_classes == "one")
    timings["build"] += time.perf_counter() - t1
    extra: dict[int, set[int]] = {}
    alone: set[int] = set()  # warehouses whose areas are zones of their own (binding fleet hours)
    info = {"fleet_exact": True, "pricing_rounds": 0}

    def inputs(fine: bool) -> AllocationInputs:
        """Links and zones so far: coarse zones for a pricing round, else the final model's (fine
        zones, or per area and group)."""
        t1 = time.perf_counter()
        alone_ = frozenset(alone) if fine else frozenset()
        inp = link_inputs(final if fine else coarse, opts.k_nearest, extra, fine, alone_)
        timings["build"] += time.perf_counter() - t1
        return inp

    def build(fine: bool, inp: AllocationInputs | None = None):
        inp = inputs(fine) if inp is None else inp
        t1 = time.perf_counter()
        model = build_model(inp, growth, equity, _cuts_h(inp, opts.transport_cuts))
        timings["build"] += time.perf_counter() - t1
        return inp, model

    stage1 = "deprivation" in scenario.policy.stages
    if stage1 and opts.flow_start:
        t1 = time.perf_counter()
        for a, ws in flow_links(link_inputs(coarse, opts.k_nearest, split_nearest=False)).items():
            extra.setdefault(a, set()).update(ws)
        timings["build"] += time.perf_counter() - t1
    pool = ThreadPoolExecutor(1, thread_name_prefix="siaga-lp") if opts.overlap and stage1 else None
    try:
        inp, model, known = _price_rounds(inputs, build, scenario, opts, extra, pool, report, timings, info)
        if stage1 and opts.aggregate and opts.exact_fleet:
            split = _split_fleet_zones(inp, model, known, alone, build, scenario, opts, timings, info)
            inp, model, known = split
        elif opts.aggregate:
            info["fleet_exact"] = False
        status, values, stages = _solve_stages(model, scenario, opts, report, timings, known)
    finally:
        # a final model whose links lost their round may still be solving (HiGHS cannot be stopped):
        # wait for it, so no solver thread outlives the call (callers fork routing workers next)
        if pool is not None:
            t = time.perf_counter()
            pool.shutdown(wait=True, cancel_futures=True)
            timings["solve"] += time.perf_counter() - t
    result = _result(scenario, needs, inp, model, values, status, stages, timings, info, final.need_rows)
    report("done", 1.0)
    return result


def _price_rounds(inputs, build, scenario, opts: AllocationOptions, extra: dict, pool, report, timings, info):
    """Column generation on coarse zones: solve stage 1, link what the duals price as improving where
    reachable stock is left (`_priced_links`), until a round adds nothing or, after the first, less than
    ROUND_TOL of the objective (or could add less); then the final model on the links found. Returns
    its inputs, LP and stage-1 solution (None when not solved yet); `info["pricing_rounds"]` counts the
    rounds solved. Where the final model is the round's own (the fine key splits no zone, same
    classes), the round's solve is reused.

    With a `pool` (one thread: the solver releases the GIL), from the second round on, the final model
    on the links so far solves beside the round that decides whether they are the last: if they are,
    its solution is ready; if not, it is dropped (it runs to its end: HiGHS cannot be stopped through
    MathOpt), and no new one starts while it runs, so at most two solves share the two cores. The same
    models are solved either way, so the plan is the same (unless a solve hits its time limit); only
    the wall time differs."""
    common = _common(opts, scenario.policy)
    previous = None  # stage-1 optimum of the round before
    rounds = opts.max_rounds - 1 if "deprivation" in scenario.policy.stages else 0
    same_classes = opts.aggregate and opts.pricing_classes == "weights"
    running = None  # the last final-model solve submitted
    for round_no in range(rounds):
        inp, model = build(fine=False)
        f_inp = inputs(fine=True)
        same = same_classes and f_inp.n_zones == inp.n_zones  # then the final model is this one
        ahead = None  # (inputs, model, future) of the final model on these links
        if pool is not None and round_no >= 1 and not same and (running is None or running.done()):
            f_inp, f_model = build(fine=True, inp=f_inp)
            running = pool.submit(f_model.lp.solve, f_model.benefit, True, **common)
            ahead = (f_inp, f_model, running)
        t = time.perf_counter()
        first = model.lp.solve(model.benefit, maximize=True, **common)
        timings["solve"] += time.perf_counter() - t
        info["pricing_rounds"] = round_no + 1
        more, potential = _priced_links(inp, model, first) if first.status == "optimal" else ({}, 0.0)
        gained = abs(first.objective - previous) if previous is not None else np.inf
        if round_no >= 1 and min(potential, gained) < ROUND_TOL * max(abs(first.objective), 1e-9):
            more = {}  # the last round's links, or the next round's, change next to nothing: stop
        previous = first.objective if first.status == "optimal" else None
        if not more:
            if same and first.status == "optimal":
                return inp, model, first
            if ahead is not None:
                t = time.perf_counter()
                sol = ahead[2].result()
                timings["solve"] += time.perf_counter() - t
                return ahead[0], ahead[1], sol
            return (*build(fine=True, inp=f_inp), None)
        for a, ws in more.items():
            extra.setdefault(a, set()).update(ws)
        report("augment", (round_no + 1) / opts.max_rounds)
    return (*build(fine=True), None)


def _split_fleet_zones(inp, model, known, alone: set[int], build, scenario, opts, timings, info):
    """Make the zone model's stage 1 exact where fleet hours bind. A zone's trips use its areas'
    need-weighted mean round trip, which is exact for the proportional split unless a warehouse's
    fleet hours bind (a positive dual): then the per-area model would send the fleet to the nearer
    areas first. So every area with a candidate warehouse whose fleet row binds, in a zone of several
    areas, gets a zone of its own, and stage 1 is solved again, until no such zone is left (at most
    `MAX_SPLITS` times). With no binding fleet row on a multi-area zone's warehouses, the reduced costs
    of the per-area model's columns equal their zone's, so the split solution is optimal there too.
    Where splitting would make more than `max_exact_zones` zones (a province and up: the per-area model
    is what does not scale), the zone-mean round trips are kept; `model_size["fleet_exact"]` says which."""
    for _ in range(MAX_SPLITS):
        t = time.perf_counter()
        sol = (
            known
            if known is not None
            else model.lp.solve(model.benefit, maximize=True, **_common(opts, scenario.policy))
        )
        timings["solve"] += time.perf_counter() - t
        if sol.status != "optimal":
            return inp, model, sol
        bound = _fleet_bound(inp, model, sol) - alone
        if not bound:
            return inp, model, sol
        if _zones_if_alone(inp, alone | bound) > opts.max_exact_zones:
            info["fleet_exact"] = False  # zone-mean round trips kept where fleet hours bind
            return inp, model, sol
        alone |= bound
        inp, model = build(fine=True)
        known = None
    info["fleet_exact"] = False  # still binding after MAX_SPLITS re-solves
    return inp, model, None


def _zones_if_alone(inp: AllocationInputs, alone: set[int]) -> int:
    """How many zones there would be with the areas of `alone`'s warehouses in zones of their own."""
    single = np.array([not alone.isdisjoint(c) for c in inp.candidates])
    return int(single.sum()) + len(np.unique(inp.zone_of[~single]))


def _fleet_bound(inp: AllocationInputs, model: AllocationModel, sol) -> set[int]:
    """Warehouses with a binding fleet row (nonzero dual, or at capacity when the solver gives no
    duals) that serve a zone of more than one area."""
    if "fleet" not in model.rows or not len(model.rows["fleet"][1]):
        return set()
    first, keys, cap = model.rows["fleet"]
    if sol.duals is not None:
        tight = np.abs(sol.duals[first : first + len(keys)]) > PRICE_TOL * max(
            1.0, float(np.abs(model.benefit).max(initial=0.0))
        )
    else:
        r, c, v = model.lp.matrix()
        act = np.bincount(r, weights=v * sol.x[c], minlength=model.lp.n_rows)[first : first + len(keys)]
        tight = act >= cap - 1e-6 * np.maximum(1.0, cap)
    ws = set(keys[tight, 0].tolist())
    size = np.bincount(inp.zone_of, minlength=inp.n_zones)
    multi = {int(w) for z, w in zip(inp.l_zone, inp.l_wh, strict=True) if size[z] > 1}
    return ws & multi


def _cuts_h(inp: AllocationInputs, cuts) -> np.ndarray | None:
    if not cuts:
        return None
    out = np.full((len(inp.warehouses), inp.horizon), np.inf)
    wi = {w: i for i, w in enumerate(inp.warehouses)}
    for w, day, hours in cuts:
        if w not in wi or not 1 <= day <= inp.horizon:
            raise ValueError(
                f"transport cut ({w!r}, day {day}): unknown warehouse or day outside the horizon"
            )
        out[wi[w], day - 1] = min(out[wi[w], day - 1], max(float(hours), 0.0))
    return out


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


def _priced_links(inp: AllocationInputs, model: AllocationModel, sol) -> tuple[dict[int, set[int]], float]:
    """Links to add where reachable stock is left, priced by the duals of the solve (column
    generation): for each zone z and warehouse w not yet linked, with commodity c left at w, the reduced
    cost of delivering one unit of c on day d over (z, w) together with the vehicle loads it needs
    (on the vehicle type cheapest in the fleet-hour duals):

        gain = -pi_balance[z,c,d] - sum_{e >= d - lag} pi_stock[w,c,e] - kg_c/1000 pi_throughput[w,d - lag]
               - min_v max(kg_c / cap_kg_v, m3_c / cap_m3_v) rt[z,w,v] (pi_fleet[w,v,d - lag_v] + pi_cut[w,d])

    (rt the zone's need-weighted mean round trip, lag its smallest delay). Where some gain is positive
    the link can raise the deprivation objective; such w (the best-priced pairs first, at most a quarter
    of the links a round) are added to every area of z that they reach, so zones stay whole. This also
    finds the augmenting paths of a max flow: a zone drawing on a warehouse with none left prices that
    warehouse's stock in its balance dual and moves over.

    Also returns what the added links could gain at most at these prices: per pair the best gain per
    unit times the units it could move (stock left at w, the zone's need); rounds after the first stop
    when that is below ROUND_TOL of the objective."""
    if sol.duals is None:
        return {}, 0.0
    W = inp.reachable.shape[0]
    C, H, V, Z = len(inp.commodities), inp.horizon, len(inp.vehicle_types), inp.n_zones
    left_units, left = stock_remaining(inp, model, sol.x)  # [w, c]
    if not left.any():
        return {}, 0.0
    duals = sol.duals

    def dual_of(family: str, shape: tuple) -> np.ndarray:
        out = np.zeros(shape)
        if family in model.rows and len(model.rows[family][1]):
            first, keys, _ = model.rows[family]
            out[tuple(keys.T)] = duals[first : first + len(keys)]
        return out

    bal = dual_of("balance", (Z, C, H))
    stock = np.zeros((W, C, H))
    first, wc, _ = model.rows["stock"]
    stock[wc[:, 0], wc[:, 1], :] = duals[first : first + len(wc) * H].reshape(len(wc), H)
    stock_tail = np.cumsum(stock[:, :, ::-1], axis=2)[:, :, ::-1]  # sum over dispatch days >= e
    thr = dual_of("throughput", (W, H))
    cut = dual_of("cut", (W, H))  # by delivery day
    fleet = dual_of("fleet", (W, V, H))

    # per zone and warehouse: smallest delay and need-weighted mean round trip per vehicle type
    big = 10**9
    lags = inp.lags  # [w, a, v]
    lz = np.full((Z, W, V), big, np.int64)
    np.minimum.at(lz, inp.zone_of, np.where(lags >= 0, lags, big).transpose(1, 0, 2))
    weight = inp.need.sum(axis=(1, 2, 3)) + 1e-9
    finite = np.isfinite(inp.time_h).transpose(1, 0, 2)  # [a, w, v]
    rt = np.where(finite, 2 * inp.time_h.transpose(1, 0, 2) + inp.handling_h, 0.0)
    rt_sum, w_sum = np.zeros((Z, W, V)), np.zeros((Z, W, V))
    np.add.at(rt_sum, inp.zone_of, rt * weight[:, None, None])
    np.add.at(w_sum, inp.zone_of, finite * weight[:, None, None])
    rt_z = rt_sum / np.maximum(w_sum, 1e-300)
    linked = np.zeros((Z, W), bool)
    linked[inp.l_zone, inp.l_wh] = True
    open_pair = (lz < big).any(axis=2) & ~linked
    nz = np.zeros((Z, C))
    np.add.at(nz, inp.zone_of, inp.need.sum(axis=(2, 3)))
    # vehicle loads per unit of each commodity, by weight or volume [c, v]
    per_unit = np.maximum(inp.kg[:, None] / inp.cap_kg[None, :], inp.m3[:, None] / inp.cap_m3[None, :])
    w_ix, v_ix = np.arange(W)[None, :, None], np.arange(V)[None, None, :]
    l_lag = lz.min(axis=2)  # [z, w]
    gain = np.full((Z, C, W), -np.inf)
    for d in range(H):
        ok = lz <= d  # [z, w, v]
        price_h = fleet[w_ix, v_ix, np.clip(d - lz, 0, H - 1)] + cut[:, d][None, :, None]
        hours = np.where(ok, rt_z * price_h, np.inf)
        e0 = np.clip(d - l_lag, 0, H - 1)
        on_time = ok.any(axis=2)
        for c in np.flatnonzero(left.any(axis=0)):
            g = (
                -bal[:, c, d][:, None]
                - stock_tail[np.arange(W)[None, :], c, e0]
                - thr[np.arange(W)[None, :], e0] * inp.kg[c] / 1000
                - (per_unit[c][None, None, :] * hours).min(axis=2)
            )
            usable = on_time & open_pair & left[:, c][None, :] & (nz[:, c] > 0)[:, None]
            gain[:, c] = np.maximum(gain[:, c], np.where(usable, g, -np.inf))
    # the pairs with the largest gains first, at most a quarter of the links (or one per zone) a round:
    # pricing every improving pair can double the model for little of the benefit
    tol = PRICE_TOL * max(1.0, float(np.abs(model.benefit).max(initial=0.0)))
    g = gain.max(axis=1)  # [z, w]
    z_ix, w_ix = np.nonzero(g > tol)
    order = np.lexsort((w_ix, z_ix, -g[z_ix, w_ix]))[: max(len(inp.l_zone) // 4, Z)]
    pairs = sorted(zip(z_ix[order].tolist(), w_ix[order].tolist(), strict=True))
    out: dict[int, set[int]] = {}
    potential = 0.0
    for z, w in pairs:
        for a in np.flatnonzero((inp.zone_of == z) & inp.reachable[w]):
            out.setdefault(int(a), set()).add(int(w))
        units = np.minimum(left_units[w], nz[z])
        potential += float(
            np.max(np.where(np.isfinite(gain[z, :, w]), gain[z, :, w], 0.0) * units, initial=0.0)
        )
    return out, potential


def _result(
    scenario, needs, inp, model, values, status, stages, timings, info=None, need_rows=None
) -> AllocationResult:
    from .split import split_solution

    t = time.perf_counter()
    shipments, served, loads = split_solution(inp, model, values, needs, need_rows)
    unmet = unmet_reasons(scenario, inp, model, values, needs, served, need_rows)
    kpis = _kpis(scenario, inp, needs, served, shipments, loads, unmet, need_rows)
    timings["split"] = time.perf_counter() - t
    size = {
        "zones": inp.n_zones,
        "areas": len(inp.areas),
        "classes": len(inp.class_weight),
        "links": len(inp.l_zone),
        "variables": model.lp.n_cols,
        "constraints": model.lp.n_rows,
        **(info or {}),
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


def _kpis(scenario, inp, needs, served, shipments, loads, unmet, need_rows=None) -> dict:
    weights = {g.id: g.priority_weight for g in scenario.groups}
    A, C = len(inp.areas), len(inp.commodities)
    # (area, commodity) sums on integer keys: grouping by strings costs seconds at scale
    n_ac = np.bincount(
        _ac(inp, needs, need_rows), weights=needs["units"].to_numpy(), minlength=A * C
    ).reshape(A, C)
    g_ac = np.bincount(_ac(inp, served), weights=served["units"].to_numpy(), minlength=A * C).reshape(A, C)
    has = n_ac > 0
    fill_ac = np.where(has, np.minimum(g_ac / np.where(has, n_ac, 1.0), 1.0), 0.0)
    areas = has.any(axis=1)
    by_area = fill_ac[areas].sum(axis=1) / has[areas].sum(axis=1)
    comm = has.any(axis=0)
    by_c = np.minimum(g_ac.sum(axis=0)[comm] / n_ac.sum(axis=0)[comm], 1.0)
    names = np.asarray(inp.commodities, dtype=object)[comm]
    w = np.array([weights[g] for g in inp.groups])
    return {
        "fill_rate": float(by_c.mean()) if len(by_c) else 1.0,
        "fill_rate_by_commodity": {str(k): float(v) for k, v in sorted(zip(names, by_c, strict=True))},
        "min_area_fill_rate": float(by_area.min()) if len(by_area) else 1.0,
        "max_area_fill_rate": float(by_area.max()) if len(by_area) else 1.0,
        "deprivation": _deprivation(
            inp, needs, served, scenario.policy.deprivation_growth_per_day, w, need_rows
        ),
        "weighted_unmet": float((unmet["units"].to_numpy() * w[index_of(unmet["group"], inp.groups)]).sum())
        if len(unmet)
        else 0.0,
        "delivered_units": float(shipments["units"].sum()) if len(shipments) else 0.0,
        "tonne_km": float((shipments["kg"] / 1000 * shipments["distance_km"]).sum())
        if len(shipments)
        else 0.0,
        "vehicle_hours": float((loads["loads"] * loads["round_trip_h"]).sum()) if len(loads) else 0.0,
        "cost": float((loads["loads"] * loads["trip_cost"]).sum()) if len(loads) else 0.0,
    }


def _ac(inp, frame, rows=None) -> np.ndarray:
    a, c, _ = id_indices(frame, inp, rows)
    return a * len(inp.commodities) + c


def _deprivation(inp, needs, served, growth, weights, need_rows=None) -> float:
    """sum over area, commodity, group, day of weight x (1 + growth (d-1)) x backlog at day end."""
    H, G = inp.horizon, len(inp.groups)
    n_keys = len(inp.areas) * len(inp.commodities) * G

    def by_day(frame: pd.DataFrame, rows=None) -> np.ndarray:
        flat = acg_key(frame, inp, rows) * H + frame["day"].to_numpy() - 1
        return np.bincount(flat, weights=frame["units"].to_numpy(), minlength=n_keys * H).reshape(n_keys, H)

    backlog = np.clip(np.cumsum(by_day(needs, need_rows) - by_day(served), axis=1), 0.0, None)
    factor = 1 + growth * np.arange(H)
    w = np.tile(weights, n_keys // G) if G else np.zeros(0)
    return float((backlog * factor[None, :] * w[:, None]).sum())
