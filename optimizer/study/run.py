"""Run a stockpile study: build each scenario's case, optimise pre-positioning (optional), evaluate
every option on every scenario, and measure and rank the options.

Work runs on any `concurrent.futures.Executor` the caller passes (a process pool, a Dask cluster's
executor) in chunks of scenarios; with none, in this process. Results come back in the set's order
whatever finishes first, so the numbers do not depend on the executor.

Out-of-sample: with an `optimise` section the scenarios are dealt into `folds` (seeded); the optimum
fitted on all folds but one is evaluated on that one, so every scenario's value of the optimised
option comes from a plan not fitted on it. The stock shown for the optimised option is the fit on
all scenarios (its in-sample value is reported beside).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from scenarios.model import FleetLine, Scenario, Warehouse

from .cases import StudyCase
from .evaluate import BuildTask, CaseSettings, EvalTask, Outcome, build_chunk, evaluate_chunk
from .full import FullTask, evaluate_full_chunk
from .metrics import option_metrics, rank_options
from .saa import SaaProblem, solve_saa
from .spec import StudySpec

__all__ = ["OptionResult", "StudyResult", "given_stock", "prepare_scenarios", "run_study", "saa_problem"]

Progress = Callable[[str, int, int], None]


class ScenarioSetLike(Protocol):
    id: str
    name: str
    scenarios: tuple[Scenario, ...]
    probabilities: np.ndarray
    source: str


@dataclass(frozen=True)
class OptionResult:
    id: str
    name: str
    kind: str  # "given" or "optimised"
    stock: np.ndarray  # [W, C]
    cost_opening: float
    cost_stock: float
    budget: float | None
    metrics: dict[str, Any]
    per_scenario: dict[str, list[float]]
    rank: int = 0
    in_sample_weighted_unmet: float | None = None
    name_en: str | None = None

    @property
    def cost(self) -> float:
        return self.cost_opening + self.cost_stock


@dataclass(frozen=True)
class StudyResult:
    spec: StudySpec
    set_id: str
    set_name: str
    set_source: str
    scenario_ids: tuple[str, ...]
    probabilities: np.ndarray
    sites: tuple[Warehouse, ...]
    commodities: tuple[Any, ...]  # scenarios.model.Commodity
    groups: tuple[Any, ...]  # scenarios.model.Group
    options: tuple[OptionResult, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    optimiser: dict[str, Any] = field(default_factory=dict)
    unmet_unit: str = "person-days"  # or "units" when no studied commodity has a per-person standard


def prepare_scenarios(
    spec: StudySpec, scenarios: Sequence[Scenario]
) -> tuple[list[Scenario], tuple[str, ...]]:
    """Add the study's new sites to every scenario as empty warehouses; returns the scenarios and
    the site ids (all warehouses of the first scenario when the study names no sites)."""
    base = scenarios[0]
    known = {w.id for w in base.warehouses}
    new = tuple(
        Warehouse(id=s.id, name=s.name or s.id, lat=s.lat, lon=s.lon, node=s.node, capacity_m3=s.capacity_m3)
        for s in spec.sites
        if s.id not in known
    )
    for s in spec.sites:
        if s.id not in known and s.node is None and s.lat is None:
            raise ValueError(
                f"sites: {s.id!r} is not a warehouse of the scenarios and has no lat/lon or node"
            )
    fleet = tuple(
        FleetLine(warehouse=s.id, vehicle_type=vt, count=n)
        for s in spec.sites
        if s.id not in known
        for vt, n in s.fleet.items()
    )
    out = [
        sc.model_copy(update={"warehouses": sc.warehouses + new, "fleet": sc.fleet + fleet}) if new else sc
        for sc in scenarios
    ]
    sites = tuple(s.id for s in spec.sites) or tuple(w.id for w in base.warehouses)
    return out, sites


def run_study(
    spec: StudySpec,
    scenario_set: ScenarioSetLike,
    executor: Executor | None = None,
    progress: Progress | None = None,
    chunk_size: int = 20,
) -> StudyResult:
    """The study's options (given and optimised) measured on every scenario of the set."""
    report = progress or (lambda stage, done, total: None)
    t0 = time.perf_counter()
    scenarios, sites = prepare_scenarios(spec, scenario_set.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    _check_ids(scenarios[0], sites, commodities)
    settings = CaseSettings(
        sites, commodities, spec.evaluation.max_response_h, spec.evaluation.transport, spec.seed
    )
    p = np.asarray(scenario_set.probabilities, float)
    chunks = [tuple(scenarios[i : i + chunk_size]) for i in range(0, len(scenarios), chunk_size)]
    built = _run(executor, build_chunk, [BuildTask(c, settings) for c in chunks], report, "cases")
    cases: list[StudyCase] = [case for chunk in built for case in chunk]
    seconds = {"cases": time.perf_counter() - t0}
    given = [given_stock(spec, o, scenarios[0], sites, commodities) for o in spec.options]
    t1 = time.perf_counter()
    fits, optimiser = _optimise(spec, cases, p, scenarios[0], sites, commodities, report)
    seconds["optimise"] = time.perf_counter() - t1
    stocks = [np.stack(given + [f.per_case[i] for f in fits]) for i in range(len(cases))]
    t2 = time.perf_counter()
    fn, tasks = _evaluation_tasks(spec, scenarios, cases, stocks, settings, chunk_size)
    evaluated = _run(executor, fn, tasks, report, "evaluate")
    outcomes: list[list[Outcome]] = [row for chunk in evaluated for row in chunk]
    seconds["evaluate"] = time.perf_counter() - t2
    options = _options(spec, given, fits, outcomes, p, scenarios[0], sites, commodities, cases)
    seconds["total"] = time.perf_counter() - t0
    return StudyResult(
        spec=spec,
        set_id=scenario_set.id,
        set_name=scenario_set.name,
        set_source=scenario_set.source,
        scenario_ids=tuple(s.id for s in scenarios),
        probabilities=p,
        sites=tuple(_site(scenarios[0], s) for s in sites),
        commodities=tuple(c for c in scenarios[0].commodities if c.id in set(commodities)),
        groups=scenarios[0].groups,
        options=tuple(rank_options(options)),
        seconds=seconds,
        optimiser=optimiser,
        unmet_unit="person-days" if (cases and (cases[0].value != 1.0).any()) else "units",
    )


def _evaluation_tasks(spec: StudySpec, scenarios, cases, stocks, settings, chunk_size: int) -> tuple:
    """The evaluation's task function and its tasks: cases for the response LP, whole scenarios for the
    allocation or plan modes; one chunk of scenarios per task, every option's stock with each."""
    starts = range(0, len(cases), chunk_size)
    ev = spec.evaluation
    if ev.mode == "response":
        cut = [(tuple(cases[i : i + chunk_size]), tuple(stocks[i : i + chunk_size])) for i in starts]
        return evaluate_chunk, [EvalTask(c, st, spec.seed) for c, st in cut]
    cut = [(tuple(scenarios[i : i + chunk_size]), tuple(stocks[i : i + chunk_size])) for i in starts]
    return evaluate_full_chunk, [FullTask(sc, settings, st, ev.mode, ev.routing_iterations) for sc, st in cut]


def _run(executor: Executor | None, fn, tasks: list, report: Progress, stage: str) -> list:
    """`fn` over `tasks`, results in task order; progress per finished task."""
    report(stage, 0, len(tasks))
    if executor is None:
        out = []
        for k, task in enumerate(tasks):
            out.append(fn(task))
            report(stage, k + 1, len(tasks))
        return out
    futures: list[Future] = [executor.submit(fn, t) for t in tasks]
    pending, done = set(futures), 0
    while pending:
        finished, pending = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        done += len(finished)
        if finished:
            report(stage, done, len(tasks))
    return [f.result() for f in futures]


def _check_ids(base: Scenario, sites: Sequence[str], commodities: Sequence[str]) -> None:
    known_w = {w.id for w in base.warehouses}
    known_c = {c.id for c in base.commodities}
    bad_w = [s for s in sites if s not in known_w]
    bad_c = [c for c in commodities if c not in known_c]
    if bad_w:
        raise ValueError(f"sites: {', '.join(bad_w)} not warehouses of the scenarios")
    if bad_c:
        raise ValueError(f"commodities: {', '.join(bad_c)} not commodities of the scenarios")


def _site(base: Scenario, site_id: str) -> Warehouse:
    return next(w for w in base.warehouses if w.id == site_id)


def given_stock(spec: StudySpec, option, base: Scenario, sites, commodities) -> np.ndarray:
    w_ix = {s: i for i, s in enumerate(sites)}
    c_ix = {c: i for i, c in enumerate(commodities)}
    stock = np.zeros((len(sites), len(commodities)))
    if option.from_scenario:
        for w in base.warehouses:
            if w.id in w_ix:
                for c, units in w.stock.items():
                    if c in c_ix:
                        stock[w_ix[w.id], c_ix[c]] += units * option.scale
    for line in option.stock:
        if line.site not in w_ix:
            raise ValueError(f"option {option.id}: site {line.site!r} is not a site of the study")
        stock[w_ix[line.site], c_ix[line.commodity]] += line.units
    return stock


@dataclass(frozen=True)
class _Fit:
    budget: float
    stock: np.ndarray  # fitted on all scenarios
    per_case: list[np.ndarray]  # the out-of-sample stock each case is evaluated with
    in_sample: float
    seconds: float


def saa_problem(spec: StudySpec, base: Scenario, sites, commodities, budget: float, cases) -> SaaProblem:
    site_spec = {s.id: s for s in spec.sites}
    wh = {w.id: w for w in base.warehouses}
    cat = {c.id: c for c in base.commodities}
    cap = [
        (
            site_spec[s].capacity_m3
            if s in site_spec and site_spec[s].capacity_m3 is not None
            else wh[s].capacity_m3
        )
        for s in sites
    ]
    max_units = np.max([c.need.sum(axis=(0, 2)) for c in cases], axis=0) if cases else None
    return SaaProblem(
        unit_cost=np.array([c.cost for c in spec.commodities]),
        m3_per_unit=np.array([cat[c].m3_per_unit for c in commodities]),
        open_cost=np.array([site_spec[s].opening_cost if s in site_spec else 0.0 for s in sites]),
        capacity_m3=np.array([np.inf if c is None else c for c in cap], float),
        budget=budget,
        cvar_alpha=spec.optimise.cvar_alpha,
        cvar_weight=spec.optimise.cvar_weight,
        max_units=max_units,
    )


def _optimise(spec: StudySpec, cases, p, base, sites, commodities, report) -> tuple[list[_Fit], dict]:
    opt = spec.optimise
    if opt is None:
        return [], {}
    n = len(cases)
    fold = np.random.default_rng(spec.seed).permutation(n) % opt.folds
    fits, info = [], {"folds": opt.folds, "fits": []}
    total = len(opt.budgets) * (opt.folds + 1)
    done = 0
    report("optimise", 0, total)
    for budget in opt.budgets:
        t0 = time.perf_counter()
        per_case: list[np.ndarray | None] = [None] * n
        for f in range(opt.folds):
            train = np.flatnonzero(fold != f)
            res = _fit(spec, [cases[i] for i in train], p[train], base, sites, commodities, budget)
            for i in np.flatnonzero(fold == f):
                per_case[i] = res.stock
            info["fits"].append(_fit_info(budget, f, res))
            done += 1
            report("optimise", done, total)
        full = _fit(spec, cases, p, base, sites, commodities, budget)
        info["fits"].append(_fit_info(budget, None, full))
        done += 1
        report("optimise", done, total)
        fits.append(
            _Fit(budget, full.stock, per_case, full.expected_weighted_unmet, time.perf_counter() - t0)
        )
    return fits, info


def _fit(spec, cases, p, base, sites, commodities, budget):
    problem = saa_problem(spec, base, sites, commodities, budget, cases)
    opt = spec.optimise
    return solve_saa(cases, p, problem, opt.time_limit_s, opt.relative_gap, spec.seed)


def _fit_info(budget: float, fold: int | None, res) -> dict:
    return {
        "budget": budget,
        "fold": fold,
        "status": res.status,
        "seconds": round(res.seconds, 3),
        "columns": res.n_cols,
        "rows": res.n_rows,
        "in_sample_weighted_unmet": res.expected_weighted_unmet,
    }


def _options(spec, given, fits, outcomes, p, base, sites, commodities, cases) -> list[OptionResult]:
    site_spec = {s.id: s for s in spec.sites}
    open_cost = np.array([site_spec[s].opening_cost if s in site_spec else 0.0 for s in sites])
    unit_cost = np.array([c.cost for c in spec.commodities])
    groups = tuple(g.id for g in base.groups)
    out = []
    rows = [
        (o.id, o.name, o.name_en, "given", g, None, None) for o, g in zip(spec.options, given, strict=True)
    ]
    for k, f in enumerate(fits):
        oid = "optimum" if len(fits) == 1 else f"optimum-{k + 1}"
        name = f"Optimum pra-penempatan (anggaran {f.budget:,.0f})"
        name_en = f"Pre-positioning optimum (budget {f.budget:,.0f})"
        rows.append((oid, name, name_en, "optimised", f.stock, f.budget, f.in_sample))
    for j, (oid, name, name_en, kind, stock, budget, in_sample) in enumerate(rows):
        column = [row[j] for row in outcomes]
        metrics, per_scenario = option_metrics(
            column, p, groups, commodities, tuple(c.scenario for c in cases)
        )
        used = stock.sum(axis=1) > 0
        out.append(
            OptionResult(
                id=oid,
                name=name,
                name_en=name_en,
                kind=kind,
                stock=stock,
                cost_opening=float(open_cost[used].sum()),
                cost_stock=float((stock * unit_cost[None, :]).sum()),
                budget=budget,
                metrics=metrics,
                per_scenario=per_scenario,
                in_sample_weighted_unmet=in_sample,
            )
        )
    return out
