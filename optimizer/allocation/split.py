"""Split a zone/class solution back to areas and groups, in proportion to need, first-in first-out.

Within a zone and class, deliveries serve the oldest need first: `fifo` gives, per need day d' and
delivery day d, the units of d' need delivered on day d. Each area-group gets its share of every need
day, so backlogs (and so deprivation) add up exactly to the zone's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import AllocationInputs, NeedRows, id_indices, index_of
from .model import AllocationModel

__all__ = ["fifo", "split_solution"]


def fifo(need: np.ndarray, delivered: np.ndarray) -> np.ndarray:
    """M[..., d', d]: units of day-d' need served by day-d deliveries, oldest need first."""
    cn = np.cumsum(need, axis=-1)
    cs = np.cumsum(delivered, axis=-1)
    zero = np.zeros((*need.shape[:-1], 1))
    cn0 = np.concatenate([zero, cn[..., :-1]], axis=-1)
    cs0 = np.concatenate([zero, cs[..., :-1]], axis=-1)
    hi = np.minimum(cn[..., :, None], cs[..., None, :])
    lo = np.maximum(cn0[..., :, None], cs0[..., None, :])
    return np.maximum(hi - lo, 0.0)


def split_solution(
    inp: AllocationInputs,
    model: AllocationModel,
    values: np.ndarray,
    needs: pd.DataFrame,
    need_rows: NeedRows | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(shipments, served, vehicle loads) per area: see AllocationResult. `served` is keyed by the
    integer columns `a, c, g` (area, commodity, group indices) and `day`; `need_rows` gives those
    indices for the rows of `needs` (found from the ids when not given)."""
    H, C, K, G = inp.horizon, len(inp.commodities), inp.class_value.shape[1], len(inp.groups)
    nz = np.zeros((inp.n_zones, C, K, H))
    np.add.at(nz, inp.zone_of, inp.need)
    sz = np.zeros_like(nz)
    np.add.at(sz, (model.s_z, model.s_c, model.s_k, model.s_d), values[model.s])
    m = fifo(nz, sz)  # [z, c, k, d', d]

    a, c, g = id_indices(needs, inp, need_rows)
    k = inp.class_of[a, c, g]
    dn = needs["day"].to_numpy() - 1
    z = inp.zone_of[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(nz[z, c, k, dn] > 0, needs["units"].to_numpy() / nz[z, c, k, dn], 0.0)
    keys, units = [], []
    base = (a * C + c) * G + g
    for d in range(H):
        u = m[z, c, k, dn, d] * share
        keep = u > 1e-12
        keys.append(base[keep] * H + d)
        units.append(u[keep])
    uniq, inv = np.unique(np.concatenate(keys), return_inverse=True)
    total = np.bincount(inv.reshape(-1), weights=np.concatenate(units), minlength=len(uniq))
    rest, day = np.divmod(uniq, H)
    rest, g_s = np.divmod(rest, G)
    a_s, c_s = np.divmod(rest, C)
    served = pd.DataFrame({"a": a_s, "c": c_s, "g": g_s, "day": day + 1, "units": total})
    shipments = _shipments(inp, model, values, served)
    loads = _loads(inp, model, values, shipments)
    return shipments, served, loads


def _shipments(
    inp: AllocationInputs, model: AllocationModel, values: np.ndarray, served: pd.DataFrame
) -> pd.DataFrame:
    """Each link's deliveries shared by the areas of its zone in proportion to what they are served
    of that commodity that day."""
    x = values[model.x]
    keep = x > 1e-9
    xs = pd.DataFrame(
        {
            "zone": inp.l_zone[model.x_l[keep]],
            "w": inp.l_wh[model.x_l[keep]],
            "c": model.x_c[keep],
            "day": model.x_d[keep] + 1,
            "units_x": x[keep],
        }
    )
    area_d = served.groupby(["a", "c", "day"], as_index=False, sort=True)["units"].sum()
    area_d["zone"] = inp.zone_of[area_d["a"].to_numpy()]
    area_d["zone_units"] = area_d.groupby(["zone", "c", "day"])["units"].transform("sum")
    out = xs.merge(area_d, on=["zone", "c", "day"])
    out["units"] = out["units_x"] * out["units"] / out["zone_units"]
    out = out[out["units"] > 1e-9]
    w, a, c = out["w"].to_numpy(), out["a"].to_numpy(), out["c"].to_numpy()
    best_v = np.argmin(inp.time_h[w, a, :], axis=1)
    return pd.DataFrame(
        {
            "warehouse": np.asarray(inp.warehouses, dtype=object)[w],
            "area": np.asarray(inp.areas, dtype=object)[a],
            "commodity": np.asarray(inp.commodities, dtype=object)[c],
            "day": out["day"].to_numpy().astype(np.int64),
            "units": out["units"].to_numpy(),
            "kg": out["units"].to_numpy() * inp.kg[c],
            "m3": out["units"].to_numpy() * inp.m3[c],
            "distance_km": inp.dist_km[w, a, best_v],
        }
    ).reset_index(drop=True)


def _loads(
    inp: AllocationInputs, model: AllocationModel, values: np.ndarray, shipments: pd.DataFrame
) -> pd.DataFrame:
    """Vehicle loads per (warehouse, area, vehicle type, day): each link's loads shared by the areas
    of its zone in proportion to the kg they receive from that warehouse that day."""
    y = values[model.y]
    keep = y > 1e-9
    ys = pd.DataFrame(
        {
            "zone": inp.l_zone[model.y_l[keep]],
            "w": inp.l_wh[model.y_l[keep]],
            "v": model.y_v[keep],
            "day": model.y_d[keep] + 1,
            "loads_z": y[keep],
        }
    )
    cols = ["warehouse", "area", "vehicle_type", "day", "loads", "round_trip_h", "trip_cost"]
    if ys.empty or shipments.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    kg = shipments.groupby(["warehouse", "area", "day"], as_index=False)["kg"].sum()
    kg["w"] = index_of(kg["warehouse"], inp.warehouses)
    kg["a"] = index_of(kg["area"], inp.areas)
    kg["zone"] = inp.zone_of[kg["a"].to_numpy()]
    kg["zone_kg"] = kg.groupby(["zone", "w", "day"])["kg"].transform("sum")
    out = ys.merge(kg, on=["zone", "w", "day"])
    out["loads"] = out["loads_z"] * out["kg"] / out["zone_kg"]
    w, a, v = out["w"].to_numpy(), out["a"].to_numpy(), out["v"].to_numpy()
    return pd.DataFrame(
        {
            "warehouse": out["warehouse"].to_numpy(),
            "area": out["area"].to_numpy(),
            "vehicle_type": np.asarray(inp.vehicle_types, dtype=object)[v],
            "day": out["day"].to_numpy().astype(np.int64),
            "loads": out["loads"].to_numpy(),
            "round_trip_h": 2 * inp.time_h[w, a, v] + inp.handling_h,
            "trip_cost": inp.trip_cost[w, a, v],
        }
    )
