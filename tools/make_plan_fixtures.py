"""Write the plan fixtures of tests/data/plans: the tiny-flood plan and one tampered copy per violation.

    .venv/bin/python tools/make_plan_fixtures.py

`tiny_flood_plan.json` is `plan_scenario` on tests/data/tiny_flood (seed 0, 200 iterations) without its
wall-clock fields; each `bad_<kind>.json` is that plan with one change that `siaga check` must report as
`<kind>` (the change is named in the function that makes it). `water/` holds the same for
tests/data/tiny_flood_water and the checks of its water points' service, `river/` for tests/data/tiny_river
and its vessel rules, `dispatch/` for tests/data/tiny_flood_min_trip and its minimum useful load,
`owners/` for tests/data/tiny_flood_reserve and its reserve floor, `charters/` for
tests/data/tiny_river_charter and its chartered boat, `hubs/` for tests/data/tiny_river_hub and its relay. Re-run only when the plan format or the
planner's behaviour changes on purpose, and say so in the commit.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from optimizer.plan import PlanOptions, plan_scenario  # noqa: E402
from optimizer.routing import RoutingOptions  # noqa: E402
from scenarios import load_scenario  # noqa: E402

PLANS = ROOT / "tests" / "data" / "plans"
Plan = dict
TIME_FIELDS = ("start_h", "depart_h", "return_h")


def _shift(trip: dict, hours: float) -> None:
    """Move a trip and its stops and rests by `hours` on the clock (its day follows)."""
    for f in TIME_FIELDS:
        if trip.get(f) is not None:
            trip[f] = round(trip[f] + hours, 3)
    for st in trip["stops"]:
        for f in ("arrive_h", "leave_h"):
            if st.get(f) is not None:
                st[f] = round(st[f] + hours, 3)
    for r in trip.get("rests", []):
        r["from_h"], r["until_h"] = round(r["from_h"] + hours, 3), round(r["until_h"] + hours, 3)
    trip["day"] = int(trip["depart_h"] // 24) + 1


def _by_day(p: Plan, day: int) -> list[dict]:
    return [t for t in p["trips"] if t["day"] == day]


def bad_field(p: Plan) -> None:
    """A trip's day is text."""
    p["trips"][0]["day"] = "one"


def unknown_id(p: Plan) -> None:
    """A stop at an area the scenario does not have."""
    p["trips"][0]["stops"][0]["area"] = "desa_x"


def over_capacity(p: Plan) -> None:
    """A trip unloads ten times what it carried."""
    st = p["trips"][0]["stops"][0]
    st["deliver"] = {c: q * 10 for c, q in st["deliver"].items()}


def over_stock(p: Plan) -> None:
    """A trip unloads a hundred times the baby kits (more than the warehouse holds)."""
    for t in p["trips"]:
        for st in t["stops"]:
            if "kit_bayi" in st["deliver"]:
                st["deliver"]["kit_bayi"] *= 100
                return


def over_fleet(p: Plan) -> None:
    """Every trip on a truck of its own: more trucks based at the warehouse than it has."""
    for k, t in enumerate(p["trips"]):
        t["vehicle"] = f"gudang/truk/{k + 1}"


def late(p: Plan) -> None:
    """A stop reached a minute after leaving the warehouse, sooner than the network allows."""
    t = next(t for t in p["trips"] if t["stops"][0]["arrive_h"] - t["depart_h"] > 0.3)
    st = t["stops"][0]
    st["arrive_h"] = round(t["depart_h"] + 1 / 60, 3)


def shipment_mismatch(p: Plan) -> None:
    """The shipments list a unit more than the trips unload."""
    p["shipments"][0]["units"] += 1.0


def unmet_mismatch(p: Plan) -> None:
    """The unmet list leaves out its first row."""
    p["unmet"] = p["unmet"][1:]


def vehicle_overlap(p: Plan) -> None:
    """The truck's second trip leaves an hour before it is back from the first."""
    first, second = p["trips"][0], p["trips"][1]
    _shift(second, first["return_h"] - 1.0 - second["start_h"])


def before_start(p: Plan) -> None:
    """The first trip leaves before 00:00 of day 1."""
    t = p["trips"][0]
    _shift(t, -t["start_h"] - 2.0)


def duty(p: Plan) -> None:
    """Days 2 and 3's trips moved to follow day 1's at once: more than the truck's 10-hour shift on
    day 1."""
    for day in (2, 3):
        end = max(t["return_h"] for t in _by_day(p, 1))
        later = _by_day(p, day)
        offset = end - min(t["start_h"] for t in later)
        for t in later:
            _shift(t, offset)


def late_credit(p: Plan) -> None:
    """Goods that arrive on day 2 are credited to day 1 in the shipments list."""
    for sh in p["shipments"]:
        if sh["day"] == 2:
            sh["day"] = 1
            return


def after_horizon(p: Plan) -> None:
    """The last trip moved a day on: it arrives after the horizon's three days."""
    _shift(p["trips"][-1], 24.0)


TAMPERS: dict[str, Callable[[Plan], None]] = {
    f.__name__: f
    for f in (
        bad_field,
        unknown_id,
        over_capacity,
        over_stock,
        over_fleet,
        late,
        shipment_mismatch,
        unmet_mismatch,
        vehicle_overlap,
        before_start,
        duty,
        late_credit,
        after_horizon,
    )
}


def water_out_of_reach(p: Plan) -> None:
    """A water point's day-1 litres moved to Desa B, 6 km off: beyond its 3 km reach."""
    p["water_service"][0]["area"] = "desa_b"


def over_water_capacity(p: Plan) -> None:
    """A water point's day-1 litres raised to 5,000: more than its 4,000 L a day."""
    p["water_service"][0]["units"] = 5000.0


WATER_TAMPERS: dict[str, Callable[[Plan], None]] = {
    f.__name__: f for f in (water_out_of_reach, over_water_capacity)
}


def vessel_barred(p: Plan) -> None:
    """The small boat's first trip to Desa B given to the cargo boat, which cannot pass the riam."""
    trip = next(t for t in p["trips"] if t["vehicle_type"] == "perahu")
    trip["vehicle_type"], trip["vehicle"] = "kapal", "gudang/kapal/9"


RIVER_TAMPERS: dict[str, Callable[[Plan], None]] = {f.__name__: f for f in (vessel_barred,)}


def small_trip(p: Plan) -> None:
    """The first trip's 49 kg for Desa A (a 3 km loop) taken to Desa B instead (19 km, over the 10 km
    the policy allows for under 200 kg)."""
    p["trips"][0]["stops"][0]["area"] = "desa_b"


DISPATCH_TAMPERS: dict[str, Callable[[Plan], None]] = {f.__name__: f for f in (small_trip,)}


def reserve_floor(p: Plan) -> None:
    """500 kg more rice from the kota's warehouse for Desa B, across the kabupaten line: over the half
    the warehouse may send out of its kota."""
    stop = next(
        st
        for t in p["trips"]
        if t["warehouse"] == "gudang"
        for st in t["stops"]
        if "beras" in st["deliver"] and st["area"] == "desa_b"
    )
    stop["deliver"]["beras"] += 500.0


OWNER_TAMPERS: dict[str, Callable[[Plan], None]] = {f.__name__: f for f in (reserve_floor,)}


def charter_early(p: Plan) -> None:
    """The chartered boat's first trip moved 12 hours earlier: before hour 24, when the charter starts."""
    trip = next(t for t in p["trips"] if t.get("charter"))
    _shift(trip, -12.0)


CHARTER_TAMPERS: dict[str, Callable[[Plan], None]] = {"over_fleet": charter_early}


def hub_early(p: Plan) -> None:
    """The first trip that leaves the hub moved 20 hours earlier: before the feed that brings its goods
    has arrived there."""
    trip = min((t for t in p["trips"] if t["warehouse"] == "hub_a"), key=lambda t: t["depart_h"])
    _shift(trip, -20.0)


HUB_TAMPERS: dict[str, Callable[[Plan], None]] = {f.__name__: f for f in (hub_early,)}


def _plan_doc(name: str) -> Plan:
    s = load_scenario(ROOT / "tests" / "data" / name)
    opts = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))
    doc = plan_scenario(s, opts).to_dict()
    for f in ("solve_seconds", "first_feasible_s"):
        doc[f] = 0.0
    doc["timings"] = {}
    return doc


def _write(folder: Path, name: str, doc: Plan, tampers: dict[str, Callable[[Plan], None]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(doc, indent=1) + "\n")
    for kind, tamper in tampers.items():
        bad = copy.deepcopy(doc)
        tamper(bad)
        (folder / f"bad_{kind}.json").write_text(json.dumps(bad, indent=1) + "\n")
        print(f"{folder.name}/bad_{kind}.json: {tamper.__doc__}")


def main() -> None:
    _write(PLANS, "tiny_flood_plan.json", _plan_doc("tiny_flood"), TAMPERS)
    _write(PLANS / "water", "tiny_flood_water_plan.json", _plan_doc("tiny_flood_water"), WATER_TAMPERS)
    _write(PLANS / "river", "tiny_river_plan.json", _plan_doc("tiny_river"), RIVER_TAMPERS)
    doc = _plan_doc("tiny_flood_min_trip")
    _write(PLANS / "dispatch", "tiny_flood_min_trip_plan.json", doc, DISPATCH_TAMPERS)
    doc = _plan_doc("tiny_flood_reserve")
    _write(PLANS / "owners", "tiny_flood_reserve_plan.json", doc, OWNER_TAMPERS)
    doc = _plan_doc("tiny_river_charter")
    _write(PLANS / "charters", "tiny_river_charter_plan.json", doc, CHARTER_TAMPERS)
    _write(PLANS / "hubs", "tiny_river_hub_plan.json", _plan_doc("tiny_river_hub"), HUB_TAMPERS)


if __name__ == "__main__":
    main()
