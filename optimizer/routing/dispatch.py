"""A scenario's shipments -> trips: loads per warehouse and day, one routing problem per warehouse and
day (loads leave from the warehouse that ships them and vehicles return to their base, so these
problems are independent and exact to solve apart), solved by the chosen engine, read back as trips
with stops, arrival hours and what to unload, plus the loads left unassigned with their reason.

Clock: each problem counts seconds from 00:00 of its dispatch day. Vehicles leave at
`policy.day_start_h` (daylight-only types not before 06:00 and back by 18:00) and work at most their
shift. A load no vehicle can deliver within one shift (the allocation's delivery lag) is counted on the
delivery day's clock (`arrive_h`), and a round trip longer than a shift (a multi-day haul, e.g. Berau to
Samarinda) lets the vehicle stay away that many more days. Limitation: each day's problems are solved
apart, so a vehicle away on a multi-day haul counts as available again the next day (the allocation's
fleet-hours constraint already rations those hauls).
Reasons, in the order they are checked: `over_capacity` (a single unit bigger than every vehicle that can
make the trip), `unreachable` (no vehicle type based at the warehouse reaches the area and comes back),
`time_window` (no such vehicle can arrive inside the area's access window and be back inside its shift),
`fleet_exhausted` (feasible alone, but the fleet's trips were used for higher-priority loads).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from network import ScenarioNetwork, TravelMatrix
from scenarios import compute_needs
from scenarios.model import Scenario
from scenarios.model import VehicleType as ScenarioVehicle

from . import units as u
from .engine import DEFAULT_OPTIONS, RoutingOptions, solve_routing
from .loads import Load, make_loads
from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, VehicleType
from .solution import RoutingSolution

__all__ = ["REASONS", "DispatchPart", "DispatchSettings", "RoutingResult", "route_shipments"]

REASONS = ("unreachable", "over_capacity", "time_window", "fleet_exhausted")
DAYLIGHT_H = (6.0, 18.0)
MIN_PART_S = 0.02  # search seconds for the smallest warehouse-day problem under a time limit


@dataclass(frozen=True)
class DispatchSettings:
    stop_h: float = 0.25  # per load: parking, paperwork
    handling_h_per_t: float = 0.25  # loading at the warehouse plus unloading at the stop, per tonne
    max_reloads: int = 8  # trips per vehicle and day, minus one
    prize_trips: float = 10.0  # a full vehicle load's prize, in multiples of the costliest single trip


DEFAULT_SETTINGS = DispatchSettings()


@dataclass(frozen=True)
class DispatchPart:
    warehouse: str
    day: int
    lag_days: int
    problem: RoutingProblem
    loads: tuple[Load, ...]  # job j carries loads[j]
    vehicle_types: tuple[str, ...]  # problem vehicle type -> scenario vehicle type
    areas: tuple[str, ...]  # problem location k + 1 -> area


@dataclass(frozen=True)
class RoutingResult:
    """Trips (one per departure from a warehouse), loads left unassigned with reasons, KPIs, status
    ("feasible" when every load travels, "partial" otherwise), and the solved parts for checking."""

    trips: list[dict]
    unassigned: pd.DataFrame
    kpis: dict
    status: str
    solve_seconds: float
    parts: tuple[tuple[DispatchPart, RoutingSolution], ...] = field(repr=False, default=())


class _Travel:
    """Per vehicle type: warehouse->area, area->area, area->warehouse matrices, computed on demand."""

    def __init__(self, scenario: Scenario, sn: ScenarioNetwork):
        self.s, self.sn = scenario, sn
        self.vt = {v.id: v for v in scenario.vehicle_types}
        self._m: dict[tuple[str, str, str], TravelMatrix] = {}
        self.wi = {w.id: i for i, w in enumerate(scenario.warehouses)}
        self.ai = {a.id: i for i, a in enumerate(scenario.areas)}

    def m(self, v: str, rows: str, cols: str) -> TravelMatrix:
        key = (v, rows, cols)
        if key not in self._m:
            self._m[key] = self.sn.matrix(self.vt[v], rows, cols)
        return self._m[key]

    def out_back_h(self, v: str, w: str, a: str) -> tuple[float, float]:
        return (
            self.m(v, "warehouses", "areas").time_h[self.wi[w], self.ai[a]],
            self.m(v, "areas", "warehouses").time_h[self.ai[a], self.wi[w]],
        )


def _window_h(vt: ScenarioVehicle, day_start_h: float) -> tuple[float, float]:
    start, end = day_start_h, day_start_h + vt.shift_h
    if vt.daylight_only:
        start, end = max(start, DAYLIGHT_H[0]), min(end, DAYLIGHT_H[1])
    return start, max(start, end)


def _lag(out_h: float, vt: ScenarioVehicle, day_start_h: float) -> int:
    lo, hi = _window_h(vt, day_start_h)
    shift = max(hi - lo, 1e-9)
    return max(math.ceil(out_h / shift) - 1, 0)


def _priorities(scenario: Scenario, needs: pd.DataFrame | None = None) -> dict[tuple[str, str, int], float]:
    needs = compute_needs(scenario) if needs is None else needs
    if needs.empty:
        return {}
    w = {g.id: g.priority_weight for g in scenario.groups}
    needs = needs.assign(wu=needs["units"] * needs["group"].map(w))
    g = needs.groupby(["area", "commodity", "day"])[["wu", "units"]].sum()
    g = g[g["units"] > 0]
    return {k: float(v) for k, v in (g["wu"] / g["units"]).items()}


def route_shipments(
    scenario: Scenario,
    shipments: pd.DataFrame,
    options: RoutingOptions = DEFAULT_OPTIONS,
    settings: DispatchSettings = DEFAULT_SETTINGS,
    network: ScenarioNetwork | None = None,
    progress: Callable[[dict], None] | None = None,
    needs: pd.DataFrame | None = None,
) -> RoutingResult:
    """Trips that carry `shipments` (warehouse, area, commodity, day, units), best first by priority
    (load priorities from `needs`, computed from the scenario when not given)."""
    t0 = time.perf_counter()
    s = scenario
    tr = _Travel(s, network or ScenarioNetwork(s))
    fleet = {}
    for f in s.fleet:
        if f.count > 0:
            fleet.setdefault(f.warehouse, {})[f.vehicle_type] = (
                fleet.get(f.warehouse, {}).get(f.vehicle_type, 0) + f.count
            )
    reach = _reach(s, tr, fleet, shipments)
    cap = {}
    for (w, a), types in reach.items():
        if types:
            best = max(types, key=lambda v: (tr.vt[v].capacity_kg, tr.vt[v].capacity_m3))
            cap[(w, a)] = (tr.vt[best].capacity_kg, tr.vt[best].capacity_m3)
    loads = make_loads(s, shipments, cap, _priorities(s, needs))
    parts, rejected = _parts(s, tr, fleet, reach, loads, settings)
    solved = _solve_parts(parts, options, progress)
    return _result(s, tr, solved, rejected, time.perf_counter() - t0)


def _reach(s, tr: _Travel, fleet, shipments) -> dict[tuple[str, str], list[str]]:
    out = {}
    for w, a in shipments[["warehouse", "area"]].drop_duplicates().itertuples(index=False):
        types = []
        for v in sorted(fleet.get(w, {})):
            go, back = tr.out_back_h(v, w, a)
            if np.isfinite(go) and np.isfinite(back):
                types.append(v)
        out[(w, a)] = types
    return out


def _fits_window(s, tr, v, w, a, load: Load, st: DispatchSettings) -> bool:
    vt = tr.vt[v]
    go, back = tr.out_back_h(v, w, a)
    lag = _lag(go, vt, s.policy.day_start_h)
    lo, hi = _window_h(vt, s.policy.day_start_h)
    hi += 24 * _away_days(go + back + _service_h(load, st), vt, s.policy.day_start_h)
    arrive = lo + go
    area = s.areas[tr.ai[a]]
    if area.access_window_h is not None:
        open_h, close_h = (x + 24 * lag for x in area.access_window_h)
        if arrive > close_h:
            return False
        arrive = max(arrive, open_h)
    return arrive + _service_h(load, st) + back <= hi + 1e-9


def _away_days(round_trip_h: float, vt: ScenarioVehicle, day_start_h: float) -> int:
    """Extra days a vehicle is away on a round trip longer than its shift (a multi-day haul)."""
    return _lag(round_trip_h, vt, day_start_h)


def _service_h(load: Load, st: DispatchSettings) -> float:
    return st.stop_h + st.handling_h_per_t * load.kg / 1000


def _parts(s, tr, fleet, reach, loads, st) -> tuple[list[DispatchPart], list[tuple[Load, str]]]:
    rejected: list[tuple[Load, str]] = []
    by_key: dict[tuple[str, int], list[Load]] = {}
    for load in loads:
        types = reach.get((load.warehouse, load.area), [])
        if load.reason is not None:
            rejected.append((load, load.reason))
        elif not types:
            rejected.append((load, "unreachable"))
        elif not any(_fits_window(s, tr, v, load.warehouse, load.area, load, st) for v in types):
            rejected.append((load, "time_window"))
        else:
            by_key.setdefault((load.warehouse, load.day), []).append(load)
    parts = [_part(s, tr, fleet[w], reach, w, d, ls, st) for (w, d), ls in sorted(by_key.items())]
    return parts, rejected


def _part(s, tr: _Travel, fleet_w: dict, reach, w: str, day: int, loads: list[Load], st) -> DispatchPart:
    areas = tuple(sorted({ld.area for ld in loads}))
    types = tuple(sorted(fleet_w))
    lag = max(
        min(
            _lag(tr.out_back_h(v, w, ld.area)[0], tr.vt[v], s.policy.day_start_h) for v in reach[(w, ld.area)]
        )
        for ld in loads
    )
    away = {
        v: max(
            (
                _away_days(
                    sum(tr.out_back_h(v, w, ld.area)) + _service_h(ld, st), tr.vt[v], s.policy.day_start_h
                )
                for ld in loads
                if v in reach[(w, ld.area)]
            ),
            default=0,
        )
        for v in types
    }
    dists, durs = [], []
    a_idx = np.array([tr.ai[a] for a in areas])
    wi = tr.wi[w]
    for v in types:
        n = len(areas) + 1
        t_h, d_km = np.zeros((n, n)), np.zeros((n, n))
        wa, aa, aw = tr.m(v, "warehouses", "areas"), tr.m(v, "areas", "areas"), tr.m(v, "areas", "warehouses")
        for mat, src in ((t_h, "time_h"), (d_km, "distance_km")):
            mat[0, 1:] = getattr(wa, src)[wi, a_idx]
            mat[1:, 0] = getattr(aw, src)[a_idx, wi]
            mat[1:, 1:] = getattr(aa, src)[np.ix_(a_idx, a_idx)]
            np.fill_diagonal(mat, 0.0)
        durs.append(u.matrix_seconds(t_h))
        dists.append(u.matrix_metres(d_km))
    base = round(st.prize_trips * _trip_cost_bound(types, dists, durs, tr))
    max_kg = max(u.capacity(tr.vt[v].capacity_kg, tr.vt[v].capacity_m3)[0] for v in types)
    loc_of = {a: k + 1 for k, a in enumerate(areas)}
    classes: dict[frozenset, int] = {}
    jobs = []
    for ld in loads:
        kg, litres = u.load_amount(ld.kg, ld.m3)
        ok = frozenset(
            k for k, v in enumerate(types) if v in reach[(w, ld.area)] and _fits(tr.vt[v], kg, litres)
        )
        cls = classes.setdefault(ok, len(classes))
        area = s.areas[tr.ai[ld.area]]
        lo, hi = 0, INF_TIME
        if area.access_window_h is not None:
            lo, hi = (u.seconds(x + 24 * lag) for x in area.access_window_h)
        jobs.append(
            Job(
                location=loc_of[ld.area],
                delivery=(kg, litres),
                service=u.seconds(_service_h(ld, st)),
                tw_early=lo,
                tw_late=hi,
                prize=round(base * ld.priority * max(kg / max_kg, 0.05)),
                required=False,
                skills=frozenset({cls}),
                name=ld.area,
            )
        )
    vts = []
    for k, v in enumerate(types):
        vt = tr.vt[v]
        lo, hi = _window_h(vt, s.policy.day_start_h)
        fixed, per_m, per_s = _unit_costs(vt)
        vts.append(
            VehicleType(
                count=fleet_w[v],
                capacity=u.capacity(vt.capacity_kg, vt.capacity_m3),
                tw_early=u.seconds(lo),
                tw_late=u.seconds(hi + 24 * max(lag, away[v])),
                max_duration=u.seconds(hi - lo + 24 * max(lag, away[v])),
                fixed_cost=fixed,
                unit_distance_cost=per_m,
                unit_duration_cost=per_s,
                profile=k,
                skills=frozenset(c for ok, c in classes.items() if k in ok),
                reload_depots=(0,),
                max_reloads=st.max_reloads,
                name=v,
            )
        )
    problem = RoutingProblem(
        (Depot(0, name=w),), tuple(jobs), tuple(vts), tuple(dists), tuple(durs), name=f"{w}/day{day}"
    )
    return DispatchPart(w, day, lag, problem, tuple(loads), types, areas)


def _fits(vt: ScenarioVehicle, kg: int, litres: int) -> bool:
    cap_kg, cap_l = u.capacity(vt.capacity_kg, vt.capacity_m3)
    return kg <= cap_kg and litres <= cap_l


def _unit_costs(vt: ScenarioVehicle) -> tuple[int, int, int]:
    """(fixed, per metre, per second) in money units; vehicle seconds when the type has no prices."""
    priced = vt.cost_per_km > 0 or vt.cost_per_h > 0 or vt.fixed_cost > 0
    if not priced:
        return 0, 0, 1
    return u.money(vt.fixed_cost), u.per_metre(vt.cost_per_km), u.per_second(vt.cost_per_h)


def _trip_cost_bound(types, dists, durs, tr: _Travel) -> int:
    """The cost of the costliest out-and-back trip to one area of the problem (plus 4 h of handling)."""
    worst = 1
    for k, v in enumerate(types):
        fixed, per_m, per_s = _unit_costs(tr.vt[v])
        d, t = dists[k][0, 1:] + dists[k][1:, 0], durs[k][0, 1:] + durs[k][1:, 0]
        ok = (dists[k][0, 1:] < UNREACHABLE) & (dists[k][1:, 0] < UNREACHABLE)
        if ok.any():
            worst = max(worst, fixed + per_m * int(d[ok].max()) + per_s * (int(t[ok].max()) + u.seconds(4)))
    return worst


def _solve_one(args) -> RoutingSolution:
    part, opts = args
    return solve_routing(part.problem, opts)


def _solve_parts(parts, o: RoutingOptions, progress) -> list[tuple[DispatchPart, RoutingSolution]]:
    total = sum(len(p.problem.jobs) for p in parts) or 1
    workers = max(1, min(o.workers, len(parts)))
    runs = []
    for p in parts:
        limit = None
        if o.time_limit_s is not None:
            limit = min(
                o.time_limit_s, max(MIN_PART_S, o.time_limit_s * workers * len(p.problem.jobs) / total)
            )
        # one part alone may use the parallel seeds; several parts share the cores instead
        runs.append((p, replace(o, time_limit_s=limit, workers=o.workers if workers == 1 else 1)))
    out = []
    if workers == 1:
        for k, run in enumerate(runs):
            out.append((run[0], _solve_one(run)))
            if progress is not None:
                progress({"stage": "routing", "done": k + 1, "total": len(runs)})
        return out
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        for k, sol in enumerate(pool.map(_solve_one, runs)):
            out.append((runs[k][0], sol))
            if progress is not None:
                progress({"stage": "routing", "done": k + 1, "total": len(runs)})
    return out


def _result(s, tr: _Travel, solved, rejected, seconds) -> RoutingResult:
    trips, left = [], list(rejected)
    cost = 0
    for part, sol in solved:
        if not sol.feasible:  # never expected (the engines start from, or keep, a feasible plan)
            left += [(ld, "fleet_exhausted") for ld in part.loads]
            continue
        cost += sum(r.cost for r in sol.routes)
        trips += _trips(part, sol, tr)
        left += [(part.loads[j], "fleet_exhausted") for j in sol.unassigned]
    un = pd.DataFrame(
        [
            {
                "warehouse": ld.warehouse,
                "area": ld.area,
                "commodity": c,
                "day": ld.day,
                "units": q,
                "kg": ld.kg * q / sum(ld.units.values()) if sum(ld.units.values()) else 0.0,
                "reason": why,
            }
            for ld, why in left
            for c, q in ld.units.items()
        ],
        columns=["warehouse", "area", "commodity", "day", "units", "kg", "reason"],
    )
    kg_total = sum(ld.kg for p, _ in solved for ld in p.loads) + sum(ld.kg for ld, _ in rejected)
    kg_left = float(un["kg"].sum()) if len(un) else 0.0
    kpis = {
        "trips": len(trips),
        "vehicles_used": len({t["vehicle"] + f"@{t['day']}" for t in trips}),
        "distance_km": round(sum(t["distance_km"] for t in trips), 3),
        "vehicle_hours": round(sum(r.duration for _, sol in solved for r in sol.routes) / 3600, 3),
        "tonne_km": round(sum(t["tonne_km"] for t in trips), 3),
        "cost": u.to_idr(cost),
        "loads": sum(len(p.loads) for p, _ in solved) + len(rejected),
        "kg_carried_share": (kg_total - kg_left) / kg_total if kg_total else 1.0,
        "unassigned_kg_by_reason": un.groupby("reason")["kg"].sum().round(3).to_dict() if len(un) else {},
    }
    status = "feasible" if not left else "partial"
    return RoutingResult(trips, un, kpis, status, seconds, tuple(solved))


def _trips(part: DispatchPart, sol: RoutingSolution, tr: _Travel) -> list[dict]:
    p, out = part.problem, []
    offset_h = 24 * part.lag_days
    for r in sol.routes:
        v = part.vehicle_types[r.vehicle_type]
        vt = p.vehicle_types[r.vehicle_type]
        dist, dur = p.distances[vt.profile], p.durations[vt.profile]
        now = r.start
        for k, trip in enumerate(r.trips):
            here, metres, stops, onboard = 0, 0, [], sum(part.loads[x.job].kg for x in trip.visits)
            tkm, depart = 0.0, now
            for x in trip.visits:
                job, ld = p.jobs[x.job], part.loads[x.job]
                metres += int(dist[here, job.location])
                tkm += onboard / 1000 * int(dist[here, job.location]) / 1000
                onboard -= ld.kg
                if stops and stops[-1]["area"] == ld.area:
                    for c, q in ld.units.items():
                        stops[-1]["deliver"][c] = stops[-1]["deliver"].get(c, 0.0) + q
                else:
                    stops.append(
                        {
                            "area": ld.area,
                            "arrive_h": round(u.hours(x.arrival) - offset_h, 3),
                            "deliver": dict(ld.units),
                        }
                    )
                now, here = x.start + job.service, job.location
            metres += int(dist[here, 0])
            now += int(dur[here, 0])
            kg = sum(part.loads[x.job].kg for x in trip.visits)
            m3 = sum(part.loads[x.job].m3 for x in trip.visits)
            for st in stops:
                st["deliver"] = {c: round(q, 6) for c, q in st["deliver"].items()}
            out.append(
                {
                    "vehicle": f"{part.warehouse}/{v}/{r.vehicle + 1}",
                    "vehicle_type": v,
                    "warehouse": part.warehouse,
                    "day": part.day,
                    "trip": k + 1,
                    "depart_h": round(u.hours(depart) - offset_h, 3),
                    "return_h": round(u.hours(now) - offset_h, 3),
                    "stops": stops,
                    "distance_km": round(metres / 1000, 3),
                    "duration_h": round(u.hours(now - depart), 3),
                    "load_kg": round(kg, 3),
                    "load_m3": round(m3, 4),
                    "tonne_km": round(tkm, 4),
                }
            )
    return out
