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
    """(area, commodity, day the goods arrive) -> units: one clock, hours since day 1, 00:00; with what
    the plan's water points serve."""
    out: dict = defaultdict(float)
    for t in plan["trips"]:
        for st in t["stops"]:
            day = int(st["arrive_h"] // 24) + 1
            for c, q in st["deliver"].items():
                out[(st["area"], c, day)] += q
    for w in plan.get("water_service", []):  # served by local water points, on their days
        out[(w["area"], w["commodity"], int(w["day"]))] += w["units"]
    return out


def service(s: Scenario, plan: dict):
    """Per (area, commodity, group): served total; per (area, commodity, group, day): the units still
    owed at the day's end. Goods go to the rows of highest priority first, oldest need first."""
    needs = compute_needs(s)
    H = s.policy.horizon_days
    prio = {(r.area, r.commodity, r.group): round(r.priority, 9) for r in needs.itertuples(index=False)}
    got = delivered(plan)
    need: dict = defaultdict(float)
    for r in needs.itertuples(index=False):
        need[(r.area, r.commodity, r.group, int(r.day))] += r.units
    keys = sorted({(a, c) for a, c, _, _ in need})
    served: dict = defaultdict(float)
    owed: dict = {}
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
            for wgt in sorted({prio[(a, c, g)] for g in groups}, reverse=True):
                cls = [g for g in groups if prio[(a, c, g)] == wgt]
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
                    owed[(a, c, g, d)] = sum(x[1] for x in queue[g])
    return needs, served, owed


def kpis(s: Scenario, plan: dict) -> dict:
    """The KPIs recomputed from the needs table and the trips alone: fill rates weighted by the
    person-days a unit is worth (covers x persons / units of its first day), person-days without each
    category (people short each day: min(persons, owed / need per person) x covers)."""
    needs, served, owed = service(s, plan)
    kind = {c.id: c.kind for c in s.commodities}
    first_row: dict = {}
    for r in needs.sort_values("day", kind="stable").itertuples(index=False):
        first_row.setdefault((r.area, r.commodity, r.group), r)
    pd_unit = {k: r.covers * r.persons / r.units for k, r in first_row.items()}
    need_acg: dict = defaultdict(float)
    for r in needs.itertuples(index=False):
        need_acg[(r.area, r.commodity, r.group)] += r.units
    by_c = {}
    for c in {c for _, c, _ in need_acg}:
        n = sum(v for (_, cc, _), v in need_acg.items() if cc == c)
        by_c[c] = min(1.0, sum(v for (_, cc, _), v in served.items() if cc == c) / n)

    def fill(pick) -> dict:
        need_pd, short_pd = defaultdict(float), defaultdict(float)
        for k, n in need_acg.items():
            need_pd[pick(k)] += n * pd_unit[k]
            short_pd[pick(k)] += max(0.0, n - served[k]) * pd_unit[k]
        return {x: 1 - short_pd[x] / v for x, v in need_pd.items() if v > 0}

    by_area, by_group = fill(lambda k: k[0]), fill(lambda k: k[2])
    total = fill(lambda k: "all")["all"]
    unmet_w = sum(first_row[k].priority * max(0.0, n - served[k]) for k, n in need_acg.items())
    by_day: dict = defaultdict(dict)  # (a, c, g) -> day -> its need row
    for r in needs.itertuples(index=False):
        by_day[(r.area, r.commodity, r.group)][int(r.day)] = r
    without: dict = defaultdict(float)
    for (a, c, g, d), left in owed.items():
        days = by_day[(a, c, g)]
        r = days[max(x for x in days if x <= d)]  # that day's row, else the latest before it
        per_person = r.units / r.persons
        without[kind[c]] += min(r.persons, left / per_person) * r.covers
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
        "fill_rate": total,
        "fill_rate_by_commodity": by_c,
        "fill_rate_by_area": by_area,
        "fill_rate_by_group": by_group,
        "weighted_unmet": unmet_w,
        "person_days_without": dict(without),
        "person_days_deprived": sum(without.values()),
        "first_delivery_h": first,
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


def vessel_problems(s: Scenario, plan: dict, modes: tuple[str, ...] | None = None) -> list[str]:
    """Legs whose places are not joined by edges the trip's vehicle type may use: the edge's mode one of
    its modes, and at every water level of the horizon the edge's vessel list (when it has one, per
    level) naming the type. Every place must sit on a node (the river fixtures' do; in the library the
    boats' warehouses and kampung do: `modes=("river",)` checks only types that move by river alone)."""
    import networkx as nx

    H = s.policy.horizon_days
    level, levels = s.policy.water_level, set()
    for d in range(1, H + 1):
        level = s.policy.water_level_by_day.get(d, level)
        levels.add(level)
    node = {a.id: a.node for a in s.areas} | {w.id: w.node for w in s.warehouses}
    out = []
    for t in plan["trips"]:
        vt = next(v for v in s.vehicle_types if v.id == t["vehicle_type"])
        if modes is not None and not set(vt.modes) <= set(modes):
            continue
        g = nx.Graph()
        for e in s.network.edges:
            lists = [getattr(e, f"vessels_{lv}", None) if lv != "normal" else None for lv in levels]
            lists = [x if x is not None else e.vessels for x in lists]
            if e.mode in vt.modes and all(x is None or vt.id in x for x in lists):
                g.add_edge(e.source, e.target)
        places = [t["warehouse"], *[st["area"] for st in t["stops"]], t["warehouse"]]
        for a, b in itertools.pairwise(places):
            joined = g.has_node(node[a]) and g.has_node(node[b]) and nx.has_path(g, node[a], node[b])
            if node[a] != node[b] and not joined:
                out.append(f"{t['vehicle']}: {vt.id} cannot go from {a} to {b}")
    return out
