"""The same answers on SQLite and PostgreSQL for text PostgreSQL cannot store or that overflowed its
columns: control characters are 422 at the edge, and every length the schema allows is stored."""

from __future__ import annotations

import json

import pytest

from ..api_fixtures import SMALL_STUDY, scenario_document, service  # noqa: F401 - fixtures

JSON = {"Content-Type": "application/json"}


def _error(r) -> str:
    assert r.status_code == 422, r.text[:400]
    doc = r.json()
    assert doc["type"].endswith("validation") and doc["errors"], doc
    return json.dumps(doc["errors"])


def test_a_nul_in_the_path_or_query_is_422(service):  # noqa: F811
    """`/v1/jobs/%00` and a NUL in the query are 422 naming where, not a database error."""
    c, auth = service.client, service.auth("viewer")
    assert '"in": "path"' in _error(c.get("/v1/jobs/%00", headers=auth))
    assert '"in": "query"' in _error(c.get("/v1/jobs?status=%00", headers=auth))
    assert "U+0007" in _error(c.get("/v1/scenarios/a%07b", headers=auth))


@pytest.mark.parametrize(
    ("path", "role", "body"),
    [
        ("/v1/keys", "admin", {"role": "viewer", "name": "ka\x00"}),
        ("/v1/incidents", "coordinator", {"scenario_id": "x", "name": "banjir\x00"}),
        ("/v1/plans", "coordinator", {"scenario_id": "x\x00"}),
    ],
    ids=["key-name", "incident-name", "plan-scenario-id"],
)
def test_a_nul_in_a_body_string_is_422(service, path, role, body):  # noqa: F811
    """A NUL in any string of a request body is 422 with its pointer, on both databases."""
    assert "U+0000" in _error(service.client.post(path, json=body, headers=service.auth(role)))


def test_a_nul_in_a_scenario_is_422_at_its_pointer(service):  # noqa: F811
    """A scenario document with a NUL in its name and an escape in an area's name: 422, one error
    per string, each at its JSON pointer."""
    doc = scenario_document()
    doc["name"], doc["areas"][1]["name"] = "Banjir\x00", "Desa\x1bB"
    r = service.client.post("/v1/scenarios", json=doc, headers=service.auth("admin"))
    assert r.status_code == 422, r.text
    pointers = {e["pointer"]: e["detail"] for e in r.json()["errors"]}
    assert "U+0000" in pointers["/name"] and "U+001B" in pointers["/areas/1/name"]


def test_control_characters_in_an_update_payload_and_header_are_422(service):  # noqa: F811
    """An incident update with a NUL inside its payload, and an Idempotency-Key with a control
    character, are 422; no row is written."""
    c, auth = service.client, service.auth("coordinator")
    incident = c.post("/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth).json()
    url = f"/v1/incidents/{incident['id']}/updates"
    update = {"kind": "road_closed", "payload": {"edge": "e_ab\x00"}}
    assert "/payload/edge" in _error(c.post(url, json=update, headers=auth))
    key = {**auth, "Idempotency-Key": "retry\x01"}
    good = {"kind": "road_closed", "payload": {"edge": "e_ab"}}
    assert '"in": "header"' in _error(c.post(url, json=good, headers=key))
    assert c.get(f"/v1/incidents/{incident['id']}", headers=auth).json()["updates"] == []


def test_nan_and_infinity_in_a_body_are_422(service):  # noqa: F811
    """The JSON literals NaN and Infinity (which Python's parser takes) are 422 in any body."""
    c, auth = service.client, service.auth("coordinator")
    body = b'{"scenario_id": "x", "time_limit": Infinity}'
    assert "time_limit" in _error(c.post("/v1/plans", content=body, headers={**auth, **JSON}))
    incident = c.post("/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth).json()
    update = b'{"kind": "road_degraded", "payload": {"edge": "e_ab", "speed_factor": NaN}}'
    url = f"/v1/incidents/{incident['id']}/updates"
    assert "/payload/speed_factor" in _error(c.post(url, content=update, headers={**auth, **JSON}))


def test_every_length_the_schema_allows_is_stored(service):  # noqa: F811
    """A scenario name of 2,000 characters and a key name of 200 are stored on both databases, and
    that key's updates are recorded (its actor, name plus prefix, fits its column)."""
    c = service.client
    doc = {**scenario_document(), "name": "n" * 2000}
    r = c.post("/v1/scenarios", json=doc, headers=service.auth("admin"))
    assert r.status_code == 201 and r.json()["name"] == "n" * 2000, r.text[:300]
    long_name = {"role": "coordinator", "name": "k" * 200}
    created = c.post("/v1/keys", json=long_name, headers=service.auth("admin"))
    assert created.status_code == 201, created.text
    auth = {"Authorization": f"Bearer {created.json()['key']}"}
    incident = c.post("/v1/incidents", json={"scenario_id": r.json()["id"], "name": "i" * 500}, headers=auth)
    assert incident.status_code == 201, incident.text
    update = {"kind": "road_closed", "payload": {"edge": "e_ab"}, "replan": {"time_limit": 1}}
    sent = c.post(f"/v1/incidents/{incident.json()['id']}/updates", json=update, headers=auth)
    assert sent.status_code == 202, sent.text
    stored = c.get(f"/v1/incidents/{incident.json()['id']}", headers=auth).json()["updates"][0]
    assert stored["actor"].startswith("k" * 200)


def test_a_nul_in_a_study_is_422(service):  # noqa: F811
    """A study spec whose name holds a NUL is 422 at `/name` on both databases, before it is stored."""
    spec = {**SMALL_STUDY, "name": "Studi\x00"}
    r = service.client.post("/v1/studies", json=spec, headers=service.auth("coordinator"))
    assert "/name" in _error(r)


def test_an_update_field_its_kind_does_not_take_is_422(service):  # noqa: F811
    """A new update whose payload holds a field its kind does not take (here 19 kB of it) is 422 at
    that field, and the append-only log keeps nothing of it."""
    c, auth = service.client, service.auth("coordinator")
    incident = c.post("/v1/incidents", json={"scenario_id": service.scenario()}, headers=auth).json()
    url = f"/v1/incidents/{incident['id']}/updates"
    update = {"kind": "road_closed", "payload": {"edge": "e_ab", "junk": "x" * 19_000}}
    assert '"/payload/junk"' in _error(c.post(url, json=update, headers=auth))
    assert c.get(f"/v1/incidents/{incident['id']}", headers=auth).json()["updates"] == []
