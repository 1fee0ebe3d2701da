"""The reference outputs recorded by tools/record_references.py, and a field-by-field comparison.

Wall-clock fields (a plan's `solve_seconds`, `first_feasible_s` and `timings`, VROOM's
`computing_times`, a routing solution's `runtime_s` and search history) are left out: they are the
only parts of these outputs that differ between runs of the same input, seed and iteration budget.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from optimizer.routing import RoutingOptions, solve_routing
from optimizer.routing.io import read_problem

DATA_DIR = Path(__file__).parent / "data"
REFERENCE_DIR = DATA_DIR / "reference"
PLAN_SCENARIOS = ("banjir-samarinda-2019", "banjir-mahakam-ulu-2024", "karhutla-2019")
PLAN_ARGS = ("--seed", "7", "--iterations", "300")
VROOM_ARGS = ("--seed", "7", "--iterations", "300")
VROOM_FIXTURES = tuple(DATA_DIR / f"vroom_{n}.json" for n in ("example_2", "mixed", "shipments"))
ROUTING_FIXTURES = tuple(sorted(DATA_DIR.glob("routing_*.json")))
PLAN_CLOCK_FIELDS = ("solve_seconds", "first_feasible_s", "timings")


def stable_plan(doc: dict) -> dict:
    """A plan.json without its wall-clock fields."""
    return {k: v for k, v in doc.items() if k not in PLAN_CLOCK_FIELDS}


def stable_vroom(stdout: str) -> dict | str:
    """A `siaga vroom` answer without its computing times (the raw text when it is not JSON)."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return stdout
    if isinstance(doc, dict) and isinstance(doc.get("summary"), dict):
        doc["summary"].pop("computing_times", None)
    return doc


def routing_document(fixture: Path, engine: str) -> dict:
    """`solve_routing` on a native routing fixture under the reference seed and budget, as plain data."""
    options = RoutingOptions(engine=engine, time_limit_s=None, iterations=300, seed=7)
    sol = solve_routing(read_problem(fixture), options)
    doc = dataclasses.asdict(sol)
    for key in ("runtime_s", "history"):
        doc.pop(key)
    return json.loads(json.dumps(doc))


def differences(ref: object, new: object, rel: float = 0.0, path: str = "") -> list[str]:
    """Every place where `new` differs from `ref`, as 'path: ref != new'. Numbers agree when they are
    equal or, with `rel` > 0, within that relative tolerance."""
    if isinstance(ref, dict) and isinstance(new, dict):
        out = [f"{path}/{k}: missing" for k in ref if k not in new]
        out += [f"{path}/{k}: unexpected" for k in new if k not in ref]
        for k in ref:
            if k in new:
                out += differences(ref[k], new[k], rel, f"{path}/{k}")
        return out
    if isinstance(ref, list) and isinstance(new, list):
        if len(ref) != len(new):
            return [f"{path}: {len(ref)} items != {len(new)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(ref, new, strict=True))
            for d in differences(a, b, rel, f"{path}[{i}]")
        ]
    numbers = (int, float)
    if isinstance(ref, numbers) and isinstance(new, numbers) and not isinstance(ref, bool):
        same = ref == new or (rel > 0 and math.isclose(ref, new, rel_tol=rel, abs_tol=0.0))
        return [] if same else [f"{path}: {ref!r} != {new!r}"]
    return [] if ref == new else [f"{path}: {ref!r} != {new!r}"]
