"""Two-stage stochastic pre-positioning by sample average approximation (SAA).

First stage: stock S[w, c] >= 0 at candidate sites and, for sites that cost something to open, a
binary o[w]. Second stage: one copy of the response LP (second_stage.py) per sampled scenario s
with probability p_s (renormalised over the sample). The extensive form is one model:

    min   (1 - lam) * sum_s p_s * L_s  +  lam * (eta + sum_s p_s * z_s / (1 - alpha))  +  tie-breaks
    s.t.  sum_{w,c} (unit_cost_c + holding_c) * S[w,c] + sum_w open_cost_w * o[w]  <= budget
          sum_c m3_c * S[w,c] <= cap_w * o[w]         (o[w] = 1 for sites open already)
          z_s >= L_s - eta,  z_s >= 0                  (CVaR at level alpha; only when lam > 0)
          second-stage rows of every sampled scenario, with S as columns

where L_s is scenario s's priority-weighted unmet person-days (at lam = 1, E[L] keeps a weight of
MEAN_TIE so that every scenario's response stays its best, not only the tail's). With no opening
costs the model is an LP; otherwise a MIP (HiGHS branch and bound through MathOpt, to
`relative_gap`). Tie-breaks: the arrival-time term of the second stage, and a tiny cost term so that
spare budget is not spent on stock that changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..lp import LinearProgram
from .cases import StudyCase
from .second_stage import add_case

__all__ = ["SaaProblem", "SaaResult", "solve_saa"]

COST_TIE = 1e-9
MEAN_TIE = 1e-3  # with lam = 1, the scenarios outside the tail still get their best response

_Loss = tuple[np.ndarray, np.ndarray]  # one scenario's unmet columns and their loss coefficients


@dataclass(frozen=True)
class SaaProblem:
    """First-stage data: per commodity unit cost (purchase + holding), m3 per unit; per site the
    opening cost (0: open already) and m3 capacity (inf: none)."""

    unit_cost: np.ndarray  # [C]
    m3_per_unit: np.ndarray  # [C]
    open_cost: np.ndarray  # [W]
    capacity_m3: np.ndarray  # [W]
    budget: float
    cvar_alpha: float = 0.9
    cvar_weight: float = 0.0
    max_units: np.ndarray | None = None  # [C] cap per commodity (e.g. total need in the sample)


@dataclass(frozen=True)
class SaaResult:
    """The fitted stock and opened sites, the in-sample expected weighted unmet, the first-stage
    cost, and the solve's status, seconds and size."""

    stock: np.ndarray  # [W, C]
    opened: np.ndarray  # [W] bool
    expected_weighted_unmet: float  # in-sample
    cost: float
    status: str
    seconds: float
    n_cols: int
    n_rows: int


def solve_saa(
    cases: Sequence[StudyCase],
    probabilities: np.ndarray,
    problem: SaaProblem,
    *,
    time_limit_s: float | None = 300.0,
    relative_gap: float = 1e-4,
    seed: int = 0,
) -> SaaResult:
    """The SAA optimum over `cases` (probabilities renormalised to sum 1)."""
    p = np.asarray(probabilities, float)
    p = p / p.sum()
    W, C = len(cases[0].sites), len(cases[0].commodities)
    lp = LinearProgram()
    s_cols = lp.add_cols(W * C).reshape(W, C)
    if problem.max_units is not None:
        lp.ub[-1] = np.repeat(np.asarray(problem.max_units, float)[None, :], W, axis=0).reshape(-1)
    to_open = np.flatnonzero(problem.open_cost > 0)
    o_cols = lp.add_cols(len(to_open), 0.0, 1.0, integer=True)
    obj_cols: list[np.ndarray] = []
    obj_coef: list[np.ndarray] = []
    lam = problem.cvar_weight
    losses: list[_Loss] = []
    for case, prob in zip(cases, p, strict=True):
        block = add_case(lp, case, stock_cols=s_cols)
        obj_cols.append(block.obj_cols)
        coef = block.obj_coef.copy()  # unweighted: [unmet (loss), shipments (tie-break)]
        n_u = len(block.u)
        coef[:n_u] *= (1 - lam + MEAN_TIE * lam) * prob  # a little of E[L] even at lam = 1
        coef[n_u:] *= prob
        obj_coef.append(coef)
        losses.append((block.u, block.loss_coef))
    _budget_row(lp, problem, s_cols, to_open, o_cols)
    _capacity_rows(lp, problem, s_cols, to_open, o_cols)
    if lam > 0:
        cols, coef = _cvar(lp, losses, p, problem.cvar_alpha, lam)
        obj_cols.append(cols)
        obj_coef.append(coef)
    obj = np.zeros(lp.n_cols)
    np.add.at(obj, np.concatenate(obj_cols), np.concatenate(obj_coef))
    obj[s_cols.reshape(-1)] += COST_TIE * np.repeat(problem.unit_cost[None, :], W, axis=0).reshape(-1)
    sol = lp.solve(obj, time_limit_s=time_limit_s, seed=seed, relative_gap=relative_gap)
    if sol.status not in ("optimal", "feasible"):
        raise RuntimeError(f"pre-positioning model: solver status {sol.status}")
    stock = np.maximum(sol.x[s_cols], 0.0)
    opened = problem.open_cost <= 0
    opened = opened.copy()
    opened[to_open] = sol.x[o_cols] > 0.5
    expected = sum(float(pr * (sol.x[u] @ lc)) for pr, (u, lc) in zip(p, losses, strict=True))
    cost = float((stock * problem.unit_cost[None, :]).sum() + problem.open_cost[opened].sum())
    return SaaResult(stock, opened, expected, cost, sol.status, sol.seconds, lp.n_cols, lp.n_rows)


def _budget_row(
    lp: LinearProgram, problem: SaaProblem, s_cols: np.ndarray, to_open: np.ndarray, o_cols: np.ndarray
) -> None:
    W = s_cols.shape[0]
    coef = np.concatenate(
        [np.repeat(problem.unit_cost[None, :], W, axis=0).reshape(-1), problem.open_cost[to_open]]
    )
    cols = np.concatenate([s_cols.reshape(-1), o_cols])
    lp.add_rows(np.zeros(len(cols), np.int64), cols, coef, 1, ub=problem.budget)


def _capacity_rows(
    lp: LinearProgram, problem: SaaProblem, s_cols: np.ndarray, to_open: np.ndarray, o_cols: np.ndarray
) -> None:
    """Volume per site; a site that must be opened holds nothing unless opened."""
    W, C = s_cols.shape
    cap = problem.capacity_m3.astype(float).copy()
    needs_open = np.zeros(W, bool)
    needs_open[to_open] = True
    big = _big_m3(problem)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    coef: list[np.ndarray] = []
    ub: list[float] = []
    for w in range(W):
        if not np.isfinite(cap[w]) and not needs_open[w]:
            continue
        r = len(ub)
        rows.append(np.full(C, r))
        cols.append(s_cols[w])
        coef.append(np.maximum(problem.m3_per_unit, 1e-6))
        if needs_open[w]:
            j = int(np.flatnonzero(to_open == w)[0])
            rows.append(np.array([r]))
            cols.append(np.array([o_cols[j]]))
            coef.append(np.array([-(cap[w] if np.isfinite(cap[w]) else big)]))
            ub.append(0.0)
        else:
            ub.append(cap[w])
    if ub:
        lp.add_rows(
            np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), len(ub), ub=np.array(ub)
        )


def _big_m3(problem: SaaProblem) -> float:
    """A volume no site can need: everything the budget buys, at the bulkiest per-unit volume."""
    per_cost = np.maximum(problem.m3_per_unit, 1e-6) / np.maximum(problem.unit_cost, 1e-12)
    return float(problem.budget * per_cost.max()) + 1.0


def _cvar(
    lp: LinearProgram, losses: Sequence[_Loss], p: np.ndarray, alpha: float, lam: float
) -> tuple[np.ndarray, np.ndarray]:
    """eta + sum_s p_s z_s / (1 - alpha), z_s >= L_s - eta (Rockafellar and Uryasev)."""
    eta = lp.add_cols(1, -np.inf, np.inf)
    z = lp.add_cols(len(losses))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    coef: list[np.ndarray] = []
    for s, (u, lc) in enumerate(losses):
        rows.append(np.full(len(u) + 2, s))
        cols.append(np.concatenate([u, eta, z[s : s + 1]]))
        coef.append(np.concatenate([lc, [-1.0, -1.0]]))
    lp.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), len(losses), ub=0.0)
    return np.concatenate([eta, z]), np.concatenate([[lam], lam * p / (1 - alpha)])
