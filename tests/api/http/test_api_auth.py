"""Every route's key and role, enumerated from the app: a route added without a role dependency, or
missing from the table below, fails here."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from api.http.app import create_app
from api.http.settings import Settings

from ...api_fixtures import sqlite_service  # noqa: F401 - fixture

ROLES = ("viewer", "coordinator", "admin")
ROUTE_ROLES: dict[tuple[str, str], str | None] = {
    ("GET", "/health"): None,
    ("GET", "/metrics"): "viewer",
    ("GET", "/v1/openapi.json"): "viewer",
    ("POST", "/v1/keys"): "admin",
    ("GET", "/v1/keys"): "admin",
    ("DELETE", "/v1/keys/{key_id}"): "admin",
    ("POST", "/v1/scenarios"): "admin",
    ("GET", "/v1/scenarios"): "viewer",
    ("GET", "/v1/scenarios/{scenario_id}"): "viewer",
    ("POST", "/v1/plans"): "coordinator",
    ("GET", "/v1/plans/{plan_id}"): "viewer",
    ("GET", "/v1/plans/{plan_id}.geojson"): "viewer",
    ("GET", "/v1/plans/{plan_id}.xlsx"): "viewer",
    ("GET", "/v1/plans/{plan_id}/shipments.csv"): "viewer",
    ("GET", "/v1/plans/{plan_id}/unmet.csv"): "viewer",
    ("GET", "/v1/plans/{plan_id}/dispatch"): "viewer",
    ("GET", "/v1/plans/{plan_id}/dispatch/{vehicle}"): "viewer",
    ("GET", "/v1/jobs"): "viewer",
    ("GET", "/v1/jobs/{job_id}"): "viewer",
    ("DELETE", "/v1/jobs/{job_id}"): "coordinator",
    ("GET", "/v1/jobs/{job_id}/events"): "viewer",
    ("POST", "/v1/incidents"): "coordinator",
    ("GET", "/v1/incidents"): "viewer",
    ("GET", "/v1/incidents/{incident_id}"): "viewer",
    ("POST", "/v1/incidents/{incident_id}/updates"): "coordinator",
    ("POST", "/v1/optimization"): "coordinator",
    ("POST", "/v1/studies"): "coordinator",
    ("GET", "/v1/studies"): "viewer",
    ("GET", "/v1/studies/bundled"): "viewer",
    ("GET", "/v1/studies/{study_id}"): "viewer",
    ("GET", "/"): None,  # the dashboard page and its files: no key (the page asks for one)
    ("GET", "/dashboard/{asset}"): None,
    ("GET", "/v1/dashboard/boundaries"): "viewer",
    ("GET", "/v1/dashboard/bundled"): "viewer",
    ("POST", "/v1/dashboard/bundled/{name}"): "coordinator",
    ("GET", "/v1/dashboard/scenarios/{scenario_id}/map"): "viewer",
}


def _declared_roles(route: APIRoute) -> list[str]:
    """The roles of the `require(role)` dependencies anywhere in the route's dependency tree."""
    found, stack = [], [route.dependant]
    while stack:
        dep = stack.pop()
        if getattr(dep.call, "role", None) is not None:
            found.append(dep.call.role)
        stack.extend(dep.dependencies)
    return found


def _routes() -> list[tuple[str, str, BaseRoute]]:
    """(method, path, route) of every route the app answers, routers included (FastAPI keeps
    included routers as branches of `app.routes`; `iter_route_contexts` walks them)."""
    app = create_app(Settings(database_url="sqlite://"))
    out = []
    for ctx in iter_route_contexts(app.routes):
        for method in sorted(ctx.methods or {"?"}):
            if method != "HEAD":
                path = re.sub(r"\{(\w+):\w+\}", r"{\1}", ctx.path or "?")
                out.append((method, path, ctx.original_route))
    return out


def test_every_route_is_listed_with_its_role():
    """Each route of the app is in ROUTE_ROLES (and each entry is a route), and declares exactly the
    listed role through a `require(role)` dependency (/health and the dashboard's page declare none)."""
    seen = set()
    for method, path, route in _routes():
        assert (method, path) in ROUTE_ROLES, f"{method} {path}: a new route? list it with its role"
        assert isinstance(route, APIRoute), f"{method} {path} is not an APIRoute"
        expected = ROUTE_ROLES[(method, path)]
        assert _declared_roles(route) == ([expected] if expected else []), f"{method} {path}"
        seen.add((method, path))
    assert seen == set(ROUTE_ROLES)


def _url(path: str) -> str:
    if path == "/dashboard/{asset}":
        return "/dashboard/index.html"
    return re.sub(r"\{\w+\}", "x", path)


@pytest.mark.parametrize(("method", "path"), sorted(ROUTE_ROLES))
def test_route_answers_by_key_and_role(sqlite_service, method, path):  # noqa: F811
    """No key or a bad key: 401 (problem+json, WWW-Authenticate); a key one role too low: 403; the
    listed role (or higher): neither. /health and the dashboard page need no key."""
    c, auth = sqlite_service.client, sqlite_service.auth
    role = ROUTE_ROLES[(method, path)]
    kwargs = {"json": {}} if method == "POST" else {}
    url = _url(path)
    if role is None:
        assert c.request(method, url, **kwargs).status_code == 200
        return
    for headers in ({}, {"Authorization": "Bearer siaga_000000000000_nope"}, {"Authorization": "Basic eDp5"}):
        r = c.request(method, url, headers=headers, **kwargs)
        assert r.status_code == 401, (headers, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"].startswith("Bearer")
    rank = ROLES.index(role)
    if rank > 0:
        r = c.request(method, url, headers=auth(ROLES[rank - 1]), **kwargs)
        assert r.status_code == 403, r.text
        assert r.json()["status"] == 403
    for allowed in ROLES[rank:]:
        r = c.request(method, url, headers=auth(allowed), **kwargs)
        assert r.status_code not in (401, 403), (allowed, r.text)


def test_revoked_key_is_refused(sqlite_service):  # noqa: F811
    """An admin creates a key over HTTP, it works, the admin revokes it, then it answers 401."""
    c, auth = sqlite_service.client, sqlite_service.auth
    r = c.post("/v1/keys", json={"role": "viewer", "name": "field app"}, headers=auth("admin"))
    assert r.status_code == 201
    created = r.json()
    assert created["key"].startswith(f"siaga_{created['prefix']}_")
    viewer = {"Authorization": f"Bearer {created['key']}"}
    assert c.get("/v1/jobs", headers=viewer).status_code == 200
    listed = c.get("/v1/keys", headers=auth("admin")).json()
    assert created["id"] in {k["id"] for k in listed["data"]} and "key" not in listed["data"][0]
    assert c.delete(f"/v1/keys/{created['id']}", headers=auth("admin")).json()["revoked"] is True
    assert c.get("/v1/jobs", headers=viewer).status_code == 401


def test_keys_are_stored_hashed(sqlite_service):  # noqa: F811
    """The database holds a key's prefix and the SHA-256 of its secret, never the secret itself."""
    import hashlib

    from sqlalchemy import select

    from api.http.db.models import ApiKey

    key = sqlite_service.keys["viewer"]
    prefix, secret = key[len("siaga_") :].split("_", 1)
    with sqlite_service.client.app.state.sessions() as s:
        rows = s.scalars(select(ApiKey)).all()
    stored = {r.prefix: r.secret_hash for r in rows}
    assert stored[prefix] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in (r.secret_hash, r.prefix, r.name) for r in rows)


@pytest.mark.slow
def test_keys_create_command(tmp_path):
    """`siaga keys create --role R --name N` migrates the database of SIAGA_DATABASE_URL and prints a
    key that the service accepts with that role; an unknown role exits 2."""
    import os
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    url = f"sqlite:///{tmp_path / 'keys.db'}"
    env = {**os.environ, "SIAGA_DATABASE_URL": url}
    cmd = [sys.executable, "-m", "api", "keys", "create"]
    done = subprocess.run(
        [*cmd, "--role", "coordinator", "--name", "posko"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("siaga_") and "\n" not in key
    bad = subprocess.run([*cmd, "--role", "root"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "root" in bad.stderr
    with TestClient(create_app(Settings(database_url=url))) as c:
        headers = {"Authorization": f"Bearer {key}"}
        assert c.get("/v1/jobs", headers=headers).status_code == 200
        assert c.post("/v1/keys", json={"role": "viewer"}, headers=headers).status_code == 403
