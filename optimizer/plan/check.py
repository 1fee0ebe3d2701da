"""`check_plan`: any plan (also a hand-made one) against its scenario, recomputed from scratch.

Every hour is on the plan's one clock: hours since day 1, 00:00 local time; a trip's `day` is
floor(depart_h / 24) + 1 and goods count on the day they arrive. Violations (the plan cannot be carried
out as written):
- `bad_field`: a record misses a field or has a value of the wrong type (also a trip `day` that is not
  the day of its `depart_h`);
- `unknown_id`: a warehouse, area, commodity, vehicle type or group the scenario does not have;
- `over_stock`: a warehouse sends more of a commodity by a dispatch day than it holds by then
  (initial stock plus arrivals); the dispatch day is the day of the trip's `depart_h`;
- `over_throughput`: more tonnes leave a warehouse on a dispatch day than its throughput;
- `over_capacity`: a trip's load (recomputed from what it unloads) is over its vehicle type's kg or m3;
- the timeline rules of `check_timeline`: `before_start`, `vehicle_overlap`, `over_fleet`, `late`,
  `duty`, `unreachable_stop`, `vessel_barred`;
- `small_trip` (`check_dispatch`): a trip over the policy's `min_trip_km` unloading under `min_trip_kg`;
- `reserve_floor` (`check_owners`): a warehouse sends areas outside its kab/kota more than its reserve
  floor leaves (a floor the policy has not released);
- `late_credit`: the shipments list credits goods to a day before the trips bring them;
- `after_horizon`: a delivery after the horizon (a stop arriving after its last day, or shipments
  credited to a day outside it);
- `shipment_mismatch`: the shipments list differs from what the trips unload;
- `unmet_mismatch`: the unmet list (when given) does not account for the need left undelivered.
Warnings (reported, not failing): `over_need` (more delivered than needed to date, beyond one unit),
`load_mismatch` (a trip's stated load_kg differs from what it unloads).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Scenario

from ..routing.trips import Trip
from .check_dispatch import check_small_trips
from .check_hubs import check_hub_timing, hub_lots
from .check_owners import check_reserves
from .check_timeline import TOL_H, check_timelines
from .check_water import check_water
from .kpis import PlanKpis, delivered_from_trips, plan_kpis
from .served import serve_groups

__all__ = ["PlanCheck", "Violation", "check_plan"]

TOL_UNITS = 1e-3
OPTIONAL_NUMBERS = (
    "depart_h",
    "return_h",
    "start_h",
    "distance_km",
    "duration_h",
    "load_kg",
    "load_m3",
    "tonne_km",
    "empty_km",
)


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
    feeds = _valid_trips(s, plan.get("feeds", []), out, "feeds")
    sn = network or ScenarioNetwork(s)
    check_timelines(s, sn, trips, out.add, feeds)
    check_small_trips(s, sn, trips, out.add)
    fed = {key: sum(q for _, q in lots) for key, lots in hub_lots(s, feeds).items()}
    check_reserves(s, [*trips, *feeds], out.add, fed)
    check_hub_timing(s, trips, feeds, out.add)
    _check_capacity(s, [*trips, *feeds], out)
    _check_stock(s, [*trips, *feeds], out, hub_lots(s, feeds))
    _check_horizon(s, [*trips, *feeds], out)
    needs = compute_needs(s)
    delivered = delivered_from_trips(trips)
    _check_shipments(plan.get("shipments"), delivered, s.policy.horizon_days, out)
    H = s.policy.horizon_days
    delivered = delivered[delivered["day"].between(1, H)]
    by_day = delivered.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    committed = _committed(plan.get("committed"), out)
    if len(committed):  # delivered before the plan (an incident's confirmed deliveries): count on day 1
        by_day = pd.concat([by_day, committed.assign(day=1)], ignore_index=True)
    water = check_water(s, plan.get("water_service"), out.add)
    if len(water):  # served by local water points on their days
        by_day = pd.concat([by_day, water[["area", "commodity", "day", "units"]]], ignore_index=True)
    service = serve_groups(needs, by_day, s.policy.horizon_days)
    last = service.excess[service.excess["day"] == s.policy.horizon_days]
    for r in last.itertuples(index=False):
        if r.units > 1.0:
            out.add("over_need", f"{r.area}/{r.commodity}", f"{r.units:,.3f} units delivered beyond the need")
    if "unmet" in plan:
        _check_unmet(s, plan["unmet"], needs, by_day, out)
    out.kpis = plan_kpis(s, needs, trips, service, water)
    return out


def _num(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _trip(t: dict) -> Trip:
    """A validated trip record as a Trip: optional numbers that are not finite numbers count as not
    given (the checks that need them skip the trip), a missing trip number as 1."""
    numbers = {f: t[f] if _num(t.get(f)) else None for f in OPTIONAL_NUMBERS}
    trip_no = t.get("trip")
    return Trip.from_dict({**t, **numbers, "trip": trip_no if isinstance(trip_no, int) else 1})


def _valid_trips(s: Scenario, trips: object, out: PlanCheck, field: str = "trips") -> list[Trip]:
    """Trips whose fields are well formed and whose ids exist; the others are reported and dropped.
    `field` "feeds": trips whose stops are hubs' warehouses."""
    wh = {w.id for w in s.warehouses}
    ar = {h.warehouse for h in s.hubs} if field == "feeds" else {a.id for a in s.areas}
    com, vts = {c.id for c in s.commodities}, {v.id for v in s.vehicle_types}
    ok: list[Trip] = []
    if not isinstance(trips, list):
        out.add("bad_field", field, "expected a list of trips")
        return ok
    for k, t in enumerate(trips):
        where = f"{field}[{k}]"
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
            what = "hub warehouse" if field == "feeds" else "area"
            bad += [f"{what} {st['area']!r}"] if st["area"] not in ar else []
            bad += [f"commodity {c!r}" for c in st["deliver"] if c not in com]
            if not all(_num(q) and q >= 0 for q in st["deliver"].values()):
                out.add("bad_field", f"{where}.stops[{j}].deliver", "units must be numbers >= 0")
                good_stops = False
            for f in ("arrive_h", "leave_h"):
                if st.get(f) is not None and not _num(st[f]):
                    out.add("bad_field", f"{where}.stops[{j}].{f}", "expected a number of hours")
                    good_stops = False
        if bad:
            out.add("unknown_id", where, "not in the scenario: " + ", ".join(bad))
            continue
        if not _good_rests(t.get("rests", []), where, out):
            continue
        day_of = math.floor(t["depart_h"] / 24) + 1 if _num(t.get("depart_h")) else t["day"]
        if t["day"] != day_of:
            out.add(
                "bad_field",
                f"{where}.day",
                f"day {t['day']}, but depart_h {t['depart_h']} is on day {day_of}",
            )
            continue
        if good_stops:
            ok.append(replace(_trip(t), feed=field == "feeds"))
    return ok


def _good_rests(rests: object, where: str, out: PlanCheck) -> bool:
    if not isinstance(rests, list) or not all(
        isinstance(r, dict) and _num(r.get("from_h")) and _num(r.get("until_h")) for r in rests
    ):
        out.add("bad_field", f"{where}.rests", "expected a list of {from_h, until_h} in hours")
        return False
    for j, r in enumerate(rests):
        if r["until_h"] < r["from_h"]:
            out.add("bad_field", f"{where}.rests[{j}]", f"ends at {r['until_h']} h before it begins")
            return False
    return True


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
    return int(t.day) if t.depart_h is None else math.floor(float(t.depart_h) / 24) + 1


def _check_horizon(s: Scenario, trips: Sequence[Trip], out: PlanCheck) -> None:
    """Stops arriving after the horizon's last day."""
    end_h = 24 * s.policy.horizon_days
    for k, t in enumerate(trips):
        for st in t.stops:
            if st.arrive_h is not None and st.arrive_h > end_h + TOL_H:
                out.add(
                    "after_horizon",
                    f"trips[{k}] {t.vehicle}",
                    f"arrives at {st.area} at {st.arrive_h:.2f} h, after the horizon ends at {end_h} h",
                )


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


def _stock_by_day(s: Scenario, H: int) -> dict[tuple[str, str], np.ndarray]:
    out: dict[tuple[str, str], np.ndarray] = {}
    for w in s.warehouses:
        for c, u in w.stock.items():
            out.setdefault((w.id, c), np.zeros(H + 1))[:] += u
        for a in s.arrivals_of(w):
            arr = out.setdefault((w.id, a.commodity), np.zeros(H + 1))
            if a.day <= H:
                arr[a.day :] += a.units
    return out  # index: dispatch day (0 = before day 1)


def _check_stock(
    s: Scenario, trips: Sequence[Trip], out: PlanCheck, fed: Mapping[tuple[str, str], list] | None = None
) -> None:
    """`over_stock` and `over_throughput` per warehouse and dispatch day; `fed`: what feeds bring hubs,
    (hour it may leave, units), counted from the day of that hour."""
    H = s.policy.horizon_days
    stock = _stock_by_day(s, H)
    for key, lots in (fed or {}).items():
        for ready_h, q in lots:
            stock.setdefault(key, np.zeros(H + 1))[min(max(int(ready_h // 24) + 1, 0), H) :] += q
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


def _check_shipments(shipments: object, delivered: pd.DataFrame, horizon: int, out: PlanCheck) -> None:
    """The shipments list against what the trips unload: the same totals per warehouse, area and
    commodity (`shipment_mismatch`), no day credited before the goods arrive (`late_credit`), none
    outside the horizon (`after_horizon`)."""
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
    wac = key[:3]
    a = sh.groupby(wac)["units"].sum()
    b = delivered.groupby(wac)["units"].sum() if len(delivered) else a.iloc[:0]
    if a.empty:  # nothing listed: an empty series on the trips' index (an empty MultiIndex can't join)
        a = b.iloc[:0]
    both = pd.concat([a.rename("listed"), b.rename("unloaded")], axis=1).fillna(0.0)
    diff = both[(both["listed"] - both["unloaded"]).abs() > TOL_UNITS + 1e-6 * both["unloaded"]]
    for k, r in diff.head(20).iterrows():
        out.add(
            "shipment_mismatch",
            "/".join(map(str, k)),
            f"shipments list {r['listed']:,.3f}, trips unload {r['unloaded']:,.3f}",
        )
    outside = sh[~sh["day"].between(1, horizon) & (sh["units"] > TOL_UNITS)]
    for r in outside.head(20).itertuples(index=False):
        out.add(
            "after_horizon",
            f"{r.warehouse}/{r.area}/{r.commodity}",
            f"{r.units:,.3f} units credited to day {r.day}, outside the horizon 1..{horizon}",
        )
    _check_credit(sh, delivered, out)


def _check_credit(sh: pd.DataFrame, delivered: pd.DataFrame, out: PlanCheck) -> None:
    """By each day, no more credited than arrived (per warehouse, area and commodity)."""
    wac = ["warehouse", "area", "commodity"]
    listed = sh.groupby([*wac, "day"])["units"].sum().rename("listed")
    came = delivered.groupby([*wac, "day"])["units"].sum().rename("came") if len(delivered) else None
    both = pd.concat([listed, came], axis=1).fillna(0.0).sort_index() if came is not None else None
    if both is None or both.empty:
        return
    cum = both.groupby(level=[0, 1, 2]).cumsum()
    early = cum[cum["listed"] > cum["came"] + TOL_UNITS + 1e-6 * cum["came"]]
    seen = set()
    for (w, a, c, d), r in early.iterrows():
        if (w, a, c) in seen:
            continue
        seen.add((w, a, c))
        out.add(
            "late_credit",
            f"{w}/{a}/{c}",
            f"{r['listed']:,.3f} units credited by day {d}, {r['came']:,.3f} arrived by then",
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
