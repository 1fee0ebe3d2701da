"""Errors as RFC 9457 problem documents, the body and size limits (413, 422), and Idempotency-Key
replay and conflict."""

from __future__ import annotations

import copy

import pytest

from api.http.db.models import Incident, Job
from api.http.idempotency import Idempotency

from ...api_fixtures import scenario_document, service, sqlite_service  # noqa: F401 - fixtures

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert set(doc) >= PROBLEM_KEYS and doc["status"] == status
    return doc


def test_unknown_route_and_method_are_problems(sqlite_service):  # noqa: F811
    """404 for an unknown path and 405 for a wrong method come as problem documents too."""
    c = sqlite_service.client
    doc = _problem(c.get("/v1/nothing-here"), 404)
    assert doc["instance"] == "/v1/nothing-here" and doc["type"] == "about:blank"
    r = c.put("/v1/plans", headers=sqlite_service.auth())
    _problem(r, 405)
    assert "POST" in r.headers["allow"]
    _problem(c.get("/v1/jobs/no-such-job", headers=sqlite_service.auth("viewer")), 404)


def test_fastapi_validation_errors_point_at_fields(sqlite_service):  # noqa: F811
    """A body that fails the request schema: 422 with one error per field, each a JSON pointer."""
    c, auth = sqlite_service.client, sqlite_service.auth
    r = c.post("/v1/plans", json={"time_limit": -1, "engine": "x"}, headers=auth("coordinator"))
    doc = _problem(r, 422)
    pointers = {e["pointer"] for e in doc["errors"]}
    assert pointers == {"/scenario_id", "/time_limit", "/engine"}
    assert all(e["in"] == "body" and e["detail"] for e in doc["errors"])
    r = c.post(
        "/v1/plans", content=b"{not json", headers=auth("coordinator", **{"Content-Type": "application/json"})
    )
    _problem(r, 422)
    r = c.get("/v1/jobs?limit=0", headers=auth("viewer"))
    assert _problem(r, 422)["errors"] == [
        {"pointer": "/limit", "detail": r.json()["errors"][0]["detail"], "in": "query"}
    ]


def test_a_body_that_is_not_json_is_checked_for_a_key_first(sqlite_service):  # noqa: F811
    """A body that is not JSON fails before the route's dependencies run; the service still answers
    401 without a valid key and 403 without the route's role, and 422 only to a key holder."""
    c, auth = sqlite_service.client, sqlite_service.auth
    json_type = {"Content-Type": "application/json"}
    r = c.post("/v1/plans", content=b"{not json", headers=json_type)
    assert _problem(r, 401)["detail"].startswith("An API key is required")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    bad_key = json_type | {"Authorization": "Bearer siaga_000000000000_nope"}
    _problem(c.post("/v1/plans", content=b"{not json", headers=bad_key), 401)
    r = c.post("/v1/plans", content=b"{not json", headers=auth("viewer", **json_type))
    assert "coordinator role" in _problem(r, 403)["detail"]
    _problem(c.post("/v1/plans", content=b"{not json", headers=auth("coordinator", **json_type)), 422)


def test_scenario_errors_point_into_the_document(sqlite_service):  # noqa: F811
    """Every problem of a scenario document comes back at once, each at its JSON pointer."""
    doc = scenario_document()
    doc["areas"][1]["people"]["lansia"] = -3
    doc["vehicle_types"][0]["capacity_kg"] = "heavy"
    r = sqlite_service.client.post("/v1/scenarios", json=doc, headers=sqlite_service.auth("admin"))
    errors = _problem(r, 422)["errors"]
    pointers = {e["pointer"] for e in errors}
    assert {"/areas/1/people/lansia", "/vehicle_types/0/capacity_kg"} <= pointers
    assert all(isinstance(e["line"], int) for e in errors)


def test_body_over_the_limit_is_413(sqlite_service):  # noqa: F811
    """A body above max_body_bytes is 413, whether Content-Length says so or the stream just grows."""
    c, auth = sqlite_service.client, sqlite_service.auth
    big = b"{" + b" " * 300_000 + b"}"
    headers = auth("admin", **{"Content-Type": "application/json"})
    doc = _problem(c.post("/v1/scenarios", content=big, headers=headers), 413)
    assert "200000" in doc["detail"]

    def chunks():
        for _ in range(30):
            yield b" " * 10_000

    r = c.post("/v1/scenarios", content=chunks(), headers=headers)
    _problem(r, 413)


def test_size_limits_are_422(sqlite_service):  # noqa: F811
    """More areas or vehicles than the service takes, or a time limit above its maximum: 422 at the field."""
    c, auth = sqlite_service.client, sqlite_service.auth
    doc = scenario_document()
    area = doc["areas"][0]
    doc["areas"] += [{**copy.deepcopy(area), "id": f"extra_{i}", "name": f"Extra {i}"} for i in range(4)]
    doc["fleet"][0]["count"] = 11
    errors = _problem(c.post("/v1/scenarios", json=doc, headers=auth("admin")), 422)["errors"]
    assert {e["pointer"] for e in errors} == {"/areas", "/fleet"}
    body = {"scenario_id": sqlite_service.scenario(), "time_limit": 6}
    errors = _problem(c.post("/v1/plans", json=body, headers=auth("coordinator")), 422)["errors"]
    assert errors[0]["pointer"] == "/time_limit"
    r = c.post(
        "/v1/optimization?time_limit=60", json={"vehicles": [], "jobs": []}, headers=auth("coordinator")
    )
    assert _problem(r, 422)["errors"][0]["pointer"] == "/time_limit"


def test_unsupported_upload_type_is_415(sqlite_service):  # noqa: F811
    """A scenario sent as neither JSON, zip nor multipart: 415."""
    r = sqlite_service.client.post(
        "/v1/scenarios",
        content=b"id,name",
        headers=sqlite_service.auth("admin", **{"Content-Type": "text/csv"}),
    )
    _problem(r, 415)


def test_idempotency_key_replays_the_first_response(service):  # noqa: F811
    """The same Idempotency-Key and body return the first response (status, body, Location) without
    creating anything again; the same key with another body is 422; another key holder's same key
    is independent."""
    c, auth = service.client, service.auth
    body = {"scenario_id": service.scenario(), "time_limit": 1}
    h = auth("coordinator", **{"Idempotency-Key": "plan-1"})
    first = c.post("/v1/plans", json=body, headers=h)
    again = c.post("/v1/plans", json=dict(reversed(body.items())), headers=h)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    with c.app.state.sessions() as s:
        assert s.query(Job).count() == 1
    other = _problem(c.post("/v1/plans", json={**body, "seed": 7}, headers=h), 422)
    assert other["errors"][0]["pointer"] == "/idempotency-key"
    admin = c.post("/v1/plans", json=body, headers=auth("admin", **{"Idempotency-Key": "plan-1"}))
    assert admin.status_code == 202 and admin.json()["id"] != first.json()["id"]


@pytest.mark.parametrize(
    ("path", "role", "body"),
    [
        ("/v1/incidents", "coordinator", lambda svc: {"scenario_id": svc.scenario(), "name": "x"}),
        ("/v1/keys", "admin", lambda svc: {"role": "viewer"}),
        ("/v1/scenarios", "admin", lambda svc: scenario_document()),
    ],
)
def test_idempotency_on_every_creating_post(sqlite_service, path, role, body):  # noqa: F811
    """Incidents, keys and scenarios replay their first creation under the same key too; a key's
    replay answers its text null (it is shown once and never stored)."""
    c, auth = sqlite_service.client, sqlite_service.auth
    payload = body(sqlite_service)
    h = auth(role, **{"Idempotency-Key": "k"})
    first, again = (c.post(path, json=payload, headers=h) for _ in range(2))
    expected = {**first.json(), "key": None} if path == "/v1/keys" else first.json()
    assert first.status_code == 201 and again.json() == expected


def test_idempotent_update_posts_once(sqlite_service):  # noqa: F811
    """An incident update retried with its key is stored once and queues one re-plan."""
    c, auth = sqlite_service.client, sqlite_service.auth
    inc = c.post(
        "/v1/incidents", json={"scenario_id": sqlite_service.scenario()}, headers=auth("coordinator")
    )
    update = {"kind": "road_closed", "payload": {"edge": "e_ab"}, "replan": {"time_limit": 1}}
    h = auth("coordinator", **{"Idempotency-Key": "update-1"})
    url = f"/v1/incidents/{inc.json()['id']}/updates"
    first, again = (c.post(url, json=update, headers=h) for _ in range(2))
    assert first.status_code == again.status_code == 202 and first.json() == again.json()
    assert len(c.get(f"/v1/incidents/{inc.json()['id']}", headers=auth("viewer")).json()["updates"]) == 1


def test_concurrent_first_requests_create_once(sqlite_service):  # noqa: F811
    """Two transactions creating with the same key at once: the second commit finds the first's
    record and replays it; only one incident exists."""
    from api.http.idempotency import _Replay

    sessions = sqlite_service.client.app.state.sessions
    scenario_id = sqlite_service.scenario()
    idem = Idempotency("same", "owner", "hash")
    with sessions() as a, sessions() as b:
        a.add(Incident(scenario_id=scenario_id, name="a"))
        b.add(Incident(scenario_id=scenario_id, name="b"))
        idem.commit(a, 201, {"name": "a"})
        with pytest.raises(_Replay) as replay:
            idem.commit(b, 201, {"name": "b"})
        assert replay.value.record.response["body"] == {"name": "a"}
    with sessions() as s:
        assert [i.name for i in s.query(Incident)] == ["a"]


def test_metrics_count_by_route_template(sqlite_service):  # noqa: F811
    """/metrics counts requests under their route template and status, and jobs by status."""
    c, auth = sqlite_service.client, sqlite_service.auth
    c.get("/v1/jobs/abc", headers=auth("viewer"))
    text = c.get("/metrics", headers=auth("viewer")).text
    assert 'siaga_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"} 1.0' in text
    assert (
        'siaga_http_request_duration_seconds_count{method="GET",route="/v1/jobs/{job_id}",status="404"}'
        in text
    )
    assert 'siaga_jobs{status="queued"} 0.0' in text
