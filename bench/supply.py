"""Benchmark: the supply side (issue 20), each rule against the same scenario without it, side by side
in one run.

    .venv/bin/python bench/supply.py [--iterations 300] [--seed 7] [--no-write]

Rows (every plan on an iteration budget, so each pair is the same work but for the rule):
- transshipment: Mahakam Ulu 2024 (as bundled, in flood; and at low water) and the tiny_river_hub
  fixture, with the library's hubs and without them (`hubs` emptied): person-days without food,
  all person-days of deprivation, the planner's priority-weighted deprivation, feeds and onward trips
  from hubs, and seconds;
- charters: the tiny_river_charter fixture with its chartered boat and without;
- reserve floors: the Samarinda 2019 flood with the kab/kota floors and with every floor released.
Each plan is checked by `check_plan` (the `ok` column). The table goes into docs/benchmarks.md
between the `supply` markers (not with --no-write).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_blocks import write_block  # noqa: E402

from optimizer.plan import PlanOptions, plan_scenario  # noqa: E402
from optimizer.plan.check import check_plan  # noqa: E402
from optimizer.plan.relay import weighted_deprivation  # noqa: E402
from optimizer.routing import RoutingOptions  # noqa: E402
from scenarios import load_scenario  # noqa: E402

START, END = "<!-- supply:start -->", "<!-- supply:end -->"
DATA = ROOT / "tests" / "data"


def _cases():
    mahulu = load_scenario("banjir-mahakam-ulu-2024").model_copy(update={"charters": ()})
    low = mahulu.model_copy(update={"policy": mahulu.policy.model_copy(update={"water_level": "low"})})
    hub = load_scenario(DATA / "tiny_river_hub")
    charter = load_scenario(DATA / "tiny_river_charter")
    smd = load_scenario("banjir-samarinda-2019")
    floors = tuple(w.id for w in smd.warehouses if w.reserve_share > 0)
    released = smd.model_copy(update={"policy": smd.policy.model_copy(update={"released_reserves": floors})})
    no_hubs = {"hubs": ()}
    return [
        ("Mahakam Ulu 2024, flood", "with hubs", mahulu),
        ("Mahakam Ulu 2024, flood", "without hubs", mahulu.model_copy(update=no_hubs)),
        ("Mahakam Ulu 2024, low water", "with hubs", low),
        ("Mahakam Ulu 2024, low water", "without hubs", low.model_copy(update=no_hubs)),
        ("tiny_river_hub", "with the hub", hub),
        ("tiny_river_hub", "without it", hub.model_copy(update=no_hubs)),
        ("tiny_river_charter", "with the charter", charter),
        ("tiny_river_charter", "without it", charter.model_copy(update={"charters": ()})),
        ("Samarinda 2019", "kab/kota floors kept", smd),
        ("Samarinda 2019", "all floors released", released),
    ]


def _row(case: str, variant: str, s, options: PlanOptions) -> str:
    t0 = time.perf_counter()
    plan = plan_scenario(s, options)
    seconds = time.perf_counter() - t0
    k = plan.kpis
    hubs = {h.warehouse for h in s.hubs}
    onward = sum(1 for t in plan.trips if t.warehouse in hubs)
    chartered = sum(1 for t in plan.trips if t.charter)
    ok = "yes" if check_plan(s, plan.to_dict(), plan.network).feasible else "NO"
    food = k.person_days_without.get("food", 0.0)
    return (
        f"| {case} | {variant} | {food:,.0f} | {k.person_days_deprived:,.0f} | "
        f"{weighted_deprivation(s, plan):,.0f} | {len(plan.feeds)} / {onward} | {chartered} | "
        f"{sum(r.kind == 'stock_release' for r in plan.requests)} | {seconds:.1f} | {ok} |"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    options = PlanOptions(
        routing=RoutingOptions(time_limit_s=None, iterations=args.iterations, seed=args.seed)
    )
    rows = []
    for case, variant, s in _cases():
        rows.append(_row(case, variant, s, options))
        print(rows[-1], flush=True)
    block = "\n".join(
        [
            START,
            f"Run {date.today().isoformat()} on {platform.machine()}, {platform.python_version()}: "
            f"`.venv/bin/python bench/supply.py --iterations {args.iterations} --seed {args.seed}` "
            "(one process, every plan on the same iteration budget; person-days as in docs/plan-format.md, "
            "weighted = the planner's first objective, priority x person-days left unmet).",
            "",
            "| scenario | variant | person-days without food | person-days deprived | weighted | "
            "feeds / trips from hubs | chartered trips | stock requests | s | checks |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            END,
        ]
    )
    if not args.no_write:
        write_block(block, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
