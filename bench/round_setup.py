"""Benchmark: the set-up cost of one allocation round and of the routing, before and after issue 16.

    .venv/bin/python bench/round_setup.py [--repeats 3] [--scenarios a,b,...] [--write]

BEFORE is the code at commit b029817 (the last commit before issue 16), checked out into a temporary
worktree (`git worktree add --detach /tmp/siaga-before b029817`, made here when missing; this
checkout is not touched); AFTER is this checkout. Each (side, scenario) runs in its own child process
of the same interpreter with PYTHONPATH set to that side's tree, in the same run, alternating sides.

What is timed, the scenario's network (its travel matrices already computed) and needs given:
- allocation-round set-up: from the scenario to the first LP of a round ready to solve, with a tenth
  of the areas' fastest warehouse links closed (as a plan round that closes links for routing
  reasons). BEFORE: the closed links written into the travel matrices (`_close_links`), then
  `scenario_arrays` (index maps, fleet, travel arrays, needs by class), `with_classes`,
  `link_inputs`, `build_model`. AFTER: the closed-link mask, `scenario_arrays(instance, closed)` on
  the compiled instance, `with_classes`, `link_inputs`, `build_model`. `compile_instance` (once per
  plan) is timed alone;
- routing set-up: `route_shipments` on the allocation's shipments (whole units) up to the first
  engine call (the engine is replaced by one that stops the call): index maps, fleet, priorities,
  loads and the warehouse-day problems.
Median of `--repeats` runs after one warm-up run. Scenarios: the bundled banjir-samarinda-2019 and
karhutla-2019, and `kaltim-province` (every desa of the bundled library as an area, 10 % of its
estimated population affected, the bundled warehouses and fleet, 3 days; as bench/allocation.py).
With `--write` the tables replace the section "## Allocation-round set-up (issue 16)" of
docs/benchmarks.md (appended when missing); the rest of the file is kept.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import pkgutil
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE_REV = "b029817"
BEFORE_TREE = Path("/tmp/siaga-before")
SCENARIOS = ("banjir-samarinda-2019", "karhutla-2019", "kaltim-province")
SECTION = "## Allocation-round set-up (issue 16)"
DOC = ROOT / "docs" / "benchmarks.md"


# --- the parent: worktree, children, table ------------------------------------------------------


def before_tree(path: Path, rev: str) -> Path:
    """The worktree of `rev` at `path`, made from this checkout's repository when missing."""
    if not path.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev],
            check=True,
            capture_output=True,
        )
    head = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    want = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    if head != want:
        raise SystemExit(f"{path} is at {head[:7]}, not {rev}: remove it (git worktree remove) and re-run")
    return path


def run_child(tree: Path, scenario: str, repeats: int) -> dict:
    """One side's timings for one scenario, measured in a child process on `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", scenario, "--repeats", str(repeats)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child on {tree} ({scenario}) failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _s(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _ratio(after: float | None, before: float | None) -> str:
    return "n/a" if after is None or not before else f"{after / before:.2f}"


def tables(rows: list[tuple[str, dict, dict]], repeats: int, load: float) -> str:
    """The markdown section: how it was run, the allocation-round table and the routing table."""
    lines = [
        SECTION,
        "",
        f"Command: `.venv/bin/python bench/round_setup.py --repeats {repeats}`; {date.today()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average {load:.2f} at the start. "
        f"Before: commit {BEFORE_REV}; after: this checkout; each side in its own process, median of "
        f"{repeats} runs after a warm-up. Network and travel matrices built beforehand; a tenth of the "
        "areas have their fastest warehouse link closed.",
        "",
        "Allocation-round set-up (closed links applied, arrays, classes, links and zones, first LP built); "
        "after: per round from the compiled instance, which is built once per plan (`compile_instance`).",
        "",
        "| scenario | areas x warehouses | before s | after s | after/before | compile_instance s |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, b, a in rows:
        lines.append(
            f"| {name} | {a['areas']:,} x {a['warehouses']} | {_s(b['round_s'])} | {_s(a['round_s'])} | "
            f"{_ratio(a['round_s'], b['round_s'])} | {_s(a.get('compile_s'))} |"
        )
    lines += [
        "",
        "Routing set-up (`route_shipments` up to the first engine call: maps, fleet, priorities, loads, "
        "warehouse-day problems), on the allocation's shipments in whole units; before: from the "
        "scenario, its network and needs; after: from the compiled instance.",
        "",
        "| scenario | shipment rows | before s | after s | after/before |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, b, a in rows:
        lines.append(
            f"| {name} | {a['shipment_rows']:,} | {_s(b['routing_s'])} | {_s(a['routing_s'])} | "
            f"{_ratio(a['routing_s'], b['routing_s'])} |"
        )
    return "\n".join(lines) + "\n"


def write_section(section: str, doc: Path = DOC) -> None:
    """Replace the section (its heading to the next `## ` heading) in `doc`, or append it."""
    text = doc.read_text(encoding="utf-8")
    if SECTION in text:
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        rest = "" if nxt < 0 else text[nxt + 1 :]
        text = text[:start] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip() + "\n\n" + section
    doc.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--before", type=Path, default=BEFORE_TREE, help="worktree of the code before")
    ap.add_argument("--write", action="store_true", help="put the tables into docs/benchmarks.md")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.repeats)))
        return
    before = before_tree(args.before, BEFORE_REV)
    load = os.getloadavg()[0]
    rows = []
    for name in args.scenarios.split(","):
        b = run_child(before, name, args.repeats)
        a = run_child(ROOT, name, args.repeats)
        rows.append((name, b, a))
        print(f"{name}: round {_s(b['round_s'])} -> {_s(a['round_s'])} s", file=sys.stderr)
    section = tables(rows, args.repeats, load)
    print(section)
    if args.write:
        write_section(section)


# --- the child: runs on one tree, whichever code it holds ---------------------------------------


def _tree() -> Path:
    """The tree this child measures (its PYTHONPATH)."""
    return Path(os.environ["PYTHONPATH"]).resolve()


def _find(package: str, name: str) -> Callable:
    """The function `name` from the first module of `package` (or its submodules) that holds it, from
    this child's tree only (the editable install could otherwise supply modules the tree lacks)."""
    pkg = importlib.import_module(package)
    if not Path(pkg.__file__ or "").resolve().is_relative_to(_tree()):
        raise LookupError(f"{package} is not in {_tree()}")
    if callable(getattr(pkg, name, None)):
        return getattr(pkg, name)
    for info in pkgutil.walk_packages(pkg.__path__, package + "."):
        mod = importlib.import_module(info.name)
        if callable(getattr(mod, name, None)):
            return getattr(mod, name)
    raise LookupError(f"no {name} in {package}")


def _median(fn: Callable[[], object], repeats: int) -> float | None:
    """Median seconds of `fn` over `repeats` runs after a warm-up; None when fn returns False."""
    if fn() is False:
        return None
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def kaltim_province():
    """All desa of the bundled library as areas, on the bundled network: the child's own tree's
    bench/allocation.py builds it (both trees hold that function)."""
    sys.path.insert(0, str(_tree() / "bench"))
    from allocation import kaltim_province as province

    return province()


def _closed_links(scenario, travel) -> dict[tuple[str, str], str]:
    """Every tenth area's fastest reachable warehouse link, as a plan round's closed links."""
    import numpy as np

    best = np.min([m.time_h for m in travel.values()], axis=0)  # [w, a]
    closed = {}
    for a in range(0, len(scenario.areas), 10):
        w = int(np.argmin(best[:, a]))
        if np.isfinite(best[w, a]):
            closed[(scenario.warehouses[w].id, scenario.areas[a].id)] = "time_window"
    return closed


def _close_links_old(s, travel: dict, closed: dict) -> dict:
    """The travel matrices with the closed links unreachable (the pipeline's `_close_links` of the
    code before, used when that tree has no such function)."""
    import numpy as np

    from network import TravelMatrix

    wi = {w.id: i for i, w in enumerate(s.warehouses)}
    ai = {a.id: i for i, a in enumerate(s.areas)}
    rows = np.array([wi[w] for w, _ in closed])
    cols = np.array([ai[a] for _, a in closed])
    out = {}
    for v, m in travel.items():
        t, d = m.time_h.copy(), m.distance_km.copy()
        t[rows, cols] = np.inf
        d[rows, cols] = np.inf
        out[v] = TravelMatrix(m.vehicle_type, m.sources, m.targets, t, d, m.modes)
    return out


def _round_setup(ctx: dict) -> Callable[[], object]:
    """One allocation round's set-up on this tree's code: old (scenario, needs, travel) or new
    (compiled instance and a closed-link mask) `scenario_arrays`."""
    import numpy as np

    arrays = _find("optimizer.allocation", "scenario_arrays")
    with_classes = _find("optimizer.allocation", "with_classes")
    link_inputs = _find("optimizer.allocation", "link_inputs")
    build_model = _find("optimizer.allocation", "build_model")
    opts = _find("optimizer.allocation", "AllocationOptions")()
    s, closed = ctx["scenario"], ctx["closed"]
    growth, equity = s.policy.deprivation_growth_per_day, "equity" in s.policy.stages
    new = "instance" in inspect.signature(arrays).parameters

    def finish(final) -> object:
        coarse = with_classes(final, aggregate=True, one_class=opts.pricing_classes == "one")
        inp = link_inputs(coarse, opts.k_nearest)
        return build_model(inp, growth, equity, None)

    def before() -> object:
        try:
            close = _find("optimizer.plan", "_close_links")
        except LookupError:
            close = _close_links_old
        travel = close(s, ctx["travel"], closed)
        return finish(arrays(s, ctx["needs"], travel, opts.aggregate, opts.handling_h))

    def after() -> object:
        inst = ctx["instance"]
        mask = np.zeros((len(inst.warehouses), len(inst.areas)), bool)
        mask[[inst.warehouses[w] for w, _ in closed], [inst.areas[a] for _, a in closed]] = True
        return finish(arrays(inst, mask, aggregate=opts.aggregate, handling_h=opts.handling_h))

    return after if new else before


class _SetupDone(Exception):
    """Raised by the stand-in engine: the routing set-up is over."""


def _stop(*args: object, **kwargs: object) -> object:
    raise _SetupDone


def _routing_setup(ctx: dict) -> Callable[[], object]:
    """`route_shipments` up to its first engine call (every `solve_routing` the routing and plan
    modules hold is replaced by `_stop`); False when no engine was reached."""
    route = _find("optimizer.routing", "route_shipments")
    options = _find("optimizer.routing", "RoutingOptions")(time_limit_s=1.0, workers=1)
    params = inspect.signature(route).parameters
    first = next(iter(params))
    if first in ("instance", "problem") and "instance" in ctx:
        # the new code: the compiled instance carries the scenario, its network and needs
        given = {first: ctx["instance"], "shipments": ctx["shipments"], "options": options}
    else:
        given = {"scenario": ctx["scenario"], "network": ctx["network"], "needs": ctx["needs"]}
        given |= {first: ctx["scenario"], "shipments": ctx["shipments"], "options": options}
    missing = [p for p, v in params.items() if v.default is inspect.Parameter.empty and p not in given]
    if missing:
        raise LookupError(f"route_shipments takes {missing}: teach bench/round_setup.py about them")
    kwargs = {p: given[p] for p in params if p in given}
    for mod in list(sys.modules.values()):
        inside = mod is not None and mod.__name__.startswith(("optimizer.routing", "optimizer.plan"))
        if inside and callable(getattr(mod, "solve_routing", None)):
            mod.solve_routing = _stop

    def run() -> object:
        try:
            route(**kwargs)
        except _SetupDone:
            return True
        return False

    return run


def measure(name: str, repeats: int) -> dict:
    """Timings on the tree this process imports from (PYTHONPATH): the parent reads the JSON."""
    import scenarios

    if not Path(scenarios.__file__ or "").resolve().is_relative_to(_tree()):
        raise SystemExit(f"imported {scenarios.__file__}, not from {_tree()}")
    from network import ScenarioNetwork
    from scenarios import compute_needs, load_scenario

    s = kaltim_province() if name == "kaltim-province" else load_scenario(name)
    sn = ScenarioNetwork(s)
    travel = sn.warehouse_to_area()
    sn.area_to_area()
    needs = compute_needs(s)
    ctx = {"scenario": s, "network": sn, "travel": travel, "needs": needs}
    ctx["closed"] = _closed_links(s, travel)
    out: dict = {"areas": len(s.areas), "warehouses": len(s.warehouses), "closed": len(ctx["closed"])}
    try:
        compile_instance = _find("optimizer.instance", "compile_instance")
    except (ImportError, LookupError):
        compile_instance = None
    if compile_instance is not None:
        ctx["instance"] = compile_instance(s, network=sn, needs=needs)
        out["compile_s"] = _median(lambda: compile_instance(s, network=sn, needs=needs), repeats)
    out["round_s"] = _median(_round_setup(ctx), repeats)
    ctx["shipments"] = _shipments(ctx)
    out["shipment_rows"] = len(ctx["shipments"])
    out["routing_s"] = _median(_routing_setup(ctx), repeats)
    return out


def _shipments(ctx: dict):
    """The allocation's shipments in whole units (as a plan's first round routes them)."""
    solve = _find("optimizer.allocation", "solve_allocation")
    whole_units = _find("optimizer.plan", "whole_units")
    s = ctx["scenario"]
    if "instance" in ctx:
        alloc = solve(ctx["instance"])
    else:
        alloc = solve(s, needs=ctx["needs"], travel=ctx["travel"])
    return whole_units(s, alloc.shipments, ctx["needs"])


if __name__ == "__main__":
    main()
