"""VROOM conformance through the HTTP API: POST /v1/optimization answers a VROOM solution."""

from __future__ import annotations

import json

import pytest

from ...api_fixtures import DATA_DIR, sqlite_service  # noqa: F401 - fixture


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_example_2_costs_5461(sqlite_service, engine):  # noqa: F811
    """VROOM's docs/example_2 through /v1/optimization: cost 5461 and the published steps."""
    problem = json.loads((DATA_DIR / "vroom_example_2.json").read_text())
    r = sqlite_service.client.post(
        f"/v1/optimization?iterations=200&engine={engine}",
        json=problem,
        headers=sqlite_service.auth("coordinator"),
    )
    assert r.status_code == 200, r.text
    sol = r.json()
    assert sol["code"] == 0 and sol["summary"]["cost"] == 5461 and sol["unassigned"] == []
    arrivals = [(s["type"], s.get("id"), s["arrival"]) for s in sol["routes"][0]["steps"]]
    assert arrivals == [("start", None, 0), ("job", 1414, 2104), ("job", 1515, 4359), ("end", None, 5461)]


def test_unreadable_problem_is_422(sqlite_service):  # noqa: F811
    """A problem SIAGA cannot read (no matrices, or malformed ones) is a 422 problem, not a 500."""
    c, auth = sqlite_service.client, sqlite_service.auth("coordinator")
    bad = json.loads((DATA_DIR / "vroom_bad.json").read_text())
    for problem in (
        bad,
        {},
        {"vehicles": [{"id": 1}], "jobs": [{"id": 1, "location_index": 0}], "matrix": "x"},
    ):
        r = c.post("/v1/optimization", json=problem, headers=auth)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
