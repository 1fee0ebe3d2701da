"""Evaluate stockpile options on scenarios: solve each case's second stage and measure the answer.

`evaluate_chunk` is the unit of work an executor runs: a few scenarios, every option on each (the
network and needs of a scenario are computed once for all options). It is a module-level function
of picklable arguments, so a process pool and a Dask cluster run the same code and, the LP being
deterministic (HiGHS, one thread, fixed seed), return the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from network import Network
from scenarios.model import Scenario

from ..lp import LinearProgram
from .cases import StudyCase, build_case, case_instance
from .second_stage import CaseBlock, add_case

__all__ = [
    "BuildTask",
    "CaseSettings",
    "EvalTask",
    "Outcome",
    "build_chunk",
    "evaluate_chunk",
    "mean_and_p90",
    "measure",
    "solve_case",
]


@dataclass(frozen=True)
class CaseSettings:
    sites: tuple[str, ...]
    commodities: tuple[str, ...]
    max_response_h: float = 72.0
    transport: str = "any"
    seed: int = 0


@dataclass(frozen=True)
class Outcome:
    """One option on one scenario. Person-days (pd) are weighted by commodity, not by priority,
    except `weighted_unmet` (priority-weighted person-days of unmet need)."""

    weighted_unmet: float
    need_pd: float
    unmet_pd: float
    need_pd_by_group: np.ndarray  # [G]
    unmet_pd_by_group: np.ndarray  # [G]
    need_by_commodity: np.ndarray  # [C] units
    unmet_by_commodity: np.ndarray  # [C] units
    mean_arrival_h: float  # nan: nothing delivered
    p90_arrival_h: float
    status: str

    @property
    def fill_rate(self) -> float:
        return 1.0 - self.unmet_pd / self.need_pd if self.need_pd > 0 else 1.0


@dataclass(frozen=True)
class BuildTask:
    scenarios: tuple[Scenario, ...]
    settings: CaseSettings


@dataclass(frozen=True)
class EvalTask:
    cases: tuple[StudyCase, ...]
    stocks: tuple[np.ndarray, ...]  # per case: [O, W, C], one stock per option
    seed: int = 0


def solve_case(case: StudyCase, stock: np.ndarray, seed: int = 0) -> Outcome:
    """The second stage of `case` with `stock[W, C]` at the sites."""
    lp = LinearProgram()
    block = add_case(lp, case, stock=np.asarray(stock, float))
    obj = np.zeros(lp.n_cols)
    np.add.at(obj, block.obj_cols, block.obj_coef)
    if lp.n_cols == 0:
        return measure(case, block, np.zeros(0), "optimal")
    sol = lp.solve(obj, seed=seed)
    if sol.status not in ("optimal", "feasible"):
        raise RuntimeError(f"study second stage of {case.scenario}: solver status {sol.status}")
    return measure(case, block, sol.x, sol.status)


def measure(case: StudyCase, block: CaseBlock, values: np.ndarray, status: str) -> Outcome:
    """Unmet need, fill by group and commodity, and arrival hours from a solved case block."""
    Z, C, K = case.need.shape
    unmet = np.zeros((Z, C, K))
    if len(block.u):
        unmet[block.u_z, block.u_c, block.u_k] = np.maximum(values[block.u], 0.0)
    share_k = np.divide(unmet, case.need, out=np.zeros_like(unmet), where=case.need > 0)
    share_g = share_k[:, :, case.group_class]  # [Z, C, G]
    unmet_g = share_g * case.need_group
    v = case.value
    need_pd_g = np.einsum("zcg,c->g", case.need_group, v)
    unmet_pd_g = np.einsum("zcg,c->g", unmet_g, v)
    weighted = float(np.einsum("zck,k,c->", unmet, case.class_weight, v))
    mean_h, p90_h = _arrivals(case, block, values)
    return Outcome(
        weighted_unmet=weighted,
        need_pd=float(need_pd_g.sum()),
        unmet_pd=float(unmet_pd_g.sum()),
        need_pd_by_group=need_pd_g,
        unmet_pd_by_group=unmet_pd_g,
        need_by_commodity=case.need.sum(axis=(0, 2)),
        unmet_by_commodity=unmet.sum(axis=(0, 2)),
        mean_arrival_h=mean_h,
        p90_arrival_h=p90_h,
        status=status,
    )


def _arrivals(case: StudyCase, block: CaseBlock, values: np.ndarray) -> tuple[float, float]:
    """Person-day-weighted mean and 90th percentile of one-way hours to the areas served: each
    zone's shipment splits to its areas in proportion to their need."""
    if not len(block.x):
        return float("nan"), float("nan")
    x = np.maximum(values[block.x], 0.0)
    hit = x > 1e-9
    w, z, c, x = block.x_w[hit], block.x_z[hit], block.x_c[hit], x[hit]
    if not len(x):
        return float("nan"), float("nan")
    areas = [np.flatnonzero(case.area_zone == k) for k in range(case.n_zones)]
    times, weights = [], []
    for wi, zi, ci, xi in zip(w, z, c, x, strict=True):
        a = areas[zi]
        times.append(case.area_time_h[wi, a])
        weights.append(xi * case.area_share[a, ci] * case.value[ci])
    return mean_and_p90(np.concatenate(times), np.concatenate(weights))


def mean_and_p90(hours: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Weighted mean and 90th percentile of `hours` (nan, nan when nothing weighs)."""
    ok = np.isfinite(hours) & (weights > 0)
    if not ok.any():
        return float("nan"), float("nan")
    t, wt = hours[ok], weights[ok]
    order = np.argsort(t, kind="stable")
    t, wt = t[order], wt[order]
    cum = np.cumsum(wt) / wt.sum()
    return float(np.average(t, weights=wt)), float(t[min(np.searchsorted(cum, 0.9 - 1e-12), len(t) - 1)])


def build_chunk(task: BuildTask) -> list[StudyCase]:
    """The cases of the task's scenarios (networks shared between scenarios that share one)."""
    nets: dict[int, Network] = {}
    out = []
    for s in task.scenarios:
        key = id(s.network)
        if key not in nets:
            nets[key] = Network.from_model(s.network)
        st = task.settings
        inst = case_instance(s, max_response_h=st.max_response_h, network=nets[key])
        out.append(
            build_case(
                inst, st.sites, st.commodities, max_response_h=st.max_response_h, transport=st.transport
            )
        )
    return out


def evaluate_chunk(task: EvalTask) -> list[list[Outcome]]:
    """For each case of the task, each option's outcome (`task.stocks[case][option]`)."""
    return [
        [solve_case(case, stock, task.seed) for stock in stocks]
        for case, stocks in zip(task.cases, task.stocks, strict=True)
    ]
