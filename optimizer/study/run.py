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
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from scenarios.model import FleetLine, Scenario, Warehouse

from ..progress import Progress, ProgressEvent, no_progress
from .cases import StudyCase
from .evaluate import BuildTask, CaseSettings, EvalTask, Outcome, build_chunk, evaluate_chunk
from .full import FullTask, evaluate_full_chunk
from .metrics import option_metrics, rank_options
from .result import FitInfo, OptimiserInfo, OptionResult, StudyResult
from .saa import SaaProblem, SaaResult, solve_saa
from .spec import OptionSpec, StudySpec

__all__ = ["OptionResult", "StudyResult", "given_stock", "prepare_scenarios", "run_study", "saa_problem"]

_T = TypeVar("_T")
_R = TypeVar("_R")


class ScenarioSetLike(Protocol):
    """What a study reads of its scenario set (scenarios.ScenarioSet has it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def scenarios(self) -> tuple[Scenario, ...]: ...
    @property
    def probabilities(self) -> np.ndarray: ...
    @property
    def source(self) -> str: ...


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
    """The study's options (given and optimised) measured on every scenario of the set. `progress`
    gets `ProgressEvent(stage="study", step=..., done=..., total=...)` with steps `cases`, `optimise`
    and `evaluate` (tasks done of total)."""
    report = progress or no_progress
    t0 = time.perf_counter()
    scenarios, sites = prepare_scenarios(spec, scenario_set.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    _check_ids(scenarios[0], sites, commodities)
    settings = CaseSettings(
        sites, commodities, spec.evaluation.max_response_h, spec.evaluation.transport, spec.seed
    )
    ctx = _Context(spec, scenarios[0], sites, commodities, np.asarray(scenario_set.probabilities, float))
    chunks = [tuple(scenarios[i : i + chunk_size]) for i in range(0, len(scenarios), chunk_size)]
    built = _run(executor, build_chunk, [BuildTask(c, settings) for c in chunks], report, "cases")
    cases: list[StudyCase] = [case for chunk in built for case in chunk]
    seconds = {"cases": time.perf_counter() - t0}
    given = [given_stock(spec, o, ctx.base, sites, commodities) for o in spec.options]
    t1 = time.perf_counter()
    fits, optimiser = _optimise(ctx, cases, report)
    seconds["optimise"] = time.perf_counter() - t1
    stocks = [np.stack(given + [f.per_case[i] for f in fits]) for i in range(len(cases))]
    t2 = time.perf_counter()
    outcomes = _evaluate(executor, scenarios, cases, stocks, settings, report, spec, chunk_size)
    seconds["evaluate"] = time.perf_counter() - t2
    options = _options(ctx, given, fits, outcomes, cases)
    seconds["total"] = time.perf_counter() - t0
    return StudyResult(
        spec=spec,
        set_id=scenario_set.id,
        set_name=scenario_set.name,
        set_source=scenario_set.source,
        scenario_ids=tuple(s.id for s in scenarios),
        probabilities=ctx.p,
        sites=tuple(_site(ctx.base, s) for s in sites),
        commodities=tuple(c for c in ctx.base.commodities if c.id in set(commodities)),
        groups=ctx.base.groups,
        options=tuple(rank_options(options)),
        seconds=seconds,
        optimiser=optimiser,
        unmet_unit="person-days" if (cases and (cases[0].value != 1.0).any()) else "units",
    )


@dataclass(frozen=True)
class _Context:
    """What every step of one study reads: the spec, the first scenario (sites and commodities as the
    study adds them), the site and commodity ids, and the scenarios' probabilities."""

    spec: StudySpec
    base: Scenario
    sites: tuple[str, ...]
    commodities: tuple[str, ...]
    p: np.ndarray


def _evaluate(
    executor: Executor | None,
    scenarios: Sequence[Scenario],
    cases: Sequence[StudyCase],
    stocks: Sequence[np.ndarray],
    settings: CaseSettings,
    report: Progress,
    spec: StudySpec,
    chunk_size: int,
) -> list[list[Outcome]]:
    """Every option on every scenario: the response LP on the cases, or the allocation or plan on the
    whole scenarios; one chunk of scenarios per task, every option's stock with each."""
    starts = range(0, len(cases), chunk_size)
    ev = spec.evaluation
    if ev.mode == "response":
        cut = [(tuple(cases[i : i + chunk_size]), tuple(stocks[i : i + chunk_size])) for i in starts]
        tasks = [EvalTask(c, st, spec.seed) for c, st in cut]
        evaluated = _run(executor, evaluate_chunk, tasks, report, "evaluate")
    else:
        whole = [(tuple(scenarios[i : i + chunk_size]), tuple(stocks[i : i + chunk_size])) for i in starts]
        full = [FullTask(sc, settings, st, ev.mode, ev.routing_iterations) for sc, st in whole]
        evaluated = _run(executor, evaluate_full_chunk, full, report, "evaluate")
    return [row for chunk in evaluated for row in chunk]


def _run(
    executor: Executor | None,
    fn: Callable[[_T], _R],
    tasks: Sequence[_T],
    report: Progress,
    step: str,
) -> list[_R]:
    """`fn` over `tasks`, results in task order; progress per finished task."""

    def tell(done: int) -> None:
        report(ProgressEvent(stage="study", step=step, done=done, total=len(tasks)))

    tell(0)
    if executor is None:
        out = []
        for k, task in enumerate(tasks):
            out.append(fn(task))
            tell(k + 1)
        return out
    futures: list[Future[_R]] = [executor.submit(fn, t) for t in tasks]
    pending, done = set(futures), 0
    while pending:
        finished, pending = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        done += len(finished)
        if finished:
            tell(done)
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


def given_stock(
    spec: StudySpec, option: OptionSpec, base: Scenario, sites: Sequence[str], commodities: Sequence[str]
) -> np.ndarray:
    """[W, C] the stock of a given option: the scenario's own (scaled) and/or its stock lines."""
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


def saa_problem(
    spec: StudySpec,
    base: Scenario,
    sites: Sequence[str],
    commodities: Sequence[str],
    *,
    budget: float,
    cases: Sequence[StudyCase],
) -> SaaProblem:
    """The first stage of the pre-positioning model: costs, volumes, capacities and the budget."""
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
    opt = spec.optimise
    return SaaProblem(
        unit_cost=np.array([c.cost for c in spec.commodities]),
        m3_per_unit=np.array([cat[c].m3_per_unit for c in commodities]),
        open_cost=np.array([site_spec[s].opening_cost if s in site_spec else 0.0 for s in sites]),
        capacity_m3=np.array([np.inf if c is None else c for c in cap], float),
        budget=budget,
        cvar_alpha=opt.cvar_alpha if opt is not None else 0.9,
        cvar_weight=opt.cvar_weight if opt is not None else 0.0,
        max_units=max_units,
    )


def _optimise(
    ctx: _Context, cases: Sequence[StudyCase], report: Progress
) -> tuple[list[_Fit], OptimiserInfo]:
    """The optimum per budget: fitted on all folds but one for each fold's cases, and on all cases."""
    opt = ctx.spec.optimise
    if opt is None:
        return [], {}
    n = len(cases)
    fold = np.random.default_rng(ctx.spec.seed).permutation(n) % opt.folds
    fits: list[_Fit] = []
    fit_infos: list[FitInfo] = []
    total = len(opt.budgets) * (opt.folds + 1)
    done = 0

    def tell() -> None:
        report(ProgressEvent(stage="study", step="optimise", done=done, total=total))

    tell()
    for budget in opt.budgets:
        t0 = time.perf_counter()
        per_case: list[np.ndarray | None] = [None] * n
        for f in range(opt.folds):
            train = np.flatnonzero(fold != f)
            res = _fit(ctx, [cases[i] for i in train.tolist()], ctx.p[train], budget)
            for i in np.flatnonzero(fold == f):
                per_case[i] = res.stock
            fit_infos.append(_fit_info(budget, f, res))
            done += 1
            tell()
        full = _fit(ctx, cases, ctx.p, budget)
        fit_infos.append(_fit_info(budget, None, full))
        done += 1
        tell()
        fitted = [s for s in per_case if s is not None]
        assert len(fitted) == n  # every case is in one fold
        seconds = time.perf_counter() - t0
        fits.append(_Fit(budget, full.stock, fitted, full.expected_weighted_unmet, seconds))
    return fits, {"folds": opt.folds, "fits": fit_infos}


def _fit(ctx: _Context, cases: Sequence[StudyCase], p: np.ndarray, budget: float) -> SaaResult:
    problem = saa_problem(ctx.spec, ctx.base, ctx.sites, ctx.commodities, budget=budget, cases=cases)
    opt = ctx.spec.optimise
    assert opt is not None
    return solve_saa(
        cases, p, problem, time_limit_s=opt.time_limit_s, relative_gap=opt.relative_gap, seed=ctx.spec.seed
    )


def _fit_info(budget: float, fold: int | None, res: SaaResult) -> FitInfo:
    return {
        "budget": budget,
        "fold": fold,
        "status": res.status,
        "seconds": round(res.seconds, 3),
        "columns": res.n_cols,
        "rows": res.n_rows,
        "in_sample_weighted_unmet": res.expected_weighted_unmet,
    }


_Row = tuple[str, str, str | None, str, np.ndarray, float | None, float | None]


def _options(
    ctx: _Context,
    given: Sequence[np.ndarray],
    fits: Sequence[_Fit],
    outcomes: Sequence[Sequence[Outcome]],
    cases: Sequence[StudyCase],
) -> list[OptionResult]:
    """Every option (given ones first, then one optimum per budget) with its costs and measures."""
    spec, sites = ctx.spec, ctx.sites
    site_spec = {s.id: s for s in spec.sites}
    open_cost = np.array([site_spec[s].opening_cost if s in site_spec else 0.0 for s in sites])
    unit_cost = np.array([c.cost for c in spec.commodities])
    groups = tuple(g.id for g in ctx.base.groups)
    out = []
    rows: list[_Row] = [
        (o.id, o.name, o.name_en, "given", g, None, None) for o, g in zip(spec.options, given, strict=True)
    ]
    for k, f in enumerate(fits):
        rows.append(
            (
                "optimum" if len(fits) == 1 else f"optimum-{k + 1}",
                f"Optimum pra-penempatan (anggaran {f.budget:,.0f})",
                f"Pre-positioning optimum (budget {f.budget:,.0f})",
                "optimised",
                f.stock,
                f.budget,
                f.in_sample,
            )
        )
    for j, (oid, name, name_en, kind, stock, budget, in_sample) in enumerate(rows):
        column = [row[j] for row in outcomes]
        metrics, per_scenario = option_metrics(
            column, ctx.p, groups, ctx.commodities, tuple(c.scenario for c in cases)
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
