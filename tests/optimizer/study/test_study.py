"""Stockpile studies: second stage against an independent LP, the pre-positioning optimum, out-of-sample
comparison on the Gulf-coast fixture, identical results on a process pool and a Dask LocalCluster,
the bundled study through the CLI, and study-file errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog
from typer.testing import CliRunner

from api.cli import app
from api.cli.study_run import study_executor
from api.reports.study import recommendation, write_study
from api.study_files import load_study
from optimizer.instance import compile_instance
from optimizer.study import run_study, solve_case, solve_saa
from optimizer.study.evaluate import BuildTask, CaseSettings, build_chunk
from optimizer.study.metrics import cvar
from optimizer.study.run import given_stock, prepare_scenarios, saa_problem
from scenarios.needs import compute_needs
from scenarios.sets import load_scenario_set

DATA = Path(__file__).parents[2] / "data" / "studies"
GULF = DATA / "gulf_coast.yaml"


@pytest.fixture(scope="module")
def gulf():
    spec, _ = load_study(str(GULF))
    return spec, load_scenario_set(spec.scenario_set)


@pytest.fixture(scope="module")
def gulf_result(gulf):
    spec, sset = gulf
    return run_study(spec, sset)


def _cases(spec, scenarios):
    scenarios, sites = prepare_scenarios(spec, scenarios)
    settings = CaseSettings(sites, tuple(c.id for c in spec.commodities), spec.evaluation.max_response_h)
    return scenarios, sites, build_chunk(BuildTask(tuple(scenarios), settings))


def _independent_unmet(scenario, case, stock) -> float:
    """Priority-weighted unmet person-days of the response LP per area and per group (no zones, no
    classes), solved by scipy's HiGHS: an independent formulation of the second stage."""
    needs = compute_needs(scenario)
    needs = needs[needs["commodity"].isin(case.commodities)]
    tot = needs.groupby(["area", "commodity", "group"])["units"].sum()
    areas = list(dict.fromkeys(needs["area"]))
    w_of = {g.id: g.priority_weight for g in scenario.groups}
    c_ix = {c: i for i, c in enumerate(case.commodities)}
    a_ix = {a: i for i, a in enumerate(areas)}
    W = len(case.sites)
    xs = [(w, a, c) for w in range(W) for a in areas for c in case.commodities
          if np.isfinite(case.area_time_h[w, a_ix[a]]) and stock[w, c_ix[c]] > 0]  # fmt: skip
    us = list(tot.index)
    n = len(xs) + len(us)
    cost = np.zeros(n)
    for k, (_, c, g) in enumerate(us):
        cost[len(xs) + k] = w_of[g] * case.value[c_ix[c]]
    a_ub, b_ub = [], []
    for w in range(W):
        for c in case.commodities:
            row = np.zeros(n)
            for k, (xw, _, xc) in enumerate(xs):
                if xw == w and xc == c:
                    row[k] = 1
            if row.any():
                a_ub.append(row)
                b_ub.append(stock[w, c_ix[c]])
    a_eq, b_eq = [], []
    for a in areas:
        for c in case.commodities:
            row = np.zeros(n)
            for k, (_, xa, xc) in enumerate(xs):
                if xa == a and xc == c:
                    row[k] = 1
            need = 0.0
            for k, (ua, uc, g) in enumerate(us):
                if ua == a and uc == c:
                    row[len(xs) + k] = 1
                    need += tot[(ua, uc, g)]
            if need > 0:
                a_eq.append(row)
                b_eq.append(need)
    bounds = [(0, None)] * len(xs) + [(0, tot[u]) for u in us]
    res = linprog(
        cost, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
    )
    assert res.status == 0
    return float(res.fun)


def test_second_stage_equals_independent_per_area_lp(gulf):
    """The zone/class second stage leaves the same priority-weighted unmet need as a per-area,
    per-group LP solved by scipy (1e-6 relative), for every option on several scenarios."""
    spec, sset = gulf
    scenarios, sites, cases = _cases(spec, sset.scenarios[:6])
    rng = np.random.default_rng(0)
    for scenario, case in zip(scenarios, cases, strict=True):
        for _ in range(3):
            stock = rng.uniform(0, 1, (len(sites), len(case.commodities))) * (
                rng.uniform(size=(len(sites), 1)) < 0.3
            )
            stock *= case.need.sum(axis=(0, 2))[None, :] / max(stock.sum(), 1e-9) * 5
            got = solve_case(case, stock).weighted_unmet
            want = _independent_unmet(scenario, case, stock)
            assert got == pytest.approx(want, rel=1e-6, abs=1e-6)


def test_second_stage_on_kaltim_hazards_matches_independent_lp():
    """On generated Kaltim scenarios (many groups, priority classes, person-day values) the second
    stage equals the independent per-area, per-group LP with the library's stock."""
    spec, _ = load_study("kaltim-stockpile")
    sset = load_scenario_set({"kind": "kaltim-hazards", "n": 4, "seed": 11})
    scenarios, sites, cases = _cases(spec, sset.scenarios)

    stock = given_stock(spec, spec.options[0], scenarios[0], sites, tuple(c.id for c in spec.commodities))
    for scenario, case in zip(scenarios, cases, strict=True):
        assert solve_case(case, stock).weighted_unmet == pytest.approx(
            _independent_unmet(scenario, case, stock), rel=1e-6, abs=1e-6
        )


@pytest.mark.slow
def test_saa_in_sample_value_is_what_evaluation_measures(gulf):
    """The optimiser's in-sample expected unmet equals the evaluation of its stock on the same
    scenarios; its cost stays within the budget; it is no worse in sample than any given option
    within the budget (it optimises exactly that)."""
    spec, sset = gulf
    scenarios, sites, cases = _cases(spec, sset.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    problem = saa_problem(
        spec, scenarios[0], sites, commodities, budget=spec.optimise.budgets[0], cases=cases
    )
    res = solve_saa(cases, sset.probabilities, problem, relative_gap=0.0)
    evaluated = sum(
        p * solve_case(c, res.stock).weighted_unmet for c, p in zip(cases, sset.probabilities, strict=True)
    )
    assert res.expected_weighted_unmet == pytest.approx(evaluated, rel=1e-6)
    assert res.cost <= problem.budget * (1 + 1e-9)

    open_cost = problem.open_cost
    for opt in spec.options:
        stock = given_stock(spec, opt, scenarios[0], sites, commodities)
        cost = (stock * problem.unit_cost).sum() + open_cost[stock.sum(axis=1) > 0].sum()
        if cost <= problem.budget:
            value = sum(
                p * solve_case(c, stock).weighted_unmet
                for c, p in zip(cases, sset.probabilities, strict=True)
            )
            assert res.expected_weighted_unmet <= value * (1 + 1e-6) + 1e-6


@pytest.mark.slow
def test_cvar_weight_trades_expected_unmet_for_the_worst_tail(gulf):
    """With cvar_weight 1 the optimum minimises CVaR(90 %) of unmet need: its in-sample CVaR is no
    worse, and its expected unmet no better, than the expectation-optimal stock's; the model's CVaR
    value equals the one recomputed from each scenario's second stage."""
    spec, sset = gulf
    scenarios, sites, cases = _cases(spec, sset.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    base = saa_problem(spec, scenarios[0], sites, commodities, budget=spec.optimise.budgets[0], cases=cases)
    p = sset.probabilities

    def losses(stock):
        return np.array([solve_case(c, stock).weighted_unmet for c in cases])

    mean_opt = solve_saa(cases, p, base, relative_gap=0.0)
    tail_opt = solve_saa(cases, p, replace(base, cvar_weight=1.0, cvar_alpha=0.9), relative_gap=0.0)
    mean_l, tail_l = losses(mean_opt.stock), losses(tail_opt.stock)
    assert cvar(tail_l, p, 0.9) <= cvar(mean_l, p, 0.9) * (1 + 1e-6) + 1e-6
    assert p @ mean_l <= p @ tail_l * (1 + 1e-6) + 1e-6
    assert tail_opt.expected_weighted_unmet == pytest.approx(p @ tail_l, rel=1e-6)


@pytest.mark.slow
def test_gulf_coast_optimum_out_of_sample_beats_best_given_option(gulf_result, tmp_path):
    """Acceptance: on the Gulf-coast fixture, the optimiser's plan evaluated out of sample (each
    hurricane valued with the plan fitted on the other folds) matches or beats the best given option
    of equal or lower budget on expected priority-weighted unmet need; the report shows both."""
    r = gulf_result
    rec = recommendation(r)
    (comp,) = rec["budget_comparisons"]
    assert comp["optimum_matches_or_beats"], comp
    optimum = next(o for o in r.options if o.kind == "optimised")
    given = [o for o in r.options if o.kind == "given" and o.cost <= optimum.budget]
    assert given
    assert optimum.metrics["expected_weighted_unmet"] <= min(
        o.metrics["expected_weighted_unmet"] for o in given
    )
    assert optimum.cost <= optimum.budget * (1 + 1e-9)
    write_study(r, tmp_path, load_scenario_set({"kind": "gulf-coast"}).scenarios[0])
    page = (tmp_path / "report.html").read_text()
    assert comp["best_given"] in page and "optimum" in page and "matches or beats" in page
    for png in ("unmet_by_option.png", "fill_by_group.png", "stock_map.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cvar_is_the_mean_of_the_worst_tail():
    """CVaR at 90 % of ten equally likely losses is the largest; with unequal mass the boundary
    scenario counts with the part of its mass inside the tail."""
    losses = np.arange(10.0)
    assert cvar(losses, np.full(10, 0.1), 0.9) == pytest.approx(9.0)
    assert cvar(np.array([1.0, 5.0]), np.array([0.95, 0.05]), 0.9) == pytest.approx(3.0)


def _small_kaltim_study():
    spec, _ = load_study("kaltim-stockpile")
    opt = spec.optimise.model_copy(update={"folds": 2})
    spec = spec.model_copy(update={"options": spec.options[:3], "optimise": opt})
    return spec, load_scenario_set({"kind": "kaltim-hazards", "n": 8, "seed": 5})


def _numbers(result) -> dict:
    return {o.id: (o.per_scenario, dict(o.metrics), o.stock.round(9).tolist()) for o in result.options}


@pytest.mark.slow
def test_process_pool_and_dask_local_cluster_give_identical_results():
    """The same study gives the same numbers in-process, on a process pool and on a real Dask
    LocalCluster (two workers each)."""
    spec, sset = _small_kaltim_study()
    inline = run_study(spec, sset, None, chunk_size=3)
    with study_executor(2, None) as (pool, _):
        pooled = run_study(spec, sset, pool, chunk_size=3)
    with study_executor(2, "local") as (dask, label):
        assert "Dask" in label
        clustered = run_study(spec, sset, dask, chunk_size=3)
    assert _numbers(pooled) == _numbers(inline)
    assert _numbers(clustered) == _numbers(inline)


@pytest.mark.slow
def test_bundled_study_runs_from_the_cli_and_writes_the_report(tmp_path):
    """Acceptance: `siaga study kaltim-stockpile --out DIR` runs the bundled study and writes
    study.json (format siaga-study/1), study.csv and report.html with its plots."""
    res = CliRunner().invoke(app, ["study", "kaltim-stockpile", "--out", str(tmp_path), "--workers", "2"])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "study.json").read_text())
    assert doc["format"] == "siaga-study/1"
    assert doc["study"]["scenario_set"]["n_scenarios"] == 200
    ids = [o["id"] for o in doc["options"]]
    assert "status-quo" in ids and "optimum" in ids
    assert sorted(o["rank"] for o in doc["options"]) == list(range(1, len(ids) + 1))
    rows = (tmp_path / "study.csv").read_text().splitlines()
    assert len(rows) == len(ids) + 1
    page = (tmp_path / "report.html").read_text()
    assert "Rekomendasi / Recommendation" in page and doc["recommendation"]["option"] in res.output + page


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad_unknown_commodity.yaml", "options[0].stock[0].commodity: 'sabun' is not a study commodity"),
        ("bad_duplicate_site.yaml", "sites: duplicate id(s) s1"),
        ("bad_no_commodities.yaml", "commodities"),
        ("bad_negative_units.yaml", "options[0].stock[0].units"),
        ("bad_set_kind.yaml", "scenario_set"),
    ],
)
def test_malformed_study_files_fail_before_solving(fixture, expected):
    """Each malformed study file exits with code 2 and a message naming the file and the field."""
    res = CliRunner().invoke(app, ["study", str(DATA / fixture)])
    assert res.exit_code == 2, res.output
    assert fixture in res.output and expected in res.output


@pytest.mark.slow
def test_plan_mode_measures_the_plan_of_each_option():
    """With `evaluation.mode: plan`, each option's value on a scenario is the priority-weighted unmet
    person-days of `plan_scenario` (allocation and routing, the study's iteration budget and seed) on
    the scenario holding the option's stock, recomputed here from the plan's own unmet records."""
    from optimizer.allocation import AllocationOptions
    from optimizer.plan import PlanOptions, plan_scenario
    from optimizer.routing import RoutingOptions
    from optimizer.study.cases import person_days_per_unit
    from optimizer.study.full import with_stock

    spec, _ = load_study("kaltim-stockpile")
    ev = spec.evaluation.model_copy(update={"mode": "plan", "routing_iterations": 20})
    spec = spec.model_copy(update={"options": spec.options[:1], "optimise": None, "evaluation": ev})
    sset = load_scenario_set({"kind": "kaltim-hazards", "n": 2, "seed": 2})
    result = run_study(spec, sset)
    scenarios, sites = prepare_scenarios(spec, sset.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    opts = PlanOptions(
        routing=RoutingOptions(time_limit_s=None, iterations=20, seed=spec.seed),
        allocation=AllocationOptions(overlap=False),
        max_rounds=1,
    )
    option, opt_spec = result.options[0], spec.options[0]
    stock = given_stock(spec, opt_spec, scenarios[0], sites, commodities)
    for k, s in enumerate(scenarios):
        plan = plan_scenario(with_stock(s, sites, commodities, stock), opts)
        pdu = person_days_per_unit(s, s.policy.horizon_days)
        weight = {g.id: g.priority_weight for g in s.groups}
        want = sum(
            u.units * pdu[u.commodity] * weight[u.group] for u in plan.unmet if u.commodity in commodities
        )
        assert option.per_scenario["weighted_unmet"][k] == pytest.approx(want, rel=1e-9, abs=1e-9)


@pytest.mark.slow
def test_allocation_mode_measures_the_allocation_of_each_option():
    """With `evaluation.mode: allocation`, each option's value on a scenario is the priority-weighted
    unmet person-days of `solve_allocation` on the scenario holding the option's stock, recomputed
    here from the allocation's own unmet table."""
    from optimizer.allocation import solve_allocation
    from optimizer.study.cases import person_days_per_unit
    from optimizer.study.full import with_stock

    spec, _ = load_study("kaltim-stockpile")
    ev = spec.evaluation.model_copy(update={"mode": "allocation"})
    spec = spec.model_copy(update={"options": spec.options[:2], "optimise": None, "evaluation": ev})
    sset = load_scenario_set({"kind": "kaltim-hazards", "n": 3, "seed": 2})
    result = run_study(spec, sset)
    scenarios, sites = prepare_scenarios(spec, sset.scenarios)
    commodities = tuple(c.id for c in spec.commodities)
    for option, opt_spec in zip(result.options, spec.options, strict=True):
        stock = given_stock(spec, opt_spec, scenarios[0], sites, commodities)
        for k, s in enumerate(scenarios):
            needs = compute_needs(s)
            needs = needs[needs["commodity"].isin(commodities)].reset_index(drop=True)
            held = with_stock(s, sites, commodities, stock)
            unmet = solve_allocation(compile_instance(held, needs=needs)).unmet
            pdu = person_days_per_unit(s, s.policy.horizon_days)
            weight = {g.id: g.priority_weight for g in s.groups}
            want = float((unmet["units"] * unmet["commodity"].map(pdu) * unmet["group"].map(weight)).sum())
            assert option.per_scenario["weighted_unmet"][k] == pytest.approx(want, rel=1e-9, abs=1e-9)
