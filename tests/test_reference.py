"""Behaviour preserved: the three bundled plans, `siaga vroom` and the routing engines give exactly the
outputs recorded in tests/data/reference (tools/record_references.py re-records them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.reference import (
    PLAN_ARGS,
    PLAN_SCENARIOS,
    REFERENCE_DIR,
    ROUTING_FIXTURES,
    VROOM_ARGS,
    VROOM_FIXTURES,
    differences,
    routing_document,
    stable_plan,
    stable_vroom,
)

ENGINES = ("pyvrp", "ortools")
SIAGA = [sys.executable, "-m", "api"]
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}


def _reference(kind: str, name: str) -> dict:
    return json.loads((REFERENCE_DIR / kind / f"{name}.json").read_text())


def _report(found: list[str]) -> str:
    return f"{len(found)} differences, first: " + "; ".join(found[:10])


@pytest.mark.slow
@pytest.mark.parametrize("name", PLAN_SCENARIOS)
def test_bundled_plan_equals_the_reference(name: str) -> None:
    """`siaga plan NAME --seed 7 --iterations 300` writes the recorded plan.json, field by field (wall
    clock fields aside)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [*SIAGA, "plan", name, *PLAN_ARGS, "--out", tmp], capture_output=True, text=True, env=ENV
        )
        assert done.returncode == 0, done.stderr
        doc = stable_plan(json.loads((Path(tmp) / "plan.json").read_text()))
    found = differences(_reference("plans", name), doc)
    assert not found, _report(found)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", VROOM_FIXTURES, ids=lambda p: p.stem)
def test_vroom_answer_equals_the_reference(fixture: Path, engine: str) -> None:
    """`siaga vroom FIXTURE --seed 7 --iterations 300` prints the recorded solution (or error) and exit
    code, computing times aside."""
    done = subprocess.run(
        [*SIAGA, "vroom", str(fixture), *VROOM_ARGS, "--engine", engine],
        capture_output=True,
        text=True,
        env=ENV,
    )
    new = {"exit_code": done.returncode, "output": stable_vroom(done.stdout)}
    found = differences(_reference("vroom", f"{fixture.stem}.{engine}"), new)
    assert not found, _report(found)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fixture", ROUTING_FIXTURES, ids=lambda p: p.stem)
def test_routing_solution_equals_the_reference(fixture: Path, engine: str) -> None:
    """`solve_routing` on each native routing fixture returns the recorded routes, schedule, unassigned
    jobs and cost under seed 7 and 300 iterations."""
    found = differences(_reference("routing", f"{fixture.stem}.{engine}"), routing_document(fixture, engine))
    assert not found, _report(found)
