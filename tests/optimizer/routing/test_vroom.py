"""The VROOM-compatible interface: conformance with VROOM's published docs/example_2, capacities,
skills, windows and priorities on a mixed problem, reasons for unassigned jobs, and the CLI."""

from __future__ import annotations

import json

import pytest

from optimizer.routing import RoutingOptions
from optimizer.routing.vroom import VroomError, solve_vroom

from ...conftest import DATA_DIR, run_siaga

BUDGET = {"time_limit_s": None, "iterations": 200, "seed": 0}


def load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text())


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_example_2_matches_vroom_docs(engine):
    """VROOM's docs/example_2 (one vehicle, two jobs, custom matrix): cost 5461 and the published
    steps (start 0, job 1414 at 2104, job 1515 at 4359, end at 5461)."""
    sol = solve_vroom(load("vroom_example_2.json"), RoutingOptions(engine, **BUDGET))
    assert sol["code"] == 0
    assert sol["summary"]["cost"] == 5461 and sol["summary"]["duration"] == 5461
    assert sol["summary"]["routes"] == 1 and sol["unassigned"] == []
    steps = [(s["type"], s.get("id"), s["arrival"], s["duration"]) for s in sol["routes"][0]["steps"]]
    assert steps == [
        ("start", None, 0, 0),
        ("job", 1414, 2104, 2104),
        ("job", 1515, 4359, 4359),
        ("end", None, 5461, 5461),
    ]


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_mixed_problem_respects_capacity_skills_and_windows(engine):
    """Two vehicles (profiles car and boat, skills, a fixed cost, an open end): every served job's skills
    are on its vehicle, loads stay within capacity at every step, windows hold; the job needing a skill
    nobody has is `unreachable` and the 9-unit job (capacities 4 and 2) is `over_capacity`."""
    raw = load("vroom_mixed.json")
    sol = solve_vroom(raw, RoutingOptions(engine, **BUDGET))
    jobs = {j["id"]: j for j in raw["jobs"]}
    vehicles = {v["id"]: v for v in raw["vehicles"]}
    assert {u["id"]: u["reason"] for u in sol["unassigned"]} == {14: "over_capacity", 15: "unreachable"}
    served = set()
    for route in sol["routes"]:
        v = vehicles[route["vehicle"]]
        for step in route["steps"]:
            assert all(x <= c for x, c in zip(step["load"], v["capacity"], strict=True))
            if step["type"] == "job":
                job = jobs[step["id"]]
                served.add(step["id"])
                assert set(job.get("skills", [])) <= set(v["skills"])
                for lo, hi in job.get("time_windows", [[0, 10**12]]):
                    assert lo <= step["arrival"] + step["waiting_time"] <= hi
    assert served == {10, 11, 12, 13}
    assert sol["summary"]["cost"] == sum(r["cost"] for r in sol["routes"])


def test_bad_problem_says_where():
    """A start_index outside the matrix is refused with the vehicle and the index in the message."""
    with pytest.raises(VroomError, match=r"vehicles\[0\] \(id 1\): start_index 9 outside the matrix"):
        solve_vroom(load("vroom_bad.json"))


@pytest.mark.slow
def test_cli_vroom_reads_a_file_and_stdin():
    """`siaga vroom FILE` and `siaga vroom -` print the same VROOM solution; a bad file exits 2."""
    path = DATA_DIR / "vroom_example_2.json"
    from_file = run_siaga("vroom", str(path), "--iterations", "100", "--seed", "1")
    from_stdin = run_siaga("vroom", "-", "--iterations", "100", "--seed", "1", stdin=path.read_text())
    assert from_file.returncode == 0, from_file.stderr
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert a["summary"]["cost"] == b["summary"]["cost"] == 5461
    assert a["routes"] == b["routes"]
    bad = run_siaga("vroom", str(DATA_DIR / "vroom_bad.json"), "--iterations", "10")
    assert bad.returncode == 2
    assert "start_index 9" in json.loads(bad.stdout)["error"]


@pytest.mark.slow
def test_cli_route_prints_trips_and_writes_json(tmp_path):
    """`siaga route` on the tiny flood prints the trips table and writes trips JSON that carries
    everything (status feasible)."""
    out = tmp_path / "trips.json"
    res = run_siaga(
        "route", str(DATA_DIR / "tiny_flood"), "--iterations", "100", "--out", str(out), "--lang", "en"
    )
    assert res.returncode == 0, res.stderr
    assert "Vehicle routes" in res.stdout and "gudang/" in res.stdout
    doc = json.loads(out.read_text())
    assert doc["status"] == "feasible" and doc["trips"] and doc["unassigned"] == []


def test_shipments_pickup_before_delivery_within_capacity():
    """VROOM shipments (pickup then delivery by one vehicle of capacity 2, beside a delivery job): both
    served shipments are picked up before they are delivered, the load never exceeds 2, and the
    shipment needing a skill nobody has is unassigned (both steps) as `unreachable`."""
    raw = load("vroom_shipments.json")
    sol = solve_vroom(raw, RoutingOptions("pyvrp", **BUDGET))
    steps = sol["routes"][0]["steps"]
    order = [(s["type"], s.get("id")) for s in steps]
    for pickup, delivery in ((10, 11), (20, 21)):
        assert order.index(("pickup", pickup)) < order.index(("delivery", delivery))
    assert ("job", 1) in order
    assert all(s["load"][0] <= 2 for s in steps)
    assert {(u["id"], u["type"], u["reason"]) for u in sol["unassigned"]} == {
        (30, "pickup", "unreachable"),
        (31, "delivery", "unreachable"),
    }


def test_shipments_with_ortools_say_which_engine():
    """Asking the OR-Tools engine for shipments fails with a message naming the engine to use."""
    with pytest.raises(ValueError, match="need engine 'pyvrp'"):
        solve_vroom(load("vroom_shipments.json"), RoutingOptions("ortools", **BUDGET))
