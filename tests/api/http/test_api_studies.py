"""Stockpile studies over HTTP: a study spec (or a bundled study's name) is checked, queued as a job,
run in a worker process and stored as study.json; on SQLite and PostgreSQL (the `database_url`
fixture). Also: errors as JSON pointers, the scenario cap, cancel, recovery after a server died, and
the migration that adds the table."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from alembic.config import Config

from api.http.db.migrate import MIGRATIONS_DIR, current_revision, upgrade
from api.http.db.models import Job, StudyRecord, new_id, utcnow
from api.http.db.session import make_engine, make_sessionmaker
from api.http.jobs import JobRunner, recover
from api.http.jobs.results import finite
from api.http.settings import Settings
from api.reports.study import study_document
from optimizer.study import StudySpec, run_study
from scenarios import load_scenario_set

from ...api_fixtures import SMALL_STUDY, Service, service, start_service  # noqa: F401 - fixtures

STUDIES = Path(__file__).parents[2] / "data" / "studies"
SMALL_N = 6


def bundled_spec(svc: Service, n: int | None = SMALL_N) -> dict[str, Any]:
    """The bundled kaltim-stockpile spec from GET /v1/studies/bundled, with `n` scenarios (None: as
    bundled) and 2 folds."""
    r = svc.client.get("/v1/studies/bundled", headers=svc.auth("viewer"))
    assert r.status_code == 200, r.text
    specs = {s["name"]: s["spec"] for s in r.json()["data"]}
    spec = copy.deepcopy(specs["kaltim-stockpile"])
    if n is not None:
        spec["scenario_set"]["n"] = n
    spec["optimise"]["folds"] = 2
    return spec


def in_process(spec: dict[str, Any]) -> dict[str, Any]:
    """study.json of `spec` run here, without the service, as the database gives it back."""
    validated = StudySpec.model_validate(spec)
    result = run_study(validated, load_scenario_set(validated.scenario_set))
    return json.loads(json.dumps(finite(study_document(result))))


@pytest.mark.slow
def test_study_flow_by_http(service):  # noqa: F811
    """A coordinator posts a small study (the bundled spec with 6 scenarios) and gets 202 with the
    study, its job and Location; the job runs it; GET gives study.json (siaga-study/1) with exactly
    the per-option numbers, ranking and recommendation of run_study in-process; the list shows it,
    newest first, succeeded. The same Idempotency-Key replays the answer and queues nothing more; a
    viewer may not post (403)."""
    c, auth = service.client, service.auth
    spec = bundled_spec(service)
    assert c.post("/v1/studies", json=spec, headers=auth("viewer")).status_code == 403
    r = c.post("/v1/studies", json=spec, headers=auth("coordinator", **{"Idempotency-Key": "s-1"}))
    assert r.status_code == 202, r.text
    accepted = r.json()
    assert r.headers["location"] == f"/v1/studies/{accepted['id']}"
    assert accepted["study_id"] == "kaltim-stockpile" and accepted["status"] == "queued"
    job = accepted["job"]
    assert job["kind"] == "study" and job["id"] == accepted["job_id"]
    assert job["links"]["self"] == f"/v1/jobs/{job['id']}"
    assert job["links"]["study"] == r.headers["location"]
    again = c.post("/v1/studies", json=spec, headers=auth("coordinator", **{"Idempotency-Key": "s-1"}))
    assert again.status_code == 202 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == accepted

    done = service.wait_job(job["id"], timeout=90)
    assert done["status"] == "succeeded", done
    assert done["progress"] == 1.0 and done["plan_id"] is None
    study = c.get(r.headers["location"], headers=auth("viewer")).json()
    assert study["status"] == "succeeded" and study["reason"] is None
    assert study["spec"]["scenario_set"] == {"kind": "kaltim-hazards", "n": SMALL_N, "seed": 7}
    doc = study["document"]
    assert doc["format"] == "siaga-study/1"
    assert doc["study"]["scenario_set"]["n_scenarios"] == SMALL_N

    expected = in_process(spec)
    assert [o["id"] for o in doc["options"]] == [o["id"] for o in expected["options"]]
    assert doc["options"] == expected["options"]  # stock, cost, metrics, per scenario, rank
    assert doc["recommendation"] == expected["recommendation"]
    assert {o["kind"] for o in doc["options"]} == {"given", "optimised"}

    listed = c.get("/v1/studies", headers=auth("viewer")).json()
    assert listed["count"] == 1
    assert listed["data"][0] == {k: study[k] for k in listed["data"][0]}
    assert set(listed["data"][0]) >= {"id", "study_id", "name", "status", "created_at", "job_id"}


@pytest.mark.slow
def test_bad_specs_are_422_with_json_pointers(service):  # noqa: F811
    """Each malformed study (the CLI's bad fixtures, and what only the API checks: the scenario
    set's kind, parameters and `path`, sites and commodities the scenarios lack, unknown bundled
    names) is a 422 problem whose errors point at the field; nothing is queued. An unknown study is
    404 (problem+json)."""
    c, auth = service.client, service.auth
    spec = bundled_spec(service)
    fixtures = {
        "bad_unknown_commodity.yaml": "/options/0/stock/0/commodity",
        "bad_duplicate_site.yaml": "/sites",
        "bad_no_commodities.yaml": "/commodities",
        "bad_negative_units.yaml": "/options/0/stock/0/units",
        "bad_set_kind.yaml": "/scenario_set/kind",
    }
    cases: list[tuple[Any, str]] = [
        (yaml.safe_load((STUDIES / name).read_text()), pointer) for name, pointer in fixtures.items()
    ]
    moved = copy.deepcopy(spec)
    moved["options"][1]["stock"][0]["units"] = "many"
    emas = {"id": "emas", "unit_cost": 1}  # gold: not a commodity of the scenarios
    cases += [
        (moved, "/options/1/stock/0/units"),
        ({**spec, "scenario_set": {"kind": "gulf-coast", "path": "/etc"}}, "/scenario_set/path"),
        ({**spec, "scenario_set": {"kind": "kaltim-hazards", "n": 0, "seed": 1}}, "/scenario_set/n"),
        ({**spec, "scenario_set": {"kind": "kaltim-hazards", "n": 5}}, "/scenario_set/seed"),
        ({**spec, "commodities": [*spec["commodities"], emas]}, "/commodities/8/id"),
        ({**spec, "sites": [*spec["sites"], {"id": "gudang_baru"}]}, f"/sites/{len(spec['sites'])}/id"),
        ({**spec, "surprise": 1}, "/surprise"),
        ({"bundled": "no-such-study"}, "/bundled"),
        ([spec], ""),
    ]  # fmt: skip
    for body, pointer in cases:
        r = c.post("/v1/studies", json=body, headers=auth("coordinator"))
        assert r.status_code == 422, (pointer, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["type"].endswith("/validation") and problem["instance"] == "/v1/studies"
        assert pointer in [e["pointer"] for e in problem["errors"]], (pointer, problem)
    assert c.get("/v1/studies", headers=auth("viewer")).json()["count"] == 0
    assert c.get("/v1/jobs", headers=auth("viewer")).json()["count"] == 0
    r = c.get("/v1/studies/nope", headers=auth("viewer"))
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "No study with id 'nope'."


@pytest.fixture
def capped_service(tmp_path) -> Iterator[Service]:
    """The app on SQLite with studies capped at 10 scenarios."""
    yield from start_service(f"sqlite:///{tmp_path / 'api.db'}", poll_interval_s=0.1, max_study_scenarios=10)


def test_scenario_count_is_capped_by_the_settings(capped_service):
    """More scenarios than SIAGA_MAX_STUDY_SCENARIOS is 422 at /scenario_set/n, for a posted spec
    and for a bundled study (200 scenarios) alike; the gulf-coast set's 15 too."""
    c, auth = capped_service.client, capped_service.auth
    spec = bundled_spec(capped_service, n=11)
    r = c.post("/v1/studies", json=spec, headers=auth("coordinator"))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/scenario_set/n", r.text
    assert "above the limit 10" in r.json()["errors"][0]["detail"]
    r = c.post("/v1/studies", json={"bundled": "kaltim-stockpile"}, headers=auth("coordinator"))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/scenario_set/n", r.text
    gulf = yaml.safe_load((STUDIES / "gulf_coast.yaml").read_text())
    r = c.post("/v1/studies", json=gulf, headers=auth("coordinator"))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/scenario_set", r.text
    assert c.get("/v1/studies", headers=auth("viewer")).json()["count"] == 0


@pytest.mark.slow
def test_cancel_a_running_study(service):  # noqa: F811
    """The bundled study posted by name (200 scenarios) runs as a job with progress in stages;
    DELETE /v1/jobs/{id} while it builds its cases cancels it at once: the job and the study read
    cancelled, with no document."""
    c, auth = service.client, service.auth
    r = c.post("/v1/studies", json={"bundled": "kaltim-stockpile"}, headers=auth("coordinator"))
    assert r.status_code == 202, r.text
    study_url, job_url = r.headers["location"], r.json()["job"]["links"]["self"]
    assert c.get(study_url, headers=auth("viewer")).json()["spec"]["scenario_set"]["n"] == 200
    end = time.monotonic() + 60
    while True:
        job = c.get(job_url, headers=auth("viewer")).json()
        if job["status"] == "running" and job["stage"] in ("cases", "optimise", "evaluate"):
            break
        assert job["status"] in ("queued", "running") and time.monotonic() < end, job
        time.sleep(0.1)
    assert 0 < job["progress"] < 1
    r = c.delete(job_url, headers=auth("coordinator"))
    assert r.status_code == 202, r.text
    job = service.wait_job(job["id"], timeout=20)
    assert job["status"] == "cancelled" and job["reason"] == "cancelled by request"
    study = c.get(study_url, headers=auth("viewer")).json()
    assert study["status"] == "cancelled" and study["document"] is None
    assert study["reason"] == "cancelled by request"
    listed = c.get("/v1/studies", headers=auth("viewer")).json()["data"]
    assert [(s["id"], s["status"]) for s in listed] == [(study["id"], "cancelled")]
    assert c.delete(job_url, headers=auth("coordinator")).status_code == 409


@pytest.mark.slow
def test_a_study_job_left_running_by_a_dead_server_is_rerun(database_url):
    """A study job `running` without a heartbeat (its server died) is re-queued by recovery like a
    plan job, and the next job runner runs it again (attempt 2) to success with its study.json. A
    study whose stored spec no longer validates fails with a short reason instead."""
    upgrade(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    spec = copy.deepcopy(SMALL_STUDY)
    stale = utcnow() - timedelta(minutes=5)
    job_id = new_id()
    with sessions.begin() as s:
        s.add(
            Job(
                id=job_id,
                kind="study",
                status="running",
                attempt=1,
                params={"study_id": "st1"},
                started_at=stale,
                heartbeat_at=stale,
            )
        )
        s.flush()
        s.add(StudyRecord(id="st1", study_id="kecil", name="Studi kecil", spec=spec, job_id=job_id))
        s.add(Job(id="bad-job", kind="study", params={"study_id": "st2"}))
        s.flush()
        s.add(StudyRecord(id="st2", study_id="rusak", name="Rusak", spec={"id": "rusak"}, job_id="bad-job"))
    settings = Settings(database_url=database_url, workers=1, poll_interval_s=0.05, job_max_attempts=2)
    assert recover(settings, sessions) == {job_id: "queued"}
    runner = JobRunner(settings, sessions)
    runner.start()
    try:
        end = time.monotonic() + 60
        while {_get(sessions, Job, i).status for i in (job_id, "bad-job")} & {"queued", "running"}:
            assert time.monotonic() < end
            time.sleep(0.1)
    finally:
        runner.stop()
    job = _get(sessions, Job, job_id)
    assert job.status == "succeeded" and job.attempt == 2, job.reason
    document = _get(sessions, StudyRecord, "st1").document
    assert document["format"] == "siaga-study/1"
    assert [o["id"] for o in document["options"]] == ["status-quo"]
    bad = _get(sessions, Job, "bad-job")
    assert bad.status == "failed" and bad.reason.startswith("study st2 no longer validates: name:"), (
        bad.reason
    )
    assert _get(sessions, StudyRecord, "st2").document is None
    engine.dispose()


def _get(sessions, model, key):
    with sessions() as s:
        return s.get(model, key)


def test_migration_0002_adds_studies_and_the_jobs_incident_index(database_url):
    """A database at 0001 keeps its rows through 0002, which adds the studies table and the index
    on jobs.incident_id; downgrading to 0001 removes both again."""
    upgrade(database_url, "0001_initial")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into jobs (id, kind, status, params, progress, attempt, cancel_requested, "
                "created_at) values ('j1', 'plan', 'queued', '{}', 0, 0, false, :now)"
            ),
            {"now": utcnow()},
        )
    upgrade(database_url, "0002_studies")
    assert current_revision(database_url) == "0002_studies"
    inspector = sa.inspect(engine)
    assert "studies" in inspector.get_table_names()
    assert "ix_jobs_incident_id" in {i["name"] for i in inspector.get_indexes("jobs")}
    with engine.connect() as conn:
        assert conn.execute(sa.text("select kind from jobs where id = 'j1'")).scalar() == "plan"
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_initial")
        conn.commit()
    inspector = sa.inspect(engine)
    assert "studies" not in inspector.get_table_names()
    assert "ix_jobs_incident_id" not in {i["name"] for i in inspector.get_indexes("jobs")}
    engine.dispose()
    assert current_revision(database_url) == "0001_initial"
