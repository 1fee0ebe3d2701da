"""Column-generation link pricing: which zone-warehouse links the duals of a stage-1 solve say improve.

For each zone z and warehouse w not yet linked, with commodity c left at w, the reduced cost of
delivering one unit of c on day d over (z, w) together with the vehicle loads it needs (on the vehicle
type cheapest in the fleet-hour duals):

    gain = -pi_balance[z,c,d] - sum_{e >= d - lag} pi_stock[w,c,e] - kg_c/1000 pi_throughput[w,d - lag]
           - min_v max(kg_c / cap_kg_v, m3_c / cap_m3_v) rt[z,w,v] (pi_fleet[w,v,d - lag_v] + pi_cut[w,d])

(rt the zone's need-weighted mean round trip, lag its smallest delay). Where some gain is positive the
link can raise the deprivation objective; such w (the best-priced pairs first, at most a quarter of the
links a round) are added to every area of z that they reach, so zones stay whole. This also finds the
augmenting paths of a max flow: a zone drawing on a warehouse with none left prices that warehouse's
stock in its balance dual and moves over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lp import LpSolution
from .inputs import AllocationInputs
from .model import AllocationModel
from .reasons import stock_remaining

__all__ = ["PRICE_TOL", "price_tolerance", "priced_links"]

PRICE_TOL = 1e-7  # relative to the largest objective coefficient: below it a reduced cost is round-off
_BIG = 10**9  # a delay no link has


@dataclass(frozen=True)
class _Duals:
    """The duals of the rows a link's columns enter, by their keys."""

    balance: np.ndarray  # [z, c, d]
    stock_tail: np.ndarray  # [w, c, e]: sum of the stock duals over dispatch days >= e
    throughput: np.ndarray  # [w, e]
    cut: np.ndarray  # [w, d] by delivery day
    fleet: np.ndarray  # [w, v, e]


@dataclass(frozen=True)
class _ZoneTravel:
    """Per zone and warehouse: the smallest delay per vehicle type and the need-weighted mean round
    trip, and which pairs are not linked yet but reachable."""

    lag: np.ndarray  # [z, w, v] (_BIG: cannot)
    rt: np.ndarray  # [z, w, v]
    open_pair: np.ndarray  # [z, w]
    need: np.ndarray  # [z, c] over classes and days


def price_tolerance(model: AllocationModel) -> float:
    """Below this a dual or reduced cost is round-off (PRICE_TOL of the largest benefit)."""
    return PRICE_TOL * max(1.0, float(np.abs(model.benefit).max(initial=0.0)))


def priced_links(
    inp: AllocationInputs, model: AllocationModel, sol: LpSolution
) -> tuple[dict[int, set[int]], float]:
    """Links to add where reachable stock is left, priced by the duals of `sol` (see the module),
    area -> warehouses. Also returns what the added links could gain at most at these prices: per pair
    the best gain per unit times the units it could move (stock left at w, the zone's need); rounds
    after the first stop when that is below ROUND_TOL of the objective (rounds.py)."""
    if sol.duals is None:
        return {}, 0.0
    left_units, left = stock_remaining(inp, model, sol.x)  # [w, c]
    if not left.any():
        return {}, 0.0
    duals = _duals_of(inp, model, sol.duals)
    travel = _zone_travel(inp)
    gain = _gains(inp, duals, travel, left)
    return _improving(inp, model, gain, left_units, travel.need)


def _duals_of(inp: AllocationInputs, model: AllocationModel, duals: np.ndarray) -> _Duals:
    W = inp.reachable.shape[0]
    C, H, V, Z = len(inp.commodities), inp.horizon, len(inp.vehicle_types), inp.n_zones

    def dual_of(family: str, shape: tuple[int, ...]) -> np.ndarray:
        out = np.zeros(shape)
        if family in model.rows and len(model.rows[family][1]):
            first, keys, _ = model.rows[family]
            out[tuple(keys.T)] = duals[first : first + len(keys)]
        return out

    stock = np.zeros((W, C, H))
    first, wc, _ = model.rows["stock"]
    stock[wc[:, 0], wc[:, 1], :] = duals[first : first + len(wc) * H].reshape(len(wc), H)
    return _Duals(
        balance=dual_of("balance", (Z, C, H)),
        stock_tail=np.cumsum(stock[:, :, ::-1], axis=2)[:, :, ::-1],
        throughput=dual_of("throughput", (W, H)),
        cut=dual_of("cut", (W, H)),
        fleet=dual_of("fleet", (len(inp.pool_count), V, H))[inp.pool_of, np.arange(V)[None, :]],
    )


def _zone_travel(inp: AllocationInputs) -> _ZoneTravel:
    W = inp.reachable.shape[0]
    C, V, Z = len(inp.commodities), len(inp.vehicle_types), inp.n_zones
    lags = inp.lags  # [w, a, v]
    lz = np.full((Z, W, V), _BIG, np.int64)
    np.minimum.at(lz, inp.zone_of, np.where(lags >= 0, lags, _BIG).transpose(1, 0, 2))
    weight = inp.need.sum(axis=(1, 2, 3)) + 1e-9
    finite = np.isfinite(inp.time_h).transpose(1, 0, 2)  # [a, w, v]
    rt = np.where(finite, 2 * inp.time_h.transpose(1, 0, 2) + inp.handling_h, 0.0)
    rt_sum, w_sum = np.zeros((Z, W, V)), np.zeros((Z, W, V))
    np.add.at(rt_sum, inp.zone_of, rt * weight[:, None, None])
    np.add.at(w_sum, inp.zone_of, finite * weight[:, None, None])
    linked = np.zeros((Z, W), bool)
    linked[inp.l_zone, inp.l_wh] = True
    nz = np.zeros((Z, C))
    np.add.at(nz, inp.zone_of, inp.need.sum(axis=(2, 3)))
    return _ZoneTravel(
        lag=lz,
        rt=rt_sum / np.maximum(w_sum, 1e-300),
        open_pair=(lz < _BIG).any(axis=2) & ~linked,
        need=nz,
    )


def _gains(inp: AllocationInputs, duals: _Duals, travel: _ZoneTravel, left: np.ndarray) -> np.ndarray:
    """[z, c, w]: the best gain per unit over delivery days (-inf: the pair cannot carry c)."""
    W = inp.reachable.shape[0]
    C, H, V, Z = len(inp.commodities), inp.horizon, len(inp.vehicle_types), inp.n_zones
    lz, rt_z = travel.lag, travel.rt
    # vehicle loads per unit of each commodity, by weight or volume [c, v]
    per_unit = np.maximum(inp.kg[:, None] / inp.cap_kg[None, :], inp.m3[:, None] / inp.cap_m3[None, :])
    w_ix, v_ix = np.arange(W)[None, :, None], np.arange(V)[None, None, :]
    l_lag = lz.min(axis=2)  # [z, w]
    gain = np.full((Z, C, W), -np.inf)
    for d in range(H):
        ok = lz <= d  # [z, w, v]
        price_h = duals.fleet[w_ix, v_ix, np.clip(d - lz, 0, H - 1)] + duals.cut[:, d][None, :, None]
        hours = np.where(ok, rt_z * price_h, np.inf)
        e0 = np.clip(d - l_lag, 0, H - 1)
        on_time = ok.any(axis=2)
        for c in np.flatnonzero(left.any(axis=0)):
            g = (
                -duals.balance[:, c, d][:, None]
                - duals.stock_tail[np.arange(W)[None, :], c, e0]
                - duals.throughput[np.arange(W)[None, :], e0] * inp.kg[c] / 1000
                - (per_unit[c][None, None, :] * hours).min(axis=2)
            )
            usable = on_time & travel.open_pair & left[:, c][None, :] & (travel.need[:, c] > 0)[:, None]
            gain[:, c] = np.maximum(gain[:, c], np.where(usable, g, -np.inf))
    return gain


def _improving(
    inp: AllocationInputs, model: AllocationModel, gain: np.ndarray, left_units: np.ndarray, nz: np.ndarray
) -> tuple[dict[int, set[int]], float]:
    """The pairs with the largest gains first, at most a quarter of the links (or one per zone) a
    round: pricing every improving pair can double the model for little of the benefit. Returns them
    per area, and what they could gain at most."""
    tol = price_tolerance(model)
    g = gain.max(axis=1)  # [z, w]
    z_ix, w_ix = np.nonzero(g > tol)
    order = np.lexsort((w_ix, z_ix, -g[z_ix, w_ix]))[: max(len(inp.l_zone) // 4, inp.n_zones)]
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
