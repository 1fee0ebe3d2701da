"""`check_plan`: any plan (also a hand-made one) against its scenario, recomputed from scratch.

Violations (the plan cannot be carried out as written):
- `bad_field`: a record misses a field or has a value of the wrong type;
- `unknown_id`: a warehouse, area, commodity, vehicle type or group the scenario does not have;
- `over_stock`: a warehouse sends more of a commodity by a dispatch day than it holds by then
  (initial stock plus arrivals); the dispatch day is the trip's day plus whole days of `depart_h`;
- `over_throughput`: more tonnes leave a warehouse on a dispatch day than its throughput;
- `over_capacity`: a trip's load (recomputed from what it unloads) is over its vehicle type's kg or m3;
- `over_fleet`: more vehicles of a type work from a warehouse on a day than it has, or a vehicle is
  on two trips at once;
- `unreachable_stop`: the vehicle type has no path for a leg (damage, mode) or may not serve the area;
- `late`: an arrival outside the area's access window, a delivery day outside the horizon, a trip
  arriving sooner than the network allows, or a same-day trip outside its vehicle's shift;
- `shipment_mismatch`: the shipments list differs from what the trips unload;
- `unmet_mismatch`: the unmet list (when given) does not account for the need left undelivered.
Warnings (reported, not failing): `over_need` (more delivered than needed to date, beyond one unit),
`load_mismatch` (a trip's stated load_kg differs from what it unloads).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import DAYLIGHT_H, Scenario, VehicleType

from ..routing.trips import Trip
from .kpis import PlanKpis, delivered_from_trips, plan_kpis
from .served import serve_groups

__all__ = ["PlanCheck", "Violation", "check_plan"]

TOL_UNITS = 1e-3
TOL_H = 0.02  # hours: rounding in plan.json (3 decimals) and the engines' whole seconds
OPTIONAL_NUMBERS = ("depart_h", "return_h", "distance_km", "duration_h", "load_kg", "load_m3", "tonne_km")


@dataclass(frozen=True)
class Violation:
    kind: str
    where: str
    message: str


@dataclass
class PlanCheck:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    kpis: PlanKpis | None = None  # recomputed from the well-formed trips

    @property
    def feasible(self) -> bool:
        return not self.violations

    def add(self, kind: str, where: str, message: str) -> None:
        target = self.warnings if kind in ("over_need", "load_mismatch") else self.violations
        target.append(Violation(kind, where, message))


def check_plan(
    scenario: Scenario, plan: Mapping[str, object], network: ScenarioNetwork | None = None
) -> PlanCheck:
    """Violations, warnings and the KPIs recomputed from the plan's trips. `plan` is plan.json's
    content as parsed (from `siaga plan`, edited or made by hand): it is validated field by field, and
    only its well-formed trips are checked further."""
    out = PlanCheck()
    s = scenario
    trips = _valid_trips(s, plan.get("trips", []), out)
    sn = network or ScenarioNetwork(s)
    drive_h = _check_legs(s, sn, trips, out)
    _check_capacity(s, trips, out)
    _check_fleet(s, trips, drive_h, out)
    _check_stock(s, trips, out)
    needs = compute_needs(s)
    delivered = delivered_from_trips(trips)
    _check_shipments(plan.get("shipments"), delivered, out)
    by_day = delivered.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    committed = _committed(plan.get("committed"), out)
    if len(committed):  # delivered before the plan (an incident's confirmed deliveries): count on day 1
        by_day = pd.concat([by_day, committed.assign(day=1)], ignore_index=True)
    service = serve_groups(needs, by_day, {g.id: g.priority_weight for g in s.groups}, s.policy.horizon_days)
    last = service.excess[service.excess["day"] == s.policy.horizon_days]
    for r in last.itertuples(index=False):
        if r.units > 1.0:
            out.add("over_need", f"{r.area}/{r.commodity}", f"{r.units:,.3f} units delivered beyond the need")
    if "unmet" in plan:
        _check_unmet(s, plan["unmet"], needs, by_day, out)
    out.kpis = plan_kpis(s, needs, trips, service)
    return out


def _num(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _trip(t: dict) -> Trip:
    """A validated trip record as a Trip: optional numbers that are not finite numbers count as not
    given (the checks that need them skip the trip), a missing trip number as 1."""
    numbers = {f: t[f] if _num(t.get(f)) else None for f in OPTIONAL_NUMBERS}
    trip_no = t.get("trip")
    return Trip.from_dict({**t, **numbers, "trip": trip_no if isinstance(trip_no, int) else 1})


def _valid_trips(s: Scenario, trips: object, out: PlanCheck) -> list[Trip]:
    """Trips whose fields are well formed and whose ids exist; the others are reported and dropped."""
    wh, ar = {w.id for w in s.warehouses}, {a.id for a in s.areas}
    com, vts = {c.id for c in s.commodities}, {v.id for v in s.vehicle_types}
    ok: list[Trip] = []
    if not isinstance(trips, list):
        out.add("bad_field", "trips", "expected a list of trips")
        return ok
    for k, t in enumerate(trips):
        where = f"trips[{k}]"
        if not isinstance(t, dict):
            out.add("bad_field", where, "expected an object")
            continue
        missing = [f for f in ("vehicle", "vehicle_type", "warehouse", "day", "stops") if f not in t]
        if missing:
            out.add("bad_field", where, f"missing field(s) {', '.join(missing)}")
            continue
        if not isinstance(t["day"], int) or not isinstance(t["stops"], list):
            out.add("bad_field", where, "day must be an integer and stops a list")
            continue
        bad = [f"warehouse {t['warehouse']!r}"] if t["warehouse"] not in wh else []
        bad += [f"vehicle type {t['vehicle_type']!r}"] if t["vehicle_type"] not in vts else []
        good_stops = True
        for j, st in enumerate(t["stops"]):
            if not isinstance(st, dict) or "area" not in st or not isinstance(st.get("deliver"), dict):
                out.add(
                    "bad_field", f"{where}.stops[{j}]", "a stop needs area and deliver {commodity: units}"
                )
                good_stops = False
                continue
            bad += [f"area {st['area']!r}"] if st["area"] not in ar else []
            bad += [f"commodity {c!r}" for c in st["deliver"] if c not in com]
            if not all(_num(q) and q >= 0 for q in st["deliver"].values()):
                out.add("bad_field", f"{where}.stops[{j}].deliver", "units must be numbers >= 0")
                good_stops = False
            if "arrive_h" in st and not _num(st["arrive_h"]):
                out.add("bad_field", f"{where}.stops[{j}].arrive_h", "expected a number of hours")
                good_stops = False
        if bad:
            out.add("unknown_id", where, "not in the scenario: " + ", ".join(bad))
            continue
        if good_stops:
            ok.append(_trip(t))
    return ok


def _committed(records: object, out: PlanCheck) -> pd.DataFrame:
    cols = ["area", "commodity", "units"]
    try:
        frame = pd.DataFrame(records or [], columns=cols)
        frame["units"] = frame["units"].astype(float)
    except (ValueError, TypeError) as e:
        out.add("bad_field", "committed", f"expected records with area, commodity, units: {e}")
        return pd.DataFrame(columns=cols)
    return frame


def _dispatch_day(t: Trip) -> int:
    return int(t.day) + math.floor(float(t.depart_h or 0.0) / 24)


def _check_capacity(s: Scenario, trips: Sequence[Trip], out: PlanCheck) -> None:
    com = {c.id: c for c in s.commodities}
    vts = {v.id: v for v in s.vehicle_types}
    for k, t in enumerate(trips):
        kg = sum(q * com[c].kg_per_unit for st in t.stops for c, q in st.deliver.items())
        m3 = sum(q * com[c].m3_per_unit for st in t.stops for c, q in st.deliver.items())
        vt = vts[t.vehicle_type]
        if kg > vt.capacity_kg * (1 + 1e-6) + 1e-3 or m3 > vt.capacity_m3 * (1 + 1e-6) + 1e-6:
            out.add(
                "over_capacity",
                f"trips[{k}] {t.vehicle}",
                f"load {kg:,.1f} kg / {m3:,.2f} m3 over {vt.id}'s "
                f"{vt.capacity_kg:,.0f} kg / {vt.capacity_m3:,.1f} m3",
            )
        if t.load_kg is not None and abs(t.load_kg - kg) > max(1.0, 1e-3 * kg):
            out.add(
                "load_mismatch",
                f"trips[{k}] {t.vehicle}",
                f"load_kg {t.load_kg} but unloads {kg:.1f} kg",
            )


def _check_fleet(s: Scenario, trips: Sequence[Trip], drive_h: dict[int, float], out: PlanCheck) -> None:
    vts = {v.id: v for v in s.vehicle_types}
    types = {t.vehicle: t.vehicle_type for t in trips}
    count: dict[tuple[str, str], int] = {}
    for f in s.fleet:
        count[(f.warehouse, f.vehicle_type)] = count.get((f.warehouse, f.vehicle_type), 0) + f.count
    used: dict[tuple[str, str, int], set[str]] = {}
    spans: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    for k, t in enumerate(trips):
        used.setdefault((t.warehouse, t.vehicle_type, int(t.day)), set()).add(t.vehicle)
        if t.depart_h is not None and t.return_h is not None:
            spans.setdefault((t.vehicle, int(t.day)), []).append((t.depart_h, t.return_h, k))
    for (w, v, d), vehicles in sorted(used.items()):
        have = count.get((w, v), 0)
        if len(vehicles) > have:
            out.add("over_fleet", f"{w}/{v}/day {d}", f"{len(vehicles)} vehicles used, {have} based there")
    for (veh, d), items in sorted(spans.items()):
        items.sort()
        vt = vts[types[veh]]
        if max(drive_h.get(k, 0.0) for *_, k in items) <= vt.shift_h:
            _check_shift(vt, veh, d, items, out)  # else a multi-day haul: checked leg by leg only
        for (_, r0, k0), (d1, _, k1) in itertools.pairwise(items):
            if d1 < r0 - TOL_H:
                out.add(
                    "over_fleet",
                    f"{veh}/day {d}",
                    f"trips[{k1}] leaves at {d1:.2f} h before trips[{k0}] is back",
                )


def _stock_by_day(s: Scenario, H: int) -> dict[tuple[str, str], np.ndarray]:
    out: dict[tuple[str, str], np.ndarray] = {}
    for w in s.warehouses:
        for c, u in w.stock.items():
            out.setdefault((w.id, c), np.zeros(H + 1))[:] += u
        for a in w.arrivals:
            arr = out.setdefault((w.id, a.commodity), np.zeros(H + 1))
            if a.day <= H:
                arr[a.day :] += a.units
    return out  # index: dispatch day (0 = before day 1)


def _check_stock(s: Scenario, trips: Sequence[Trip], out: PlanCheck) -> None:
    H = s.policy.horizon_days
    stock = _stock_by_day(s, H)
    com = {c.id: c for c in s.commodities}
    sent: dict[tuple[str, str], np.ndarray] = {}
    tonnes: dict[tuple[str, int], float] = {}
    for t in trips:
        e = min(max(_dispatch_day(t), 0), H)
        for st in t.stops:
            for c, q in st.deliver.items():
                sent.setdefault((t.warehouse, c), np.zeros(H + 1))[e:] += q
                tonnes[(t.warehouse, e)] = tonnes.get((t.warehouse, e), 0.0) + q * com[c].kg_per_unit / 1000
    for (w, c), cum in sorted(sent.items()):
        have = stock.get((w, c), np.zeros(H + 1))
        over = np.flatnonzero(cum > have + TOL_UNITS + 1e-9 * have)
        if len(over):
            e = int(over[0])
            out.add(
                "over_stock", f"{w}/{c}", f"{cum[e]:,.3f} units sent by dispatch day {e}, {have[e]:,.3f} held"
            )
    thr = {w.id: w.throughput_t_per_day for w in s.warehouses}
    for (w, e), t_ in sorted(tonnes.items()):
        limit = thr[w]
        if limit is not None and t_ > limit * (1 + 1e-6) + 1e-6:
            out.add(
                "over_throughput", f"{w}/day {e}", f"{t_:,.2f} t dispatched, throughput {limit:,.2f} t/day"
            )


def _check_legs(s: Scenario, sn: ScenarioNetwork, trips: Sequence[Trip], out: PlanCheck) -> dict[int, float]:
    """Leg by leg: a path exists, arrivals no sooner than the network allows, inside access windows.
    Returns each trip's driving hours on the network."""
    drive_h: dict[int, float] = {}
    H = s.policy.horizon_days
    vts = {v.id: v for v in s.vehicle_types}
    wi = {w.id: i for i, w in enumerate(s.warehouses)}
    ai = {a.id: i for i, a in enumerate(s.areas)}
    areas = {a.id: a for a in s.areas}
    cache: dict[tuple[str, str, str], np.ndarray] = {}

    def m(v: str, rows: str, cols: str) -> np.ndarray:
        if (v, rows, cols) not in cache:
            cache[(v, rows, cols)] = sn.matrix(vts[v], rows, cols).time_h
        return cache[(v, rows, cols)]

    for k, t in enumerate(trips):
        where = f"trips[{k}] {t.vehicle} day {t.day}"
        v, w = t.vehicle_type, wi[t.warehouse]
        if not 1 <= int(t.day) <= H:
            out.add("late", where, f"delivery day {t.day} outside the horizon 1..{H}")
        legs: list[float] = []
        clock = t.depart_h
        prev = ("warehouses", w)
        names = [t.warehouse, *t.areas, t.warehouse]
        for st in t.stops:
            a = ai[st.area]
            legs.append(m(v, prev[0], "areas")[prev[1], a])
            prev = ("areas", a)
        legs.append(m(v, prev[0], "warehouses")[prev[1], w])
        for j, h in enumerate(legs):
            if not np.isfinite(h):
                out.add("unreachable_stop", where, f"no path for {v} from {names[j]} to {names[j + 1]}")
        if not all(np.isfinite(legs)):
            continue
        drive_h[k] = float(sum(legs))
        for j, st in enumerate(t.stops):
            arr = st.arrive_h
            area = areas[st.area]
            if arr is None:
                continue
            if clock is not None and arr < clock + legs[j] - TOL_H:
                out.add(
                    "late",
                    where,
                    f"arrives at {st.area} at {arr:.2f} h, the network needs {clock + legs[j]:.2f} h",
                )
            if area.access_window_h is not None:  # arriving before it opens means waiting
                close_h = area.access_window_h[1]
                if arr > close_h + TOL_H:
                    out.add(
                        "late",
                        where,
                        f"arrives at {st.area} at {arr:.2f} h, after its window closes at {close_h:g} h",
                    )
            clock = arr
        if clock is not None and t.return_h is not None and t.return_h < clock + legs[-1] - TOL_H:
            out.add("late", where, f"back at {t.return_h:.2f} h, the network needs {clock + legs[-1]:.2f} h")
    return drive_h


def _check_shift(
    vt: VehicleType, vehicle: str, day: int, items: list[tuple[float, float, int]], out: PlanCheck
) -> None:
    """A vehicle's same-day work (all its trips between 0 and 24 h) within its shift, daylight-only
    types between 06:00 and 18:00."""
    dep, ret = min(i[0] for i in items), max(i[1] for i in items)
    if dep < 0 or ret > 24:
        return
    where = f"{vehicle}/day {day}"
    if ret - dep > vt.shift_h + TOL_H:
        out.add("late", where, f"works {dep:.2f}-{ret:.2f} h, longer than its {vt.shift_h:g} h shift")
    if vt.daylight_only and (dep < DAYLIGHT_H[0] - TOL_H or ret > DAYLIGHT_H[1] + TOL_H):
        out.add("late", where, f"daylight-only {vt.id} out {dep:.2f}-{ret:.2f} h")


def _check_shipments(shipments: object, delivered: pd.DataFrame, out: PlanCheck) -> None:
    if shipments is None:
        return
    key = ["warehouse", "area", "commodity", "day"]
    try:
        sh = pd.DataFrame(shipments, columns=[*key, "units"])
        sh["day"] = sh["day"].astype(int)
        sh["units"] = sh["units"].astype(float)
    except (ValueError, TypeError) as e:
        out.add("bad_field", "shipments", f"expected records with {', '.join(key)}, units: {e}")
        return
    a = sh.groupby(key)["units"].sum()
    b = delivered.set_index(key)["units"] if len(delivered) else pd.Series(dtype=float)
    both = pd.concat([a.rename("listed"), b.rename("unloaded")], axis=1).fillna(0.0)
    diff = both[(both["listed"] - both["unloaded"]).abs() > TOL_UNITS + 1e-6 * both["unloaded"]]
    for k, r in diff.head(20).iterrows():
        out.add(
            "shipment_mismatch",
            "/".join(map(str, k)),
            f"shipments list {r['listed']:,.3f}, trips unload {r['unloaded']:,.3f}",
        )


def _check_unmet(
    s: Scenario, unmet: object, needs: pd.DataFrame, delivered: pd.DataFrame, out: PlanCheck
) -> None:
    try:
        un = pd.DataFrame(unmet, columns=["area", "commodity", "group", "day", "units", "reason"])
        un["units"] = un["units"].astype(float)
    except (ValueError, TypeError) as e:
        out.add(
            "bad_field", "unmet", f"expected records with area, commodity, group, day, units, reason: {e}"
        )
        return
    groups = {g.id for g in s.groups}
    bad = sorted(set(un["group"]) - groups)
    if bad:
        out.add("unknown_id", "unmet", f"groups not in the scenario: {', '.join(map(str, bad))}")
    need = needs.groupby(["area", "commodity"])["units"].sum()
    got = delivered.groupby(["area", "commodity"])["units"].sum().reindex(need.index, fill_value=0.0)
    short = (need - got).clip(lower=0.0)
    listed = un.groupby(["area", "commodity"])["units"].sum().reindex(need.index, fill_value=0.0)
    diff = (short - listed).abs()
    bad_rows = diff[diff > TOL_UNITS + 1e-6 * need]
    for (a, c), d in bad_rows.head(20).items():
        out.add(
            "unmet_mismatch",
            f"{a}/{c}",
            f"unmet lists {listed[(a, c)]:,.3f}, need minus delivered is {short[(a, c)]:,.3f} "
            f"(off by {d:,.3f})",
        )
