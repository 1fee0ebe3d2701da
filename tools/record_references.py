"""Record the reference outputs that tests/test_reference.py compares field by field.

    .venv/bin/python tools/record_references.py            # everything
    .venv/bin/python tools/record_references.py --only plans

Plans: `siaga plan NAME --seed 7 --iterations 300` of the three bundled scenarios (plan.json without
its wall-clock fields). VROOM: `siaga vroom FILE --seed 7 --iterations 300` on the VROOM fixtures, with
both engines. Routing: `solve_routing` on the native routing fixtures, with both engines. Re-record
only when a change of behaviour is intended, and say so in the commit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reference import (  # noqa: E402
    PLAN_ARGS,
    PLAN_SCENARIOS,
    REFERENCE_DIR,
    ROUTING_FIXTURES,
    VROOM_ARGS,
    VROOM_FIXTURES,
    routing_document,
    stable_plan,
    stable_vroom,
)

ENGINES = ("pyvrp", "ortools")


def _write(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


def record_plans() -> None:
    for name in PLAN_SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "api", "plan", name, *PLAN_ARGS, "--out", tmp]
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            doc = json.loads((Path(tmp) / "plan.json").read_text())
        _write(REFERENCE_DIR / "plans" / f"{name}.json", stable_plan(doc))


def record_vroom() -> None:
    for fixture in VROOM_FIXTURES:
        for engine in ENGINES:
            cmd = [sys.executable, "-m", "api", "vroom", str(fixture), *VROOM_ARGS, "--engine", engine]
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            doc = {"exit_code": done.returncode, "output": stable_vroom(done.stdout)}
            _write(REFERENCE_DIR / "vroom" / f"{fixture.stem}.{engine}.json", doc)


def record_routing() -> None:
    for fixture in ROUTING_FIXTURES:
        for engine in ENGINES:
            _write(
                REFERENCE_DIR / "routing" / f"{fixture.stem}.{engine}.json", routing_document(fixture, engine)
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["plans", "vroom", "routing"])
    args = ap.parse_args()
    for part, fn in (("plans", record_plans), ("vroom", record_vroom), ("routing", record_routing)):
        if args.only in (None, part):
            fn()


if __name__ == "__main__":
    main()
