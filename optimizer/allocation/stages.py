"""The lexicographic LP stages (the policy's `stages`: deprivation, equity, cost), each keeping the
optimum of the ones before (`hold`)."""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from scenarios.model import Policy

from ..lp import LpSolution
from ..progress import Progress, ProgressEvent
from .model import AllocationModel
from .options import SolveSettings
from .rounds import PRICING_SHARE

__all__ = ["StageOutcome", "hold", "solve_stages"]

StageOutcome = tuple[str, np.ndarray, dict[str, float]]  # status, column values, objective per stage


def solve_stages(
    model: AllocationModel,
    policy: Policy,
    settings: SolveSettings,
    *,
    known: LpSolution | None,
    progress: Progress,
    timings: dict[str, float],
) -> StageOutcome:
    """Solve the stages in order (stage 1 is `known` already where given); status "infeasible" when
    the first stage is, "feasible" when a stage stopped short of optimal. Solve time goes to
    `timings["solve"]`."""
    lp, tol = model.lp, policy.tolerance
    stages: dict[str, float] = {}
    values, status = np.zeros(lp.n_cols), "optimal"
    for i, stage in enumerate(policy.stages):
        fraction = PRICING_SHARE + (1 - PRICING_SHARE) * i / len(policy.stages)
        progress(ProgressEvent(stage="allocation", fraction=fraction, step=stage))
        t = time.perf_counter()
        if stage == "deprivation":
            sol = known if known is not None else lp.solve(model.benefit, maximize=True, **settings)
        elif stage == "equity":
            if model.phi is None:
                continue
            sol = lp.solve(_phi_objective(model, model.phi), maximize=True, **settings)
        else:
            sol = lp.solve(model.cost, **settings)
        timings["solve"] += time.perf_counter() - t
        if sol.status in ("infeasible", "error"):
            return "infeasible" if not stages else status, values, stages
        if sol.status == "feasible":
            status = "feasible"
        values = sol.x
        stages[stage] = _stage_value(stage, model, values)
        if i < len(policy.stages) - 1:
            hold(model, stage, sol, tol)
    return status, values, stages


def _phi_objective(model: AllocationModel, phi: int) -> np.ndarray:
    obj = np.zeros(model.lp.n_cols)
    obj[phi] = 1.0
    return obj


def _stage_value(stage: str, model: AllocationModel, values: np.ndarray) -> float:
    if stage == "deprivation":
        return float(model.benefit_const - model.benefit @ values)
    if stage == "equity":
        return float(values[model.phi])
    return float(model.cost @ values)


def hold(model: AllocationModel, stage: str, sol: LpSolution, tol: float) -> None:
    """Keep a stage's optimum while later stages optimise. With tolerance 0 (the default): exactly, on
    the optimal face (complementary slackness: columns with a nonzero reduced cost and rows with a
    nonzero dual fixed), which also keeps later solves small. Otherwise, or when the solver gives no
    duals: the stage objective as a row, within the tolerance."""
    lp = model.lp
    objective = _objectives(model).get(stage)
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


def _objectives(model: AllocationModel) -> Mapping[str, np.ndarray]:
    """Each stage's objective vector (equity only where the model has its column)."""
    out = {"deprivation": model.benefit, "cost": model.cost}
    if model.phi is not None:
        out["equity"] = _phi_objective(model, model.phi)
    return out
