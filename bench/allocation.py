"""Benchmark: the allocation LP at scale, zone/class model side by side with the per-area model.

    .venv/bin/python bench/allocation.py [--sizes 10000,30000] [--per-area-max 3000]

Instances:
- `kaltim`: every one of the 1,038 desa/kelurahan of the bundled library as an area (10 % of its
  estimated population affected), all bundled warehouses, stock and fleet, BNPB standards, 3 days,
  end to end (network matrices, needs, allocation);
- `generated-N`: N areas x 50 warehouses x 10 commodities x 3 days on a synthetic 600 x 600 km region
  (travel at 40 km/h x 1.3 detour, two vehicle types), seeded.
Build, solve and split seconds are reported separately; the table goes into docs/benchmarks.md between
the `allocation` markers.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
from doc_blocks import write_block

from network.matrices import TravelMatrix
from optimizer.allocation import AllocationOptions, solve_allocation
from optimizer.instance import compile_instance
from scenarios import load_scenario
from scenarios.bundled import LIBRARY_DIR
from scenarios.model import (
    Area,
    Commodity,
    FleetLine,
    Group,
    Policy,
    Scenario,
    StandardItem,
    StandardsProfile,
    VehicleType,
    Warehouse,
)

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- allocation:start -->", "<!-- allocation:end -->"


def kaltim_province() -> Scenario:
    """All desa of the bundled library as areas, on the bundled network."""
    import pandas as pd

    base = load_scenario("banjir-samarinda-2019")
    desa = pd.read_csv(LIBRARY_DIR / "kaltim" / "admin" / "desa.csv", dtype={"code": str})
    shares = {g.id: g.share for g in base.groups if g.share}
    rest = 1 - sum(shares.values())
    areas = []
    for r in desa.itertuples():
        n = 0.1 * r.population
        people = {g: n * sh for g, sh in shares.items()} | {"umum": n * rest}
        areas.append(Area(id=f"a{r.code}", name=r.name, code=r.code, node=f"d_{r.code}", people=people))
    return base.model_copy(
        update={
            "id": "kaltim-province",
            "areas": tuple(areas),
            "damage": (),
            "policy": base.policy.model_copy(update={"horizon_days": 3}),
        }
    )


def generated(n_areas: int, n_wh: int = 50, n_c: int = 10, days: int = 3, seed: int = 0):
    """A synthetic scenario and its travel matrices (no network: times from straight lines)."""
    rng = np.random.default_rng(seed)
    commodities = tuple(
        Commodity(
            id=f"c{i}",
            name=f"C{i}",
            unit="u",
            kg_per_unit=float(rng.uniform(0.5, 10)),
            m3_per_unit=float(rng.uniform(0.001, 0.02)),
        )
        for i in range(n_c)
    )
    groups = (
        Group(id="umum", kind="general", name="Umum", priority_weight=1.0),
        Group(id="balita", kind="vulnerable", name="Balita", priority_weight=3.0, share=0.093),
        Group(id="lansia", kind="vulnerable", name="Lansia", priority_weight=2.5, share=0.07),
        Group(id="disabilitas", kind="vulnerable", name="Disabilitas", priority_weight=3.0, share=0.013),
    )
    items = tuple(StandardItem(commodity=c.id, quantity=float(rng.uniform(0.05, 1.0))) for c in commodities)
    items += (StandardItem(commodity="c0", quantity=0.2, groups=("balita",)),)
    profile = StandardsProfile(id="gen", name="generated", items=items)
    xy_a = rng.uniform(0, 600, (n_areas, 2))
    xy_w = rng.uniform(0, 600, (n_wh, 2))
    pop = rng.lognormal(7, 1, n_areas)
    areas = tuple(
        Area(
            id=f"a{i}",
            name=f"A{i}",
            lat=0.0,
            lon=117.0,
            people={"umum": p * 0.824, "balita": p * 0.093, "lansia": p * 0.07, "disabilitas": p * 0.013},
        )
        for i, p in enumerate(pop)
    )
    need_per_c = pop.sum() * np.array([it.quantity for it in items[:n_c]]) * days
    warehouses = tuple(
        Warehouse(
            id=f"w{j}",
            name=f"W{j}",
            lat=0.0,
            lon=117.0,
            stock={
                c.id: float(need_per_c[k] / n_wh * rng.uniform(0.2, 1.2)) for k, c in enumerate(commodities)
            },
            throughput_t_per_day=float(rng.uniform(200, 2000)),
        )
        for j in range(n_wh)
    )
    vts = (
        VehicleType(
            id="truk",
            name="Truk",
            modes=("road",),
            speed_kmh=40,
            capacity_kg=4000,
            capacity_m3=16,
            cost_per_km=4500,
            cost_per_h=60000,
            shift_h=10,
        ),
        VehicleType(
            id="pickup",
            name="Pikap",
            modes=("road",),
            speed_kmh=50,
            capacity_kg=1000,
            capacity_m3=3,
            cost_per_km=2500,
            cost_per_h=40000,
            shift_h=10,
        ),
    )
    fleet = tuple(
        FleetLine(warehouse=w.id, vehicle_type=v.id, count=int(rng.integers(5, 40)))
        for w in warehouses
        for v in vts
    )
    s = Scenario(
        id=f"generated-{n_areas}",
        name="generated",
        commodities=commodities,
        groups=groups,
        standards=(profile,),
        areas=areas,
        warehouses=warehouses,
        vehicle_types=vts,
        fleet=fleet,
        policy=Policy(horizon_days=days, standards="gen", time_limit_s=600),
    )
    km = np.hypot(*(xy_w[:, None, :] - xy_a[None, :, :]).transpose(2, 0, 1)) * 1.3
    travel = {
        v.id: TravelMatrix(
            v.id,
            tuple(w.id for w in warehouses),
            tuple(a.id for a in areas),
            km / v.speed_kmh,
            km,
            np.ones(km.shape, np.int64),
        )
        for v in vts
    }
    return s, travel


def run(
    name: str, s: Scenario, travel, aggregate: bool, overlap: bool = True, pricing: str = "weights"
) -> dict:
    t0 = time.perf_counter()
    inst = compile_instance(s, travel=travel)  # generated instances give their matrices
    prep = time.perf_counter() - t0
    # the per-area reference gets room to prove optimality (the scenario policy's 60 s is for users)
    opts = AllocationOptions(
        aggregate=aggregate,
        time_limit_s=None if aggregate else 900.0,
        overlap=overlap,
        pricing_classes=pricing,
    )
    r = solve_allocation(inst, opts)
    total = time.perf_counter() - t0
    model = "zones + classes" if aggregate else "per area + group"
    return {
        "instance": name,
        "model": model
        + ("" if overlap else ", 1 thread")
        + ("" if pricing == "weights" else ", one-class pricing"),
        "rounds": r.model_size["pricing_rounds"],
        "areas": len(s.areas),
        "zones": r.model_size["zones"],
        "variables": r.model_size["variables"],
        "prep_s": prep,
        "build_s": r.timings["build"],
        "solve_s": r.timings["solve"],
        "split_s": r.timings["split"],
        "total_s": total,
        "deprivation": r.stage_objectives.get("deprivation"),
        "cost": r.kpis["cost"],
        "status": r.status,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,3000,10000")
    p.add_argument("--per-area-max", type=int, default=0, help="also run the per-area model up to this size")
    p.add_argument("--per-area-kaltim", action="store_true", help="also run the per-area model on kaltim")
    p.add_argument(
        "--sequential", action="store_true", help="also run the zone model without the overlapped final solve"
    )
    p.add_argument("--one-class", action="store_true", help="also run the zone model with one-class pricing")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    rows = []

    def instance(name: str, s: Scenario, travel, per_area: bool) -> None:
        variants = [{}]
        variants += [{"overlap": False}] if args.sequential else []
        variants += [{"pricing": "one"}] if args.one_class else []
        for v in variants:
            rows.append(run(name, s, travel, True, **v))
            print(rows[-1], flush=True)
        if per_area:
            rows.append(run(name, s, travel, False))
            print(rows[-1], flush=True)

    instance("kaltim (1,038 desa)", kaltim_province(), None, args.per_area_kaltim)
    for n in [int(x) for x in args.sizes.split(",")]:
        instance(f"generated {n:,}", *generated(n), n <= args.per_area_max)
    lines = [
        START,
        "### Allocation LP: zone/class model vs per-area model",
        "",
        f"Command: `.venv/bin/python bench/allocation.py --sizes {args.sizes} "
        f"--per-area-max {args.per_area_max}{' --per-area-kaltim' if args.per_area_kaltim else ''}"
        f"{' --sequential' if args.sequential else ''}{' --one-class' if args.one_class else ''}`; "
        f"{time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, HiGHS through OR-Tools MathOpt "
        "(1 solver thread; the final model's stage 1 solves on a second thread beside the last "
        "pricing round, except in the `1 thread` rows). Generated instances: 50 warehouses, "
        "10 commodities, 3 days, 4 groups; all three stages (deprivation, equity, cost). `prep` is "
        "needs (and, for kaltim, the network matrices); `rounds` the pricing rounds (column "
        "generation) before the final model; `solve` is wall time.",
        "",
        "| instance | model | areas | zones | rounds | variables | prep s | build s | solve s | split s "
        "| total s | deprivation | cost (IDR) | status |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['model']} | {r['areas']:,} | {r['zones']:,} | {r['rounds']} | "
            f"{r['variables']:,} | "
            f"{r['prep_s']:.2f} | {r['build_s']:.2f} | {r['solve_s']:.2f} | {r['split_s']:.2f} | "
            f"{r['total_s']:.2f} | {r['deprivation']:.6g} | {r['cost']:.4g} | {r['status']} |"
        )
    lines.append(END)
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_block(table, START, END)


if __name__ == "__main__":
    main()
