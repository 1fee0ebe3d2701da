"""Benchmark: the plan pipeline on the bundled scenarios and a province-scale one, against a baseline.

    .venv/bin/python bench/plan.py [--time-limit 30] [--province-time-limit 30] [--seed 0] [--only NAME]
                                   [--extra-warehouses 20] [--quick] [--no-write]

The pipeline: allocation -> routing rounds -> final routing. Per scenario: seconds to the first
feasible plan (the first round's routes) and to the final plan, status, fill rate, priority-weighted
unmet need, mean arrival hour and person-days without food, water and
shelter; then the same scenario planned by `baseline_shipments` (nearest
warehouse with stock, first come first served, no priority) routed by `plan_from_shipments` with the
same routing options, and the ratios SIAGA / baseline. Bundled scenarios run at the default
PlanOptions; the province at `province_options` (see there, and docs/benchmarks.md, for why).

`kaltim-province` (generated, seeded): every desa of the bundled library as an area (10 % of its
estimated population affected, as bench/allocation.py), the bundled warehouses, stock and fleet, plus
`--extra-warehouses` generated posko warehouses at the most populous desa of kecamatan drawn by
sqrt(population), each with generated stock (a share of the province's need) and a generated fleet
(trucks, 4x4 pickups, and longboats where the desa lies on a river edge). Every generated number is an
estimate for benchmarking, not data. The tables go into docs/benchmarks.md between the `plan` markers
(not with --quick, --only or --no-write).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from allocation import kaltim_province
from doc_blocks import write_block

from optimizer.plan import PlanOptions, baseline_shipments, plan_from_shipments, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.progress import ProgressEvent
from optimizer.routing import RoutingOptions
from scenarios import compute_needs, load_scenario
from scenarios.bundled import LIBRARY_DIR
from scenarios.model import FleetLine, Scenario, Warehouse
from tests.plan_oracle import timeline_problems

START, END = "<!-- plan:start -->", "<!-- plan:end -->"
BUNDLED = ("banjir-samarinda-2019", "banjir-mahakam-ulu-2024", "karhutla-2019")
PROVINCE = "kaltim-province"
PROVINCE_TIME_LIMIT_S = 30.0
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
        fleet += [
            FleetLine(warehouse=wid, vehicle_type=v, count=int(c), note=GENERATED_NOTE)
            for v, c in counts.items()
        ]
    return tuple(warehouses), tuple(fleet)


def bundled_options(time_limit_s: float, seed: int) -> PlanOptions:
    """The default PlanOptions (the routing budget and seed as given)."""
    d = PlanOptions()
    return replace(d, routing=replace(d.routing, time_limit_s=time_limit_s, seed=seed))


def province_options(time_limit_s: float, seed: int) -> PlanOptions:
    """Budgets for the province: the default allocation (priced links) after a quick first round
    without them (`quick_first`), one full round, 2 % of the routing budget per round, then the final
    search with what is left of `time_limit_s`. Chosen for the targets (first plan <= 10 s, final <= 60 s)."""
    return PlanOptions(
        routing=RoutingOptions(time_limit_s=time_limit_s, seed=seed, workers=2),
        max_rounds=1,
        round_share=0.02,
    )


def run_pair(name: str, s: Scenario, o: PlanOptions) -> dict:
    """SIAGA's plan and the baseline's (same routing options), timed: one row of the tables."""
    seen: dict[str, float] = {}

    def progress(event: ProgressEvent) -> None:
        if event.stage == "first_feasible" and event.seconds is not None:
            seen["first_s"] = event.seconds

    t0 = time.perf_counter()
    plan = plan_scenario(s, o, progress)
    final_s = time.perf_counter() - t0
    doc = plan.to_dict()
    violations = len(check_plan(s, doc, plan.network).violations)
    timeline = len(timeline_problems(s, doc))
    t0 = time.perf_counter()
    ship = baseline_shipments(s)
    base = plan_from_shipments(s, ship, o)
    return {
        "scenario": name,
        "areas": len(s.areas),
        "warehouses": len(s.warehouses),
        "vehicles": sum(f.count for f in s.fleet),
        "options": o,
        "first_s": seen.get("first_s", plan.first_feasible_s),
        "final_s": final_s,
        "rounds": len(plan.rounds),
        "status": plan.status,
        "siaga": plan.kpis.to_dict(),
        "base": base.kpis.to_dict(),
        "base_s": time.perf_counter() - t0,
        "base_shipped_kg": float(ship["kg"].sum()) if len(ship) else 0.0,
        "carried": plan.carried_share,
        "base_carried": base.carried_share,
        "violations": violations,
        "timeline": timeline,
        "base_violations": len(check_plan(s, base.to_dict(), base.network).violations),
    }


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "n/a"
    return "n/a" if b == 0 else f"{a / b:.3f}"


def _num(x: float | None, fmt: str) -> str:
    return "n/a" if x is None else format(x, fmt)


def _budget(o: PlanOptions) -> str:
    r = o.routing
    parts = [f"{r.time_limit_s:g} s"] if r.time_limit_s is not None else []
    if r.iterations is not None:
        parts.append(f"{r.iterations} it.")
    return " / ".join(parts)


def speed_table(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | areas | warehouses | vehicles | routing budget | first feasible s | final s | rounds "
        "| status | fill rate | weighted unmet | mean arrival h | kg carried / allocated "
        "| check violations | timeline problems (oracle) |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: "
        "| ---: | ---: | ---: |",
    ]
    for r in rows:
        k = r["siaga"]
        lines.append(
            f"| {r['scenario']} | {r['areas']:,} | {r['warehouses']} | {r['vehicles']} "
            f"| {_budget(r['options'])} | {r['first_s']:.1f} | {r['final_s']:.1f} | {r['rounds']} "
            f"| {r['status']} | {k['fill_rate']:.3f} | {k['weighted_unmet']:,.0f} "
            f"| {_num(k['arrival_h']['mean'], '.1f')} | {r['carried']:.3f} | {r['violations']} "
            f"| {r['timeline']} |"
        )
    return lines


def quality_table(rows: list[dict]) -> list[str]:
    lines = [
        "| scenario | weighted unmet SIAGA | weighted unmet baseline | SIAGA / baseline "
        "| mean arrival h SIAGA | mean arrival h baseline | SIAGA / baseline | areas reached S/B "
        "| fill rate S/B | delivered t S/B | baseline s | baseline check violations |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | ---: |",
    ]
    for r in rows:
        s, b = r["siaga"], r["base"]
        sa, ba = s["arrival_h"]["mean"], b["arrival_h"]["mean"]
        lines.append(
            f"| {r['scenario']} | {s['weighted_unmet']:,.0f} | {b['weighted_unmet']:,.0f} "
            f"| {_ratio(s['weighted_unmet'], b['weighted_unmet'])} | {_num(sa, '.1f')} | {_num(ba, '.1f')} "
            f"| {_ratio(sa, ba)} | {s['arrival_h']['areas']}/{b['arrival_h']['areas']} "
            f"| {s['fill_rate']:.3f}/{b['fill_rate']:.3f} "
            f"| {s['delivered_kg'] / 1000:,.1f}/{b['delivered_kg'] / 1000:,.1f} | {r['base_s']:.1f} "
            f"| {r['base_violations']} |"
        )
    return lines


def _pd(k: dict, cat: str) -> float:
    return float(k["person_days_without"].get(cat, 0.0))


def _pair(s: dict, b: dict, key: str, fmt: str) -> str:
    return f"{_num(s[key], fmt)} / {_num(b[key], fmt)}"


def people_table(rows: list[dict]) -> list[str]:
    """Person-days without food, water and shelter (and all categories), SIAGA against the baseline,
    both scored by the same KPIs (plan_kpis on their trips)."""
    lines = [
        "| scenario | food S/B | water S/B | shelter S/B | all categories S/B | SIAGA / baseline (all) "
        "| displaced covered 3 days S/B | vulnerable KK reached S/B | cost per KK S/B (IDR) |",
        "| --- | --- | --- | --- | --- | ---: | --- | --- | --- |",
    ]
    for r in rows:
        s, b = r["siaga"], r["base"]
        cells = [f"{_pd(s, c):,.0f} / {_pd(b, c):,.0f}" for c in ("food", "water", "shelter")]
        sa, ba = s["person_days_deprived"], b["person_days_deprived"]

        lines.append(
            f"| {r['scenario']} | {' | '.join(cells)} | {sa:,.0f} / {ba:,.0f} | {_ratio(sa, ba)} "
            f"| {_pair(s, b, 'displaced_covered_3d', '.3f')} "
            f"| {_pair(s, b, 'vulnerable_households_reached', '.3f')} "
            f"| {_pair(s, b, 'cost_per_household', ',.0f')} |"
        )
    return lines


def block(rows: list[dict], args: argparse.Namespace, load: tuple[float, float, float]) -> str:
    cmd = f".venv/bin/python bench/plan.py --time-limit {args.time_limit:g} --seed {args.seed}"
    cmd += f" --province-time-limit {args.province_time_limit:g}" + (" --quick" if args.quick else "")
    return "\n".join(
        [
            START,
            "### Plan pipeline: time to a plan, and quality against a first come, first served baseline",
            "",
            f"Command: `{cmd}`; {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average {load[0]:.2f} at the start. Bundled scenarios: the "
            "default PlanOptions (PyVRP, 2 workers, up to 3 allocation-routing rounds at 15 % of the "
            "routing budget each after a quick first round, then the final search with what is left of the "
            f"budget, at least half). `{PROVINCE}`: {province_note(args)}",
            "",
            *speed_table(rows),
            "",
            "Baseline: `baseline_shipments` (each request from the nearest warehouse with stock, first come "
            "first served, no priority for vulnerable groups; stock, throughput and roughly the fleet's day "
            "respected) routed by `plan_from_shipments` with the same routing options. Ratios below 1 "
            "favour SIAGA. Mean arrival is over the areas that receive anything (areas reached S/B).",
            "",
            *quality_table(rows),
            "",
            "Need in people (docs/needs.md): person-days without each need category over the horizon, "
            "the share of the displaced whose food, water and shelter were met to the end of day 3, the "
            "share of people in households with a vulnerable member who received a day's food, and cost "
            "per household served; SIAGA / baseline, the baseline scored by the same KPIs. Below 1 "
            "favours SIAGA.",
            "",
            *people_table(rows),
            END,
        ]
    )


def province_note(args: argparse.Namespace) -> str:
    o = province_options(args.province_time_limit, args.seed)
    return (
        f"every desa of the bundled library as an area (10 % of its estimated population affected), the "
        f"bundled warehouses and fleet plus {args.extra_warehouses} generated posko warehouses with "
        f"generated stock and fleet (seed {args.seed}); PlanOptions(routing=RoutingOptions(time_limit_s="
        f"{o.routing.time_limit_s:g}, workers=2), max_rounds={o.max_rounds}, round_share="
        f"{o.round_share:.3g}) with the default quick first round."
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--time-limit", type=float, default=30.0, help="routing budget, bundled scenarios (s)")
    p.add_argument("--province-time-limit", type=float, default=PROVINCE_TIME_LIMIT_S)
    p.add_argument("--extra-warehouses", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", help="one scenario: a bundled name or kaltim-province")
    p.add_argument("--quick", action="store_true", help="small budgets, a smoke run (no write)")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    if args.quick:
        args.time_limit, args.province_time_limit = 3.0, 5.0
    load = os.getloadavg()
    names = [*BUNDLED, PROVINCE] if args.only is None else [args.only]
    rows = []
    for name in names:
        if name == PROVINCE:
            s = province_scenario(args.extra_warehouses, args.seed)
            o = province_options(args.province_time_limit, args.seed)
        else:
            s, o = load_scenario(name), bundled_options(args.time_limit, args.seed)
        rows.append(run_pair(name, s, o))
        print({k: v for k, v in rows[-1].items() if k not in ("siaga", "base", "options")}, flush=True)
    text = block(rows, args, load)
    print(text)
    if not (args.no_write or args.quick or args.only):
        write_block(text, START, END)


if __name__ == "__main__":
    main()
