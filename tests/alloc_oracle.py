"""An independent allocation model for the tests: per area and group, explicit backlog variables,
every reachable warehouse linked, built as dense matrices and solved by scipy's linprog (HiGHS).

Valid for instances where every trip fits in a day (no delivery delays), as the tests generate."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from scenarios import Scenario, compute_needs


def deprivation_optimum(s: Scenario, time_h: np.ndarray, handling_h: float = 1.0) -> float:
    """min sum_{a,c,g,d} value[a,c,g] (1 + growth (d-1)) backlog[a,c,g,d], value the need row's
    priority x person-days per unit (covers x persons / units of its first day); `time_h[w, a, v]` one
    way."""
    needs = compute_needs(s)
    H = s.policy.horizon_days
    W, A, C, G = len(s.warehouses), len(s.areas), len(s.commodities), len(s.groups)
    V = len(s.vehicle_types)
    n = np.zeros((A, C, G, H))
    ai = {a.id: i for i, a in enumerate(s.areas)}
    ci = {c.id: i for i, c in enumerate(s.commodities)}
    gi = {g.id: i for i, g in enumerate(s.groups)}
    value = np.zeros((A, C, G))  # priority x person-days per unit, from each row's first day
    for r in needs.sort_values("day", kind="stable").itertuples():
        n[ai[r.area], ci[r.commodity], gi[r.group], r.day - 1] += r.units
        key = (ai[r.area], ci[r.commodity], gi[r.group])
        if value[key] == 0 and r.units > 0:
            value[key] = r.priority * r.covers * r.persons / r.units
    count = np.zeros((W, V))
    wi = {w.id: i for i, w in enumerate(s.warehouses)}
    vi = {v.id: i for i, v in enumerate(s.vehicle_types)}
    for f in s.fleet:
        count[wi[f.warehouse], vi[f.vehicle_type]] += f.count
    t = np.where(count[:, None, :] > 0, time_h, np.inf)
    reach = np.isfinite(t).any(axis=2)

    cols: dict[tuple, int] = {}

    def col(*key) -> int:
        return cols.setdefault(key, len(cols))

    for w, a, c, d in itertools.product(range(W), range(A), range(C), range(H)):
        if reach[w, a]:
            col("x", w, a, c, d)
    for a, c, g, d in itertools.product(range(A), range(C), range(G), range(H)):
        col("s", a, c, g, d)
        col("b", a, c, g, d)
    for w, a, v, d in itertools.product(range(W), range(A), range(V), range(H)):
        if np.isfinite(t[w, a, v]):
            col("y", w, a, v, d)
    N = len(cols)
    A_ub, b_ub, A_eq, b_eq = [], [], [], []

    def row(entries):
        r = np.zeros(N)
        for k, v in entries:
            r[cols[k]] += v
        return r

    kg = np.array([c.kg_per_unit for c in s.commodities])
    m3 = np.array([c.m3_per_unit for c in s.commodities])
    for a, c, d in itertools.product(range(A), range(C), range(H)):
        ent = [(("x", w, a, c, d), 1.0) for w in range(W) if reach[w, a]]
        ent += [(("s", a, c, g, d), -1.0) for g in range(G)]
        A_eq.append(row(ent))
        b_eq.append(0.0)
    for a, c, g, d in itertools.product(range(A), range(C), range(G), range(H)):
        served = [(("s", a, c, g, e), 1.0) for e in range(d + 1)]
        A_ub.append(row(served))  # no serving ahead of need
        b_ub.append(n[a, c, g, : d + 1].sum())
        A_ub.append(row([*served, (("b", a, c, g, d), 1.0)]))  # backlog >= need - served
        b_ub.append(np.inf)
        A_ub[-1] = -A_ub[-1]
        b_ub[-1] = -n[a, c, g, : d + 1].sum()
    for w, c, d in itertools.product(range(W), range(C), range(H)):
        ent = [(("x", w, a, c, e), 1.0) for a in range(A) for e in range(d + 1) if reach[w, a]]
        if ent:
            A_ub.append(row(ent))
            b_ub.append(s.warehouses[w].stock.get(s.commodities[c].id, 0.0))
    for w, a, d in itertools.product(range(W), range(A), range(H)):
        if not reach[w, a]:
            continue
        ys = [v for v in range(V) if np.isfinite(t[w, a, v])]
        for per_unit, cap in ((kg, "capacity_kg"), (m3, "capacity_m3")):
            ent = [(("x", w, a, c, d), per_unit[c]) for c in range(C)]
            ent += [(("y", w, a, v, d), -getattr(s.vehicle_types[v], cap)) for v in ys]
            A_ub.append(row(ent))
            b_ub.append(0.0)
    for w, v, d in itertools.product(range(W), range(V), range(H)):
        ent = [(("y", w, a, v, d), 2 * t[w, a, v] + handling_h) for a in range(A) if np.isfinite(t[w, a, v])]
        if ent:
            A_ub.append(row(ent))
            b_ub.append(count[w, v] * s.vehicle_types[v].shift_h)
    growth = s.policy.deprivation_growth_per_day
    cost = np.zeros(N)
    for a, c, g, d in itertools.product(range(A), range(C), range(G), range(H)):
        cost[cols[("b", a, c, g, d)]] = value[a, c, g] * (1 + growth * d)
    res = linprog(
        cost,
        A_ub=np.array(A_ub),
        b_ub=np.array(b_ub),
        A_eq=np.array(A_eq),
        b_eq=np.array(b_eq),
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0, res.message
    return float(res.fun)
