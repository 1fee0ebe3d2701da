"""Schemathesis against the app's own OpenAPI document (fetched from /v1/openapi.json), in-process
(ASGI), with an admin key and with a coordinator key, on SQLite and on PostgreSQL: no answer is a
5xx, and every answer conforms to the document (status, content type, headers, body schema),
unauthenticated calls included (`ignored_auth`). The database holds
a scenario, a finished plan and an incident, and their ids are the path parameters' examples, so reads
of real resources are checked too, not only 404s."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.http.app import create_app
from api.http.settings import Settings

from ...api_fixtures import SMALL_STUDY, Service, make_keys
from ...conftest import fresh_database

pytestmark = pytest.mark.slow  # every test here takes seconds (deselect with -m 'not slow')

schemathesis.experimental.OPEN_API_3_1.enable()  # FastAPI writes OpenAPI 3.1
EXAMPLES = 20  # per operation and role: 29 operations x 2 roles x 2 databases in about 2 minutes


def _seed(svc: Service) -> dict[str, str]:
    """A scenario, its finished plan, an incident with one update and a finished small study:
    {path parameter: id}."""
    c, auth = svc.client, svc.auth
    scenario_id = svc.scenario()
    job = c.post("/v1/plans", json={"scenario_id": scenario_id, "time_limit": 1}, headers=auth()).json()
    job = svc.wait_job(job["id"])
    incident = c.post("/v1/incidents", json={"scenario_id": scenario_id}, headers=auth()).json()
    update = {"kind": "people_changed", "payload": {"area": "desa_a", "people": {"umum": 900}}}
    c.post(f"/v1/incidents/{incident['id']}/updates", json=update, headers=auth())
    vehicle = c.get(f"/v1/plans/{job['plan_id']}", headers=auth()).json()["trips"][0]["vehicle"]
    study = c.post("/v1/studies", json=SMALL_STUDY, headers=auth()).json()
    assert svc.wait_job(study["job_id"])["status"] == "succeeded"
    return {
        "study_id": study["id"],
        "scenario_id": scenario_id,
        "plan_id": job["plan_id"],
        "job_id": job["id"],
        "incident_id": incident["id"],
        "vehicle": vehicle,
    }


def _with_examples(raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The document with the seeded ids as examples of the path parameters of the same name."""
    raw = copy.deepcopy(raw)
    for item in raw["paths"].values():
        for operation in item.values():
            for p in operation.get("parameters", []):
                if p.get("in") == "path" and p["name"] in ids:
                    p["example"] = ids[p["name"]]
    return raw


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory) -> Iterator[tuple[Service, dict[str, str]]]:
    """A running app on a fresh SQLite or PostgreSQL database (solves capped at 1 s), seeded. The
    invalid keys `ignored_auth` sends are not rate-limited here (429 is documented, but would hide
    the answers the check is after)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("schemathesis")) as url:
        settings = Settings(
            database_url=url,
            max_time_limit_s=1.0,
            max_body_bytes=100_000,
            workers=1,
            auth_failures_max=1_000_000,
        )
        app = create_app(settings)
        keys = make_keys(url)
        with TestClient(app) as client:
            svc = Service(client, keys, app.state.settings)
            yield svc, _seed(svc)


def _without_lifespan(app: Any) -> Any:
    """`app` for Schemathesis, whose ASGI client opens a client (and so the app's lifespan) per call:
    startup and shutdown are answered here, so every call reaches the one running service (its job
    runner, database and workers) instead of starting another and leaving the first behind."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return wrapped


@pytest.fixture(scope="module")
def api_schema(seeded):
    """The app's OpenAPI document as served, with the seeded ids as path examples."""
    svc, ids = seeded
    raw = svc.client.get("/v1/openapi.json", headers=svc.auth("viewer")).json()
    return schemathesis.from_dict(_with_examples(raw, ids), app=_without_lifespan(svc.client.app))


schema = schemathesis.from_pytest_fixture("api_schema")


def _conforms(case, svc: Service, role: str) -> None:
    headers = svc.auth(role)
    response = case.call(headers=headers)
    case.validate_response(response, headers=headers)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_as_admin(case, seeded):
    """With an admin key: no 5xx, and the status, content type, headers and body of each answer are
    in the document, on SQLite and PostgreSQL."""
    _conforms(case, seeded[0], "admin")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_as_coordinator(case, seeded):
    """With a coordinator key (403 on the admin routes): the same, on SQLite and PostgreSQL."""
    _conforms(case, seeded[0], "coordinator")
