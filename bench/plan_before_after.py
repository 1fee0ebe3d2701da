"""Benchmark: the province plan of bench/plan.py, before and after issue 16, side by side in one run.

    .venv/bin/python bench/plan_before_after.py [--repeats 3] [--time-limit 30] [--write]

BEFORE is the code at commit b029817 (the last commit before issue 16) in a worktree made by
bench/round_setup.py's `before_tree` (/tmp/siaga-before); AFTER is this checkout. Each run is a child
process of the same interpreter with PYTHONPATH set to its tree; the sides alternate (before, after,
before, ...), so drift of the machine's speed hits both alike. Each child builds `kaltim-province`
with that tree's bench/plan.py (`province_scenario`, `province_options`: 1,038 desa, 35 warehouses,
182 vehicles, a 30 s routing budget) and reports the first feasible plan's time (the
`first_feasible` progress event), the final time and the plan's weighted unmet need. A second
line per side runs the same plan under an iteration budget (`--iterations`, no wall clock): the same
work on both sides, so its plan must be identical and its times compare the code alone.
With `--write` the table replaces the block between `<!-- plan-before-after:start -->` and
`<!-- plan-before-after:end -->` in docs/benchmarks.md (appended when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_blocks import write_block
from round_setup import BEFORE_REV, BEFORE_TREE, ROOT, before_tree

START, END = "<!-- plan-before-after:start -->", "<!-- plan-before-after:end -->"


def child(time_limit_s: float, iterations: int | None) -> dict:
    """In the child: plan the province on the tree on PYTHONPATH; times and the weighted unmet."""
    from plan import province_options, province_scenario

    from optimizer.plan import plan_scenario
    from optimizer.routing import RoutingOptions

    s = province_scenario()
    o = province_options(time_limit_s, 0)
    if iterations is not None:
        o = replace(o, routing=RoutingOptions(time_limit_s=None, iterations=iterations, seed=0, workers=2))
    seen: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(event: object) -> None:
        stage = event["stage"] if isinstance(event, dict) else getattr(event, "stage", None)
        if stage == "first_feasible" and "first_s" not in seen:
            seen["first_s"] = time.perf_counter() - t0

    plan = plan_scenario(s, o, progress)
    kpis = plan.kpis if isinstance(plan.kpis, dict) else plan.kpis.to_dict()
    return {
        "first_s": seen.get("first_s", plan.first_feasible_s),
        "final_s": time.perf_counter() - t0,
        "weighted_unmet": kpis["weighted_unmet"],
    }


def run(tree: Path, time_limit_s: float, iterations: int | None) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{tree}:{tree / 'bench'}"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--time-limit", str(time_limit_s)]
    if iterations is not None:
        cmd += ["--iterations", str(iterations)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child on {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def table(results: dict, args: argparse.Namespace, load: float) -> str:
    lines = [
        START,
        "### Province plan before and after issue 16 (side by side)",
        "",
        f"Command: `.venv/bin/python bench/plan_before_after.py --repeats {args.repeats} --time-limit "
        f"{args.time_limit:g} --iterations {args.iterations}`; {date.today()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average {load:.2f} at the start. "
        f"Before: commit {BEFORE_REV}; after: this checkout; `kaltim-province` of bench/plan.py, runs "
        f"alternating before/after, median of {args.repeats} each.",
        "",
        "| budget | side | first feasible s | final s | weighted unmet "
        "| first after/before | final after/before |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for budget, sides in results.items():
        b, a = sides["before"], sides["after"]
        for name, rows in (("before", b), ("after", a)):
            ratio_first = ratio_final = ""
            if name == "after":
                ratio_first = f"{_median(a, 'first_s') / _median(b, 'first_s'):.3f}"
                ratio_final = f"{_median(a, 'final_s') / _median(b, 'final_s'):.3f}"
            unmet = sorted({round(r["weighted_unmet"]) for r in rows})
            lines.append(
                f"| {budget} | {name} | {_median(rows, 'first_s'):.1f} | {_median(rows, 'final_s'):.1f} | "
                f"{' / '.join(f'{u:,}' for u in unmet)} | {ratio_first} | {ratio_final} |"
            )
    lines += [
        "",
        "Under the iteration budget both sides do the same search and must give the same plan (one "
        "weighted unmet value per side, equal); under the wall-clock budget the search reaches "
        "different points in the same seconds, so the plans may differ a little.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        it = args.iterations if "--iterations" in sys.argv else None
        print(json.dumps(child(args.time_limit, it)))
        return
    load = os.getloadavg()[0]
    trees = {"before": before_tree(BEFORE_TREE, BEFORE_REV), "after": ROOT}
    results: dict[str, dict[str, list[dict]]] = {}
    budgets = ((f"{args.time_limit:g} s", None), (f"{args.iterations} iterations", args.iterations))
    for label, iterations in budgets:
        results[label] = {"before": [], "after": []}
        for _ in range(args.repeats):
            for side, tree in trees.items():
                results[label][side].append(run(tree, args.time_limit, iterations))
                print(label, side, results[label][side][-1], file=sys.stderr)
    text = table(results, args, load)
    print(text)
    if args.write:
        write_block(text, START, END)


if __name__ == "__main__":
    main()
