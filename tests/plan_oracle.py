"""An independent recomputation of a plan's KPIs from plan.json, the scenario and its needs.

Written apart from optimizer/plan (plain loops and dicts, no shared helpers) so the tests compare two
implementations of the definitions in docs/plan-format.md.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Scenario


def delivered(plan: dict) -> dict[tuple[str, str, int], float]:
    """(area, commodity, day the goods arrive) -> units: one clock, hours since day 1, 00:00."""
    out: dict = defaultdict(float)
    for t in plan["trips"]:
        for st in t["stops"]:
            day = int(st["arrive_h"] // 24) + 1
            for c, q in st["deliver"].items():
                out[(st["area"], c, day)] += q
    return out


def service(s: Scenario, plan: dict):
    """Per (area, commodity, group): served total; per (area, group, day): worst unmet share to date."""
    needs = compute_needs(s)
    H = s.policy.horizon_days
    weight = {g.id: g.priority_weight for g in s.groups}
    got = delivered(plan)
    need: dict = defaultdict(float)
    for r in needs.itertuples(index=False):
        need[(r.area, r.commodity, r.group, int(r.day))] += r.units
    keys = sorted({(a, c) for a, c, _, _ in need})
    served: dict = defaultdict(float)
    worst: dict = defaultdict(float)
    for a, c in keys:
        groups = sorted({g for (aa, cc, g, _) in need if (aa, cc) == (a, c)})
        queue = {g: [] for g in groups}  # [need day, units left]
        held, cum = 0.0, defaultdict(float)
        for d in range(1, H + 1):
            for g in groups:
                q = need.get((a, c, g, d), 0.0)
                cum[g] += q
                if q > 0:
                    queue[g].append([d, q])
            held += got.get((a, c, d), 0.0)
            for wgt in sorted({weight[g] for g in groups}, reverse=True):
                cls = [g for g in groups if weight[g] == wgt]
                lack = {g: sum(x[1] for x in queue[g]) for g in cls}
                total = sum(lack.values())
                if total <= 0 or held <= 0:
                    continue
                give = min(held, total)
                held -= give
                for g in cls:
                    amount = give * lack[g] / total
                    served[(a, c, g)] += amount
                    for item in queue[g]:
                        take = min(item[1], amount)
                        item[1] -= take
                        amount -= take
            for g in groups:
                if cum[g] > 0:
                    share = min(1.0, max(0.0, sum(x[1] for x in queue[g]) / cum[g]))
                    worst[(a, g, d)] = max(worst[(a, g, d)], share)
    return needs, served, worst


def kpis(s: Scenario, plan: dict) -> dict:
    needs, served, worst = service(s, plan)
    weight = {g.id: g.priority_weight for g in s.groups}
    need_ac, need_gc, need_acg = defaultdict(float), defaultdict(float), defaultdict(float)
    for r in needs.itertuples(index=False):
        need_ac[(r.area, r.commodity)] += r.units
        need_gc[(r.group, r.commodity)] += r.units
        need_acg[(r.area, r.commodity, r.group)] += r.units
    got_ac, got_gc = defaultdict(float), defaultdict(float)
    for (a, c, g), u in served.items():
        got_ac[(a, c)] += u
        got_gc[(g, c)] += u
    by_c = {}
    for c in {c for _, c in need_ac}:
        n = sum(v for (_, cc), v in need_ac.items() if cc == c)
        if n > 0:
            by_c[c] = min(1.0, sum(v for (_, cc), v in got_ac.items() if cc == c) / n)
    by_area = {}
    for a in {a for a, _ in need_ac}:
        rates = [min(1.0, got_ac[(a, c)] / n) for (aa, c), n in need_ac.items() if aa == a and n > 0]
        by_area[a] = sum(rates) / len(rates)
    by_group = {}
    for g in {g for g, _ in need_gc}:
        rates = [min(1.0, got_gc[(g, c)] / n) for (gg, c), n in need_gc.items() if gg == g and n > 0]
        by_group[g] = sum(rates) / len(rates)
    unmet_w = sum(weight[g] * max(0.0, n - served[(a, c, g)]) for (a, c, g), n in need_acg.items())
    people = {(a.id, g): n for a in s.areas for g, n in a.people.items()}
    first: dict = {}
    for t in plan["trips"]:
        for st in t["stops"]:
            h = st["arrive_h"]
            first[st["area"]] = min(first.get(st["area"], h), h)
    arr = np.array(list(first.values()))
    rates = list(by_area.values())
    mean = sum(rates) / len(rates)
    gini = sum(abs(x - y) for x in rates for y in rates) / (2 * len(rates) ** 2 * mean) if mean > 0 else 0.0
    vt = {v.id: v for v in s.vehicle_types}
    cost = sum(
        vt[t["vehicle_type"]].cost_per_km * t["distance_km"]
        + vt[t["vehicle_type"]].cost_per_h * t["duration_h"]
        for t in plan["trips"]
    )
    cost += sum(
        vt[v].fixed_cost
        for v in {(t["vehicle"], t["day"]): t["vehicle_type"] for t in plan["trips"]}.values()
    )
    return {
        "fill_rate": sum(by_c.values()) / len(by_c),
        "fill_rate_by_commodity": by_c,
        "fill_rate_by_area": by_area,
        "fill_rate_by_group": by_group,
        "weighted_unmet": unmet_w,
        "person_days_deprived": sum(people.get((a, g), 0.0) * v for (a, g, _), v in worst.items()),
        "arrival_h": {
            "mean": float(arr.mean()),
            "p90": float(np.percentile(arr, 90)),
            "max": float(arr.max()),
        },
        "min_area_fill_rate": min(rates),
        "max_area_fill_rate": max(rates),
        "gini": gini,
        "cost": cost,
        "vehicle_hours": sum(t["duration_h"] for t in plan["trips"]),
        "vehicles_used": len({t["vehicle"] for t in plan["trips"]}),
    }


def trip_distances_km(s: Scenario, plan: dict) -> list[tuple[float, float]]:
    """(stated, recomputed from the network) km of each trip: the empty drive to its warehouse (when it
    has one), then warehouse -> stops -> warehouse."""
    sn = ScenarioNetwork(s)
    vts = {v.id: v for v in s.vehicle_types}
    wi = {w.id: i for i, w in enumerate(s.warehouses)}
    ai = {a.id: i for i, a in enumerate(s.areas)}
    out = []
    for t in plan["trips"]:
        vt = vts[t["vehicle_type"]]
        wa = sn.matrix(vt, "warehouses", "areas").distance_km
        aa = sn.matrix(vt, "areas", "areas").distance_km
        aw = sn.matrix(vt, "areas", "warehouses").distance_km
        stops = [ai[st["area"]] for st in t["stops"]]
        km = wa[wi[t["warehouse"]], stops[0]] + aw[stops[-1], wi[t["warehouse"]]]
        km += sum(aa[x, y] for x, y in itertools.pairwise(stops) if x != y)
        if t.get("empty_from"):
            km += sn.matrix(vt, "warehouses", "warehouses").distance_km[
                wi[t["empty_from"]], wi[t["warehouse"]]
            ]
        out.append((t["distance_km"], float(km)))
    return out


def timeline_problems(s: Scenario, plan: dict) -> list[str]:
    """What is wrong with a plan's timelines, recomputed here apart from the checker: a vehicle on two
    trips at once, times out of order or before 00:00 of day 1, arrivals after the horizon, goods
    credited before they arrive, or a vehicle working more than its shift in a calendar day."""
    H, tol = s.policy.horizon_days, 0.02
    shift = {v.id: v.shift_h for v in s.vehicle_types}
    out: list[str] = []
    by_vehicle: dict[str, list[dict]] = defaultdict(list)
    for t in plan["trips"]:
        by_vehicle[t["vehicle"]].append(t)
        out += [f"{t['vehicle']}: {p}" for p in _trip_order(t, 24 * H, tol)]
    for v, trips in by_vehicle.items():
        trips.sort(key=_begin)
        for a, b in itertools.pairwise(trips):
            if _begin(b) < a["return_h"] - tol:
                out.append(f"{v}: a trip begins at {_begin(b)} before the last is back at {a['return_h']}")
        worked: dict[int, float] = defaultdict(float)
        for t in trips:
            for lo, hi in _worked(t):
                for d in range(int(lo // 24), int(hi // 24) + 1):
                    worked[d] += max(0.0, min(hi, 24 * d + 24) - max(lo, 24 * d))
        out += [
            f"{v}: {h:.2f} h of work on day {d + 1}"
            for d, h in worked.items()
            if h > shift[trips[0]["vehicle_type"]] + tol
        ]
    return out + _credit_problems(plan, H)


def _begin(t: dict) -> float:
    return t["start_h"] if t.get("start_h") is not None else t["depart_h"]


def _trip_order(t: dict, end_h: float, tol: float) -> list[str]:
    clock = [_begin(t), t["depart_h"]]
    for st in t["stops"]:
        clock += [st["arrive_h"], st.get("leave_h", st["arrive_h"])]
        if st["arrive_h"] > end_h + tol:
            return [f"arrives at {st['area']} at {st['arrive_h']}, after the horizon"]
    clock.append(t["return_h"])
    if min(clock) < -tol:
        return [f"a time before 00:00 of day 1: {min(clock)}"]
    if any(b < a - tol for a, b in itertools.pairwise(clock)):
        return [f"times out of order: {clock}"]
    if t["day"] != int(t["depart_h"] // 24) + 1:
        return [f"day {t['day']} but departs at {t['depart_h']}"]
    return []


def _worked(t: dict) -> list[tuple[float, float]]:
    """The trip's span without its rests."""
    spans = [(_begin(t), t["return_h"])]
    for r in sorted(t.get("rests", []), key=lambda r: r["from_h"]):
        nxt = []
        for lo, hi in spans:
            if r["until_h"] <= lo or r["from_h"] >= hi:
                nxt.append((lo, hi))
                continue
            nxt += [(lo, r["from_h"])] if r["from_h"] > lo else []
            nxt += [(r["until_h"], hi)] if r["until_h"] < hi else []
        spans = nxt
    return spans


def _credit_problems(plan: dict, H: int) -> list[str]:
    came: dict = defaultdict(float)
    for t in plan["trips"]:
        for st in t["stops"]:
            for c, q in st["deliver"].items():
                came[(t["warehouse"], st["area"], c, int(st["arrive_h"] // 24) + 1)] += q
    credited: dict = defaultdict(float)
    out = []
    for sh in plan.get("shipments", []):
        if not 1 <= sh["day"] <= H:
            out.append(f"{sh} credited outside the horizon")
        credited[(sh["warehouse"], sh["area"], sh["commodity"], sh["day"])] += sh["units"]
    for w, a, c in {k[:3] for k in credited}:
        got = listed = 0.0
        for d in range(1, H + 1):
            got += came.get((w, a, c, d), 0.0)
            listed += credited.get((w, a, c, d), 0.0)
            if listed > got + 1e-3:
                out.append(f"{w}/{a}/{c}: {listed} credited by day {d}, {got} arrived")
                break
    return out
