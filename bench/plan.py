"""Benchmark: the plan pipeline (allocation -> routing rounds -> final routing) on the bundled scenarios
and on a generated province-scale scenario, side by side with a first come, first served baseline.

    .venv/bin/python bench/plan.py [--time-limit 30] [--province-time-limit 40] [--seed 0] [--only NAME]
                                   [--quick] [--no-write]

Per scenario: seconds to the first feasible plan (the first round's routes) and to the final plan,
status, fill rate, priority-weighted unmet need and mean arrival hour; then the same scenario planned by
`baseline_shipments` (nearest warehouse with stock, first come first served, no priority) routed by
`plan_from_shipments` with the same routing options, and the ratios SIAGA / baseline.

`kaltim-province` (generated, seeded): every desa of the bundled library as an area (10 % of its
estimated population affected, as bench/allocation.py), the bundled warehouses, stock and fleet, plus
`--extra-warehouses` generated posko warehouses at the most populous desa of kecamatan drawn by
sqrt(population), each with generated stock (a share of the province's need) and a generated fleet (trucks,
4x4 pickups, and longboats where the desa lies on a river edge). Every generated number is an estimate
for benchmarking, not data. The tables go into docs/benchmarks.md between the `plan` markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from allocation import kaltim_province
from doc_blocks import write_block

from optimizer.plan import PlanOptions, baseline_shipments, plan_from_shipments, plan_scenario
from optimizer.routing import RoutingOptions
from scenarios import compute_needs, load_scenario
from scenarios.bundled import LIBRARY_DIR
from scenarios.model import FleetLine, Scenario, Warehouse

START, END = "<!-- plan:start -->", "<!-- plan:end -->"
BUNDLED = ("banjir-samarinda-2019", "banjir-mahakam-ulu-2024", "karhutla-2019")
PROVINCE = "kaltim-province"
GENERATED_NOTE = "generated estimate for the plan benchmark (bench/plan.py), not data"


def province_scenario(extra_warehouses: int = 20, seed: int = 0) -> Scenario:
    """kaltim_province() with generated posko warehouses, stock and fleet (seeded)."""
    base = kaltim_province()
    rng = np.random.default_rng(seed)
    need = compute_needs(base).groupby("commodity")["units"].sum()
    warehouses, fleet = _generated_posko(rng, extra_warehouses, need)
    s = base.model_copy(
        update={
            "id": PROVINCE,
            "name": "Kaltim province (generated benchmark)",
            "warehouses": base.warehouses + warehouses,
            "fleet": base.fleet + fleet,
        }
    )
    return Scenario.model_validate(s.model_dump())


def _generated_posko(rng, n: int, need: pd.Series) -> tuple[tuple[Warehouse, ...], tuple[FleetLine, ...]]:
    admin = LIBRARY_DIR / "kaltim" / "admin"
    kec = pd.read_csv(admin / "kecamatan.csv", dtype={"code": str, "kab_code": str})
    desa = pd.read_csv(admin / "desa.csv", dtype={"code": str, "kec_code": str})
    edges = pd.read_csv(LIBRARY_DIR / "kaltim" / "edges.csv")
    river = set(edges.loc[edges["mode"] == "river", ["source", "target"]].to_numpy().ravel())
    pop = kec["population"].to_numpy(float)
    weight = np.sqrt(pop)  # by population, damped so that the posko spread beyond the two cities
    picks = kec.iloc[np.sort(rng.choice(len(kec), size=n, replace=False, p=weight / weight.sum()))]
    share = pop[picks.index] / pop[picks.index].sum()
    warehouses, fleet = [], []
    for k, (r, sh) in enumerate(zip(picks.itertuples(), share, strict=True)):
        seat = desa[desa["kec_code"] == r.code].sort_values(["population", "code"]).iloc[-1]
        wid, node = f"posko_gen_{k + 1:02d}", f"d_{seat.code}"
        stock = {c: float(np.floor(u * sh * rng.uniform(0.15, 0.45))) for c, u in need.items()}
        warehouses.append(
            Warehouse(
                id=wid,
                name=f"Posko logistik {r.name} (generated)",
                kab_code=r.kab_code,
                lat=float(seat.lat),
                lon=float(seat.lon),
                node=node,
                stock={c: u for c, u in stock.items() if u > 0},
                throughput_t_per_day=float(rng.uniform(20, 60)),
                note=GENERATED_NOTE,
            )
        )
        counts = {"truk": rng.integers(2, 5), "pickup_4x4": rng.integers(2, 5)}
        if node in river:
            counts["longboat"] = rng.integers(1, 4)
        fleet += [FleetLine(warehouse=wid, vehicle_type=v, count=int(c), note=GENERATED_NOTE) for v, c in counts.items()]
    return tuple(warehouses), tuple(fleet)


def options_for(time_limit_s: float, seed: int, round_share: float = 0.15) -> PlanOptions:
    return PlanOptions(
        routing=RoutingOptions(time_limit_s=time_limit_s, seed=seed, workers=2), round_share=round_share
    )


def run_pair(name: str, s: Scenario, o: PlanOptions) -> dict:
    """SIAGA's plan and the baseline's, timed; one row of the tables."""
    seen: dict = {}
    t0 = time.perf_counter()
    plan = plan_scenario(s, o, lambda e: seen.setdefault("first", e["seconds"]) if e["stage"] == "first_feasible" else None)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    ship = baseline_shipments(s)
    base_ship_s = time.perf_counter() - t0
    base = plan_from_shipments(s, ship, o)
    return {
        "scenario": name,
        "areas": len(s.areas),
        "warehouses": len(s.warehouses),
        "vehicles": sum(f.count for f in s.fleet),
        "time_limit_s": o.routing.time_limit_s,
        "round_share": o.round_share,
        "first_s": seen.get("first", plan.first_feasible_s),
        "final_s": wall,
        "rounds": len(plan.rounds),
        "status": plan.status,
        "siaga": plan.kpis,
        "base": base.kpis,
        "base_s": base_ship_s + base.solve_seconds,
        "base_shipped_kg": float(ship["kg"].sum()) if len(ship) else 0.0,
    }
