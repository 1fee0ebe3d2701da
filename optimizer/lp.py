"""A linear program assembled from numpy arrays and solved by OR-Tools MathOpt (HiGHS, GLOP fallback).

The only module that imports OR-Tools' MathOpt. Columns and rows are added in blocks of numpy arrays;
the constraint matrix goes into the model proto in one pass, so building a model with millions of
entries costs seconds, not one Python call per variable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from ortools.math_opt import callback_pb2, model_parameters_pb2, model_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver

__all__ = ["SOLVERS", "LinearProgram", "LpSolution"]

INF = float("inf")
SOLVERS = {"highs": parameters_pb2.SOLVER_TYPE_HIGHS, "glop": parameters_pb2.SOLVER_TYPE_GLOP}
ALGORITHMS = {
    "default": parameters_pb2.LP_ALGORITHM_UNSPECIFIED,
    "dual": parameters_pb2.LP_ALGORITHM_DUAL_SIMPLEX,
    "primal": parameters_pb2.LP_ALGORITHM_PRIMAL_SIMPLEX,
    "barrier": parameters_pb2.LP_ALGORITHM_BARRIER,
}
_OPTIMAL = result_pb2.TERMINATION_REASON_OPTIMAL
_Block = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class LpSolution:
    """A solve's status, objective, column values and (where the solver gave them) reduced costs and
    row duals."""

    status: str  # "optimal", "feasible", "infeasible", "error"
    objective: float
    x: np.ndarray
    seconds: float
    solver: str
    reduced_costs: np.ndarray | None = None
    duals: np.ndarray | None = None


@dataclass
class LinearProgram:
    """Columns (variables) and rows (constraints) added in numpy blocks."""

    n_cols: int = 0
    lb: list[np.ndarray] = field(default_factory=list)
    ub: list[np.ndarray] = field(default_factory=list)
    row_lb: list[np.ndarray] = field(default_factory=list)
    row_ub: list[np.ndarray] = field(default_factory=list)
    rows: list[_Block] = field(default_factory=list)  # (row ids, col ids, coef) blocks
    n_rows: int = 0
    integer_cols: list[np.ndarray] = field(default_factory=list)  # index blocks of integer columns (a MIP)
    _matrix: tuple[tuple[int, int], _Block] | None = field(default=None, repr=False)

    def add_cols(self, n: int, lb: ArrayLike = 0.0, ub: ArrayLike = INF, integer: bool = False) -> np.ndarray:
        """Add `n` columns (integer ones make the model a MIP); returns their indices."""
        idx = np.arange(self.n_cols, self.n_cols + n, dtype=np.int64)
        self.lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self.ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        if integer:
            self.integer_cols.append(idx)
        self.n_cols += n
        return idx

    def add_rows(
        self,
        row_local: ArrayLike,
        cols: ArrayLike,
        coef: ArrayLike,
        n: int,
        *,
        lb: ArrayLike = -INF,
        ub: ArrayLike = INF,
    ) -> np.ndarray:
        """Add `n` rows: entry k puts `coef[k]` at (row `row_local[k]`, column `cols[k]`)."""
        ids = np.arange(self.n_rows, self.n_rows + n, dtype=np.int64)
        self.rows.append(
            (
                np.asarray(row_local, np.int64) + self.n_rows,
                np.asarray(cols, np.int64),
                np.asarray(coef, float),
            )
        )
        self.row_lb.append(np.broadcast_to(np.asarray(lb, float), (n,)).copy())
        self.row_ub.append(np.broadcast_to(np.asarray(ub, float), (n,)).copy())
        self.n_rows += n
        return ids

    def fix_face(self, sol: LpSolution, objective: np.ndarray) -> bool:
        """Keep `sol`'s optimum by complementary slackness instead of an objective row: columns with a
        nonzero reduced cost stay at their value, rows with a nonzero dual stay tight. Returns False
        (and changes nothing) when the solver gave no duals."""
        if sol.reduced_costs is None or sol.duals is None:
            return False
        eps = 1e-9 * max(1.0, float(np.abs(objective).max(initial=0.0)))
        cols = np.flatnonzero(np.abs(sol.reduced_costs) > eps)
        lb, ub = np.concatenate(self.lb), np.concatenate(self.ub)
        lb[cols] = ub[cols] = np.clip(sol.x[cols], lb[cols], ub[cols])
        self.lb, self.ub = [lb], [ub]
        r, c, v = self.matrix()
        act = np.bincount(r, weights=v * sol.x[c], minlength=self.n_rows)
        rows = np.flatnonzero(np.abs(sol.duals) > eps)
        rlb, rub = np.concatenate(self.row_lb), np.concatenate(self.row_ub)
        rlb[rows] = rub[rows] = np.clip(act[rows], rlb[rows], rub[rows])
        self.row_lb, self.row_ub = [rlb], [rub]
        return True

    def matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, coefficients), sorted row-major with duplicates summed; cached until rows or
        columns are added (every solve, slack check and face fix reads it)."""
        key = (len(self.rows), self.n_cols)
        if self._matrix is None or self._matrix[0] != key:
            self._matrix = (key, self._assemble())
        return self._matrix[1]

    def _assemble(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        r = np.concatenate([b[0] for b in self.rows])
        c = np.concatenate([b[1] for b in self.rows])
        v = np.concatenate([b[2] for b in self.rows])
        key = r * max(self.n_cols, 1) + c
        order = np.argsort(key, kind="stable")
        key, v = key[order], v[order]
        uniq, start = np.unique(key, return_index=True)
        v = np.add.reduceat(v, start) if len(v) else v
        keep = v != 0
        uniq, v = uniq[keep], v[keep]
        return uniq // max(self.n_cols, 1), uniq % max(self.n_cols, 1), v

    def proto(self, objective: np.ndarray, maximize: bool = False) -> model_pb2.ModelProto:
        """The MathOpt model proto of these columns and rows with `objective`."""
        m = model_pb2.ModelProto(name="siaga")
        lb, ub = np.concatenate(self.lb), np.concatenate(self.ub)
        m.variables.ids.extend(range(self.n_cols))
        m.variables.lower_bounds.extend(lb.tolist())
        m.variables.upper_bounds.extend(ub.tolist())
        integers = np.zeros(self.n_cols, bool)
        for block in self.integer_cols:
            integers[block] = True
        m.variables.integers.extend(integers.tolist())
        nz = np.flatnonzero(objective)
        m.objective.maximize = maximize
        m.objective.linear_coefficients.ids.extend(nz.tolist())
        m.objective.linear_coefficients.values.extend(objective[nz].tolist())
        m.linear_constraints.ids.extend(range(self.n_rows))
        m.linear_constraints.lower_bounds.extend(np.concatenate(self.row_lb).tolist() if self.n_rows else [])
        m.linear_constraints.upper_bounds.extend(np.concatenate(self.row_ub).tolist() if self.n_rows else [])
        r, c, v = self.matrix()
        m.linear_constraint_matrix.row_ids.extend(r.tolist())
        m.linear_constraint_matrix.column_ids.extend(c.tolist())
        m.linear_constraint_matrix.coefficients.extend(v.tolist())
        return m

    def solve(
        self,
        objective: ArrayLike,
        maximize: bool = False,
        *,
        solver: str = "highs",
        time_limit_s: float | None = None,
        threads: int = 1,
        seed: int = 0,
        algorithm: str = "default",
        relative_gap: float | None = None,
    ) -> LpSolution:
        """Solve with `solver` (highs or glop) and `algorithm` (default, dual, primal, barrier; the
        barrier ends with a crossover to a vertex); falls back to GLOP when HiGHS fails (LPs only).
        A MIP (integer columns) is solved by HiGHS's branch and bound to `relative_gap`."""
        model = self.proto(np.asarray(objective, float), maximize)
        params = _parameters(solver, time_limit_s, threads, seed, algorithm, relative_gap)
        sol = _solve(model, solver, params, self.n_cols)
        if sol.status == "error" and solver != "glop" and not self.integer_cols:
            params = _parameters("glop", time_limit_s, threads, seed, "default", None)
            sol = _solve(model, "glop", params, self.n_cols)
        return sol


def _parameters(
    solver: str,
    time_limit_s: float | None,
    threads: int,
    seed: int,
    algorithm: str,
    gap: float | None,
) -> parameters_pb2.SolveParametersProto:
    params = parameters_pb2.SolveParametersProto(
        enable_output=False, random_seed=seed, lp_algorithm=ALGORITHMS[algorithm]
    )
    if gap is not None:
        params.relative_gap_tolerance = gap
    if solver == "highs":
        params.highs.int_options["threads"] = threads
    if time_limit_s is not None:
        params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    return params


def _solve(
    model: model_pb2.ModelProto, solver: str, params: parameters_pb2.SolveParametersProto, n: int
) -> LpSolution:
    t0 = time.perf_counter()
    try:
        res = core_solver.solve(
            model,
            SOLVERS[solver],
            parameters_pb2.SolverInitializerProto(),
            params,
            model_parameters_pb2.ModelSolveParametersProto(),
            None,
            callback_pb2.CallbackRegistrationProto(),
            None,
            None,
        )
    except Exception:
        return LpSolution("error", float("nan"), np.zeros(n), time.perf_counter() - t0, solver)
    seconds = time.perf_counter() - t0
    reason = res.termination.reason
    x = np.zeros(n)
    if res.solutions and res.solutions[0].HasField("primal_solution"):
        ps = res.solutions[0].primal_solution
        ids = np.fromiter(ps.variable_values.ids, np.int64)
        x[ids] = np.fromiter(ps.variable_values.values, float)
        obj = ps.objective_value
        status = "optimal" if reason == _OPTIMAL else "feasible"
        rc, du = _duals(res, n, len(model.linear_constraints.ids))
    else:
        infeasible = reason == result_pb2.TERMINATION_REASON_INFEASIBLE
        return LpSolution("infeasible" if infeasible else "error", float("nan"), x, seconds, solver)
    return LpSolution(status, obj, x, seconds, solver, rc, du)


def _duals(res: result_pb2.SolveResultProto, n: int, m: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    sol = res.solutions[0]
    if not sol.HasField("dual_solution"):
        return None, None
    ds = sol.dual_solution
    rc, du = np.zeros(n), np.zeros(m)
    rc[np.fromiter(ds.reduced_costs.ids, np.int64)] = np.fromiter(ds.reduced_costs.values, float)
    du[np.fromiter(ds.dual_values.ids, np.int64)] = np.fromiter(ds.dual_values.values, float)
    return rc, du
