"""Make the zone model's stage 1 exact where fleet hours bind, by giving such areas zones of their own.

A zone's trips use its areas' need-weighted mean round trip, which is exact for the proportional split
unless a warehouse's fleet hours bind (a positive dual): then the per-area model would send the fleet
to the nearer areas first. So every area with a candidate warehouse whose fleet row binds, in a zone of
several areas, gets a zone of its own, and stage 1 is solved again, until no such zone is left (at most
`MAX_SPLITS` times). With no binding fleet row on a multi-area zone's warehouses, the reduced costs of
the per-area model's columns equal their zone's, so the split solution is optimal there too. Where
splitting would make more than `max_exact_zones` zones (a province and up: the per-area model is what
does not scale), the zone-mean round trips are kept; `model_size["fleet_exact"]` says which.
"""

from __future__ import annotations

import numpy as np

from ..lp import LpSolution
from .builder import ModelBuilder, Stage1
from .inputs import AllocationInputs
from .model import AllocationModel
from .pricing import price_tolerance

__all__ = ["MAX_SPLITS", "split_fleet_zones"]

MAX_SPLITS = 4  # stage-1 re-solves that split zones where fleet hours bind


def split_fleet_zones(b: ModelBuilder, stage1: Stage1) -> Stage1:
    """The final model with areas split off where fleet hours bind (see the module), and its stage-1
    solution; adds the warehouses concerned to `b.alone` and clears `b.fleet_exact` where it stops
    short of exact."""
    inp, model, known = stage1
    for _ in range(MAX_SPLITS):
        sol = known if known is not None else b.solve_stage1(model)
        if sol.status != "optimal":
            return Stage1(inp, model, sol)
        bound = _fleet_bound(inp, model, sol) - b.alone
        if not bound:
            return Stage1(inp, model, sol)
        if _zones_if_alone(inp, b.alone | bound) > b.opts.max_exact_zones:
            b.fleet_exact = False  # zone-mean round trips kept where fleet hours bind
            return Stage1(inp, model, sol)
        b.alone |= bound
        inp, model = b.build(fine=True)
        known = None
    b.fleet_exact = False  # still binding after MAX_SPLITS re-solves
    return Stage1(inp, model, None)


def _zones_if_alone(inp: AllocationInputs, alone: set[int]) -> int:
    """How many zones there would be with the areas of `alone`'s warehouses in zones of their own."""
    single = np.array([not alone.isdisjoint(c) for c in inp.candidates])
    return int(single.sum()) + len(np.unique(inp.zone_of[~single]))


def _fleet_bound(inp: AllocationInputs, model: AllocationModel, sol: LpSolution) -> set[int]:
    """Warehouses with a binding fleet row (nonzero dual, or at capacity when the solver gives no
    duals) that serve a zone of more than one area."""
    if "fleet" not in model.rows or not len(model.rows["fleet"][1]):
        return set()
    first, keys, cap = model.rows["fleet"]
    if sol.duals is not None:
        tight = np.abs(sol.duals[first : first + len(keys)]) > price_tolerance(model)
    else:
        r, c, v = model.lp.matrix()
        act = np.bincount(r, weights=v * sol.x[c], minlength=model.lp.n_rows)[first : first + len(keys)]
        tight = act >= cap - 1e-6 * np.maximum(1.0, cap)
    pools = {(int(p), int(v)) for p, v in keys[tight, :2]}
    ws = {w for (w, v), p in np.ndenumerate(inp.pool_of) if (int(p), v) in pools}
    size = np.bincount(inp.zone_of, minlength=inp.n_zones)
    multi = {int(w) for z, w in zip(inp.l_zone, inp.l_wh, strict=True) if size[z] > 1}
    return ws & multi
