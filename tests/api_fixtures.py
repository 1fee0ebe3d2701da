"""Fixtures for the HTTP API tests: a running app (lifespan, job runner) on a fresh database, with one
API key per role. Test modules import the fixtures they use from here."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.db.migrate import upgrade
from api.http.db.session import make_engine, make_sessionmaker
from api.http.security import create_key
from api.http.settings import Settings
from scenarios import load_scenario

DATA_DIR = Path(__file__).parent / "data"
SMALL_STUDY: dict[str, Any] = {  # a study of two generated hazard scenarios and one option
    "id": "kecil",
    "name": "Studi kecil",
    "scenario_set": {"kind": "kaltim-hazards", "n": 2, "seed": 3},
    "commodities": [{"id": "beras", "unit_cost": 13000}],
    "options": [{"id": "status-quo", "name": "Status quo", "from_scenario": True}],
}
TERMINAL = ("succeeded", "failed", "cancelled")


def make_keys(database_url: str) -> dict[str, str]:
    """One key per role in a migrated database: {role: key text}."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as s:
            keys = {
                role: create_key(s, role, f"test {role}")[1] for role in ("viewer", "coordinator", "admin")
            }
            s.commit()
    finally:
        engine.dispose()
    return keys


def scenario_document(name: str = "tiny_flood") -> dict[str, Any]:
    """A fixture scenario of tests/data as the API's JSON document."""
    return json.loads(load_scenario(DATA_DIR / name).model_dump_json())


@dataclass
class Service:
    """The app under test: `client` (lifespan running) and `keys` by role."""

    client: TestClient
    keys: dict[str, str]
    settings: Settings
    created: dict[str, str] = field(default_factory=dict)

    def auth(self, role: str = "admin", **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}", **headers}

    def wait_job(self, job_id: str, timeout: float = 60.0, role: str = "viewer") -> dict[str, Any]:
        """Poll the job until it ends (or fail the test at `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/v1/jobs/{job_id}", headers=self.auth(role)).json()
            if job["status"] in TERMINAL:
                return job
            time.sleep(0.2)
        pytest.fail(f"job {job_id} did not end within {timeout} s: {job}")

    def scenario(self, name: str = "tiny_flood") -> str:
        """Store a fixture scenario (once per service); its id."""
        if name not in self.created:
            r = self.client.post("/v1/scenarios", json=scenario_document(name), headers=self.auth("admin"))
            assert r.status_code == 201, r.text
            self.created[name] = r.json()["id"]
        return self.created[name]


def start_service(database_url: str, **limits: Any) -> Iterator[Service]:
    settings = Settings(database_url=database_url, **limits)
    keys = make_keys(database_url)
    with TestClient(create_app(settings)) as client:
        yield Service(client, keys, settings)


@pytest.fixture
def service(database_url) -> Iterator[Service]:
    """The app on a fresh database (SQLite and PostgreSQL), its job runner running."""
    yield from start_service(database_url, poll_interval_s=0.1)


@pytest.fixture
def sqlite_service(tmp_path) -> Iterator[Service]:
    """The app on a fresh SQLite file, with small limits (body 200 kB, 5 areas, 10 vehicles, 5 s)."""
    yield from start_service(
        f"sqlite:///{tmp_path / 'api.db'}",
        poll_interval_s=0.1,
        max_body_bytes=200_000,
        max_areas=5,
        max_vehicles=10,
        max_time_limit_s=5.0,
    )
